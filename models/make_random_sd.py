"""Synthetic SD-1.5 + IP-Adapter checkpoints with the real files' layout, key names and shapes and
random weights (no real weights can be downloaded here). Full size writes ~4.5 GB: put it outside
the repo.

  /usr/bin/python3 -m models.make_random_sd --out /tmp/sd-random [--config full|narrow] [--dtype fp16|fp32]

Writes OUT/stable-diffusion-v1-5/{unet,vae,text_encoder,tokenizer,scheduler}/ (diffusers layout),
OUT/image_encoder/ (CLIPVisionModelWithProjection), OUT/ip-adapter_sd15.bin (torch.save of
{"image_proj", "ip_adapter"}, as published), OUT/ip-adapter-plus_sd15.safetensors (flat names),
OUT/taesd/ (diffusers AutoencoderTiny, real TAESD shapes), OUT/taesd_decoder.pth (madebyollin's
decoder-only file) and OUT/lcm-lora-sdv1-5/pytorch_lora_weights.safetensors (kohya names)."""
import argparse
import json
import math
from pathlib import Path

import numpy as np
import torch

from .sd import keys as K
from .sd.config import CONFIGS
from .sd.safetensors import save_safetensors
from .sd.taesd import DEFAULT as TAESD

BOS, EOS = "<|startoftext|>", "<|endoftext|>"
WORDS = ["a", "photo", "of", "dog", "cat", "on", "the", "beach", "toy", "red", "in", "snow", "sks", "painting"]


def random_tensor(name, shape, rng, dtype):
    n = math.prod(shape)
    leaf = name.rsplit(".", 1)[-1]
    norm = any(s in name for s in ("norm", "layrnorm", "layer_norm")) or name.endswith((".1.0.weight", ".1.0.bias"))
    if norm and len(shape) == 1:
        base = 1.0 if leaf == "weight" else 0.0
        a = base + 0.1 * rng.standard_normal(n, dtype=np.float32)
    elif leaf == "bias":
        a = 0.02 * rng.standard_normal(n, dtype=np.float32)
    elif "embedding" in name or name.endswith("latents"):
        a = 0.02 * rng.standard_normal(n, dtype=np.float32) * (50.0 if name.endswith("latents") else 1.0)
    else:
        fan_in = math.prod(shape[1:]) if len(shape) > 1 else shape[0]
        a = rng.standard_normal(n, dtype=np.float32) / math.sqrt(fan_in)
    return a.reshape(shape).astype(dtype)


def make_state(key_shapes, seed, dtype):
    rng = np.random.default_rng(seed)
    return {k: random_tensor(k, s, rng, dtype) for k, s in sorted(key_shapes.items())}


def byte_vocab():
    """GPT-2/CLIP byte-to-unicode table: 256 printable stand-ins for the bytes."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def write_tokenizer(folder, vocab_size=49408):
    """A CLIP-format BPE tokenizer (vocab.json, merges.txt) with the real special-token ids
    (49406 start, 49407 end) and merges that spell a few words; the rest is filler."""
    folder.mkdir(parents=True, exist_ok=True)
    chars = byte_vocab()
    tokens = chars + [c + "</w>" for c in chars]
    merges = []
    for w in WORDS:
        cur = list(w[:-1]) + [w[-1] + "</w>"]
        while len(cur) > 1:
            a, b = cur[0], cur[1]
            merges.append(f"{a} {b}")
            tokens.append(a + b)
            cur = [a + b] + cur[2:]
    seen, uniq = set(), []
    for t in tokens:
        if t not in seen:
            seen.add(t)
            uniq.append(t)
    uniq += [f"filler{i}</w>" for i in range(vocab_size - 2 - len(uniq))]
    uniq += [BOS, EOS]
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(uniq)}, ensure_ascii=False))
    m_seen = list(dict.fromkeys(merges))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(m_seen) + "\n")
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {"bos_token": BOS, "eos_token": EOS, "pad_token": EOS, "unk_token": EOS, "model_max_length": 77,
         "do_lower_case": True, "tokenizer_class": "CLIPTokenizer"}, indent=1))
    (folder / "special_tokens_map.json").write_text(json.dumps(
        {"bos_token": BOS, "eos_token": EOS, "pad_token": EOS, "unk_token": EOS}, indent=1))


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1) + "\n")


def make(out, config="full", dtype="fp16", seed=0):
    cfg = CONFIGS[config]
    npdt = np.float16 if dtype == "fp16" else np.float32
    out = Path(out)
    sd = out / "stable-diffusion-v1-5"
    u, t, v, vae = cfg["unet"], cfg["text"], cfg["vision"], cfg["vae"]
    write_json(sd / "model_index.json", {"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.21.0"})
    write_json(sd / "unet" / "config.json", {
        "_class_name": "UNet2DConditionModel", "in_channels": u["in_channels"], "out_channels": u["in_channels"],
        "block_out_channels": list(u["block_out_channels"]), "layers_per_block": u["layers_per_block"],
        "attention_head_dim": u["heads"], "cross_attention_dim": u["cross_attention_dim"],
        "norm_num_groups": u["norm_groups"], "sample_size": 64, "flip_sin_to_cos": True, "freq_shift": 0})
    save_safetensors(make_state(K.unet_keys(u), seed, npdt), sd / "unet" / "diffusion_pytorch_model.safetensors")
    write_json(sd / "vae" / "config.json", {
        "_class_name": "AutoencoderKL", "latent_channels": vae["latent"], "block_out_channels": list(vae["block_out_channels"]),
        "layers_per_block": vae["layers_per_block"], "norm_num_groups": vae["norm_groups"], "scaling_factor": 0.18215})
    save_safetensors(make_state(K.vae_keys(vae), seed + 1, npdt), sd / "vae" / "diffusion_pytorch_model.safetensors")
    write_json(sd / "text_encoder" / "config.json", {
        "architectures": ["CLIPTextModel"], "hidden_size": t["dim"], "num_hidden_layers": t["layers"],
        "num_attention_heads": t["heads"], "intermediate_size": t["inter"], "hidden_act": t["act"],
        "max_position_embeddings": t["max_len"], "vocab_size": t["vocab"]})
    tstate = make_state(K.text_keys(t), seed + 2, npdt)
    tstate["text_model.embeddings.position_ids"] = np.arange(t["max_len"], dtype=np.int64)[None]  # old transformers kept it
    save_safetensors(tstate, sd / "text_encoder" / "model.safetensors")
    write_tokenizer(sd / "tokenizer", t["vocab"])
    write_json(sd / "scheduler" / "scheduler_config.json", {
        "_class_name": "PNDMScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
        "num_train_timesteps": 1000, "prediction_type": "epsilon", "set_alpha_to_one": False, "steps_offset": 1,
        "skip_prk_steps": True})
    write_json(out / "image_encoder" / "config.json", {
        "architectures": ["CLIPVisionModelWithProjection"], "hidden_size": v["dim"], "num_hidden_layers": v["layers"],
        "num_attention_heads": v["heads"], "intermediate_size": v["inter"], "hidden_act": v["act"],
        "image_size": v["image"], "patch_size": v["patch"], "projection_dim": v["proj"]})
    save_safetensors(make_state(K.vision_keys(v), seed + 3, npdt), out / "image_encoder" / "model.safetensors")
    ip = K.ip_layer_keys(cfg)
    base = {"image_proj": {k: torch.from_numpy(a) for k, a in make_state(K.image_proj_keys(cfg, False), seed + 4, npdt).items()},
            "ip_adapter": {k: torch.from_numpy(a) for k, a in make_state(ip, seed + 5, npdt).items()}}
    torch.save(base, out / "ip-adapter_sd15.bin")
    plus = {f"image_proj.{k}": a for k, a in make_state(K.image_proj_keys(cfg, True), seed + 6, npdt).items()}
    plus.update({f"ip_adapter.{k}": a for k, a in make_state(ip, seed + 7, npdt).items()})
    save_safetensors(plus, out / "ip-adapter-plus_sd15.safetensors")
    write_taesd(out, seed + 8, npdt)
    lora = out / "lcm-lora-sdv1-5" / "pytorch_lora_weights.safetensors"
    lora.parent.mkdir(parents=True, exist_ok=True)
    save_safetensors(lora_state(u, cfg["lora_rank"], seed + 9, npdt), lora)
    return {"sd": sd, "image_encoder": out / "image_encoder", "ip_adapter": out / "ip-adapter_sd15.bin",
            "ip_adapter_plus": out / "ip-adapter-plus_sd15.safetensors", "taesd": out / "taesd",
            "taesd_pth": out / "taesd_decoder.pth", "lcm_lora": lora}


def write_taesd(out, seed, npdt):
    """TAESD at its real size (1.2 M decoder parameters): the hub's AutoencoderTiny folder and
    madebyollin's taesd_decoder.pth (its decoder, keys `<i>.*` one index above diffusers')."""
    write_json(out / "taesd" / "config.json", {
        "_class_name": "AutoencoderTiny", "act_fn": "relu", "decoder_block_out_channels": list(TAESD["channels"]),
        "encoder_block_out_channels": list(TAESD["channels"]), "in_channels": 3, "out_channels": 3,
        "latent_channels": TAESD["latent"], "num_decoder_blocks": list(TAESD["blocks"]), "num_encoder_blocks": [1, 3, 3, 3],
        "upsampling_scaling_factor": TAESD["upsample"], "latent_magnitude": 3, "latent_shift": 0.5, "scaling_factor": 1.0,
        "force_upcast": False})
    state = make_state(K.taesd_keys(TAESD), seed, npdt)
    save_safetensors(state, out / "taesd" / "diffusion_pytorch_model.safetensors")
    dec = {k: torch.from_numpy(a) for k, a in make_state(K.taesd_decoder_keys(TAESD, prefix="", first=1), seed + 1, np.float32).items()}
    torch.save(dec, out / "taesd_decoder.pth")


def lora_state(unet_cfg, rank, seed, npdt):
    """LoRA factors of a trained scale (down ~ 1/sqrt(fan_in), up small) and alpha = rank / 2, so
    the alpha / rank factor is exercised."""
    rng = np.random.default_rng(seed)
    st = {}
    for k, shape in sorted(K.lcm_lora_keys(unet_cfg, rank).items()):
        if k.endswith(".alpha"):
            st[k] = np.array(rank / 2, npdt)
        else:
            a = rng.standard_normal(shape, dtype=np.float32) / math.sqrt(math.prod(shape[1:]))
            st[k] = (a * (0.1 if "lora_up" in k else 1.0)).astype(npdt)
    return st


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--config", default="full", choices=sorted(CONFIGS))
    ap.add_argument("--dtype", default="fp16", choices=["fp16", "fp32"])
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    paths = make(a.out, a.config, a.dtype, a.seed)
    size = sum(p.stat().st_size for p in Path(a.out).rglob("*") if p.is_file())
    print(f"wrote {a.out} ({size / 1e6:.1f} MB): " + ", ".join(f"{k}={v}" for k, v in paths.items()))


if __name__ == "__main__":
    main()
