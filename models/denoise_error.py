"""Held-out denoising error of UNet checkpoints: the mean squared error of the x0 estimate on
256 held-out scenes noised to t (same noise for every checkpoint), with the caption as text.
A continuous, cheap measure of how far the UNet has learned the world, for comparing
checkpoints and training changes at equal wall-clock (the judge's figures are coarse at n=64).

  /usr/bin/python3 -m models.denoise_error --workdir models/runs/toyworld-v3 CKPT.pt [CKPT.pt ...]
"""
import argparse

import numpy as np
import torch

from . import diffusion as D
from .common import get_cfg, load_data, make_text, to_img, workdir
from .nets import UNet, s2d

TS = (100, 250, 500, 750)


@torch.no_grad()
def x0_error(te, unet, ds, n=256, ts=TS, seed=0):
    idx = np.arange(min(n, len(ds["ids"])))
    x0 = s2d(to_img(ds["images"][idx]))
    noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(seed))
    cond = te(torch.from_numpy(ds["ids"][idx]))
    out = {}
    for t in ts:
        tt = torch.full((len(idx),), t)
        xt = D.q_sample(x0, tt, noise)
        v, _ = unet(xt, tt.float(), cond)
        ab = D.AB[t]
        out[t] = float(((ab.sqrt() * xt - (1 - ab).sqrt() * v - x0) ** 2).mean())
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="full")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("checkpoints", nargs="+")
    args = ap.parse_args(argv)
    cfg = get_cfg(args.config)
    ds = load_data(workdir(cfg, args.workdir), "test")
    for path in args.checkpoints:
        s = torch.load(path)
        te, unet = make_text(cfg), UNet(cfg)
        te.load_state_dict(s["ema"]["text"])
        unet.load_state_dict(s["ema"]["unet"])
        te.eval(), unet.eval()
        err = x0_error(te, unet, ds)
        print(path, f"step {s.get('step', '?')}", " ".join(f"t{t} {e:.4f}" for t, e in err.items()), flush=True)


if __name__ == "__main__":
    main()
