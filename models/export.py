"""ONNX export of a model pack per docs/pack-contract.md.

  /usr/bin/python3 -m models.export [--config full] [--workdir DIR] [--out public/models/toyworld]
"""
import argparse
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
from PIL import Image

from . import diffusion as D
from . import toyworld as tw
from .common import REPO, get_cfg, load_models, workdir
from .nets import LAYERS, Decoder, word_attention

OPSET = 17
# ops onnxruntime-web runs on WebGPU (js/web/docs/webgpu-operators.md) that our graphs may use
WEBGPU_OPS = {
    "Abs", "Add", "Cast", "Ceil", "Clip", "Concat", "Constant", "Conv", "Cos", "Div", "Equal", "Erf", "Exp",
    "Expand", "Flatten", "Floor", "Gather", "Gemm", "GlobalAveragePool", "Greater", "GreaterOrEqual",
    "Identity", "LayerNormalization", "Less", "MatMul", "Max", "Min", "Mul", "Neg", "Not", "Pow", "Range",
    "ReduceMean", "ReduceSum", "Relu", "Reshape", "Resize", "Shape", "Sigmoid", "Sin", "Slice", "Softmax", "Split",
    "Sqrt", "Squeeze", "Sub", "Tanh", "Tile", "Transpose", "Unsqueeze", "Where",
}


class TextW(nn.Module):
    def __init__(self, te):
        super().__init__()
        self.te = te

    def forward(self, input_ids):
        return self.te(input_ids)


class ImageW(nn.Module):
    def __init__(self, ie):
        super().__init__()
        self.ie = ie

    def forward(self, pixels):
        return self.ie(pixels)


class UNetRCW(nn.Module):
    def __init__(self, unet, hw):
        super().__init__()
        self.u, self.hw = unet, hw

    def forward(self, latent, timestep, alpha_bar, text_embeds, image_tokens, image_scale, mask, target_tokens, gamma_num, scoring):
        a = dict(image_tokens=image_tokens, alpha_bar=alpha_bar, image_scale=image_scale, mask=mask,
                 target=target_tokens, gamma=gamma_num, scoring=scoring)
        out, probs = self.u(latent, timestep, text_embeds, a)
        return out, word_attention(probs, target_tokens, self.hw)


class UNetIPW(nn.Module):
    def __init__(self, unet, hw):
        super().__init__()
        self.u, self.hw = unet, hw

    def forward(self, latent, timestep, text_embeds, image_embed, image_scale, mask, target_tokens):
        a = dict(image_embed=image_embed, image_scale=image_scale, mask=mask)
        out, probs = self.u(latent, timestep, text_embeds, a)
        return out, word_attention(probs, target_tokens, self.hw)


class JudgeW(nn.Module):
    def __init__(self, j):
        super().__init__()
        self.j = j

    def forward(self, image):
        bg, cls_map, col_map = self.j(image)
        return (bg, *self.j.presence(cls_map, col_map))


def specs(cfg):
    """name -> (inputs [(name, dtype, shape)], outputs [...]) per the contract."""
    L, Dt = tw.MAXLEN, cfg["text_dim"]
    C, H = cfg["latent_ch"], cfg["latent_hw"]
    S = cfg["image_size"]
    Ni, Di, De = (S // cfg["patch"]) ** 2, cfg["vit_dim"], cfg["embed_dim"]
    b = "batch"
    f = "float32"
    unet_out = [("model_output", f, [b, C, H, H]), ("word_attention", f, [b, len(LAYERS), H, H])]
    return {
        "textEncoder": ([("input_ids", "int64", [b, L])], [("text_embeds", f, [b, L, Dt])]),
        "imageEncoder": ([("pixels", f, [1, 3, S, S])], [("patch_tokens", f, [1, Ni, Di]), ("image_embed", f, [1, De])]),
        "unet": ([("latent", f, [b, C, H, H]), ("timestep", f, [b]), ("alpha_bar", f, [b]), ("text_embeds", f, [b, L, Dt]),
                  ("image_tokens", f, [b, Ni, Di]), ("image_scale", f, [b]), ("mask", f, [b, 1, H, H]),
                  ("target_tokens", f, [b, L]), ("gamma_num", f, [b]), ("scoring", f, [b])], unet_out),
        "unetGlobal": ([("latent", f, [b, C, H, H]), ("timestep", f, [b]), ("text_embeds", f, [b, L, Dt]),
                        ("image_embed", f, [b, De]), ("image_scale", f, [b]), ("mask", f, [b, 1, H, H]),
                        ("target_tokens", f, [b, L])], unet_out),
        "decoder": ([("latent", f, [1, C, H, H])], [("image", f, [1, 3, S, S])]),
        "judge": ([("image", f, [b, 3, S, S])], [("bg_logits", f, [b, len(tw.BACKGROUNDS)]), ("class_logits", f, [b, len(tw.CLASSES)]),
                                                 ("color_logits", f, [b, len(tw.COLOR_NAMES)]),
                                                 ("object_logits", f, [b, len(tw.CLASSES), len(tw.COLOR_NAMES)])]),
    }


FILES = {"textEncoder": "text_encoder.onnx", "imageEncoder": "image_encoder.onnx", "unet": "unet.onnx",
         "unetGlobal": "unet_global.onnx", "decoder": "decoder.onnx", "judge": "judge.onnx"}


def example_inputs(cfg, name, batch=2, seed=0):
    """Deterministic example inputs for a graph (numpy dict), used for tracing and parity."""
    g = np.random.default_rng(seed)
    ins, _ = specs(cfg)[name]
    out = {}
    for n, dt, shape in ins:
        shp = [batch if s == "batch" else s for s in shape]
        if n == "input_ids":
            ids = [tw.tokenize("a red striped star and a blue ball on grass"), tw.tokenize("")]
            out[n] = np.array([ids[i % 2] for i in range(shp[0])], np.int64)
        elif n == "timestep":
            out[n] = g.integers(0, 1000, shp).astype(np.float32)
        elif n in ("alpha_bar", "gamma_num"):
            out[n] = g.uniform(0.2, 0.9, shp).astype(np.float32)
        elif n in ("image_scale", "scoring"):
            out[n] = np.ones(shp, np.float32)
            if shp[0] > 1:
                out[n][-1] = 0.0 if n == "scoring" else 0.5
        elif n == "mask":
            out[n] = g.uniform(0, 1, shp).astype(np.float32)
        elif n == "target_tokens":
            t = np.zeros(shp, np.float32)
            t[:, 4] = 1.0
            out[n] = t
        elif n in ("pixels", "image"):
            out[n] = g.uniform(-1, 1, shp).astype(np.float32)
        else:
            out[n] = g.standard_normal(shp).astype(np.float32)
    return out


def modules_for(models, cfg):
    hw = cfg["latent_hw"]
    return {"textEncoder": TextW(models["text"]), "imageEncoder": ImageW(models["image"]),
            "unet": UNetRCW(models["unet"], hw), "unetGlobal": UNetIPW(models["unet_ip"], hw),
            "decoder": Decoder(cfg["image_size"]), "judge": JudgeW(models["judge"])}


def torch_run(mod, inputs):
    with torch.no_grad():
        outs = mod(*[torch.from_numpy(v) for v in inputs.values()])
    if isinstance(outs, torch.Tensor):
        outs = (outs,)
    return [o.numpy() for o in outs]


def check_ops(path):
    m = onnx.load(str(path))
    ops = {n.op_type for n in m.graph.node}
    bad = sorted(ops - WEBGPU_OPS)
    return sorted(ops), bad


def sha(p):
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def _trace(mod, cfg, name, path, batch, dynamic):
    ins, outs = specs(cfg)[name]
    ex = example_inputs(cfg, name, batch=batch)
    dyn = {}
    if dynamic:
        for n, _, shape in ins + outs:
            if shape and shape[0] == "batch":
                dyn[n] = {0: "batch"}
    torch.onnx.export(mod, tuple(torch.from_numpy(v) for v in ex.values()), str(path), opset_version=OPSET,
                      input_names=[i[0] for i in ins], output_names=[o[0] for o in outs], dynamic_axes=dyn,
                      do_constant_folding=True)
    return onnx.load(str(path))


def _body(model):
    """the graph without its I/O declarations and inferred shapes, for comparing two traces"""
    g = onnx.GraphProto()
    g.CopyFrom(model.graph)
    for field in (g.input, g.output, g.value_info):
        del field[:]
    return g.SerializeToString()


def _declare_batch(model, cfg, name):
    """mark dimension 0 of every batched input/output as the symbolic 'batch'; drop the
    traced intermediate shapes (they carry the traced batch)"""
    ins, outs = specs(cfg)[name]
    declared = {n: shape for n, _, shape in ins + outs}
    for v in list(model.graph.input) + list(model.graph.output):
        shape = declared.get(v.name)
        if shape and shape[0] == "batch":
            v.type.tensor_type.shape.dim[0].dim_param = "batch"
    del model.graph.value_info[:]


def drop_identities(model):
    """Identity nodes (torch emits them for parameters used twice) rewired away; graph
    outputs that are Identity outputs keep theirs"""
    g = model.graph
    outputs = {o.name for o in g.output}
    alias = {}
    keep = []
    for n in g.node:
        if n.op_type == "Identity" and n.output[0] not in outputs:
            alias[n.output[0]] = alias.get(n.input[0], n.input[0])
        else:
            keep.append(n)
    for n in keep:
        for i, x in enumerate(n.input):
            if x in alias:
                n.input[i] = alias[x]
    del g.node[:]
    g.node.extend(keep)
    return model


# numpy evaluation of the small integer ops that compute shapes, for fold_shapes
def _gather(x, idx, axis=0):
    return np.take(x, idx, axis=axis)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    sl = [slice(None)] * x.ndim
    for st, en, ax, sp in zip(starts, ends, axes, steps):
        sl[int(ax)] = slice(int(st), int(en), int(sp))
    return x[tuple(sl)]


def _int_div(a, b):
    return (a // b) if np.issubdtype(np.asarray(a).dtype, np.integer) else a / b


_FOLD = {
    "Gather": lambda n, xs, at: _gather(xs[0], xs[1], at.get("axis", 0)),
    "Unsqueeze": lambda n, xs, at: np.expand_dims(xs[0], tuple(int(a) for a in xs[1])),
    "Squeeze": lambda n, xs, at: np.squeeze(xs[0], tuple(int(a) for a in xs[1])) if len(xs) > 1 else np.squeeze(xs[0]),
    "Concat": lambda n, xs, at: np.concatenate(xs, at["axis"]),
    "Slice": lambda n, xs, at: _slice(*xs),
    "Add": lambda n, xs, at: xs[0] + xs[1],
    "Sub": lambda n, xs, at: xs[0] - xs[1],
    "Mul": lambda n, xs, at: xs[0] * xs[1],
    "Div": lambda n, xs, at: _int_div(xs[0], xs[1]),
    "Cast": lambda n, xs, at: xs[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[at["to"]]),
    "Equal": lambda n, xs, at: np.equal(xs[0], xs[1]),
    "Where": lambda n, xs, at: np.where(xs[0], xs[1], xs[2]),
    "Reshape": lambda n, xs, at: xs[0].reshape([int(d) for d in xs[1]]),
}
_SMALL = 64  # only small tensors (shape vectors, scalars) are folded


def _known_values(model):
    """(values, shapes): name -> numpy value for every tensor computable without the graph
    inputs (initializers, Constants, Shape of a statically shaped tensor, the small int ops on
    those), and name -> static shape from ONNX shape inference"""
    g = model.graph
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {}
    for v in list(inferred.graph.input) + list(inferred.graph.value_info) + list(inferred.graph.output):
        tt = v.type.tensor_type
        if tt.HasField("shape") and all(d.HasField("dim_value") for d in tt.shape.dim):
            dims = tt.shape.dim
            shapes[v.name] = [d.dim_value for d in dims]  # (rank 0 included: a scalar)
    known = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    for n in g.node:
        at = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type == "Constant" and "value" in at:
            known[n.output[0]] = numpy_helper.to_array(at["value"])
        elif n.op_type == "Shape" and n.input[0] in shapes:
            shp = np.array(shapes[n.input[0]], np.int64)
            known[n.output[0]] = shp[at.get("start", 0):at.get("end", len(shp))]
        elif n.op_type in _FOLD and all(x in known for x in n.input if x):
            xs = [known[x] for x in n.input if x]
            if n.op_type not in ("Reshape",) and any(x.size > _SMALL for x in xs):
                continue
            try:
                known[n.output[0]] = np.asarray(_FOLD[n.op_type](n, xs, at))
            except Exception:  # an op form this folder does not know: leave it to run time
                continue
    return known, shapes


def _batch_free_target(n, a, b, sa, sb):
    """For a Reshape (target shape input 1) or Resize (sizes input 3) whose target differs
    between the traces at two batches: the equivalent batch-free constant input, or None.
    Reshape: a differing entry that equals the input's own dimension in both traces becomes 0
    ("copy that dimension"). Resize: sizes become scales (sizes / input shape)."""
    x = n.input[0]
    if x not in sa or x not in sb:
        return None
    if n.op_type == "Reshape" and len(n.input) > 1 and n.input[1] in a and n.input[1] in b:
        ta, tb = a[n.input[1]], b[n.input[1]]
        if ta.shape != tb.shape or ta.ndim != 1 or np.array_equal(ta, tb):
            return None
        out = ta.copy()
        for i in np.nonzero(ta != tb)[0]:
            if i >= len(sa[x]) or ta[i] != sa[x][i] or tb[i] != sb[x][i]:
                return None
            out[i] = 0
        return 1, out
    if n.op_type == "Resize" and len(n.input) > 3 and n.input[3] in a and n.input[3] in b \
            and not np.array_equal(a[n.input[3]], b[n.input[3]]):
        sca = a[n.input[3]].astype(np.float64) / np.array(sa[x], np.float64)
        scb = b[n.input[3]].astype(np.float64) / np.array(sb[x], np.float64)
        if sca.shape != scb.shape or not np.allclose(sca, scb):
            return None
        return 2, sca.astype(np.float32)
    return None


def fold_shapes(model, other):
    """Replaces every shape-computing node whose value this module can compute (see
    _known_values) by a Constant, when the value is the same in `other`, the same graph
    traced at another batch (so it does not depend on the batch); gives Reshape/Resize a
    batch-free constant target where theirs depends on the batch (_batch_free_target); then
    drops dead nodes."""
    g = model.graph
    (a, sa), (b, sb) = _known_values(model), _known_values(other)
    inits = {t.name for t in g.initializer}
    nodes = []
    for n in g.node:
        target = _batch_free_target(n, a, b, sa, sb) if n.op_type in ("Reshape", "Resize") else None
        if target is not None:
            slot, value = target
            cname = f"{n.name}_batch_free_{slot}"
            nodes.append(onnx.helper.make_node("Constant", [], [cname], name=cname,
                                               value=numpy_helper.from_array(value, cname)))
            while len(n.input) <= slot:
                n.input.append("")
            n.input[slot] = cname
            if n.op_type == "Resize":
                del n.input[3:]
            nodes.append(n)
            continue
        outs = n.output
        if n.op_type != "Constant" and len(outs) == 1 and outs[0] in a and outs[0] in b and outs[0] not in inits \
                and a[outs[0]].size <= _SMALL and a[outs[0]].shape == b[outs[0]].shape and np.array_equal(a[outs[0]], b[outs[0]]):
            nodes.append(onnx.helper.make_node("Constant", [], [outs[0]], name=n.name + "_folded",
                                               value=numpy_helper.from_array(a[outs[0]].astype(a[outs[0]].dtype), outs[0])))
        else:
            nodes.append(n)
    del g.node[:]
    g.node.extend(nodes)
    return drop_dead(model)


def drop_dead(model):
    """removes nodes and initializers nothing reads"""
    g = model.graph
    needed = {o.name for o in g.output}
    keep = []
    for n in reversed(list(g.node)):
        if any(o in needed for o in n.output):
            keep.append(n)
            needed.update(x for x in n.input if x)
    del g.node[:]
    g.node.extend(reversed(keep))
    inits = [t for t in g.initializer if t.name in needed]
    del g.initializer[:]
    g.initializer.extend(inits)
    return model


def _copy(model):
    m = onnx.ModelProto()
    m.CopyFrom(model)
    return m


def export_batch_free(mod, cfg, name, path):
    """The graph traced at a fixed batch, so torch folds every shape computation into
    constants, then declared with a symbolic batch. Valid only when the trace does not depend
    on the batch (nets.py reshapes with -1 on the batch axis): traced at two batches and folded
    (fold_shapes), the two graphs must be identical but for their I/O shapes, else this raises."""
    tmp = Path(path).with_suffix(".b3.onnx")
    try:
        b2 = _trace(mod, cfg, name, path, 2, dynamic=False)
        b3 = _trace(mod, cfg, name, tmp, 3, dynamic=False)
    finally:
        tmp.unlink(missing_ok=True)
    if len(b2.graph.node) != len(b3.graph.node):
        raise RuntimeError(f"{name}: the traced graph depends on the batch size; cannot export it batch-free")
    # each pass can give shape inference static shapes past a node it folded (a Resize's
    # sizes), which lets the next pass fold more
    for _ in range(6):
        before = len(b2.graph.node)
        b2, b3 = fold_shapes(_copy(b2), b3), fold_shapes(_copy(b3), b2)
        if len(b2.graph.node) == before:
            break
    if _body(b2) != _body(b3):
        raise RuntimeError(f"{name}: the traced graph depends on the batch size; cannot export it batch-free")
    _declare_batch(b2, cfg, name)
    return b2


def export_graph(mod, cfg, name, path, batch_free=True):
    """Exports one pack graph to `path` and checks it (ONNX checker, WebGPU op list).
    batch_free (default): shape bookkeeping folded at export (export_batch_free); otherwise
    torch's dynamic-axes export, which computes shapes at run time with Shape/Gather/Concat."""
    ins, _ = specs(cfg)[name]
    batched = ins[0][2][0] == "batch"
    mod.eval()
    if batched and batch_free:
        m = export_batch_free(mod, cfg, name, path)
    else:
        m = _trace(mod, cfg, name, path, 2 if batched else 1, dynamic=batched)
        if not batched:  # static through and through: every shape computation folds
            m = fold_shapes(_copy(m), m)
    m = drop_identities(m)
    onnx.checker.check_model(m)
    onnx.save(m, str(path))
    ops, bad = check_ops(path)
    if bad:
        raise RuntimeError(f"{name}: ops not on the WebGPU list: {bad}")
    return ops


def write_examples(out, n_refs=6, seed=7):
    """held-out reference designs rendered alone (the page's and e2e's example references)."""
    rng = np.random.default_rng(seed)
    ex_dir = Path(out) / "examples"
    ex_dir.mkdir(parents=True, exist_ok=True)
    plan = [("star", "stripes", "a star and a blue ball on grass"), ("ball", "halves", "a ball and a red box on sand"),
            ("heart", "dots", "a heart and a yellow star in the sky"), ("toy", "noise", "a toy and a green ball on wood"),
            ("box", "stripes", "a box and a white heart on grass"), ("ball", "noise", "a black star and a ball in the sky")][:n_refs]
    refs = []
    for i, (cls, kind, prompt) in enumerate(plan):
        d = tw.random_design(rng, heldout=True)
        d["kind"] = kind  # two-tone (stripes, halves, dots) or a photo-like texture (noise)
        img, _ = tw.render_reference(rng, cls, d, s=22)
        f = f"examples/ref-{cls}-{i}.png"
        Image.fromarray(img).save(Path(out) / f, optimize=True)
        look = "textured" if kind == "noise" else "two-tone"
        label = f"{look} {cls} ({d['kind']}, rgb{tuple(d['c1'])}/rgb{tuple(d['c2'])})"
        refs.append(dict(file=f, bytes=(Path(out) / f).stat().st_size, sha256=sha(Path(out) / f),
                         label=label, word=cls, prompt=prompt))
    return {"references": refs, "prompts": [r["prompt"] for r in refs]}


def gamma_scope_from(stats):
    if not stats:
        return 0.25
    q = stats["object"]["p75"]
    return float(round(min(0.4, max(0.1, q)) * 20) / 20)


def export_pack(models, cfg, out, stats=None, defaults=None, description=None, version="1.0.0"):
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    torch.set_num_threads(2)
    graphs = {}
    mods = modules_for(models, cfg)
    for name, mod in mods.items():
        path = out / FILES[name]
        export_graph(mod, cfg, name, path)
        ins, outs = specs(cfg)[name]
        graphs[name] = dict(file=FILES[name], bytes=path.stat().st_size, sha256=sha(path),
                            inputs=[dict(name=n, dtype=d, shape=s) for n, d, s in ins],
                            outputs=[dict(name=n, dtype=d, shape=s) for n, d, s in outs])
    H = cfg["latent_hw"]
    dflt = dict(steps=20, guidanceText=7.5, guidanceImage=12.5, gammaScope=gamma_scope_from(stats), gammaNum=0.8,
                maskReuseStep=6, globalScale=0.6, seed=1, previewEvery=1, mode="realcustom")
    dflt.update(defaults or {})
    manifest = {
        "format": "realcustom-pack", "formatVersion": 1, "name": cfg["name"], "version": version, "license": "MIT",
        "description": description or "Procedural toy world, trained from scratch by models/",
        "dtype": "float32",
        "image": {"size": cfg["image_size"]}, "reference": {"size": cfg["image_size"]},
        "latent": {"shape": [cfg["latent_ch"], H, H], "scale": 1.0},
        "scheduler": dict(D.SCHED),
        "tokenizer": {"type": "word", "vocab": list(tw.VOCAB), "maxLength": tw.MAXLEN,
                      "pad": tw.PAD, "bos": tw.BOS, "eos": tw.EOS, "unk": tw.UNK},
        "adapter": {"kind": "realcustom", "imageTokens": (cfg["image_size"] // cfg["patch"]) ** 2, "imageTokenDim": cfg["vit_dim"]},
        "layers": [{"name": "down.16", "resolution": [H, H]}, {"name": "mid.8", "resolution": [H // 2, H // 2]},
                   {"name": "up.16", "resolution": [H, H]}],
        "maskResolution": [H, H],
        "graphs": graphs,
        "defaults": dflt,
        "examples": write_examples(out),
    }
    (out / "pack.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert total < 60e6, f"pack is {total / 1e6:.1f} MB"
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="full")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--defaults", default=None, help="json file of default overrides (from evaluate)")
    args = ap.parse_args(argv)
    cfg = get_cfg(args.config)
    wd = workdir(cfg, args.workdir)
    models = load_models(wd, cfg)
    stats = json.loads((wd / "area_stats.json").read_text()) if (wd / "area_stats.json").exists() else None
    dfl = None
    dp = Path(args.defaults) if args.defaults else wd / "defaults.json"
    if dp.exists():
        dfl = json.loads(dp.read_text())
    out = args.out or str(REPO / "public" / "models" / cfg["name"])
    m = export_pack(models, cfg, out, stats, dfl, description=cfg.get("description"), version=cfg.get("version", "1.0.0"))
    total = sum(g["bytes"] for g in m["graphs"].values())
    print(f"exported {out}: {len(m['graphs'])} graphs, {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
