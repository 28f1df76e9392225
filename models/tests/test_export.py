"""Every exported graph: ONNX checker, WebGPU op list, PyTorch vs onnxruntime-node parity."""
import hashlib
import json
import subprocess

import numpy as np
import pytest

import onnx
import torch

from models.export import (FILES, check_ops, example_inputs, export_batch_free, export_graph, export_pack,
                           modules_for, specs, torch_run)
from models.make_test_pack import tiny_models
from models.tests.ort import REPO, have_ort, ort_run

ATOL = 1e-4  # absolute tolerance, fp32 (observed max error ~2e-6)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    cfg, m = tiny_models()
    out = tmp_path_factory.mktemp("pack") / "test-tiny"
    export_pack(m, cfg, out, None, dict(steps=4, maskReuseStep=2), version="0.0.1",
                description="Test pack: tiny networks with seeded random weights (models/make_test_pack.py); outputs are noise")
    return cfg, m, out


def test_manifest(pack):
    cfg, _, out = pack
    man = json.loads((out / "pack.json").read_text())
    assert man["format"] == "realcustom-pack" and man["formatVersion"] == 1
    for name, g in man["graphs"].items():
        data = (out / g["file"]).read_bytes()
        assert g["bytes"] == len(data) and g["sha256"] == hashlib.sha256(data).hexdigest()
    for r in man["examples"]["references"]:
        assert hashlib.sha256((out / r["file"]).read_bytes()).hexdigest() == r["sha256"]
    assert [layer["name"] for layer in man["layers"]] == ["down.16", "mid.8", "up.16"]


@pytest.mark.parametrize("name", list(FILES))
def test_webgpu_ops(pack, name):
    _, _, out = pack
    ops, bad = check_ops(out / FILES[name])
    assert not bad, f"{name} uses {bad}"
    assert "TopK" not in ops


@pytest.mark.skipif(not have_ort(), reason="node_modules/onnxruntime-node missing (npm install)")
@pytest.mark.parametrize("name", list(FILES))
def test_ort_parity(pack, name):
    cfg, m, out = pack
    mods = modules_for(m, cfg)
    ins, outs = specs(cfg)[name]
    batch = 3 if ins[0][2][0] == "batch" else 1
    ex = example_inputs(cfg, name, batch=batch, seed=11)
    ref = torch_run(mods[name], ex)
    got = ort_run(out / FILES[name], ex)
    for (oname, _, shape), r in zip(outs, ref):
        assert got[oname].shape == r.shape
        err = float(np.abs(got[oname] - r).max())
        assert err < ATOL, f"{name}.{oname}: max abs err {err}"


BATCHED = [n for n in FILES if n not in ("imageEncoder", "decoder")]


@pytest.mark.skipif(not have_ort(), reason="node_modules/onnxruntime-node missing (npm install)")
@pytest.mark.parametrize("batch", [1, 2])
@pytest.mark.parametrize("name", BATCHED)
def test_ort_parity_other_batches(pack, name, batch):
    """graphs are traced at a fixed batch and declared batch-free: every batch the engine runs"""
    cfg, m, out = pack
    ex = example_inputs(cfg, name, batch=batch, seed=13)
    ref = torch_run(modules_for(m, cfg)[name], ex)
    got = ort_run(out / FILES[name], ex)
    for (oname, _, _), r in zip(specs(cfg)[name][1], ref):
        assert got[oname].shape == r.shape
        assert float(np.abs(got[oname] - r).max()) < ATOL, f"{name}.{oname} at batch {batch}"


@pytest.mark.parametrize("name", list(FILES))
def test_no_shape_bookkeeping(pack, name):
    """shape computations are folded at export: no Shape op, no Identity, and the batch axis
    is the symbolic 'batch' on every batched input and output"""
    cfg, _, out = pack
    model = onnx.load(str(out / FILES[name]))
    ops = {n.op_type for n in model.graph.node}
    assert not ops & {"Shape", "Identity", "ConstantOfShape"}, ops
    ins, outs = specs(cfg)[name]
    declared = {n: shape for n, _, shape in ins + outs}
    for v in list(model.graph.input) + list(model.graph.output):
        dims = v.type.tensor_type.shape.dim
        want = declared[v.name]
        assert [d.dim_param if d.dim_param else d.dim_value for d in dims] == want, v.name


@pytest.mark.skipif(not have_ort(), reason="node_modules/onnxruntime-node missing (npm install)")
def test_dynamic_axes_export_still_available(pack, tmp_path):
    """batch_free=False keeps torch's dynamic-axes export (shapes computed at run time)"""
    cfg, m, _ = pack
    path = tmp_path / "unet_dynamic.onnx"
    export_graph(modules_for(m, cfg)["unet"], cfg, "unet", path, batch_free=False)
    assert "Shape" in {n.op_type for n in onnx.load(str(path)).graph.node}
    ex = example_inputs(cfg, "unet", batch=3, seed=14)
    ref = torch_run(modules_for(m, cfg)["unet"], ex)
    got = ort_run(path, ex)
    assert float(np.abs(got["model_output"] - ref[0]).max()) < ATOL


def test_batch_dependent_graph_is_refused(pack, tmp_path):
    """a graph whose trace bakes in the batch size cannot be declared batch-free"""
    cfg, m, _ = pack

    class ScalesByBatch(torch.nn.Module):
        def __init__(self, te):
            super().__init__()
            self.te = te

        def forward(self, ids):
            return self.te(ids) * ids.shape[0]

    with pytest.raises(RuntimeError, match="depends on the batch size"):
        export_batch_free(ScalesByBatch(m["text"]).eval(), cfg, "textEncoder", tmp_path / "bad.onnx")


def test_committed_test_pack_is_current(pack):
    _, _, out = pack
    committed = REPO / "public" / "models" / "test-tiny" / "pack.json"
    if not committed.exists():
        pytest.skip("no committed test pack")
    a, b = json.loads(committed.read_text()), json.loads((out / "pack.json").read_text())
    assert a == b, "regenerate with /usr/bin/python3 -m models.make_test_pack"


@pytest.mark.skipif(not (REPO / "node_modules" / ".bin" / "tsx").exists(), reason="tsx missing")
def test_ts_manifest_parser_accepts(pack):
    _, _, out = pack
    r = subprocess.run([str(REPO / "node_modules" / ".bin" / "tsx"), str(REPO / "models" / "tests" / "validate_pack.ts"),
                        str(out / "pack.json")], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


SHIPPED = REPO / "public" / "models" / "toyworld"
CKPT = REPO / "models" / "checkpoints" / "toyworld"


@pytest.mark.skipif(not (have_ort() and (SHIPPED / "pack.json").exists() and (CKPT / "unet.pt").exists()),
                    reason="needs the shipped toyworld pack, its checkpoints and onnxruntime-node")
@pytest.mark.parametrize("name", list(FILES))
def test_shipped_pack_parity(name):
    """the shipped pack's graphs against the PyTorch checkpoints they were exported from"""
    from models.common import get_cfg, load_models
    cfg = get_cfg("full")
    mods = modules_for(load_models(CKPT, cfg), cfg)
    man = json.loads((SHIPPED / "pack.json").read_text())
    assert hashlib.sha256((SHIPPED / FILES[name]).read_bytes()).hexdigest() == man["graphs"][name]["sha256"]
    ins, outs = specs(cfg)[name]
    ex = example_inputs(cfg, name, batch=2 if ins[0][2][0] == "batch" else 1, seed=12)
    ref = torch_run(mods[name], ex)
    got = ort_run(SHIPPED / FILES[name], ex)
    for (oname, _, _), r in zip(outs, ref):
        err = float(np.abs(got[oname] - r).max())
        assert err < ATOL * max(1.0, float(np.abs(r).max())), f"{name}.{oname}: max abs err {err}"
