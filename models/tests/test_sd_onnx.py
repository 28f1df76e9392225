"""SD-1.5 converter end to end on the NARROW configuration (the real topology, few channels):
convert -> pack v2; every graph in onnxruntime-node against the PyTorch reference; the invariants
of the masked decoupled cross-attention; the fp16 pass on realistic inputs."""
import hashlib
import json
from types import SimpleNamespace

import numpy as np
import onnx
import pytest
import torch

from models import make_random_sd
from models.convert import convert
from models.sd import keys
from models.sd.graphs import example_inputs, modules_for, torch_run
from models.sd.load import load_all
from models.sd.onnx_export import finish, trace
from models.tests.ort import have_ort, ort_run

SIZE = 128  # latent 16x16, mask 8x8; layers at 16, 8, 4, 2
pytestmark = pytest.mark.skipif(not have_ort(), reason="onnxruntime-node not installed")


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    d = tmp_path_factory.mktemp("sd")
    ck = make_random_sd.make(d / "ck", "narrow", "fp32")
    m = convert(ck["sd"], ck["ip_adapter"], ck["image_encoder"], d / "pack", size=SIZE, dtype="fp32", name="narrow-test",
                log=lambda *a: None)
    cfg, mods, _ = load_all(ck["sd"], ck["ip_adapter"], ck["image_encoder"])
    return SimpleNamespace(dir=d / "pack", tmp=d, manifest=m, cfg=cfg, mods=mods, ck=ck)


def test_manifest_lists_every_file_with_size_and_hash(pack):
    m, d = pack.manifest, pack.dir
    assert json.loads((d / "pack.json").read_text()) == m
    assert m["formatVersion"] == 2 and m["dtype"] == "float32" and not m["requiresShaderF16"]
    on_disk = {str(p.relative_to(d)) for p in d.rglob("*") if p.is_file()} - {"pack.json"}
    assert set(m["files"]) == on_disk
    for f, meta in m["files"].items():
        b = (d / f).read_bytes()
        assert meta["bytes"] == len(b) and meta["sha256"] == hashlib.sha256(b).hexdigest()
    assert {g["file"] for g in m["graphs"].values()} <= set(m["files"])
    assert m["tokenizer"]["bos"] == 49406 and m["tokenizer"]["eos"] == 49407 and m["tokenizer"]["maxLength"] == 77
    assert m["scheduler"]["betaSchedule"] == "scaled_linear" and m["scheduler"]["prediction"] == "epsilon"
    assert m["latent"] == {"shape": [4, 16, 16], "scale": 0.18215} and m["maskResolution"] == [8, 8]
    assert len(m["maskLayers"]) == 16 and m["maskLayers"][-1] == {"name": "mid_block.attentions.0", "resolution": [2, 2]}
    a = m["adapter"]
    assert a["variant"] == "ip-adapter_sd15" and a["imageTokens"] == 4
    assert m["files"][a["uncondImageTokens"]["file"]]["bytes"] == 4 * 4 * pack.cfg["unet"]["cross_attention_dim"]
    n_unet = len(keys.unet_keys(pack.cfg["unet"])) + 2 * 16
    assert m["source"]["keys"]["unet"] == {"used": n_unet, "notNeeded": 0}


@pytest.mark.parametrize("name", ["textEncoder", "imageEncoder", "unet", "decoder"])
def test_graph_matches_pytorch(pack, name):
    mod = modules_for(pack.mods, pack.cfg, SIZE)[name]
    ex = example_inputs(pack.cfg, SIZE, name, batch=3, seed=5) if name in ("unet", "textEncoder") else \
        example_inputs(pack.cfg, SIZE, name, seed=5)
    ref = torch_run(mod, ex)
    got = ort_run(pack.dir / pack.manifest["graphs"][name]["file"], ex)
    assert list(got) == [o["name"] for o in pack.manifest["graphs"][name]["outputs"]]
    for r, g in zip(ref, got.values()):
        assert g.shape == r.shape
        assert np.abs(r - g).max() < 1e-3


def invariant_batch(pack):
    """rows: 0 soft mask, 1 image scale 0, 2 mask 0, 3 mask 1, 4 empty target"""
    ex = example_inputs(pack.cfg, SIZE, "unet", batch=1, seed=9)
    b = {k: np.repeat(v, 5, 0) for k, v in ex.items()}
    b["image_scale"][:] = 1.0
    b["image_scale"][1] = 0.0
    b["mask"][2] = 0.0
    b["mask"][3] = 1.0
    b["target_tokens"][4] = 0.0
    return ex, b


def test_unet_invariants(pack):
    ex, b = invariant_batch(pack)
    got = ort_run(pack.dir / "unet.onnx", b)
    out, wmap = got["model_output"], got["word_attention"]
    t = {k: torch.from_numpy(v) for k, v in ex.items()}
    with torch.no_grad():
        plain, plain_map = pack.mods["unet"](t["latent"], t["timestep"], t["text_embeds"], target=t["target_tokens"],
                                             mask_hw=(8, 8))
        unmasked, _ = pack.mods["unet"](t["latent"], t["timestep"], t["text_embeds"], t["image_tokens"], t["image_scale"] * 0 + 1,
                                        None, None)
    assert np.abs(out[1] - plain[0].numpy()).max() < 1e-4  # image scale 0 -> the text UNet
    assert np.abs(out[2] - plain[0].numpy()).max() < 1e-4  # mask 0 -> the text UNet
    assert np.abs(out[3] - unmasked[0].numpy()).max() < 1e-4  # mask 1 -> the plain IP-Adapter
    assert np.abs(out[0] - plain[0].numpy()).max() > 1e-3  # the image branch acts where the mask is on
    assert np.abs(out[0] - unmasked[0].numpy()).max() > 1e-3
    assert np.all(wmap[4] == 0.0)  # no target word -> no map
    assert wmap[0].min() >= 0 and wmap[0].max() > 0
    # with the image branch off, the map is the text UNet's (RealCustom reads it from that pass)
    assert np.abs(wmap[1:3] - plain_map.numpy()).max() < 1e-5


def realistic_unet_inputs(pack, rows=3):
    """text from the text-encoder graph, image tokens from the image-encoder graph"""
    ids = np.full((rows, 77), 49407, np.int64)
    ids[:, 0] = 49406
    ids[:, 1:6] = [320, 1125, 539, 1929, 525]
    text = ort_run(pack.dir / "text_encoder.onnx", {"input_ids": ids})["text_embeds"]
    px = np.random.default_rng(3).uniform(-1, 1, (1, 3, 224, 224)).astype(np.float32)
    tok = ort_run(pack.dir / "image_encoder.onnx", {"pixels": px})["image_tokens"]
    rng = np.random.default_rng(4)
    tgt = np.zeros((rows, 77), np.float32)
    tgt[:, 4] = 1.0
    return {"latent": rng.standard_normal((rows, 4, 16, 16)).astype(np.float32),
            "timestep": np.array([999, 500, 20][:rows], np.float32), "text_embeds": text,
            "image_tokens": np.repeat(tok, rows, 0), "image_scale": np.ones(rows, np.float32),
            "mask": rng.uniform(0, 1, (rows, 1, 8, 8)).astype(np.float32), "target_tokens": tgt}


def test_fp16_unet_is_finite_and_close(pack):
    f16 = pack.tmp / "unet16.onnx"
    finish(onnx.load(str(pack.dir / "unet.onnx")), pack.cfg, "unet", f16, "fp16")
    assert f16.stat().st_size < 0.6 * (pack.dir / "unet.onnx").stat().st_size
    m = onnx.load(str(f16))
    softmax_in = {n.input[0] for n in m.graph.node if n.op_type == "Softmax"}
    casts32 = {n.output[0] for n in m.graph.node if n.op_type == "Cast" and n.attribute[0].i == onnx.TensorProto.FLOAT}
    assert len(softmax_in & casts32) >= 32  # text and image cross-attention softmax of the 16 attn2 in fp32
    x = realistic_unet_inputs(pack)
    ref = ort_run(pack.dir / "unet.onnx", x)
    got = ort_run(f16, x)
    for k in ref:
        assert np.isfinite(got[k]).all()
        assert np.abs(got[k] - ref[k]).max() < 3e-2 * np.abs(ref[k]).max()


def test_plus_adapter_image_graph(pack):
    ck = pack.ck
    cfg, mods, _ = load_all(ck["sd"], ck["ip_adapter_plus"], ck["image_encoder"])
    mod = modules_for(mods, cfg, SIZE)["imageEncoder"]
    path = pack.tmp / "image_plus.onnx"
    finish(trace(mod, cfg, SIZE, "imageEncoder"), cfg, "imageEncoder", path)
    ex = example_inputs(cfg, SIZE, "imageEncoder", seed=2)
    ref = torch_run(mod, ex)[0]
    got = ort_run(path, ex)["image_tokens"]
    assert got.shape == (1, 16, cfg["unet"]["cross_attention_dim"])
    assert np.abs(ref - got).max() < 1e-3


def test_external_data_when_over_the_limit(pack):
    """graphs over 2 GB (the fp32 UNet) keep their weights in one `.data` file beside the graph"""
    path = pack.tmp / "ext" / "text_encoder.onnx"
    path.parent.mkdir()
    files, _ = finish(onnx.load(str(pack.dir / "text_encoder.onnx")), pack.cfg, "textEncoder", path, limit=1 << 20)
    assert [f.name for f in files] == ["text_encoder.onnx", "text_encoder.onnx.data"]
    assert files[0].stat().st_size < 1 << 20 < files[1].stat().st_size
    ex = example_inputs(pack.cfg, SIZE, "textEncoder", batch=2, seed=1)
    a = ort_run(pack.dir / "text_encoder.onnx", ex)["text_embeds"]
    b = ort_run(path, ex)["text_embeds"]
    assert np.array_equal(a, b)
