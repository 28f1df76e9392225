"""SD-1.5 converter, no ONNX: safetensors format, the real key lists (full size, names and shapes
only) against our modules through the converter's own loading code, and its refusals."""
import contextlib
import json
import math
import struct

import numpy as np
import pytest
import torch
import torch.nn as nn

from models import make_random_sd
from models.sd import keys as K
from models.sd.config import FULL, NARROW, TINY
from models.sd.load import IP_PREFIX, KeyMismatch, adapter_config, build, load_all, load_states
from models.sd.safetensors import load_ip_adapter, load_safetensors, read_header, save_safetensors


class Shape:
    """a tensor stand-in with only a shape: full-size key checks without allocating 3 GB"""

    def __init__(self, shape):
        self.shape = torch.Size(shape)

    def numel(self):
        return math.prod(self.shape)

    def dim(self):
        return len(self.shape)


@contextlib.contextmanager
def no_init():
    """build full-size modules without initialising (or touching) their weights"""
    classes = (nn.Linear, nn.Conv2d, nn.LayerNorm, nn.Embedding)
    saved = [c.reset_parameters for c in classes]
    for c in classes:
        c.reset_parameters = lambda self: None
    try:
        yield
    finally:
        for c, f in zip(classes, saved):
            c.reset_parameters = f


def shapes(d, prefix=""):
    return {prefix + k: Shape(s) for k, s in d.items()}


def full_states(cfg, plus):
    unet = shapes(K.unet_keys(cfg["unet"]))
    unet.update(shapes(K.ip_layer_keys(cfg), IP_PREFIX))
    return {"text_encoder": shapes(K.text_keys(cfg["text"])), "image_encoder": shapes(K.vision_keys(cfg["vision"])),
            "image_proj": shapes(K.image_proj_keys(cfg, plus)), "unet": unet, "vae_decoder": shapes(K.vae_keys(cfg["vae"]))}


@pytest.mark.parametrize("plus", [False, True])
def test_full_size_keys_all_used_none_missing(plus):
    cfg = {k: FULL[k] for k in ("unet", "text", "vision", "vae")}
    ip = {"image_proj": shapes(K.image_proj_keys(FULL, plus)), "ip_adapter": shapes(K.ip_layer_keys(FULL))}
    cfg = adapter_config(cfg, ip)
    assert cfg["ip_tokens"] == (16 if plus else 4)
    with no_init():
        mods = build(cfg)
    report = load_states(cfg, mods, full_states(cfg, plus), dry=True)
    assert report["unet"]["used"] == 686 + 32  # SD-1.5 UNet tensors + 16 x (to_k_ip, to_v_ip)
    assert report["text_encoder"]["used"] == 196
    assert report["vae_decoder"]["used"] == 140  # (two conv_shortcuts where channels shrink)
    assert all(k.startswith(("encoder.", "quant_conv.")) for k in report["vae_decoder"]["skipped"])
    if plus:  # hidden_states[-2]: the last ViT layer and the projection head are not needed
        assert report["image_encoder"]["used"] == 520 - 16 - 2 - 1
    else:
        assert report["image_encoder"]["used"] == 520
    # parameter counts of the published models
    n = {c: sum(math.prod(s.shape) for s in st.values()) for c, st in full_states(cfg, plus).items()}
    assert n["text_encoder"] == 123_060_480 and n["image_encoder"] == 632_076_800
    assert n["unet"] - sum(math.prod(s) for s in K.ip_layer_keys(FULL).values()) == 859_520_964


def test_ip_adapter_order_is_down_up_mid():
    names = [n for n, _, _ in K.unet_attn2_layers(FULL["unet"])]
    assert len(names) == 16 and names[0] == "down_blocks.0.attentions.0" and names[6] == "up_blocks.1.attentions.0"
    assert names[-1] == "mid_block.attentions.0"
    assert K.ip_layer_keys(FULL)["31.to_k_ip.weight"] == (1280, 768)
    assert K.ip_layer_keys(FULL)["1.to_v_ip.weight"] == (320, 768)


def test_safetensors_roundtrip_and_bf16(tmp_path):
    t = {"a": np.arange(6, dtype=np.float16).reshape(2, 3), "b": np.ones((4,), np.float32), "c": np.arange(3, dtype=np.int64)}
    save_safetensors(t, tmp_path / "x.safetensors", metadata={"format": "pt"})
    meta, base = read_header(tmp_path / "x.safetensors")
    assert base % 8 == 0 and meta["__metadata__"] == {"format": "pt"} and meta["a"]["dtype"] == "F16"
    back = load_safetensors(tmp_path / "x.safetensors")
    for k, v in t.items():
        assert back[k].dtype == torch.from_numpy(v).dtype and np.array_equal(back[k].numpy(), v)
    # BF16 as another writer would store it: the top 16 bits of the float32
    f = np.array([1.5, -2.25, 3.0], np.float32)
    raw = (f.view(np.uint32) >> 16).astype(np.uint16).tobytes()
    h = json.dumps({"w": {"dtype": "BF16", "shape": [3], "data_offsets": [0, len(raw)]}}).encode()
    (tmp_path / "bf.safetensors").write_bytes(struct.pack("<Q", len(h)) + h + raw)
    assert load_safetensors(tmp_path / "bf.safetensors")["w"].tolist() == [1.5, -2.25, 3.0]


@pytest.fixture(scope="module")
def narrow(tmp_path_factory):
    d = tmp_path_factory.mktemp("narrow")
    return make_random_sd.make(d, "narrow", "fp32")


def test_narrow_files_load_both_adapters(narrow):
    for ip in ("ip_adapter", "ip_adapter_plus"):
        cfg, mods, report = load_all(narrow["sd"], narrow[ip], narrow["image_encoder"])
        assert cfg["ip_tokens"] == (16 if ip == "ip_adapter_plus" else 4)
        assert report["text_encoder"]["skipped"] == ["text_model.embeddings.position_ids"]
    # .bin nested form and .safetensors flat form read to the same structure
    assert set(load_ip_adapter(narrow["ip_adapter"])) == {"image_proj", "ip_adapter"}


def _rewrite(path, edit):
    st = {k: v.numpy() for k, v in load_safetensors(path).items()}
    edit(st)
    save_safetensors(st, path)


def test_unused_missing_and_misshapen_keys_are_errors(tmp_path, narrow):
    import shutil
    sd = tmp_path / "sd"
    shutil.copytree(narrow["sd"], sd)
    f = sd / "unet" / "diffusion_pytorch_model.safetensors"
    _rewrite(f, lambda st: st.update({"down_blocks.0.extra.weight": np.zeros(3, np.float32)}))
    with pytest.raises(KeyMismatch, match=r"1 unused keys: down_blocks\.0\.extra\.weight"):
        load_all(sd, narrow["ip_adapter"], narrow["image_encoder"])
    _rewrite(f, lambda st: (st.pop("down_blocks.0.extra.weight"), st.pop("conv_in.bias")))
    with pytest.raises(KeyMismatch, match=r"1 missing keys: conv_in\.bias"):
        load_all(sd, narrow["ip_adapter"], narrow["image_encoder"])
    _rewrite(f, lambda st: st.update({"conv_in.bias": np.zeros(5, np.float32)}))
    with pytest.raises(KeyMismatch, match=r"conv_in\.bias: \(5,\) != \(32,\)"):
        load_all(sd, narrow["ip_adapter"], narrow["image_encoder"])


@pytest.mark.parametrize("small", [NARROW, TINY], ids=["narrow", "tiny"])
def test_small_configs_have_the_full_topology(small):
    full, narrow = K.unet_keys(FULL["unet"]), K.unet_keys(small["unet"])
    assert list(full) == list(narrow)
    assert list(K.vae_keys(FULL["vae"])) == list(K.vae_keys(small["vae"]))
