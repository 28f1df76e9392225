"""Photographs as references: does the target take the photo's colours and texture, and only the target?

Uses the Python sampler (models/evaluate.sample, the engine's plan per mode) on the trained
checkpoints, with the photos in models/benchmark/photos/ (crops of python3-skimage's sample
photos; SOURCE.md). The encoder sees what the page gives it: the centre square, box-scaled to
the pack's image size.

Per photo, prompt and seed, the target region is the RealCustom run's final mask (> 0.05, as in
evaluate.eval_custom); figures, RealCustom against text-only with the same seed and region:
  palette  share of region pixels within TAU of the photo's 4-colour palette (k-means)
  texture  mean per-channel standard deviation of the region's pixels (a flat colour gives ~0)
  leakage  palette share outside the region

  /usr/bin/python3 -m models.photos [--workdir DIR] [--seeds 4]        # writes models/docs/photos.{png,md,json}
  /usr/bin/python3 -m models.photos --make --skimage /usr/lib/python3/dist-packages/skimage/data
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from . import toyworld as tw
from .common import ROOT, get_cfg, load_models, to_img, workdir
from .evaluate import sample

PHOTOS = ROOT / "benchmark" / "photos"
CROPS = [("cat.png", "chelsea.png", (60, 0, 360, 300)), ("cat-fur.png", "chelsea.png", (10, 150, 130, 270)),
         ("astronaut.png", "astronaut.png", (100, 10, 420, 330)), ("rocket.png", "rocket.jpg", (180, 60, 460, 340))]
# backgrounds chosen away from each photo's palette, so palette pixels outside the target mean leakage
PLAN = {"cat.png": ("toy", "a toy and a blue ball on grass"), "cat-fur.png": ("ball", "a ball and a red box in the sky"),
        "astronaut.png": ("toy", "a toy and a green star on grass"), "rocket.png": ("box", "a box and a yellow heart on sand")}
TAU = 64.0  # RGB distance for "has this colour" (= models/make_benchmark.TAU)


def make(skimage_dir):
    for name, src, box in CROPS:
        im = Image.open(Path(skimage_dir) / src).convert("RGB")
        im.crop(box).resize((128, 128), Image.LANCZOS).save(PHOTOS / name, optimize=True)


def encoder_view(path, size):
    """centre square, box-scaled to the encoder's input (what the page does by default)"""
    im = Image.open(path).convert("RGB")
    s = min(im.size)
    x0, y0 = (im.size[0] - s) // 2, (im.size[1] - s) // 2
    return np.asarray(im.crop((x0, y0, x0 + s, y0 + s)).resize((size, size), Image.BOX), np.uint8)


def palette(u8, k=4, seed=0, iters=20):
    x = u8.reshape(-1, 3).astype(np.float64)
    rng = np.random.default_rng(seed)
    c = x[rng.choice(len(x), k, replace=False)]
    for _ in range(iters):
        a = ((x[:, None] - c[None]) ** 2).sum(-1).argmin(1)
        c = np.stack([x[a == j].mean(0) if (a == j).any() else c[j] for j in range(k)])
    return c


def region_figures(img_u8, region, pal):
    """img [S,S,3] uint8, region [S,S] bool, pal [k,3] -> palette share in/out, texture"""
    x = img_u8.astype(np.float64)
    near = np.sqrt(((x[:, :, None] - pal[None, None]) ** 2).sum(-1)).min(-1) < TAU
    inside = near[region].mean() if region.any() else 0.0
    outside = near[~region].mean() if (~region).any() else 0.0
    texture = x[region].std(0).mean() if region.sum() > 1 else 0.0
    return float(inside), float(outside), float(texture)


def to_u8(img):
    return ((img.permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255).astype(np.uint8)


def run(cfg, wd, seeds, steps, defaults, figdir):
    M = load_models(wd, cfg)
    S = cfg["image_size"]
    rows, table = [], []
    for name, (word, prompt) in PLAN.items():
        view = encoder_view(PHOTOS / name, S)
        pal = palette(view)
        ids = torch.tensor([tw.tokenize(prompt)] * seeds)
        pos = [p for p, w in tw.word_positions(prompt).items() if w == word][0]
        tgt = torch.zeros(seeds, tw.MAXLEN)
        tgt[:, pos] = 1.0
        ref = to_img(np.stack([view] * seeds))
        kw = dict(steps=steps, w_text=defaults["guidanceText"], w_img=defaults["guidanceImage"], target=tgt, ref=ref,
                  gamma_scope=defaults["gammaScope"], mask_reuse=defaults.get("maskReuseStep", 6))
        out = {}
        for mode in ("text", "realcustom", "global"):
            imgs, mask = sample(M, cfg, ids, seed=0, mode=mode, return_masks=True,
                                global_scale=defaults.get("globalScale", 0.6), **kw)
            out[mode] = to_u8(imgs)
            if mode == "realcustom":
                region = (F.interpolate(mask, size=(S, S), mode="bilinear", align_corners=False)[:, 0] > 0.05).numpy()
        figs = {m: np.array([region_figures(out[m][i], region[i], pal) for i in range(seeds)]).mean(0) for m in out}
        table.append(dict(photo=name, prompt=prompt, word=word, **{
            f"{m}_{k}": float(figs[m][j]) for m in figs for j, k in enumerate(("palette_in", "palette_out", "texture"))}))
        up = lambda a: np.kron(a, np.ones((4, 4, 1), np.uint8))  # noqa: E731
        row = [up(view)] + [up(out[m][i]) for i in range(min(seeds, 3)) for m in ("text", "realcustom", "global")]
        rows.append(np.concatenate(row, 1))
    Image.fromarray(np.concatenate(rows, 0)).save(figdir / "photos.png")
    (figdir / "photos.json").write_text(json.dumps(table, indent=1))
    L = ["| photo | prompt (target) | palette in target: text → RealCustom (global) | texture: text → RealCustom | "
         "palette outside: text → RealCustom (global) |", "|---|---|---|---|---|"]
    for r in table:
        L.append(f"| {r['photo']} | {r['prompt']} (**{r['word']}**) | {r['text_palette_in']:.2f} → {r['realcustom_palette_in']:.2f} "
                 f"({r['global_palette_in']:.2f}) | {r['text_texture']:.1f} → {r['realcustom_texture']:.1f} | "
                 f"{r['text_palette_out']:.2f} → {r['realcustom_palette_out']:.2f} ({r['global_palette_out']:.2f}) |")
    (figdir / "photos.md").write_text("\n".join(L) + "\n")
    return table


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="full")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--figdir", default=None)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--make", action="store_true")
    ap.add_argument("--skimage", default="/usr/lib/python3/dist-packages/skimage/data")
    args = ap.parse_args(argv)
    if args.make:
        make(args.skimage)
        return
    cfg = get_cfg(args.config)
    wd = workdir(cfg, args.workdir)
    figdir = Path(args.figdir) if args.figdir else ROOT / "docs"
    figdir.mkdir(parents=True, exist_ok=True)
    dp = wd / "defaults.json"
    defaults = dict(guidanceText=3.0, guidanceImage=12.5, gammaScope=0.2)
    if dp.exists():
        defaults.update(json.loads(dp.read_text()))
    for r in run(cfg, wd, args.seeds, cfg["eval_steps"], defaults, figdir):
        print(json.dumps(r))


if __name__ == "__main__":
    main()
