"""Fuse a kohya-format LoRA of the SD-1.5 UNet (latent-consistency/lcm-lora-sdv1-5's
pytorch_lora_weights.safetensors) into the UNet's weights, as diffusers' `fuse_lora` does:

  W <- W + scale * (alpha / rank) * up @ down      (conv: up [out, r, 1, 1] @ down [r, in, k, k])

Names: `lora_unet_<module>.{lora_down.weight, lora_up.weight, alpha}` where <module> is the
diffusers module path with every '.' written '_' (kohya's naming of a diffusers-layout UNet).
Underscores are also part of the real names (down_blocks, time_emb_proj), so the mapping is the
other way round: every weight of our UNet (diffusers names) is spelled the kohya way and looked up.
A missing `alpha` means alpha = rank (scale 1), as diffusers reads it. Every key must be used: any
other key (a text-encoder LoRA, another layout) stops the conversion with the list."""
from pathlib import Path

import torch

from .safetensors import CheckpointError, load_file

PREFIX = "lora_unet_"
PARTS = ("lora_down.weight", "lora_up.weight", "alpha")


class LoraMismatch(CheckpointError):
    pass


def kohya_names(module):
    """kohya name -> the UNet parameter name (diffusers) of every Linear/Conv weight."""
    return {PREFIX + n[: -len(".weight")].replace(".", "_"): n for n, p in module.named_parameters()
            if n.endswith(".weight") and p.dim() in (2, 4)}


def lora_deltas(state, names):
    """-> ({parameter name: (down, up, alpha)}, used key count); raises LoraMismatch with the
    keys that match no UNet weight, have no known suffix, or lack their down/up pair."""
    groups, unmatched = {}, []
    for k in state:
        base, dot, part = k.partition(".")
        if not dot or part not in PARTS or base not in names:
            unmatched.append(k)
            continue
        groups.setdefault(base, {})[part] = state[k]
    incomplete = sorted(f"{b} (no {p})" for b, g in groups.items() for p in PARTS[:2] if p not in g)
    if unmatched or incomplete:
        msg = ["LoRA and UNet do not match"]
        for label, items in (("keys that match no UNet weight", unmatched), ("incomplete pairs", incomplete)):
            if items:
                msg.append(f"  {len(items)} {label}: " + ", ".join(sorted(items)[:12]) + (" ..." if len(items) > 12 else ""))
        raise LoraMismatch("\n".join(msg))
    out = {}
    for base, g in groups.items():
        down, up = g["lora_down.weight"].float(), g["lora_up.weight"].float()
        alpha = float(g["alpha"]) if "alpha" in g else float(down.shape[0])
        out[names[base]] = (down, up, alpha)
    return out, len(state)


def delta_weight(down, up, alpha, shape):
    """(alpha / rank) * up @ down, in the weight's shape (linear [out, in]; conv [out, in, k, k])."""
    rank = down.shape[0]
    if up.dim() == 4 and tuple(up.shape[2:]) != (1, 1):
        raise LoraMismatch(f"LoRA up weight {tuple(up.shape)}: only 1x1 up convolutions are supported")
    d = (up.reshape(up.shape[0], rank) @ down.reshape(rank, -1)) * (alpha / rank)
    if d.numel() != torch.Size(shape).numel() or d.shape[0] != shape[0]:
        raise LoraMismatch(f"LoRA of shape up {tuple(up.shape)} / down {tuple(down.shape)} does not fit a weight {tuple(shape)}")
    return d.reshape(shape)


def fuse_lora(unet, path, scale=1.0):
    """Fuses the LoRA file at `path` into `unet` in place. -> {"used": keys, "modules": weights changed}."""
    state = load_file(Path(path))
    deltas, used = lora_deltas(state, kohya_names(unet))
    params = dict(unet.named_parameters())
    with torch.no_grad():
        for name, (down, up, alpha) in deltas.items():
            w = params[name]
            w.add_(scale * delta_weight(down, up, alpha, w.shape).to(w.dtype))
    return {"used": used, "modules": len(deltas)}
