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
    "ReduceMean", "ReduceSum", "Reshape", "Resize", "Shape", "Sigmoid", "Sin", "Slice", "Softmax", "Split",
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
        return self.j(image)


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
                                                 ("color_logits", f, [b, len(tw.COLOR_NAMES)]), ("pattern_logits", f, [b, len(tw.PATTERNS)])]),
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


def export_graph(mod, cfg, name, path):
    ins, outs = specs(cfg)[name]
    ex = example_inputs(cfg, name, batch=2 if ins[0][2][0] == "batch" else 1)
    dyn = {}
    for n, _, shape in ins + outs:
        if shape and shape[0] == "batch":
            dyn[n] = {0: "batch"}
    mod.eval()
    torch.onnx.export(mod, tuple(torch.from_numpy(v) for v in ex.values()), str(path), opset_version=OPSET,
                      input_names=[i[0] for i in ins], output_names=[o[0] for o in outs], dynamic_axes=dyn,
                      do_constant_folding=True)
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
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
    m = export_pack(models, cfg, out, stats, dfl)
    total = sum(g["bytes"] for g in m["graphs"].values())
    print(f"exported {out}: {len(m['graphs'])} graphs, {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
