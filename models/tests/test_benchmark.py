"""The committed evaluation benchmark (models/benchmark/) is what models/make_benchmark.py writes,
and its cases are held out and well formed."""
import json
from pathlib import Path

import numpy as np
from PIL import Image

from models import make_benchmark as mb
from models.toyworld import world as tw

BENCH = Path(__file__).resolve().parents[1] / "benchmark"


def _read(folder):
    lines = (Path(folder) / "cases.jsonl").read_text().splitlines()
    return json.loads(lines[0]), [json.loads(x) for x in lines[1:]]


def test_committed_benchmark_is_reproducible(tmp_path):
    mb.write(tmp_path, n=12)
    meta, cases = _read(tmp_path)
    cmeta, ccases = _read(BENCH)
    assert {k: v for k, v in meta.items() if k != "cases"} == {k: v for k, v in cmeta.items() if k != "cases"}
    assert cases == ccases[:12]
    for c in cases:
        for key in ("reference", "oracle", "oracleMask"):
            assert (tmp_path / c[key]).read_bytes() == (BENCH / c[key]).read_bytes(), (c["id"], key)


def test_benchmark_shape():
    meta, cases = _read(BENCH)
    assert meta["cases"] == len(cases) >= 200 and meta["quick"] == 20
    assert len({c["id"] for c in cases}) == len(cases)
    assert len({c["seed"] for c in cases}) == len(cases)
    # quick set covers every class and at least two design kinds
    quick = cases[: meta["quick"]]
    assert {c["targetClass"] for c in quick} == set(tw.CLASSES)
    assert len({c["design"]["kind"] for c in quick}) >= 2
    assert {c["design"]["kind"] for c in cases} == set(tw.DESIGN_KINDS)
    assert {c["background"] for c in cases} == set(tw.BACKGROUNDS)
    assert set(meta["backgroundPalettes"]) == set(tw.BACKGROUNDS)


def test_cases_are_held_out_and_consistent():
    meta, cases = _read(BENCH)
    lo, hi = tw.HELDOUT_HUE
    for c in cases:
        # the reference design is one training never sees
        assert lo <= c["design"]["hue"] < hi
        words = c["prompt"].split()
        assert tw.tokenize(c["prompt"])[tw.MAXLEN - 1] == tw.PAD, "prompt fits the encoder"
        assert all(w in tw.WORD2ID for w in words)
        assert words.count(c["targetWord"]) == 1
        # the target word carries no colour word: the reference supplies the design
        i = words.index(c["targetWord"])
        assert words[i - 1] in ("a", "and")
        assert tw.BG_PHRASE[c["background"]] in c["prompt"]
        for o in c["others"]:
            assert f"{o['color']} {o['class']}" in c["prompt"]
            assert (o["color"], o["class"]) not in tw.HELDOUT_COMBOS
            assert o["class"] != c["targetClass"]
            assert o["rgb"] == list(tw.COLORS[o["color"]])
        # design colours are separated from the background palette and the other objects
        others = meta["backgroundPalettes"][c["background"]] + [o["rgb"] for o in c["others"]]
        for col in c["design"]["colors"]:
            assert min(np.linalg.norm(np.subtract(col, o)) for o in others) >= meta["separation"]
        assert len(c["design"]["colors"]) == {"solid": 1, "noise": 4}.get(c["design"]["kind"], 2)


def test_oracle_matches_ground_truth():
    meta, cases = _read(BENCH)
    tau = meta["tau"]
    for c in cases[:40]:
        ref = np.asarray(Image.open(BENCH / c["reference"]).convert("RGB"), np.float64)
        scene = np.asarray(Image.open(BENCH / c["oracle"]).convert("RGB"), np.float64)
        mask = np.asarray(Image.open(BENCH / c["oracleMask"]), np.float64) / 255
        assert ref.shape == scene.shape == (tw.SIZE, tw.SIZE, 3) and mask.shape == (tw.SIZE, tw.SIZE)
        full = mask > 0.99
        assert full.sum() >= 12, c["id"]
        d = np.min([np.linalg.norm(scene - np.array(col), axis=-1) for col in c["design"]["colors"]], axis=0)
        # inside the target: the design's colours; outside: none of them
        # a photo-like texture (noise) is shaded: fewer of its pixels sit near its blend points
        floor = {"solid": 0.9, "noise": 0.4}.get(c["design"]["kind"], 0.6)
        assert (d[full] < tau).mean() > floor, c["id"]
        assert (d[mask < 0.01] < tau).mean() < 0.03, c["id"]  # only anti-aliased edges of other objects
        dr = np.min([np.linalg.norm(ref - np.array(col), axis=-1) for col in c["design"]["colors"]], axis=0)
        assert (dr < tau).mean() > 0.08, c["id"]
