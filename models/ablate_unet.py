"""UNet training ablations at equal steps, from scratch, on a workdir's data: each variant
(config overrides) trains `--steps` steps into its own folder, then its held-out x0 error
(models.denoise_error) and its seconds per step are recorded. Equal steps keep the comparison
fair on a machine whose load changes; seconds per step (measured in the same run) convert it to
equal wall-clock.

  /usr/bin/python3 -m models.ablate_unet --workdir models/runs/toyworld-v3 --out /tmp/ablu --steps 800 \\
      [--variants base,wide,lr2e-3,minsnr5]
"""
import argparse
import json
import os
import time
from pathlib import Path

import torch

from .common import get_cfg, load_ckpt, load_data, make_text
from .denoise_error import x0_error
from .nets import UNet
from .train import stage_unet

VARIANTS = {
    "base": {},
    "wide": {"ch1": 64, "ch2": 128},
    "lr2e-3": {"unet_lr": 2e-3},
    "minsnr5": {"min_snr": 5.0},
    "batch48": {"unet_batch": 48},
    "ground0.1": {"ground_w": 0.1},
}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="full")
    ap.add_argument("--workdir", required=True, help="where data_train.npz, data_test.npz and encoders.pt are")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--variants", default="base,wide,lr2e-3,minsnr5")
    ap.add_argument("--init", default=None,
                    help="a UNet checkpoint to continue from (each variant trains --steps more; same shapes only)")
    args = ap.parse_args(argv)
    src, out = Path(args.workdir).resolve(), Path(args.out)
    res_path = out / "ablate_unet.json"
    R = json.loads(res_path.read_text()) if res_path.exists() else {}
    test = load_data(src, "test")
    n_test = 256 if args.config == "full" else len(test["ids"])
    for name in args.variants.split(","):
        cfg = get_cfg(args.config)
        wd = out / name
        wd.mkdir(parents=True, exist_ok=True)
        start = 0
        if args.init and not (wd / "unet.pt").exists():
            ck = load_ckpt(args.init)
            ck["done"] = False
            torch.save(ck, wd / "unet.pt")
        if args.init:
            start = load_ckpt(args.init)["step"]
        cfg.update(VARIANTS[name], max_steps=start + args.steps, snapshot_step=10 ** 9)
        for f in ("data_train.npz", "encoders.pt"):
            if not (wd / f).exists():
                os.symlink(src / f, wd / f)
        t0 = time.time()
        stage_unet(cfg, wd)
        s = load_ckpt(wd / "unet.pt")
        te, unet = make_text(cfg), UNet(cfg)
        te.load_state_dict(s["ema"]["text"])
        unet.load_state_dict(s["ema"]["unet"])
        err = x0_error(te.eval(), unet.eval(), test, n=n_test)
        per_step = None if args.init else s["elapsed"] / max(1, s["step"])  # a continuation's elapsed includes the old run
        R[name] = dict(overrides=VARIANTS[name], steps=s["step"] - start, init=args.init, seconds_per_step=per_step,
                       params=sum(p.numel() for p in unet.parameters()), x0_error=err, wall=time.time() - t0)
        print(name, json.dumps(R[name]), flush=True)
        res_path.write_text(json.dumps(R, indent=1))


if __name__ == "__main__":
    main()
