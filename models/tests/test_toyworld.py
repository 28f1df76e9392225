import numpy as np

from models import toyworld as tw


def test_deterministic():
    a = tw.build_dataset(40, 3)
    b = tw.build_dataset(40, 3)
    for k in a:
        assert np.array_equal(a[k], b[k]), k
    c = tw.build_dataset(40, 4)
    assert not np.array_equal(a["images"], c["images"])


def test_labels():
    ds = tw.build_dataset(150, 5)
    cls_ids = {tw.WORD2ID[c]: i for i, c in enumerate(tw.CLASSES)}
    col_ids = {tw.WORD2ID[c]: i for i, c in enumerate(tw.COLOR_NAMES)}
    for i in range(150):
        n = ds["nobj"][i]
        assert 1 <= n <= 2
        ids = ds["ids"][i]
        assert ids[0] == tw.BOS and tw.EOS in ids
        assert list(ids) == tw.tokenize(str(ds["captions"][i]))
        assert tw.BG_PHRASE[tw.BACKGROUNDS[ds["bg"][i]]] in str(ds["captions"][i])
        for k in range(n):
            m = ds["masks"][i, k]
            assert m.max() > 0, "every object is visible"
            # token -> object mapping names this object's class (and colour when named)
            toks = [int(ids[p]) for p in range(tw.MAXLEN) if ds["tokobj"][i, p] == k + 1]
            assert [cls_ids[t] for t in toks if t in cls_ids] == [ds["cls"][i, k]]
            cols = [col_ids[t] for t in toks if t in col_ids]
            assert cols == ([ds["color"][i, k]] if ds["color"][i, k] >= 0 else [])
            # fully covered pixels of a solid named object have exactly the palette colour
            if ds["pattern"][i, k] == 0:
                full = m == 255
                if full.sum() > 0:
                    rgb = tw.COLORS[tw.COLOR_NAMES[ds["color"][i, k]]]
                    assert np.abs(ds["images"][i][full].astype(int) - rgb).max() <= 1
        for k in range(n, 3):
            assert ds["cls"][i, k] == -1 and ds["masks"][i, k].max() == 0
        assert (ds["tokobj"][i] > 0).sum() >= n


def test_heldout():
    ds = tw.build_dataset(400, 6, "train", p_custom=0.5)
    for i in range(400):
        for k in range(ds["nobj"][i]):
            if ds["color"][i, k] >= 0:
                pair = (tw.COLOR_NAMES[ds["color"][i, k]], tw.CLASSES[ds["cls"][i, k]])
                assert pair not in tw.HELDOUT_COMBOS
    rng = np.random.default_rng(0)
    for _ in range(200):
        h = tw.random_design(rng, heldout=False)["hue"]
        assert not (tw.HELDOUT_HUE[0] <= h < tw.HELDOUT_HUE[1])
        h = tw.random_design(rng, heldout=True)["hue"]
        assert tw.HELDOUT_HUE[0] <= h < tw.HELDOUT_HUE[1]


def test_area_stats():
    s = tw.area_stats(tw.build_dataset(200, 7))
    assert s["single_object_scenes"]["p75"] > 0.2  # scenes with one large object exist


def _custom_object_colours(ds):
    """number of distinct colours in the fully covered pixels of each uncoloured object"""
    out = []
    for i in range(len(ds["nobj"])):
        for k in range(ds["nobj"][i]):
            full = ds["masks"][i, k] == 255
            if ds["color"][i, k] < 0 and full.sum() >= 20:
                out.append(len(np.unique(ds["images"][i][full].reshape(-1, 3) // 4, axis=0)))
    return out


def test_custom_kinds():
    """restricting the custom designs to solid ones makes every uncoloured object one flat colour;
    by default some are two-tone or textured"""
    solid = _custom_object_colours(tw.build_dataset(200, 8, "train", p_custom=0.5, custom_kinds=("solid",)))
    assert len(solid) > 20 and max(solid) <= 2
    every = _custom_object_colours(tw.build_dataset(200, 8, "train", p_custom=0.5))
    assert len(every) > 20 and np.mean([n > 2 for n in every]) > 0.5
    rng = np.random.default_rng(0)
    assert {tw.random_design(rng, kinds=("stripes", "dots"))["kind"] for _ in range(50)} == {"stripes", "dots"}
