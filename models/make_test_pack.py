"""Tiny pack with seeded random weights for the TS engine's tests: same contract, shapes and
tokenizer as the toyworld pack, ~2.7 MB. Regenerate with:

  /usr/bin/python3 -m models.make_test_pack [--out public/models/test-tiny]
  /usr/bin/python3 -m models.make_test_pack --config full --out /tmp/full-random  (benchmarks; never commit)
"""
import argparse

import torch

from .common import REPO, get_cfg, make_image, make_judge, make_text
from .export import export_pack
from .nets import UNet


def tiny_models(seed=0, config="tiny"):
    """seeded random networks; config "full" gives the shipped pack's shapes (for benchmarks)"""
    cfg = get_cfg(config)
    torch.manual_seed(seed)
    m = dict(text=make_text(cfg), image=make_image(cfg), unet=UNet(cfg, "realcustom"), unet_ip=UNet(cfg, "ip"))
    # adapters start at zero value-projections; give them weights so the image branch matters
    for u in (m["unet"], m["unet_ip"]):
        for layer in u.ad.values():
            torch.nn.init.normal_(layer.v.weight, std=0.2)
    m["judge"] = make_judge(cfg)  # last, so a change to the judge leaves the other graphs' weights alone
    for v in m.values():
        v.eval()
    return cfg, m


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(REPO / "public" / "models" / "test-tiny"))
    ap.add_argument("--config", default="tiny", help="full: random weights in the toyworld shapes (write it to /tmp)")
    args = ap.parse_args(argv)
    cfg, m = tiny_models(config=args.config)
    export_pack(m, cfg, args.out, None, dict(steps=4, maskReuseStep=2), version="0.0.1",
                description="Test pack: tiny networks with seeded random weights (models/make_test_pack.py); outputs are noise")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
