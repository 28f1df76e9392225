"""fp16 weights and compute for an exported fp32 ONNX graph, with fp32 islands where fp16
overflows or loses what we need (no onnxconverter-common on Debian; this is the small pass we need).

Rule, per node in topological order:
  * MatMul / Gemm / Conv (where the weights and the work are): always fp16;
  * fp32 island: ops in ISLAND_OPS (norm statistics, cross-attention softmax), and any other node
    whose non-constant float inputs are all fp32 (so the timestep sinusoids, the resized mask, the
    word-map reduction and the norm variance chain stay fp32 from an fp32 input or island onwards,
    up to the next weight op);
  * otherwise fp16 (also a node fed by weights only, e.g. the token-embedding Gather).
Float inputs are cast to the node's precision where they differ; float initializers and Constant
nodes are stored in the precision of their consumers (a copy per precision used).
Softmax is an island where its last dimension is in `softmax_fp32_last_dims` (the cross-attention
keys: 77 text tokens, Ni image tokens); the self-attention softmax over 4096 positions stays fp16.
Graph inputs named in `fp16_inputs` are cast to fp16 on entry (data: latent, text, image tokens);
the others (timestep, image scale, mask, target tokens) enter fp32. Graph outputs are float32."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16
# variance chains of the hand-written GroupNorm, LayerNormalization, mean over heads of the maps
ISLAND_OPS = {"ReduceMean", "Pow", "Sqrt", "LayerNormalization"}
HEAVY_OPS = {"MatMul", "Gemm", "Conv"}
# ops whose float-typed inputs at these positions are parameters of fixed type (not data)
FIXED_INPUTS = {"Resize": {1, 2}}
PASS_TYPE = {"Shape", "Size"}


def _island(node, softmax_fp32_last_dims, shapes):
    if node.op_type in ISLAND_OPS:
        return True
    if node.op_type == "Softmax":
        dims = shapes.get(node.input[0])
        return bool(dims) and dims[-1] in softmax_fp32_last_dims
    return False


def _light(model):
    """the graph with its big float initializers turned into typed inputs: shape inference of a
    >2 GB model without copying its weights"""
    m = onnx.ModelProto()
    m.ir_version = model.ir_version
    m.opset_import.extend(model.opset_import)
    g = m.graph
    g.node.extend(model.graph.node)
    g.input.extend(model.graph.input)
    g.output.extend(model.graph.output)
    for i in model.graph.initializer:
        if i.data_type in (F32, F16) and np.prod(i.dims) > 64:
            g.input.append(helper.make_tensor_value_info(i.name, i.data_type, list(i.dims)))
        else:
            g.initializer.append(i)
    return m


def _infer(model):
    inf = onnx.shape_inference.infer_shapes(_light(model))
    types, shapes = {}, {}
    for vi in list(inf.graph.value_info) + list(inf.graph.input) + list(inf.graph.output):
        t = vi.type.tensor_type
        types[vi.name] = t.elem_type
        if t.HasField("shape"):
            shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
    return types, shapes


def convert(model, fp16_inputs, softmax_fp32_last_dims=()):
    """model: fp32 ModelProto (weights loaded). Returns a new ModelProto."""
    g = model.graph
    types, shapes = _infer(model)
    inits = {i.name: i for i in g.initializer if i.data_type == F32}
    consts = {n.output[0]: n for n in g.node if n.op_type == "Constant" and n.attribute
              and n.attribute[0].name == "value" and n.attribute[0].t.data_type == F32}
    prec = {i.name: F32 for i in g.input if i.type.tensor_type.elem_type == F32}
    new_nodes, new_inits, casts, versions = [], [i for i in g.initializer if i.data_type != F32], {}, {}

    def cast(name, to):
        if (name, to) not in casts:
            out = f"{name}__to{'16' if to == F16 else '32'}"
            new_nodes.append(helper.make_node("Cast", [name], [out], to=to, name=f"cast_{out}"))
            casts[(name, to)] = out
        return casts[(name, to)]

    def const_in(name, to):
        if (name, to) not in versions:
            arr = numpy_helper.to_array(inits[name] if name in inits else consts[name].attribute[0].t)
            new = name if to == F32 else f"{name}__fp16"
            new_inits.append(numpy_helper.from_array(arr.astype(np.float16 if to == F16 else np.float32), new))
            versions[(name, to)] = new
        return versions[(name, to)]

    def is_const(x):
        return x in inits or x in consts

    for name in fp16_inputs:
        cast(name, F16)
    for node in g.node:
        if node.op_type == "Constant" and node.output[0] in consts:
            continue
        fixed = FIXED_INPUTS.get(node.op_type, set())
        data = [(k, x) for k, x in enumerate(node.input) if x and k not in fixed and x in prec]
        fconst = [(k, x) for k, x in enumerate(node.input) if x and k not in fixed and is_const(x)]
        ins = list(node.input)
        for k in fixed:
            if k < len(ins) and is_const(ins[k]):
                ins[k] = const_in(ins[k], F32)
        if node.op_type == "Cast" or node.op_type in PASS_TYPE or not (data or fconst):
            for k, x in fconst:
                ins[k] = const_in(x, F32)
            new_nodes.append(_clone(node, ins))
            if node.op_type == "Cast":
                to = next(a.i for a in node.attribute if a.name == "to")
                if to in (F32, F16):
                    prec[node.output[0]] = to
            continue

        def eff(x):
            return F16 if x in fp16_inputs else prec[x]
        if node.op_type in HEAVY_OPS:
            p = F16
        elif _island(node, softmax_fp32_last_dims, shapes) or (data and all(eff(x) == F32 for _, x in data)):
            p = F32
        else:
            p = F16
        for k, x in data:
            ins[k] = x if prec[x] == p else cast(x, p)
        for k, x in fconst:
            ins[k] = const_in(x, p)
        new_nodes.append(_clone(node, ins))
        for o in node.output:
            if o and types.get(o) == F32:
                prec[o] = p
    for o in g.output:
        if prec.get(o.name) == F16:
            src = o.name + "__f16"
            for n in new_nodes:
                for seq in (n.input, n.output):
                    for k, x in enumerate(seq):
                        if x == o.name:
                            seq[k] = src
            new_nodes.append(helper.make_node("Cast", [src], [o.name], to=F32, name=f"cast_out_{o.name}"))
    graph = helper.make_graph(new_nodes, g.name, list(g.input), list(g.output), new_inits)
    m = helper.make_model(graph, opset_imports=list(model.opset_import), producer_name="realcustom-sd-fp16")
    m.ir_version = model.ir_version
    return m


def _clone(node, inputs):
    n = onnx.NodeProto()
    n.CopyFrom(node)
    del n.input[:]
    n.input.extend(inputs)
    return n
