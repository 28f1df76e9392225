import os
import time
from pathlib import Path

import numpy as np
import torch

from . import toyworld as tw
from .config import CONFIGS
from .nets import ImageEncoder, Judge, TextEncoder, UNet

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent


def train_device():
    """Where training runs: RC_DEVICE when set (cpu, cuda, cuda:1; meta for the device-plumbing test),
    else the GPU when torch sees one. Inference, evaluation and export stay on the CPU."""
    return torch.device(os.environ.get("RC_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu"))


def load_ckpt(path):
    """A checkpoint's tensors on the CPU, whatever device saved them (a GPU run's checkpoints load here)."""
    return torch.load(path, map_location="cpu")


BUDGET_KEYS = ("enc_minutes", "unet_minutes", "rc_minutes", "ip_minutes", "judge_minutes", "ablate_minutes")


def get_cfg(name, budgets=()):
    """the named configuration; `budgets` ("unet_minutes=240", ...) raise or lower training budgets only
    (a longer run on a faster machine, or a continuation), so the data and the nets stay those of `name`"""
    cfg = dict(CONFIGS[name])
    for item in budgets:
        key, _, value = item.partition("=")
        if key not in BUDGET_KEYS:
            raise SystemExit(f"--budget {item!r}: only {', '.join(BUDGET_KEYS)} may be changed")
        cfg[key] = float(value)
    return cfg


def workdir(cfg, base=None):
    d = Path(base) if base else ROOT / "checkpoints" / cfg["name"]
    d.mkdir(parents=True, exist_ok=True)
    return d


def log(wd, stage, msg):
    line = f"[{time.strftime('%H:%M:%S')}] {stage}: {msg}"
    print(line, flush=True)
    with open(Path(wd) / "train.log", "a") as f:
        f.write(line + "\n")


def load_data(wd, split):
    z = np.load(Path(wd) / f"data_{split}.npz")
    return {k: z[k] for k in z.files}


def to_img(u8):
    """uint8 [B,S,S,3] -> float [-1,1] [B,3,S,S]"""
    return torch.from_numpy(np.ascontiguousarray(u8)).permute(0, 3, 1, 2).float() / 127.5 - 1.0


def make_text(cfg):
    return TextEncoder(len(tw.VOCAB), tw.MAXLEN, cfg["text_dim"], cfg["text_layers"], cfg["text_heads"])


def make_image(cfg):
    return ImageEncoder(cfg["image_size"], cfg["patch"], cfg["vit_dim"], cfg["vit_layers"], cfg["vit_heads"], cfg["embed_dim"])


def make_judge(cfg):
    return Judge(cfg["judge_ch"], len(tw.BACKGROUNDS), len(tw.CLASSES), len(tw.COLOR_NAMES))


def load_models(wd, cfg):
    """Trained (EMA) models from a workdir; missing checkpoints leave random weights."""
    wd = Path(wd)
    te, ie, j = make_text(cfg), make_image(cfg), make_judge(cfg)
    u_rc, u_ip = UNet(cfg, "realcustom"), UNet(cfg, "ip")
    if (wd / "encoders.pt").exists():
        s = load_ckpt(wd / "encoders.pt")["models"]
        ie.load_state_dict(s["image"])
        te.load_state_dict(s["text"])
    if (wd / "unet.pt").exists():
        s = load_ckpt(wd / "unet.pt")["ema"]
        te.load_state_dict(s["text"])
        u_rc.load_state_dict(s["unet"], strict=False)
        u_ip.load_state_dict(s["unet"], strict=False)
    for name, u in (("realcustom", u_rc), ("ip", u_ip)):
        if (wd / f"adapter_{name}.pt").exists():
            u.load_state_dict(load_ckpt(wd / f"adapter_{name}.pt")["models"]["adapter"], strict=False)
    if (wd / "judge.pt").exists():
        j.load_state_dict(load_ckpt(wd / "judge.pt")["models"]["judge"])
    for m in (te, ie, j, u_rc, u_ip):
        m.eval()
    return dict(text=te, image=ie, unet=u_rc, unet_ip=u_ip, judge=j)
