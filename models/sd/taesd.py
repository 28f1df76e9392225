"""TAESD, the tiny distilled SD decoder (madebyollin/taesd), for live previews: the decoder only,
written from the two public layouts' structure.

Its input is the diffusion-space latent itself (what the UNet denoises; no division by the VAE's
0.18215: AutoencoderTiny's scaling_factor is 1.0). Structure (taesd.py `Decoder`, diffusers
`DecoderTiny`): tanh(x/3)*3, conv(latent->C0) + ReLU, then per stage `n` blocks
(block: conv3-ReLU-conv3-ReLU-conv3 plus a skip, ReLU), and, between stages, nearest x2
upsampling and a bias-free conv; the last stage ends in conv(C->3). The output is RGB in [0, 1]
(madebyollin) which diffusers maps to [-1, 1]; the pack's graph gives [-1, 1], clamped, like the VAE.

Two files are accepted:
  * a diffusers `AutoencoderTiny` folder (config.json + diffusion_pytorch_model.safetensors):
    `decoder.layers.<i>.*` (the encoder's `encoder.*` is not needed);
  * madebyollin's `taesd_decoder.pth` (or .safetensors): the bare nn.Sequential, `<i>.*`, whose
    index is diffusers' plus one (its index 0 is the Clamp module, which diffusers does in forward)."""
import json
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from .load import load_checked
from .safetensors import CheckpointError, load_component, load_file

# AutoencoderTiny's defaults (= madebyollin's Decoder(4))
DEFAULT = dict(latent=4, channels=(64, 64, 64, 64), blocks=(3, 3, 3, 1), upsample=2, scaling_factor=1.0)


class Block(nn.Module):
    """conv3-ReLU-conv3-ReLU-conv3 plus skip (1x1 conv without bias when channels change), ReLU."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.Conv2d(cout, cout, 3, padding=1),
                                  nn.ReLU(), nn.Conv2d(cout, cout, 3, padding=1))
        self.skip = nn.Conv2d(cin, cout, 1, bias=False) if cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.conv(x) + self.skip(x))


class Upsample(nn.Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = float(factor)

    def forward(self, x):
        return F.interpolate(x, scale_factor=self.factor, mode="nearest")


class TaesdDecoder(nn.Module):
    """diffusion-space latent [B, 4, h, w] -> RGB [B, 3, 8h, 8w] in [-1, 1] (clamped)."""

    def __init__(self, cfg=DEFAULT):
        super().__init__()
        ch, n = cfg["channels"], cfg["blocks"]
        self.scale = float(cfg.get("scaling_factor", 1.0))
        layers = [nn.Conv2d(cfg["latent"], ch[0], 3, padding=1), nn.ReLU()]
        for i, (c, k) in enumerate(zip(ch, n)):
            last = i == len(ch) - 1
            layers += [Block(c, c) for _ in range(k)]
            if not last:
                layers.append(Upsample(cfg["upsample"]))
            layers.append(nn.Conv2d(c, 3 if last else c, 3, padding=1, bias=last))  # (diffusers: the stage's own width)
        self.layers = nn.Sequential(*layers)

    def forward(self, latent):
        x = latent if self.scale == 1.0 else latent / self.scale
        x = torch.tanh(x / 3.0) * 3.0
        return torch.clamp(self.layers(x) * 2.0 - 1.0, -1.0, 1.0)


def _config_from(folder):
    p = Path(folder) / "config.json"
    c = json.loads(p.read_text())
    if c.get("act_fn", "relu") != "relu" or c.get("upsample_fn", "nearest") != "nearest":
        raise CheckpointError(f"{p}: only act_fn 'relu' and upsample_fn 'nearest' are supported (TAESD's)")
    ch = tuple(c.get("decoder_block_out_channels", DEFAULT["channels"]))
    n = tuple(c.get("num_decoder_blocks", DEFAULT["blocks"]))
    if len(ch) != len(n):
        raise CheckpointError(f"{p}: decoder_block_out_channels and num_decoder_blocks differ in length")
    return dict(latent=c.get("latent_channels", 4), channels=ch, blocks=n,
                upsample=c.get("upsampling_scaling_factor", 2), scaling_factor=float(c.get("scaling_factor", 1.0)))


def read_taesd(path):
    """-> (cfg, state with TaesdDecoder's names `layers.<i>.*`, prefixes not needed, rename fn, source layout)."""
    path = Path(path)
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise CheckpointError(f"{path}: config.json missing (a diffusers AutoencoderTiny folder has one)")
        return _config_from(path), load_component(path), ("encoder.",), _strip_decoder, "diffusers"
    state = load_file(path)
    return dict(DEFAULT), state, (), _shift_index, "taesd"


def _strip_decoder(k):
    return k[len("decoder."):] if k.startswith("decoder.") else k


def _shift_index(k):
    head, dot, rest = k.partition(".")
    return f"layers.{int(head) - 1}.{rest}" if dot and head.isdigit() and int(head) > 0 else k


def load_taesd(path):
    """-> (cfg, TaesdDecoder with the file's weights, report); every decoder key used, none missing."""
    cfg, state, skip, rename, layout = read_taesd(path)
    mod = TaesdDecoder(cfg)
    report = load_checked(mod, state, f"taesd ({Path(path).name}, {layout} layout)", skip=skip, rename=rename)
    return cfg, mod.eval(), report
