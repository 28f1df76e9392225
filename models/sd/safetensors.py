"""Checkpoint files: a small .safetensors reader/writer (no `safetensors` package on Debian) and
`.bin` (torch.load) loading, plus the diffusers folder layout.

Format: 8-byte little-endian header length N, N bytes of JSON
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then raw
little-endian tensor bytes (offsets relative to the end of the header)."""
import json
import struct
from pathlib import Path

import numpy as np
import torch

DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32,
          "U8": np.uint8, "BOOL": np.bool_}
NP_TO_ST = {np.dtype(v): k for k, v in DTYPES.items()}


class CheckpointError(ValueError):
    """A checkpoint file or folder that cannot be read as expected (names the file)."""


def _bf16_to_f32(raw):
    u = np.frombuffer(raw, np.uint16).astype(np.uint32) << 16
    return u.view(np.float32)


def read_header(path):
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise CheckpointError(f"{path}: too short for a safetensors file")
        (n,) = struct.unpack("<Q", head)
        if n > 100_000_000:
            raise CheckpointError(f"{path}: header length {n} is not plausible (not a safetensors file?)")
        meta = json.loads(f.read(n))
    return meta, 8 + n


def load_safetensors(path):
    """-> {name: torch.Tensor} (BF16 is widened to float32; arrays are memory-mapped, copied on use)."""
    path = Path(path)
    meta, base = read_header(path)
    size = path.stat().st_size
    mm = np.memmap(path, np.uint8, mode="r")
    out = {}
    for name, info in meta.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        if base + e > size:
            raise CheckpointError(f"{path}: tensor {name} runs past the end of the file")
        raw = mm[base + b: base + e]
        dt, shape = info["dtype"], info["shape"]
        if dt == "BF16":
            arr = _bf16_to_f32(raw.tobytes())
        elif dt in DTYPES:
            arr = np.frombuffer(raw, DTYPES[dt])
        else:
            raise CheckpointError(f"{path}: tensor {name} has unsupported dtype {dt}")
        out[name] = torch.from_numpy(np.array(arr).reshape(shape))
    return out


def save_safetensors(tensors, path, metadata=None):
    """tensors: {name: numpy array or torch tensor}; written in name order (as the reference writer)."""
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name]
        a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
        a = np.ascontiguousarray(a)
        if a.dtype not in NP_TO_ST:
            raise CheckpointError(f"{name}: cannot write dtype {a.dtype}")
        header[name] = {"dtype": NP_TO_ST[a.dtype], "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        blobs.append(a)
        off += a.nbytes
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * (-len(hb) % 8)  # keep the data 8-byte aligned, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for a in blobs:
            f.write(a.tobytes())


def load_file(path):
    """.safetensors or .bin/.pt/.ckpt (torch.load on CPU) -> flat {name: tensor}."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file")
    if path.suffix == ".safetensors":
        return load_safetensors(path)
    sd = torch.load(str(path), map_location="cpu")
    if isinstance(sd, dict) and "state_dict" in sd and isinstance(sd["state_dict"], dict):
        sd = sd["state_dict"]
    return sd


WEIGHT_NAMES = ("diffusion_pytorch_model.safetensors", "model.safetensors",
                "diffusion_pytorch_model.bin", "pytorch_model.bin")


def load_component(folder):
    """A diffusers/transformers component folder (unet/, vae/, text_encoder/, an image encoder):
    the first weight file found, fp32 preferred over the `.fp16` variant."""
    folder = Path(folder)
    if folder.is_file():
        return load_file(folder)
    for n in WEIGHT_NAMES:
        for cand in (folder / n, folder / n.replace(".", ".fp16.", 1)):
            if cand.is_file():
                return load_file(cand)
    raise CheckpointError(f"{folder}: no weight file (looked for {', '.join(WEIGHT_NAMES)} and .fp16 variants)")


def load_ip_adapter(path):
    """ip-adapter_sd15 / ip-adapter-plus_sd15 (.bin: {"image_proj": {...}, "ip_adapter": {...}};
    .safetensors: flat names prefixed image_proj. / ip_adapter.) -> the nested form."""
    sd = load_file(path)
    if "image_proj" in sd and "ip_adapter" in sd and isinstance(sd["image_proj"], dict):
        return {"image_proj": dict(sd["image_proj"]), "ip_adapter": dict(sd["ip_adapter"])}
    out = {"image_proj": {}, "ip_adapter": {}}
    for k, v in sd.items():
        top, _, rest = k.partition(".")
        if top not in out:
            raise CheckpointError(f"{path}: key {k} is neither image_proj.* nor ip_adapter.*")
        out[top][rest] = v
    return out
