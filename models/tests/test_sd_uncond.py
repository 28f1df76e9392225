"""IP-Adapter's negative image tokens (pack `adapter.uncondImageTokens`), as IP-Adapter's own
ip_adapter.py makes them: `image_proj_model(torch.zeros_like(clip_image_embeds))` for
ip-adapter_sd15, and `image_proj_model(image_encoder(torch.zeros_like(clip_image)).hidden_states[-2])`
(a zero *normalized* image) for ip-adapter-plus_sd15. Checked on the TINY synthetic checkpoint
(no ONNX export, seconds), and against the committed test pack public/models/test-sd-tiny."""
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from models import make_random_sd
from models.convert import uncond_tokens
from models.sd.load import load_all
from models.sd.safetensors import load_ip_adapter

PACK = Path(__file__).resolve().parents[2] / "public" / "models" / "test-sd-tiny"


@pytest.fixture(scope="module")
def ck(tmp_path_factory):
    return make_random_sd.make(tmp_path_factory.mktemp("tiny") / "ck", "tiny", "fp32")


def test_base_adapter_uncond_is_the_projection_of_a_zero_embedding(ck):
    cfg, mods, _ = load_all(ck["sd"], ck["ip_adapter"], ck["image_encoder"])
    got = uncond_tokens(cfg, mods)
    # independently of our modules: Linear(0) = bias, reshaped to tokens, then LayerNorm
    pj = {k: v.float().numpy() for k, v in load_ip_adapter(ck["ip_adapter"])["image_proj"].items()}
    x = pj["proj.bias"].reshape(cfg["ip_tokens"], -1)
    ln = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * pj["norm.weight"] + pj["norm.bias"]
    assert got.shape == (1, cfg["ip_tokens"], cfg["unet"]["cross_attention_dim"])
    assert np.abs(got[0] - ln).max() < 1e-5


def test_plus_adapter_uncond_encodes_the_zero_normalized_image(ck):
    cfg, mods, _ = load_all(ck["sd"], ck["ip_adapter_plus"], ck["image_encoder"])
    got = uncond_tokens(cfg, mods)
    vis = mods["vision"]
    seen = {}
    hook = vis.register_forward_pre_hook(lambda m, a: seen.setdefault("px", a[0].clone()))
    try:
        uncond_tokens(cfg, mods)
    finally:
        hook.remove()
    # the graph's input for IP-Adapter's zeros_like(clip_image): normalized to exactly 0
    normalized = ((seen["px"] + 1.0) * 0.5 - vis.mean) / vis.std
    assert normalized.abs().max() < 1e-6
    assert got.shape == (1, 16, cfg["unet"]["cross_attention_dim"])
    with torch.no_grad():
        ref = mods["image_proj"](vis(seen["px"])).numpy()
    assert np.array_equal(got, ref)
    # and it is not the base adapter's recipe (a zero embedding)
    assert np.abs(got).max() > 0


def test_committed_tiny_pack_carries_the_negative_tokens_of_its_checkpoint(ck):
    m = json.loads((PACK / "pack.json").read_text())
    spec = m["adapter"]["uncondImageTokens"]
    raw = (PACK / spec["file"]).read_bytes()
    assert m["files"][spec["file"]] == {"bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    stored = np.frombuffer(raw, "<f4").reshape(spec["shape"])
    cfg, mods, _ = load_all(ck["sd"], ck["ip_adapter"], ck["image_encoder"])
    assert np.abs(stored - uncond_tokens(cfg, mods)).max() < 1e-6
    assert m["tokenizer"]["bos"] == cfg["text"]["vocab"] - 2 and m["tokenizer"]["eos"] == cfg["text"]["vocab"] - 1
