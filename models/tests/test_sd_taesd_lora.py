"""The converter's --taesd (TAESD preview decoder) and --lcm-lora (LCM-LoRA fused into the UNet):
the real files' key names (diffusers AutoencoderTiny, madebyollin's taesd_decoder.pth, kohya LoRA
names of latent-consistency/lcm-lora-sdv1-5) load with every key used; the decoder graph in
onnxruntime-node against PyTorch; the fused weights are exactly W + (alpha / rank) up @ down; a
TINY pack converted with both flags follows the contract (the TS parser accepts it)."""
import math
import subprocess
from types import SimpleNamespace

import numpy as np
import onnx
import pytest
import torch

from models import make_random_sd
from models.convert import convert
from models.sd import keys as K
from models.sd.config import FULL, NARROW
from models.sd.graphs import DecoderW, example_inputs, torch_run
from models.sd.load import KeyMismatch, unet_config
from models.sd.lora import LoraMismatch, fuse_lora, kohya_names
from models.sd.onnx_export import finish, trace
from models.sd.safetensors import load_safetensors, save_safetensors
from models.sd.taesd import DEFAULT, TaesdDecoder, load_taesd
from models.sd.unet import UNet
from models.tests.ort import REPO, have_ort, ort_run
from models.tests.test_sd_keys import no_init

SIZE = 128  # latent 16x16


@pytest.fixture(scope="module")
def ck(tmp_path_factory):
    return make_random_sd.make(tmp_path_factory.mktemp("ck"), "narrow", "fp32")


# ---- TAESD ----------------------------------------------------------------------------------------

def test_taesd_key_tables_are_the_published_sizes():
    dec = {k: s for k, s in K.taesd_keys(DEFAULT).items() if k.startswith("decoder.")}
    enc = {k: s for k, s in K.taesd_keys(DEFAULT).items() if k.startswith("encoder.")}
    n = {part: sum(math.prod(s) for s in d.values()) for part, d in (("dec", dec), ("enc", enc))}
    # taesd_decoder.pth / taesd_encoder.pth hold 1,222,531 / 1,222,532 parameters (4.9 MB each in fp32)
    assert n == {"dec": 1_222_531, "enc": 1_222_532}
    assert dec["decoder.layers.0.weight"] == (64, 4, 3, 3) and dec["decoder.layers.18.weight"] == (3, 64, 3, 3)
    pth = K.taesd_decoder_keys(DEFAULT, prefix="", first=1)
    assert "0.weight" not in pth and pth["1.weight"] == (64, 4, 3, 3) and pth["19.bias"] == (3,)
    assert len(pth) == len(dec) == 67


def test_taesd_both_layouts_load_every_key(ck):
    for path, skipped in ((ck["taesd"], 67), (ck["taesd_pth"], 0)):
        cfg, mod, report = load_taesd(path)
        assert cfg["channels"] == (64, 64, 64, 64) and cfg["blocks"] == (3, 3, 3, 1)
        assert report["used"] == 67 and len(report["skipped"]) == skipped
        assert all(k.startswith("encoder.") for k in report["skipped"])


def test_taesd_layouts_are_the_same_network(tmp_path, ck):
    """the same weights written in madebyollin's layout (index + 1, no prefix) decode identically"""
    st = {k: v.numpy() for k, v in load_safetensors(ck["taesd"] / "diffusion_pytorch_model.safetensors").items()}
    pth = {f"{int(k.split('.')[2]) + 1}.{k.split('.', 3)[3]}": torch.from_numpy(v) for k, v in st.items()
           if k.startswith("decoder.")}
    torch.save(pth, tmp_path / "taesd_decoder.pth")
    x = torch.randn(1, 4, 8, 8)
    with torch.no_grad():
        a = load_taesd(ck["taesd"])[1](x)
        b = load_taesd(tmp_path / "taesd_decoder.pth")[1](x)
    assert a.shape == (1, 3, 64, 64) and torch.equal(a, b)


def test_taesd_extra_and_missing_keys_are_errors(tmp_path, ck):
    sd = torch.load(ck["taesd_pth"])
    torch.save({**sd, "20.weight": torch.zeros(3)}, tmp_path / "extra.pth")
    with pytest.raises(KeyMismatch, match=r"1 unused keys: 20\.weight"):
        load_taesd(tmp_path / "extra.pth")
    sd.pop("7.weight")
    torch.save(sd, tmp_path / "missing.pth")
    with pytest.raises(KeyMismatch, match=r"1 missing keys: layers\.6\.weight"):
        load_taesd(tmp_path / "missing.pth")


def test_taesd_forward_is_the_published_structure():
    """a clean-room restatement of taesd.py's Decoder on the same weights, [0, 1] -> [-1, 1]"""
    torch.manual_seed(0)
    mod = TaesdDecoder().eval()
    L = mod.layers

    def block(b, x):
        c = b.conv
        return torch.relu(c[4](torch.relu(c[2](torch.relu(c[0](x))))) + x)

    x = torch.randn(1, 4, 6, 6) * 4
    with torch.no_grad():
        h = torch.relu(L[0](torch.tanh(x / 3) * 3))
        i = 2
        for stage, n in enumerate((3, 3, 3, 1)):
            for _ in range(n):
                h = block(L[i], h)
                i += 1
            if stage < 3:
                h = torch.nn.functional.interpolate(h, scale_factor=2, mode="nearest")
                i += 1
            h = L[i](h)
            i += 1
        ref = (h * 2 - 1).clamp(-1, 1)
        got = mod(x)
    assert i == len(L) and torch.allclose(got, ref, atol=1e-6)


@pytest.mark.skipif(not have_ort(), reason="onnxruntime-node not installed")
def test_taesd_graph_matches_pytorch(tmp_path, ck):
    """real-shape TAESD decoder: fp32 ORT within 1e-4 of PyTorch; the fp16 graph is finite and close"""
    _, mod, _ = load_taesd(ck["taesd"])
    w = DecoderW(mod)
    path = tmp_path / "preview_decoder.onnx"
    finish(trace(w, NARROW, SIZE, "previewDecoder"), NARROW, "previewDecoder", path)
    ex = example_inputs(NARROW, SIZE, "previewDecoder", seed=3)
    ex["latent"] *= 2.5  # SD latents (x 0.18215) span about ±3
    ref = torch_run(w, ex)[0]
    got = ort_run(path, ex)["image"]
    assert got.shape == (1, 3, SIZE, SIZE) and ref.std() > 0.05
    assert np.abs(ref - got).max() <= 1e-4
    f16 = tmp_path / "preview16.onnx"
    finish(onnx.load(str(path)), NARROW, "previewDecoder", f16, "fp16")
    g16 = ort_run(f16, ex)["image"]
    assert np.isfinite(g16).all() and np.abs(g16 - ref).max() < 0.05


# ---- LCM-LoRA -------------------------------------------------------------------------------------

def test_lcm_lora_key_table_is_the_published_file():
    """278 LoRA'd modules, 67,252,224 parameters: pytorch_lora_weights.safetensors (fp16) is 134.5 MB"""
    d = K.lcm_lora_keys(FULL["unet"], 64)
    assert len(d) == 3 * 278
    assert sum(math.prod(s) for k, s in d.items() if not k.endswith(".alpha")) == 67_252_224
    assert d["lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight"] == (64, 768)
    assert d["lora_unet_up_blocks_3_resnets_2_conv1.lora_down.weight"] == (64, 640, 3, 3)
    assert d["lora_unet_up_blocks_3_resnets_2_conv1.lora_up.weight"] == (320, 64, 1, 1)


def test_full_size_unet_names_every_lora_module():
    with no_init():
        unet = UNet(FULL["unet"])
    names = kohya_names(unet)
    bases = {k.rsplit(".", 2)[0] if ".lora_" in k else k.rsplit(".", 1)[0] for k in K.lcm_lora_keys(FULL["unet"], 64)}
    assert len(bases) == 278 and bases <= set(names)
    assert names["lora_unet_mid_block_attentions_0_transformer_blocks_0_ff_net_0_proj"] == \
        "mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj.weight"


def test_lora_fuses_to_exactly_w_plus_delta(ck):
    """each UNet weight W named by the key table becomes W + (alpha / rank) up @ down (float64 reference)"""
    from models.sd.load import load_all
    _, mods, _ = load_all(ck["sd"], ck["ip_adapter"], ck["image_encoder"])
    unet = mods["unet"]
    before = {k: v.clone() for k, v in unet.state_dict().items()}
    report = fuse_lora(unet, ck["lcm_lora"])
    lora = {k: v.double().numpy() for k, v in load_safetensors(ck["lcm_lora"]).items()}
    # the key table's own map: kohya name -> the diffusers weight it was made from
    table = {"lora_unet_" + k[: -len(".weight")].replace(".", "_"): k for k in K.unet_keys(NARROW["unet"])}
    after = unet.state_dict()
    changed = set()
    for k in lora:
        if not k.endswith(".lora_down.weight"):
            continue
        base = k[: -len(".lora_down.weight")]
        down, up, alpha = lora[k], lora[base + ".lora_up.weight"], float(lora[base + ".alpha"])
        r = down.shape[0]
        w = table[base]
        delta = (up.reshape(up.shape[0], r) @ down.reshape(r, -1)).reshape(before[w].shape) * alpha / r
        assert alpha == r / 2
        np.testing.assert_allclose(after[w].double().numpy(), before[w].double().numpy() + delta, rtol=0, atol=2e-6)
        assert np.abs(delta).max() > 1e-3
        changed.add(w)
    assert report == {"used": len(lora), "modules": len(changed)} and len(changed) == 278
    for k in before:  # nothing else moved (IP layers, norms, biases, time embedding)
        if k not in changed:
            assert torch.equal(before[k], after[k]), k


def test_lora_unmatched_keys_refuse_with_their_names(tmp_path, ck):
    from models.sd.load import load_all
    _, mods, _ = load_all(ck["sd"], ck["ip_adapter"], ck["image_encoder"])
    st = {k: v.numpy() for k, v in load_safetensors(ck["lcm_lora"]).items()}
    bad = dict(st)
    bad["lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight"] = np.zeros((4, 32), np.float32)
    bad["lora_unet_down_blocks_0_resnets_0_norm1.lora_up.weight"] = np.zeros((32, 4), np.float32)
    save_safetensors(bad, tmp_path / "bad.safetensors")
    with pytest.raises(LoraMismatch,
                       match=r"2 keys that match no UNet weight: lora_te_text_model.*, lora_unet_down_blocks_0_resnets_0_norm1"):
        fuse_lora(mods["unet"], tmp_path / "bad.safetensors")
    half = dict(st)
    half.pop("lora_unet_mid_block_resnets_0_conv1.lora_up.weight")
    save_safetensors(half, tmp_path / "half.safetensors")
    with pytest.raises(LoraMismatch, match=r"1 incomplete pairs: lora_unet_mid_block_resnets_0_conv1 \(no lora_up.weight\)"):
        fuse_lora(mods["unet"], tmp_path / "half.safetensors")


# ---- the converter with both flags ------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_pack(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    c = make_random_sd.make(d / "ck", "tiny", "fp32")
    m = convert(c["sd"], c["ip_adapter"], c["image_encoder"], d / "pack", size=SIZE, dtype="fp32", name="tiny-lcm",
                log=lambda *a: None, taesd=c["taesd_pth"], lcm_lora=c["lcm_lora"])
    return SimpleNamespace(dir=d / "pack", manifest=m, ck=c)


def test_pack_lists_the_preview_decoder_and_the_lcm_sampler(tiny_pack):
    m = tiny_pack.manifest
    g = m["graphs"]["previewDecoder"]
    assert g["file"] == "preview_decoder.onnx" and g["file"] in m["files"]
    assert g["inputs"] == [{"name": "latent", "dtype": "float32", "shape": [1, 4, 16, 16]}]
    assert g["outputs"] == [{"name": "image", "dtype": "float32", "shape": [1, 3, SIZE, SIZE]}]
    assert m["preview"]["type"] == "latent-rgb"  # kept: the fallback of a pack without a decoder
    s = m["scheduler"]
    assert s == {"type": "lcm", "trainTimesteps": 1000, "betaSchedule": "scaled_linear", "betaStart": 0.00085,
                 "betaEnd": 0.012, "prediction": "epsilon", "originalSteps": 50, "timestepScaling": 10.0}
    assert m["defaults"]["steps"] == 4 and m["defaults"]["guidanceText"] == 1.5
    assert m["source"]["lcmLora"] == "pytorch_lora_weights.safetensors" and m["source"]["taesd"] == "taesd_decoder.pth"
    assert m["source"]["keys"]["lcm_lora"] == {"used": 3 * 278, "notNeeded": 0}
    assert m["source"]["keys"]["taesd"] == {"used": 67, "notNeeded": 0}
    assert m["license"].endswith("; Open RAIL++-M (LCM-LoRA weights); MIT (TAESD weights)")
    assert unet_config(tiny_pack.ck["sd"] / "unet")["block_out_channels"] == (8, 12, 16, 16)


@pytest.mark.skipif(not (REPO / "node_modules" / ".bin" / "tsx").exists(), reason="tsx missing")
def test_ts_manifest_parser_accepts_the_pack(tiny_pack):
    r = subprocess.run([str(REPO / "node_modules" / ".bin" / "tsx"), str(REPO / "models" / "tests" / "validate_pack.ts"),
                        str(tiny_pack.dir / "pack.json")], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "previewDecoder" in r.stdout


def test_flags_run_from_the_command_line(tmp_path):
    r = subprocess.run(["/usr/bin/python3", "-m", "models.convert", "--help"], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0 and "--taesd" in r.stdout and "--lcm-lora" in r.stdout and "not implemented" not in r.stdout
