"""Fixed, seeded customization benchmark for `npm run eval` (tools/eval/).

Every case comes from the toy-world generator (models/toyworld/world.py), the single source
of scenes: a prompt with one target word (a class noun with no colour word, e.g. "a star and
a red ball on grass"), a reference instance of the target class drawn alone on a plain
background, and the ground truth the metrics need:

  * the reference design (kind, colours c1/c2) -- drawn with `random_design(heldout=True)`,
    i.e. its first hue lies in HELDOUT_HUE, which training never sees (never-seen instances);
  * the non-target objects (class, named colour, solid), never a HELDOUT_COMBOS pair, so the
    benchmark measures customization, not compositional generalization;
  * the background, plus a colour palette per background type (k-means over rendered
    backgrounds) used to tell background pixels from object pixels in generated images;
  * an oracle scene: the same layout rendered by the generator with the target in the
    reference design (what a perfect method would produce), and the target's visible mask.

Design colours are kept at least `SEPARATION` (RGB distance) from the background palette and
the non-target colours, so "design colour seen outside the target" means leakage and not a
coincidence of palettes.

Output (committed): models/benchmark/cases.jsonl (line 1: {"kind": "meta", ...}; then one
{"kind": "case", ...} per line; JSON Lines so the file is byte-stable without a formatter),
refs/case-NNN.png (the reference), oracle/case-NNN.png and oracle/case-NNN-mask.png.
The first `QUICK` cases form the quick set.

  /usr/bin/python3 -m models.make_benchmark [--out models/benchmark] [--n 200] [--seed 20240301]
"""
import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

from .toyworld import world as tw

N_CASES = 200
QUICK = 20
SEED = 20240301
TAU = 64.0  # RGB distance (0..255 units) for "has this colour"; = models/evaluate.py color_hits thr 0.25
SEPARATION = 1.6 * TAU
PALETTE_K = 6


def _kmeans(x, k, rng, iters=25):
    c = x[rng.choice(len(x), k, replace=False)].astype(np.float64)
    for _ in range(iters):
        d = ((x[:, None, :] - c[None]) ** 2).sum(-1)
        a = d.argmin(1)
        for j in range(k):
            if (a == j).any():
                c[j] = x[a == j].mean(0)
    # keep centres that own at least 1% of the pixels
    d = ((x[:, None, :] - c[None]) ** 2).sum(-1)
    share = np.bincount(d.argmin(1), minlength=k) / len(x)
    return c[share >= 0.01]


def background_palettes(seed=SEED, renders=24):
    """bg name -> list of RGB centres covering its rendered pixels (32x32, anti-aliased)."""
    rng = np.random.default_rng(seed + 1)
    out = {}
    for name in tw.BACKGROUNDS:
        px = np.concatenate([np.asarray(tw._down(tw._background(name, rng)), np.float64).reshape(-1, 3)
                             for _ in range(renders)])
        out[name] = [[round(float(v), 1) for v in c] for c in _kmeans(px, PALETTE_K, rng)]
    return out


def _dist(a, b):
    return float(np.sqrt(((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2).sum()))


def _design_colours(d):
    if d["kind"] == "noise":  # a smooth blend of c1 and c2: four points along it
        c1, c2 = np.asarray(d["c1"], np.float64), np.asarray(d["c2"], np.float64)
        return [[round(float(v), 1) for v in c1 + (c2 - c1) * t] for t in (0, 1 / 3, 2 / 3, 1)]
    return [list(d["c1"])] + ([list(d["c2"])] if d["kind"] != "solid" else [])


def _separated(design, bg_palette, nontarget_rgbs):
    others = list(bg_palette) + list(nontarget_rgbs)
    return all(_dist(c, o) >= SEPARATION for c in _design_colours(design) for o in others)


def _case(i, rng, palettes):
    """One case; resamples until the design colours are separated from everything else."""
    cls = tw.CLASSES[i % len(tw.CLASSES)]
    kind = tw.DESIGN_KINDS[(i // len(tw.CLASSES)) % len(tw.DESIGN_KINDS)]
    n_other = 1  # v3 scenes hold at most two objects
    target_first = i % 2 == 0
    for _attempt in range(500):
        design = tw.random_design(rng, heldout=True)
        design["kind"] = kind
        bg = tw.BACKGROUNDS[rng.integers(len(tw.BACKGROUNDS))]
        others = [c for c in tw.CLASSES if c != cls]
        other_cls = [others[j] for j in rng.choice(len(others), n_other, replace=False)]
        other_col = []
        for oc in other_cls:
            while True:
                col = tw.COLOR_NAMES[rng.integers(len(tw.COLOR_NAMES))]
                if (col, oc) not in tw.HELDOUT_COMBOS and col not in other_col:
                    break
            other_col.append(col)
        if _separated(design, palettes[bg], [tw.COLORS[c] for c in other_col]):
            break
    else:  # pragma: no cover - the margins leave plenty of room
        raise RuntimeError(f"case {i}: no separated design found")
    # layout as the generator's scenes: the target a little larger (it carries the design)
    n = 1 + n_other
    sizes = [float(rng.uniform(13, 18))] + [float(rng.uniform(11, 14)) for _ in range(n_other)]
    boxes = tw._place(rng, sizes)
    objs = [dict(cls=cls, design=design, color=None, pattern=None, cx=boxes[0][0], cy=boxes[0][1], s=boxes[0][2])]
    for k, (oc, col) in enumerate(zip(other_cls, other_col)):
        cx, cy, s = boxes[k + 1]
        objs.append(dict(cls=oc, design=tw.named_design(col, "solid"), color=col, pattern="solid", cx=cx, cy=cy, s=s))
    order = list(range(n)) if target_first else list(range(1, n)) + [0]
    ordered = [objs[j] for j in order]
    prompt = " ".join(tw.caption_words(ordered, bg))
    scene, masks = tw.render(bg, ordered, rng)
    target_mask = masks[order.index(0)]
    ref, _ = tw.render_reference(rng, cls, design, s=float(rng.uniform(18, 24)))
    case = {
        "kind": "case",
        "id": f"case-{i:03d}",
        "index": i,
        "prompt": prompt,
        "targetWord": cls,
        "targetClass": cls,
        "targetFirst": target_first,
        "seed": int(1000 + i),
        "reference": f"refs/case-{i:03d}.png",
        "oracle": f"oracle/case-{i:03d}.png",
        "oracleMask": f"oracle/case-{i:03d}-mask.png",
        "design": {"kind": kind, "hue": round(float(design["hue"]), 4), "colors": _design_colours(design)},
        "background": bg,
        "others": [{"class": oc, "color": col, "rgb": list(tw.COLORS[col])} for oc, col in zip(other_cls, other_col)],
    }
    return case, ref, scene, target_mask


def build(n=N_CASES, seed=SEED):
    rng = np.random.default_rng(seed)
    palettes = background_palettes(seed)
    meta = {
        "kind": "meta",
        "generator": "models/toyworld/world.py",
        "seed": seed,
        "cases": n,
        "quick": QUICK,
        "imageSize": tw.SIZE,
        "tau": TAU,
        "separation": SEPARATION,
        "classes": tw.CLASSES,
        "colors": tw.COLOR_NAMES,
        "backgrounds": tw.BACKGROUNDS,
        "patterns": tw.PATTERNS,
        "backgroundPalettes": palettes,
        "heldoutHue": list(tw.HELDOUT_HUE),
    }
    cases = [_case(i, rng, palettes) for i in range(n)]
    return meta, cases


def write(out, n=N_CASES, seed=SEED):
    out = Path(out)
    (out / "refs").mkdir(parents=True, exist_ok=True)
    (out / "oracle").mkdir(parents=True, exist_ok=True)
    meta, cases = build(n, seed)
    lines = [json.dumps(meta, separators=(",", ":"))]
    for case, ref, scene, mask in cases:
        Image.fromarray(ref).save(out / case["reference"])
        Image.fromarray(scene).save(out / case["oracle"])
        Image.fromarray(mask).save(out / case["oracleMask"])
        lines.append(json.dumps(case, separators=(",", ":")))
    (out / "cases.jsonl").write_text("\n".join(lines) + "\n")
    return meta, [c for c, *_ in cases]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "benchmark"))
    ap.add_argument("--n", type=int, default=N_CASES)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    meta, cases = write(args.out, args.n, args.seed)
    print(f"wrote {len(cases)} cases to {args.out} (quick: first {meta['quick']})")


if __name__ == "__main__":
    main()
