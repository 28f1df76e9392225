"""Read a diffusers SD-1.5 folder, an IP-Adapter file and a CLIP image-encoder folder into our
modules, with every key accounted for: a key the modules do not use, or a parameter no key fills,
is an error that lists them (a converter that silently drops weights makes a wrong pack)."""
import json
import re
from pathlib import Path


from .adapter import make_image_proj
from .clip import TextModel, VisionModel
from .keys import VAE_LEGACY_ATTN, unet_attn2_layers
from .safetensors import CheckpointError, load_component, load_ip_adapter
from .unet import UNet
from .vae import VaeDecoder

# IP-Adapter's Resampler always uses 64-dim heads (ip_adapter.py: dim_head=64)
RESAMPLER_DIM_HEAD = 64


class KeyMismatch(CheckpointError):
    pass


def read_config(folder):
    p = Path(folder) / "config.json"
    if not p.is_file():
        raise CheckpointError(f"{folder}: config.json missing (a diffusers/transformers folder has one)")
    return json.loads(p.read_text())


def _get(c, key, where):
    if key not in c:
        raise CheckpointError(f"{where}/config.json: field {key!r} missing")
    return c[key]


def unet_config(folder):
    c = read_config(folder)
    where = str(folder)
    if c.get("use_linear_projection") or c.get("addition_embed_type") or c.get("class_embed_type"):
        raise CheckpointError(f"{where}: not an SD-1.5 UNet (linear projection / extra embeddings: SD-2 or SDXL?)")
    heads = _get(c, "attention_head_dim", where)
    if isinstance(heads, list):
        if len(set(heads)) != 1:
            raise CheckpointError(f"{where}: per-block attention heads {heads} are not supported")
        heads = heads[0]
    return dict(in_channels=c.get("in_channels", 4), block_out_channels=tuple(_get(c, "block_out_channels", where)),
                layers_per_block=c.get("layers_per_block", 2), heads=heads,
                cross_attention_dim=_get(c, "cross_attention_dim", where), norm_groups=c.get("norm_num_groups", 32))


def clip_config(folder, vision):
    c = read_config(folder)
    c = c.get("vision_config", c) if vision else c.get("text_config", c)
    w = str(folder)
    d = dict(dim=_get(c, "hidden_size", w), layers=_get(c, "num_hidden_layers", w), heads=_get(c, "num_attention_heads", w),
             inter=_get(c, "intermediate_size", w), act=c.get("hidden_act", "quick_gelu"))
    if vision:
        d.update(image=c.get("image_size", 224), patch=c.get("patch_size", 14),
                 proj=read_config(folder).get("projection_dim", c.get("projection_dim")))
    else:
        d.update(vocab=c.get("vocab_size", 49408), max_len=c.get("max_position_embeddings", 77))
    return d


def vae_config(folder):
    c = read_config(folder)
    return dict(latent=c.get("latent_channels", 4), block_out_channels=tuple(_get(c, "block_out_channels", str(folder))),
                layers_per_block=c.get("layers_per_block", 2), norm_groups=c.get("norm_num_groups", 32)), \
        float(c.get("scaling_factor", 0.18215))


def load_checked(module, state, what, skip=(), rename=None, dry=False):
    """Load `state` into `module` (float32). skip: prefixes of keys known to be unneeded by the graph
    (returned for the report); rename: fn(key) -> module key; dry: check names and shapes only.
    Raises KeyMismatch on any unused key, missing parameter or shape mismatch."""
    target = module.state_dict()
    used, skipped, unused, bad = {}, [], [], []
    for k, v in state.items():
        if any(k.startswith(s) for s in skip):
            skipped.append(k)
            continue
        mk = rename(k) if rename else k
        if mk not in target:
            unused.append(k)
            continue
        v = v if dry else v.float()
        if tuple(v.shape) != tuple(target[mk].shape):
            if v.numel() == target[mk].numel() and v.dim() == 4 and target[mk].dim() == 2:
                v = v.reshape(target[mk].shape)  # 1x1-conv attention weights of older VAE files
            else:
                bad.append(f"{k}: {tuple(v.shape)} != {tuple(target[mk].shape)}")
                used[mk] = None
                continue
        used[mk] = v
    missing = sorted(set(target) - set(used))  # (shape mismatches are listed once, below)
    if unused or missing or bad:
        msg = [f"{what}: checkpoint and model do not match"]
        for label, items in (("unused keys", unused), ("missing keys", missing), ("shape mismatches", bad)):
            if items:
                msg.append(f"  {len(items)} {label}: " + ", ".join(sorted(items)[:12]) + (" ..." if len(items) > 12 else ""))
        raise KeyMismatch("\n".join(msg))
    if not dry:
        module.load_state_dict(used, strict=True)
    return {"used": len(used), "skipped": skipped}


IP_PREFIX = "ip_adapter."


def unet_rename(unet_cfg):
    """UNet keys unchanged; IP-Adapter `ip_adapter.{2i+1}.to_[kv]_ip.weight` -> the i-th attn2's
    to_[kv]_ip (diffusers' attn_processors order: down, up, mid). Other ip keys stay unknown."""
    names = [n for n, _, _ in unet_attn2_layers(unet_cfg)]

    def rn(k):
        if not k.startswith(IP_PREFIX):
            return k
        m = re.fullmatch(r"(\d+)\.(to_[kv]_ip)\.weight", k[len(IP_PREFIX):])
        if not m or int(m.group(1)) % 2 != 1 or int(m.group(1)) // 2 >= len(names):
            return k
        return f"{names[int(m.group(1)) // 2]}.transformer_blocks.0.attn2.{m.group(2)}.weight"
    return rn


def vae_rename(k):
    head, _, leaf = k.rpartition(".")
    base, _, name = head.rpartition(".")
    return f"{base}.{VAE_LEGACY_ATTN[name]}.{leaf}" if name in VAE_LEGACY_ATTN and ".attentions." in k else k


def ip_kind(ip):
    return "plus" if "latents" in ip["image_proj"] else "base"


def adapter_config(cfg, ip):
    """adds plus / ip_tokens / resampler to cfg from the IP-Adapter tensors' shapes."""
    pj, x = ip["image_proj"], cfg["unet"]["cross_attention_dim"]
    cfg["plus"] = ip_kind(ip) == "plus"
    if cfg["plus"]:
        inner = pj["layers.0.0.to_q.weight"].shape[0]
        cfg["resampler"] = dict(depth=len({k.split(".")[1] for k in pj if k.startswith("layers.")}),
                                dim_head=RESAMPLER_DIM_HEAD, heads=max(1, inner // RESAMPLER_DIM_HEAD),
                                queries=pj["latents"].shape[1], ff_mult=pj["layers.0.1.1.weight"].shape[0] // x)
        cfg["ip_tokens"] = cfg["resampler"]["queries"]
    else:
        cfg["ip_tokens"] = pj["proj.weight"].shape[0] // x
    return cfg


def build(cfg):
    return {"text": TextModel(cfg["text"]), "vision": VisionModel(cfg["vision"], penultimate=cfg["plus"]),
            "image_proj": make_image_proj(cfg, cfg["plus"]), "unet": UNet(cfg["unet"]), "vae": VaeDecoder(cfg["vae"])}


def plan(cfg, mods):
    """component -> (module, prefixes not needed by the pack, key rename)"""
    return {"text_encoder": (mods["text"], ("text_model.embeddings.position_ids",), None),
            "image_encoder": (mods["vision"], ("vision_model.embeddings.position_ids",) + tuple(mods["vision"].unneeded_prefixes()), None),
            "image_proj": (mods["image_proj"], (), None),
            "unet": (mods["unet"], (), unet_rename(cfg["unet"])),
            "vae_decoder": (mods["vae"], ("encoder.", "quant_conv."), vae_rename)}


def load_states(cfg, mods, states, dry=False):
    """states: component -> flat state dict (unet's holds the IP-Adapter layers as ip_adapter.*)."""
    report = {}
    for comp, (mod, skip, rn) in plan(cfg, mods).items():
        report[comp] = load_checked(mod, states[comp], comp, skip=skip, rename=rn, dry=dry)
    return report


def load_all(sd_dir, ip_path, enc_dir):
    """-> (cfg, {"text", "vision", "image_proj", "unet", "vae"} modules, report)."""
    sd_dir, enc_dir = Path(sd_dir), Path(enc_dir)
    for sub in ("unet", "vae", "text_encoder", "tokenizer"):
        if not (sd_dir / sub).is_dir():
            raise CheckpointError(f"{sd_dir}: no {sub}/ folder (expected the diffusers layout)")
    vae_cfg, vae_scale = vae_config(sd_dir / "vae")
    ip = load_ip_adapter(ip_path)
    cfg = adapter_config({"unet": unet_config(sd_dir / "unet"), "text": clip_config(sd_dir / "text_encoder", False),
                          "vision": clip_config(enc_dir, True), "vae": vae_cfg, "vae_scale": vae_scale}, ip)
    mods = build(cfg)
    unet_state = dict(load_component(sd_dir / "unet"))
    unet_state.update({IP_PREFIX + k: v for k, v in ip["ip_adapter"].items()})
    states = {"text_encoder": load_component(sd_dir / "text_encoder"), "image_encoder": load_component(enc_dir),
              "image_proj": ip["image_proj"], "unet": unet_state, "vae_decoder": load_component(sd_dir / "vae")}
    report = load_states(cfg, mods, states)
    for m in mods.values():
        m.eval()
    return cfg, mods, report
