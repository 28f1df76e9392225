"""Convert a Stable Diffusion 1.5 checkpoint (diffusers folder) + an IP-Adapter for SD-1.5 + its
CLIP ViT-H/14 image encoder into a model pack, format version 2 (docs/pack-contract-v2.md).

  /usr/bin/python3 -m models.convert --sd PATH/stable-diffusion-v1-5 --ip-adapter PATH/ip-adapter_sd15.bin \\
      --image-encoder PATH/image_encoder --out public/models/sd15 [--size 512] [--dtype fp16|fp32] \\
      [--taesd PATH/taesd] [--lcm-lora PATH/pytorch_lora_weights.safetensors]

--taesd adds a TAESD preview decoder (graph `previewDecoder`) for live previews; --lcm-lora fuses
LCM-LoRA into the UNet and makes the pack's sampler LCM (few steps, low guidance).

Every key of every input file is used or declared unneeded (VAE encoder, the vision head for the
plus adapter); anything else, or a parameter no key fills, stops the conversion with the list."""
import argparse
import hashlib
import json
import re
import shutil
import sys
import time
from pathlib import Path

import torch

from .sd import graphs as G
from .sd.config import CLIP_MEAN, LATENT_SCALE
from .sd.keys import unet_attn2_layers
from .sd.load import load_all
from .sd.onnx_export import finish, trace
from .sd.lora import fuse_lora
from .sd.safetensors import CheckpointError
from .sd.taesd import load_taesd

FORMAT_VERSION = 2
DEFAULT_LICENSE = ("CreativeML OpenRAIL-M (Stable Diffusion 1.5 weights); Apache-2.0 (IP-Adapter weights); "
                   "MIT (OpenCLIP ViT-H/14 weights)")
# added to the default licence line when the pack carries them (the model cards' licences)
EXTRA_LICENSES = {"lcm_lora": "Open RAIL++-M (LCM-LoRA weights)", "taesd": "MIT (TAESD weights)"}
# ComfyUI comfy/latent_formats.py SD15: diffusion-space latent (x scale) -> approximate RGB in [-1, 1]
LATENT_RGB = [[0.3512, 0.2297, 0.3227], [0.3250, 0.4974, 0.2350], [-0.2829, 0.1762, 0.2721], [-0.2120, -0.2616, -0.7177]]
# diffusers LCMScheduler: the distillation's 50-step schedule, boundary-condition timestep scaling 10
LCM = {"originalSteps": 50, "timestepScaling": 10.0}
# LCM-LoRA: 2-8 steps at guidance 1-2 (diffusers' LCM-LoRA guide); untuned starting values
LCM_DEFAULTS = {"steps": 4, "guidanceText": 1.5, "guidanceImage": 1.5, "maskReuseStep": 2}
SD15_SCHEDULER = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000,
                  "prediction_type": "epsilon", "steps_offset": 1, "set_alpha_to_one": False}


class ConvertError(RuntimeError):
    pass


def file_sha256(path, chunk=1 << 24):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(chunk)
            if not b:
                return h.hexdigest()
            h.update(b)


def scheduler_from(sd_dir, lcm=False):
    """the pack's sampler from the checkpoint's schedule: DDIM, or LCM (diffusers'
    LCMScheduler.from_config keeps the betas and prediction type and ignores the spacing)."""
    p = Path(sd_dir) / "scheduler" / "scheduler_config.json"
    c = dict(SD15_SCHEDULER, **(json.loads(p.read_text()) if p.is_file() else {}))
    if c["prediction_type"] not in ("epsilon", "v_prediction"):
        raise ConvertError(f"{p}: prediction_type {c['prediction_type']!r} is not supported")
    if c["beta_schedule"] not in ("linear", "scaled_linear", "squaredcos_cap_v2"):
        raise ConvertError(f"{p}: beta_schedule {c['beta_schedule']!r} is not supported")
    if lcm:
        return {"type": "lcm", "trainTimesteps": int(c["num_train_timesteps"]), "betaSchedule": c["beta_schedule"],
                "betaStart": float(c["beta_start"]), "betaEnd": float(c["beta_end"]), "prediction": c["prediction_type"],
                **LCM}
    return {"type": "ddim", "trainTimesteps": int(c["num_train_timesteps"]), "betaSchedule": c["beta_schedule"],
            "betaStart": float(c["beta_start"]), "betaEnd": float(c["beta_end"]), "prediction": c["prediction_type"],
            "timestepSpacing": c.get("timestep_spacing", "leading"), "stepsOffset": int(c.get("steps_offset", 1)),
            "setAlphaToOne": bool(c.get("set_alpha_to_one", False))}


def copy_tokenizer(sd_dir, out):
    src = Path(sd_dir) / "tokenizer"
    dst = out / "tokenizer"
    dst.mkdir(parents=True, exist_ok=True)
    for n in ("vocab.json", "merges.txt"):
        if not (src / n).is_file():
            raise ConvertError(f"{src}: {n} missing (a CLIP BPE tokenizer has vocab.json and merges.txt)")
        shutil.copyfile(src / n, dst / n)
    vocab = json.loads((src / "vocab.json").read_text())
    special = {"bos": "<|startoftext|>", "eos": "<|endoftext|>"}
    stm = src / "special_tokens_map.json"
    pad_tok = special["eos"]
    if stm.is_file():
        m = json.loads(stm.read_text())
        pad = m.get("pad_token", pad_tok)
        pad_tok = pad["content"] if isinstance(pad, dict) else pad
    ids = {}
    for k, t in dict(special, pad=pad_tok).items():
        if t not in vocab:
            raise ConvertError(f"{src}/vocab.json: special token {t!r} missing")
        ids[k] = vocab[t]
    return {"type": "clip-bpe", "vocab": "tokenizer/vocab.json", "merges": "tokenizer/merges.txt", "maxLength": 77,
            "lowercase": True, **ids}


def uncond_tokens(cfg, mods):
    """IP-Adapter's unconditional image tokens: the projection of a zero embedding (ip-adapter_sd15)
    or of the encoder's states for an all-zero normalized image (plus), as ip_adapter.py does."""
    with torch.no_grad():
        if cfg["plus"]:
            px = (torch.tensor(CLIP_MEAN).view(1, 3, 1, 1) * 2.0 - 1.0).expand(1, 3, cfg["vision"]["image"], cfg["vision"]["image"])
            return mods["image_proj"](mods["vision"](px.contiguous())).numpy()
        return mods["image_proj"](torch.zeros(1, cfg["vision"]["proj"])).numpy()


def mask_layers(cfg, size):
    lat = size // 8
    return [{"name": n, "resolution": [lat // f, lat // f]} for n, _, f in unet_attn2_layers(cfg["unet"])]


def io_spec(items):
    return [dict(name=n, dtype=d, shape=s) for n, d, s in items]


def convert(sd, ip_adapter, image_encoder, out, size=512, dtype="fp16", name=None, license=DEFAULT_LICENSE,
            log=print, taesd=None, lcm_lora=None, lora_scale=1.0):
    t0 = time.time()
    out = Path(out)
    name = name or out.name
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ConvertError(f"pack name {name!r}: use [a-z0-9-]+ (also the browser cache scope); pass --name")
    cfg, mods, report = load_all(sd, ip_adapter, image_encoder)
    for comp, r in report.items():
        log(f"{comp}: {r['used']} tensors used" + (f", {len(r['skipped'])} not needed by the pack" if r["skipped"] else ""))
    if lcm_lora:
        r = fuse_lora(mods["unet"], lcm_lora, lora_scale)
        report["lcm_lora"] = {"used": r["used"], "skipped": []}
        log(f"lcm_lora: {r['used']} tensors used, {r['modules']} UNet weights fused")
    preview_decoder = None
    if taesd:
        tcfg, preview_decoder, r = load_taesd(taesd)
        if tcfg["latent"] != cfg["unet"]["in_channels"]:
            raise ConvertError(f"{taesd}: TAESD for {tcfg['latent']} latent channels, the UNet has {cfg['unet']['in_channels']}")
        report["taesd"] = r
        log(f"taesd: {r['used']} tensors used" + (f", {len(r['skipped'])} not needed by the pack" if r["skipped"] else ""))
    scheduler = scheduler_from(sd, lcm=bool(lcm_lora))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tokenizer = copy_tokenizer(sd, out)
    geo = G.geometry(cfg, size)
    spec = G.specs(cfg, size)
    graphs, files = {}, []
    modules = G.modules_for(mods, cfg, size)
    if preview_decoder is not None:
        modules["previewDecoder"] = G.DecoderW(preview_decoder)
    for gname, mod in modules.items():
        t = time.time()
        model = trace(mod, cfg, size, gname)
        written, _ = finish(model, cfg, gname, out / G.FILES[gname], dtype)
        del model
        ins, outs = spec[gname]
        g = {"file": G.FILES[gname], "inputs": io_spec(ins), "outputs": io_spec(outs)}
        if len(written) > 1:
            g["externalData"] = [w.name for w in written[1:]]
        graphs[gname] = g
        files += written
        log(f"{gname}: {sum(w.stat().st_size for w in written) / 1e6:.1f} MB in {time.time() - t:.0f} s")
    unc = uncond_tokens(cfg, mods).astype("<f4")
    (out / "image_tokens_uncond.bin").write_bytes(unc.tobytes())
    files += [out / "image_tokens_uncond.bin", out / tokenizer["vocab"], out / tokenizer["merges"]]
    if license == DEFAULT_LICENSE:
        license = "; ".join([license] + [EXTRA_LICENSES[k] for k, v in (("lcm_lora", lcm_lora), ("taesd", taesd)) if v])
    manifest = {
        "format": "realcustom-pack", "formatVersion": FORMAT_VERSION, "name": name, "version": "1.0.0",
        "license": license,
        "description": (f"Stable Diffusion 1.5 ({Path(sd).name})" + (" with LCM-LoRA fused" if lcm_lora else "")
                        + f" and {Path(ip_adapter).name}: RealCustom's adaptive mask guiding a global IP-Adapter "
                        "(training-free 'masked-global'; no scoring module)"),
        "dtype": "float16" if dtype == "fp16" else "float32",
        "requiresShaderF16": dtype == "fp16",
        "image": {"size": size},
        "reference": {"size": cfg["vision"]["image"], "normalize": "clip"},
        "latent": {"shape": geo["latent"], "scale": float(cfg.get("vae_scale", LATENT_SCALE))},
        "preview": {"type": "latent-rgb", "factors": LATENT_RGB, "bias": [0.0, 0.0, 0.0]},
        "scheduler": scheduler,
        "tokenizer": tokenizer,
        "adapter": {"kind": "ip-adapter", "variant": "ip-adapter-plus_sd15" if cfg["plus"] else "ip-adapter_sd15",
                    "imageTokens": cfg["ip_tokens"], "imageTokenDim": cfg["unet"]["cross_attention_dim"],
                    "uncondImageTokens": {"file": "image_tokens_uncond.bin", "dtype": "float32",
                                          "shape": [1, cfg["ip_tokens"], cfg["unet"]["cross_attention_dim"]]}},
        "modes": ["text", "global", "masked-global"],
        "maskLayers": mask_layers(cfg, size),
        "maskResolution": geo["mask"],
        "wordAttention": "mean-of-maskLayers",
        "graphs": graphs,
        "files": {str(f.relative_to(out)): {"bytes": f.stat().st_size, "sha256": file_sha256(f)} for f in files},
        "defaults": {"steps": 25, "guidanceText": 7.5, "guidanceImage": 7.5, "gammaScope": 0.25, "maskReuseStep": 12,
                     "globalScale": 0.6, "seed": 1, "previewEvery": 1, "mode": "masked-global",
                     **(LCM_DEFAULTS if lcm_lora else {})},
        "source": {"sd": Path(sd).name, "ipAdapter": Path(ip_adapter).name, "imageEncoder": Path(image_encoder).name,
                   **({"lcmLora": Path(lcm_lora).name} if lcm_lora else {}), **({"taesd": Path(taesd).name} if taesd else {}),
                   "keys": {k: {"used": r["used"], "notNeeded": len(r["skipped"])} for k, r in report.items()}},
    }
    (out / "pack.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(v["bytes"] for v in manifest["files"].values())
    log(f"wrote {out}: {total / 1e6:.1f} MB in {time.time() - t0:.0f} s")
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sd", required=True, help="diffusers folder (unet/, vae/, text_encoder/, tokenizer/)")
    ap.add_argument("--ip-adapter", required=True, help="ip-adapter_sd15 or ip-adapter-plus_sd15 (.bin or .safetensors)")
    ap.add_argument("--image-encoder", required=True, help="CLIPVisionModelWithProjection folder (ViT-H/14)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--dtype", choices=["fp16", "fp32"], default="fp16")
    ap.add_argument("--name", default=None, help="pack name (default: the --out folder's name)")
    ap.add_argument("--license", default=DEFAULT_LICENSE)
    ap.add_argument("--lcm-lora", default=None, help="kohya-format LCM-LoRA (pytorch_lora_weights.safetensors) to fuse")
    ap.add_argument("--lora-scale", type=float, default=1.0, help="scale of the fused LoRA (diffusers' lora_scale)")
    ap.add_argument("--taesd", default=None,
                    help="TAESD: a diffusers AutoencoderTiny folder or madebyollin's taesd_decoder.pth/.safetensors")
    a = ap.parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    try:
        convert(a.sd, a.ip_adapter, a.image_encoder, a.out, a.size, a.dtype, a.name, a.license, taesd=a.taesd,
                lcm_lora=a.lcm_lora, lora_scale=a.lora_scale)
    except (CheckpointError, ConvertError, ValueError) as e:
        print(f"convert: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
