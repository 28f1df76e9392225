"""ONNX export of one pack graph: trace (opset 17), optional fp16 pass, WebGPU op and int64 checks,
external data for graphs over 2 GB."""
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto

from ..export import OPSET, WEBGPU_OPS
from . import fp16
from .graphs import example_inputs, specs

PROTO_LIMIT = 2 ** 31 - 64 * 2 ** 20  # stay clear of protobuf's 2 GB
# float32 inputs that carry data (cast to fp16 on entry in an fp16 graph); the others stay fp32
FP16_DATA_INPUTS = {"latent", "text_embeds", "image_tokens", "pixels"}
INT_ARITH = {"Add", "Sub", "Mul", "Div", "Equal", "Greater", "Less", "Where", "Range", "Max", "Min", "Neg", "Abs"}


class GraphCheckError(RuntimeError):
    pass


def int64_outside_shapes(model):
    """names of int64 arithmetic nodes not fed only by Shape/Constant chains (WebGPU has no int64
    kernels; shape subgraphs run on the CPU by design)."""
    types, _ = fp16._infer(model)
    derived = {i.name for i in model.graph.initializer if i.data_type == TensorProto.INT64}
    bad = []
    for n in model.graph.node:
        ins = [x for x in n.input if x]
        if n.op_type in ("Shape", "Constant") or (ins and all(x in derived for x in ins)):
            derived.update(n.output)
        elif n.op_type in INT_ARITH and any(types.get(x) == TensorProto.INT64 for x in ins):
            bad.append(f"{n.op_type} {n.name}")
    return bad


def check_graph(model, name):
    ops = {n.op_type for n in model.graph.node}
    bad = sorted(ops - WEBGPU_OPS)
    if bad:
        raise GraphCheckError(f"{name}: ops not on the WebGPU list: {bad}")
    ints = int64_outside_shapes(model)
    if ints:
        raise GraphCheckError(f"{name}: int64 arithmetic outside shape subgraphs: {ints[:5]}")
    return sorted(ops)


def weight_bytes(model):
    return sum(len(i.raw_data) or (np.prod(i.dims) * 4) for i in model.graph.initializer)


def trace(mod, cfg, size, name, batch=2):
    """-> fp32 ModelProto of one graph (weights in memory, also over 2 GB)."""
    ins, outs = specs(cfg, size)[name]
    dynamic = ins[0][2][0] == "batch"
    ex = example_inputs(cfg, size, name, batch=batch if dynamic else 1)
    dyn = {n: {0: "batch"} for n, _, shape in ins + outs if shape and shape[0] == "batch"}
    mod.eval()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp) / "g.onnx"
        with torch.no_grad():
            torch.onnx.export(mod, tuple(torch.from_numpy(v) for v in ex.values()), str(tmp_path), opset_version=OPSET,
                              input_names=[i[0] for i in ins], output_names=[o[0] for o in outs], dynamic_axes=dyn,
                              do_constant_folding=True)
        return onnx.load(str(tmp_path))  # pulls in the external data torch writes for >2 GB


def finish(model, cfg, name, path, dtype="fp32", limit=PROTO_LIMIT):
    """fp16 pass (if asked), WebGPU/int64 checks, save (weights as external data `path`.data when
    over `limit`, 2 GB). Returns (written files, op list)."""
    if dtype == "fp16":
        data_inputs = [i.name for i in model.graph.input if i.name in FP16_DATA_INPUTS]
        model = fp16.convert(model, data_inputs, softmax_fp32_last_dims={cfg["text"]["max_len"], cfg["ip_tokens"]})
    ops = check_graph(model, name)
    path = Path(path)
    data = Path(str(path) + ".data")
    for f in (path, data):
        if f.exists():
            f.unlink()
    if weight_bytes(model) > limit:
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data.name, size_threshold=1024)
        return [path, data], ops
    onnx.save_model(model, str(path))
    onnx.checker.check_model(str(path))
    return [path], ops


def export_graph(mod, cfg, size, name, path, dtype="fp32"):
    return finish(trace(mod, cfg, size, name), cfg, name, path, dtype)
