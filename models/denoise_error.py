"""Held-out denoising error of UNet checkpoints: the mean squared error of the x0 estimate on
256 held-out scenes noised to t (same noise for every checkpoint), with the caption as text.
A continuous, cheap measure of how far the UNet has learned the world, for comparing
checkpoints and training changes at equal wall-clock (the judge's figures are coarse at n=64).

  /usr/bin/python3 -m models.denoise_error --workdir models/runs/toyworld-v3 [--figure F.png] CKPT.pt [CKPT.pt ...]
"""
import argparse

import numpy as np
import torch
from PIL import Image

from . import diffusion as D
from .common import get_cfg, load_ckpt, load_data, make_text, to_img, workdir
from .nets import Decoder, UNet, s2d

TS = (100, 250, 500, 750)


@torch.no_grad()
def x0_figure(te, unet, ds, path, n=8, ts=(250, 500, 700, 850, 950), seed=0):
    """Rows: the held-out scenes, then the x0 estimate from each t (same noise); 3x nearest."""
    idx = np.arange(n)
    x0 = s2d(to_img(ds["images"][idx]))
    noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(seed))
    cond = te(torch.from_numpy(ds["ids"][idx]))
    dec = Decoder(ds["images"].shape[1])
    rows = [dec(x0)]
    for t in ts:
        tt = torch.full((n,), t)
        xt = D.q_sample(x0, tt, noise)
        v, _ = unet(xt, tt.float(), cond)
        ab = D.AB[t]
        rows.append(dec(ab.sqrt() * xt - (1 - ab).sqrt() * v))
    g = torch.cat([torch.cat(list(r), 2) for r in rows], 1)
    a = ((g.clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).numpy()
    Image.fromarray(a).resize((a.shape[1] * 3, a.shape[0] * 3), Image.NEAREST).save(path)


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
    ap.add_argument("--figure", default=None, help="PNG of x0 estimates per t, for the last checkpoint")
    ap.add_argument("checkpoints", nargs="+")
    args = ap.parse_args(argv)
    cfg = get_cfg(args.config)
    ds = load_data(workdir(cfg, args.workdir), "test")
    for path in args.checkpoints:
        s = load_ckpt(path)
        te, unet = make_text(cfg), UNet(cfg)
        te.load_state_dict(s["ema"]["text"])
        unet.load_state_dict(s["ema"]["unet"])
        te.eval(), unet.eval()
        err = x0_error(te, unet, ds)
        print(path, f"step {s.get('step', '?')}", " ".join(f"t{t} {e:.4f}" for t, e in err.items()), flush=True)
    if args.figure:
        x0_figure(te, unet, ds, args.figure)


if __name__ == "__main__":
    main()
