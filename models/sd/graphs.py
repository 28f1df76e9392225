"""The graphs of a version-2 pack (four, and the optional TAESD preview decoder): wrappers with the contract's input/output names, their
specs (names, dtypes, shapes) and deterministic example inputs for tracing and parity."""
import numpy as np
import torch
import torch.nn as nn

from .config import LATENT_FACTOR, MASK_FACTOR

FILES = {"textEncoder": "text_encoder.onnx", "imageEncoder": "image_encoder.onnx", "unet": "unet.onnx",
         "decoder": "vae_decoder.onnx", "previewDecoder": "preview_decoder.onnx"}


class TextW(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        return self.m(input_ids)


class ImageW(nn.Module):
    """pixels -> the adapter's image tokens (ViT-H embeds + ImageProj, or penultimate states + Resampler)."""

    def __init__(self, vision, proj):
        super().__init__()
        self.vision, self.proj = vision, proj

    def forward(self, pixels):
        return self.proj(self.vision(pixels))


class UNetW(nn.Module):
    def __init__(self, unet, mask_hw):
        super().__init__()
        self.u, self.hw = unet, mask_hw

    def forward(self, latent, timestep, text_embeds, image_tokens, image_scale, mask, target_tokens):
        return self.u(latent, timestep, text_embeds, image_tokens, image_scale, mask, target_tokens, self.hw)


class DecoderW(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent):
        return self.vae(latent)


def geometry(cfg, size):
    if size % 64:
        raise ValueError(f"--size {size}: must be a multiple of 64")
    lat = size // LATENT_FACTOR
    return {"size": size, "latent": [cfg["unet"]["in_channels"], lat, lat], "mask": [size // MASK_FACTOR] * 2}


def specs(cfg, size):
    """name -> (inputs, outputs), each [(name, dtype, shape)]; all float I/O is float32 (fp16 packs
    cast inside the graph), `batch` is the one dynamic dimension."""
    g = geometry(cfg, size)
    C, H, _ = g["latent"]
    Hm, Wm = g["mask"]
    L, Dt = cfg["text"]["max_len"], cfg["unet"]["cross_attention_dim"]
    Ni, S = cfg["ip_tokens"], cfg["vision"]["image"]
    f, b = "float32", "batch"
    return {
        "textEncoder": ([("input_ids", "int64", [b, L])], [("text_embeds", f, [b, L, Dt])]),
        "imageEncoder": ([("pixels", f, [1, 3, S, S])], [("image_tokens", f, [1, Ni, Dt])]),
        "unet": ([("latent", f, [b, C, H, H]), ("timestep", f, [b]), ("text_embeds", f, [b, L, Dt]),
                  ("image_tokens", f, [b, Ni, Dt]), ("image_scale", f, [b]), ("mask", f, [b, 1, Hm, Wm]),
                  ("target_tokens", f, [b, L])],
                 [("model_output", f, [b, C, H, H]), ("word_attention", f, [b, 1, Hm, Wm])]),
        "decoder": ([("latent", f, [1, C, H, H])], [("image", f, [1, 3, size, size])]),
        # TAESD: the diffusion-space latent itself (no division by latent.scale)
        "previewDecoder": ([("latent", f, [1, C, H, H])], [("image", f, [1, 3, size, size])]),
    }


def modules_for(mods, cfg, size):
    return {"textEncoder": TextW(mods["text"]), "imageEncoder": ImageW(mods["vision"], mods["image_proj"]),
            "unet": UNetW(mods["unet"], tuple(geometry(cfg, size)["mask"])), "decoder": DecoderW(mods["vae"])}


def example_inputs(cfg, size, name, batch=2, seed=0):
    """Realistic inputs: unit-variance latents and text states of CLIP's scale, a soft mask, the
    target on tokens 2-3, timesteps over the schedule, image scale 1 (and 0.5 on the last row)."""
    rng = np.random.default_rng(seed)
    ins, _ = specs(cfg, size)[name]
    out = {}
    for n, dt, shape in ins:
        shp = [batch if s == "batch" else s for s in shape]
        if n == "input_ids":
            vocab = cfg["text"]["vocab"]  # CLIP: start and end of text are the last two ids
            ids = np.full(shp, vocab - 1, np.int64)
            ids[:, 0] = vocab - 2
            ids[:, 1:5] = rng.integers(300, min(40000, vocab - 2), (shp[0], 4))
            out[n] = ids
        elif n == "timestep":
            out[n] = np.linspace(999, 1, shp[0]).round().astype(np.float32)
        elif n == "image_scale":
            out[n] = np.ones(shp, np.float32)
            if shp[0] > 1:
                out[n][-1] = 0.5
        elif n == "mask":
            out[n] = rng.uniform(0, 1, shp).astype(np.float32)
        elif n == "target_tokens":
            t = np.zeros(shp, np.float32)
            t[:, 2:4] = 1.0
            out[n] = t
        elif n == "pixels":
            out[n] = rng.uniform(-1, 1, shp).astype(np.float32)
        else:
            out[n] = rng.standard_normal(shp).astype(np.float32)
    return out


def torch_run(mod, inputs):
    with torch.no_grad():
        outs = mod(*[torch.from_numpy(v) for v in inputs.values()])
    if isinstance(outs, torch.Tensor):
        outs = (outs,)
    return [o.numpy() for o in outs]
