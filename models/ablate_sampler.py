"""Sampler ablation on a trained workdir: text-to-image judge figures for DDIM variants
(timestep spacing, x0 clipping, eta, guidance, steps), same captions and seeds for every variant,
so the differences are the sampler's alone. Training-free: what it finds can become the pack's
scheduler defaults (the engine's scheduler follows diffusers' DDIM options).

  /usr/bin/python3 -m models.ablate_sampler --workdir models/runs/toyworld-v3 [--n 128] [--out FILE]
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np

from .common import get_cfg, load_data, load_models, workdir
from .evaluate import eval_t2i, grid

# name -> (steps, w_text, sampler options); the first row is the pack's scheduler today.
VARIANTS = {
    "leading": (20, 3.0, {}),
    "trailing": (20, 3.0, {"spacing": "trailing"}),
    "leading+clip": (20, 3.0, {"clip": True}),
    "trailing+clip": (20, 3.0, {"spacing": "trailing", "clip": True}),
    "trailing+clip, eta 1": (20, 3.0, {"spacing": "trailing", "clip": True, "eta": 1.0}),
    "trailing+clip, w 5": (20, 5.0, {"spacing": "trailing", "clip": True}),
    "leading, 50 steps": (50, 3.0, {}),
}


def wilson(p, n, z=1.96):
    """95 % Wilson interval of a proportion."""
    if n == 0:
        return (0.0, 1.0)
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (float(c - h), float(c + h))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="full")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--n", type=int, default=128)
    ap.add_argument("--only", default=None, help="comma-separated variant names")
    ap.add_argument("--out", default=None, help="JSON file for the figures (default: WORKDIR/ablate_sampler.json)")
    ap.add_argument("--figdir", default=None, help="write a sample grid per variant here")
    args = ap.parse_args(argv)
    cfg = get_cfg(args.config)
    wd = workdir(cfg, args.workdir)
    M = load_models(wd, cfg)
    ds = load_data(wd, "test")
    names = args.only.split(",") if args.only else list(VARIANTS)
    out = Path(args.out) if args.out else wd / "ablate_sampler.json"
    R = json.loads(out.read_text()) if out.exists() else {}
    n_obj = int(np.sum(ds["nobj"][:args.n]))
    for name in names:
        steps, w, opts = VARIANTS[name]
        t0 = time.time()
        acc, img = eval_t2i(M, cfg, ds, args.n, steps, w, **opts)
        acc["class_ci95"] = wilson(acc["class"], n_obj)
        acc["seconds"] = time.time() - t0
        R[name] = acc
        print(f"{name:24s} class {acc['class']:.3f} [{acc['class_ci95'][0]:.2f}, {acc['class_ci95'][1]:.2f}]"
              f"  colour {acc['color']:.3f}  background {acc['background']:.3f}  objects {acc['objects']:.3f}"
              f"  ({acc['seconds']:.0f} s)", flush=True)
        out.write_text(json.dumps(R, indent=1))
        if args.figdir:
            Path(args.figdir).mkdir(parents=True, exist_ok=True)
            grid(img, Path(args.figdir) / f"sampler_{name.replace(' ', '').replace(',', '_').replace('+', '-')}.png")


if __name__ == "__main__":
    main()
