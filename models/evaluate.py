"""Evaluation: text-to-image attribute accuracy (judge), attention localization IoU,
customization sanity (RealCustom vs global IP-Adapter baseline). Writes eval.json,
defaults.json (chosen guidance) and figures.

  /usr/bin/python3 -m models.evaluate [--config full] [--workdir DIR] [--figdir models/docs]
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from . import diffusion as D
from . import toyworld as tw
from .nets import UNet
from .common import ROOT, get_cfg, load_ckpt, load_data, load_models, log, to_img, workdir
from .judge_objects import crops, drawn, find_objects
from .nets import Decoder, s2d, word_attention

torch.set_num_threads(2)
EMPTY = torch.tensor(tw.tokenize(""), dtype=torch.long)


def make_mask(wa, gamma_scope):
    """word_attention [B,nL,H,W] -> continuous mask [B,1,H,W] per the method (top gamma_scope, / max)."""
    M = wa.mean(1, keepdim=True)
    B = M.shape[0]
    flat = M.reshape(B, -1)
    k = max(1, int(round(gamma_scope * flat.shape[1])))
    thr = flat.topk(k, dim=1).values[:, -1:]
    m = torch.where(flat >= thr, flat, torch.zeros_like(flat))
    m = m / m.max(1, keepdim=True).values.clamp(min=1e-12)
    return m.reshape_as(M)


@torch.no_grad()
def sample(M, cfg, ids, seed=0, steps=20, w_text=7.5, w_img=12.5, mode="text", target=None, ref=None,
           gamma_scope=0.25, gamma_num=0.8, mask_reuse=6, global_scale=0.6, return_masks=False,
           spacing=None, clip=False, eta=0.0):
    """Batched DDIM sampler with the engine's plan per mode (workers/engine/modes.ts):
    text: ε∅ + ω_t(ε_T − ε∅); global: ε∅ + ω_t(ε_TI − ε∅) on the global UNet (single guidance);
    realcustom / masked-global: dual guidance, the mask from the text pass of the mode's own UNet,
    frozen from step `mask_reuse` on (0 = never frozen, as `maskFrozenAt`).
    The reference evaluation is `npm run eval` (tools/eval/, drives the engine itself, writes
    docs/results.md); this sampler gives the training-side figures in models/docs/.
    ref: reference pixels [B,3,S,S] in [-1,1]. spacing/clip/eta: sampler variants (D.ddim_step);
    the defaults are the pack's scheduler."""
    B = ids.shape[0]
    C, H = cfg["latent_ch"], cfg["latent_hw"]
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(B, C, H, H, generator=g)
    te = M["text"]
    unet = M["unet_ip"] if mode in ("global", "masked-global") else M["unet"]
    cond, unc = te(ids), te(EMPTY.unsqueeze(0).expand(B, -1))
    tgt = target if target is not None else torch.zeros(B, tw.MAXLEN)
    tok = emb = None
    if ref is not None:
        tok, emb = M["image"](ref)
    ones = torch.ones(B, 1, H, H)
    ones_b = torch.ones(B)
    ts, ratio = D.ddim_timesteps(steps, spacing)
    mask, masks = None, []
    for i, t in enumerate(ts):
        tt = torch.full((B,), float(t))
        ab = D.AB[int(t)].expand(B)
        if mode == "global":
            a = dict(image_embed=emb, image_scale=torch.full((B,), global_scale), mask=ones)
            v_u, _ = unet(x, tt, unc)
            v_ti, _ = unet(x, tt, cond, a)
            v = v_u + w_text * (v_ti - v_u)
        else:
            v2, probs = unet(torch.cat([x, x]), torch.cat([tt, tt]), torch.cat([unc, cond]))
            v_u, v_t = v2.chunk(2)
            v = v_u + w_text * (v_t - v_u)
            if mode in ("realcustom", "masked-global") and (mask is None or mask_reuse == 0 or i < mask_reuse):
                mask = make_mask(word_attention([p[B:] for p in probs], tgt, H), gamma_scope)
            if mode == "realcustom":
                a = dict(image_tokens=tok, alpha_bar=ab, image_scale=ones_b, mask=mask, target=tgt,
                         gamma=torch.full((B,), gamma_num), scoring=ones_b)
                v_ti, _ = unet(x, tt, cond, a)
                v = v + w_img * (v_ti - v_t)
            elif mode == "masked-global":
                a = dict(image_embed=emb, image_scale=torch.full((B,), global_scale), mask=mask)
                v_ti, _ = unet(x, tt, cond, a)
                v = v + w_img * (v_ti - v_t)
        x, _ = D.ddim_step(v, int(t), int(t) - ratio, x, clip=clip, eta=eta, generator=g)
        if return_masks and mask is not None:
            masks.append(mask)
    img = Decoder(cfg["image_size"])(x)
    return (img, mask) if return_masks else img


def judge_out(j, img):
    """background probs [B,n_bg], the colour map and, per image, the objects the judge finds
    (judge_objects), from one run of the judge."""
    with torch.no_grad():
        out = j(img)
    return dict(bg=out[0].softmax(-1), col_map=out[2], objects=find_objects(j, img, outputs=out))


def attr_accuracy(j, img, ds, idx, J=None):
    """Per caption: background (argmax); per named object its class drawn and, when the caption names
    its colour, that class drawn in that colour (bound per object); `objects` = the object complete.
    J: judge_out(j, img) when the caller has it."""
    J = J if J is not None else judge_out(j, img)
    res = {"background": [], "class": [], "color": [], "objects": []}
    for r, i in enumerate(idx):
        res["background"].append(float(J["bg"][r].argmax() == ds["bg"][i]))
        found = J["objects"][r]
        for k in range(ds["nobj"][i]):
            c, col = int(ds["cls"][i, k]), int(ds["color"][i, k])
            ok = float(drawn(found, c))
            res["class"].append(ok)
            if col >= 0:
                ok = float(drawn(found, c, col))
                res["color"].append(ok)
            res["objects"].append(ok)
    out = {k: float(np.mean(v)) for k, v in res.items()}
    out["mean"] = float(np.mean([out["background"], out["class"], out["color"]]))
    out["all_checks"] = float(np.mean(res["background"] + res["class"] + res["color"]))
    return out


def judge_on_oracle(j, ds, idx):
    """The judge's own accuracy on the generator's renders: each object in its true (visible) mask
    (class by the crop classifier, named colour by the colour map's majority), the caption checks
    of attr_accuracy with the regions it finds itself (as generated images get), and false alarms."""
    img = to_img(ds["images"][idx])
    J = judge_out(j, img)
    col_map = J["col_map"]
    res = {"object_class": [], "object_color": []}
    rows, masks, truth = [], [], []
    for r, i in enumerate(idx):
        for k in range(ds["nobj"][i]):
            m = torch.from_numpy(ds["masks"][i, k] > 127)
            if int(m.sum()) < 12:
                continue
            rows.append(r)
            masks.append(m.float())
            truth.append(int(ds["cls"][i, k]))
            if ds["color"][i, k] >= 0:
                counts = torch.bincount(col_map[r].argmax(0)[m], minlength=col_map.shape[1])
                res["object_color"].append(float(counts.argmax() == int(ds["color"][i, k])))
    with torch.no_grad():
        pred = j.crop_net(crops(img[rows], torch.stack(masks))).argmax(-1)
    res["object_class"] = (pred == torch.tensor(truth)).float().tolist()
    found = J["objects"]
    res["absent_class_seen"] = [float(drawn(found[r], c)) for r, i in enumerate(idx) for c in range(len(tw.CLASSES))
                                if c not in set(int(x) for x in ds["cls"][i, :ds["nobj"][i]])]
    out = {k: float(np.mean(v)) for k, v in res.items()}
    out.update({f"caption_{k}": v for k, v in attr_accuracy(j, img, ds, idx, J).items()})
    return out


def eval_t2i(M, cfg, ds, n, steps, w_text, seed=0, **sampler):
    idx = np.arange(min(n, len(ds["ids"])))
    ids = torch.from_numpy(ds["ids"][idx])
    imgs = []
    for s in range(0, len(idx), 32):
        imgs.append(sample(M, cfg, ids[s:s + 32], seed=seed + s, steps=steps, w_text=w_text, **sampler))
    img = torch.cat(imgs)
    return attr_accuracy(M["judge"], img, ds, idx), img


def localization(unet, te, cfg, ds, n, seed=0):
    """IoU of the top-A positions of the object word's attention (mean over layers at 16x16) with the
    object's GT mask, A = mask area; for class noun, color word and the random-map baseline."""
    H = cfg["latent_hw"]
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    out = {}
    idx = np.arange(min(n, len(ds["ids"])))
    x0 = s2d(to_img(ds["images"][idx]))
    ids = torch.from_numpy(ds["ids"][idx])
    with torch.no_grad():
        text = te(ids)
    m16 = F.adaptive_avg_pool2d(torch.from_numpy(ds["masks"][idx]).float() / 255.0, H) > 0.5  # [n,3,H,H]
    cls_ids = {tw.WORD2ID[c] for c in tw.CLASSES}
    col_ids = {tw.WORD2ID[c] for c in tw.COLOR_NAMES}
    for t in (250, 500, 750):
        noise = torch.randn(x0.shape, generator=g)
        tt = torch.full((len(idx),), t)
        with torch.no_grad():
            _, probs = unet(D.q_sample(x0, tt, noise), tt.float(), text)
        res = {"class": [], "color": [], "random": []}
        for r in range(len(idx)):
            for k in range(ds["nobj"][r]):
                gt = m16[r, k].flatten()
                A = int(gt.sum())
                if A == 0:
                    continue
                for kind, vocab in (("class", cls_ids), ("color", col_ids)):
                    tg = torch.zeros(1, tw.MAXLEN)
                    for p in range(tw.MAXLEN):
                        if ds["tokobj"][r, p] == k + 1 and int(ids[r, p]) in vocab:
                            tg[0, p] = 1
                    if tg.sum() == 0:
                        continue
                    wa = word_attention([p[r:r + 1] for p in probs], tg, H).mean(1).flatten()
                    top = torch.zeros_like(gt)
                    top[wa.topk(A).indices] = True
                    res[kind].append(float((top & gt).sum() / (top | gt).sum()))
                top = torch.zeros_like(gt)
                top[torch.from_numpy(rng.permutation(H * H)[:A])] = True
                res["random"].append(float((top & gt).sum() / (top | gt).sum()))
        out[str(t)] = {k: (float(np.mean(v)) if v else None) for k, v in res.items()}
    return out


def color_hits(img, rgb, thr=0.25):
    """fraction of pixels within distance thr (in [-1,1] units / 2) of an RGB colour; img [B,3,S,S]"""
    c = torch.tensor(rgb, dtype=torch.float32).view(-1, 3, 1, 1) / 127.5 - 1
    d = ((img - c) ** 2).sum(1).sqrt() / 2
    return (d < thr).float()  # [B,S,S]


def eval_custom(M, cfg, n, steps, w_text, w_img, gamma_scope, seed=0, figpath=None):
    """Held-out reference designs; prompt 'a <cls> and a <color> <cls2> <bg>'. Likeness: share of
    pixels with the reference's main colour inside the target mask; leakage: outside it; text
    fidelity: judge checks of the background, the other object drawn in its colour, and the target's
    class drawn (also reported alone as target_drawn)."""
    rng = np.random.default_rng(seed)
    prompts, refs, designs, meta = [], [], [], []
    for i in range(n):
        cls = tw.CLASSES[i % len(tw.CLASSES)]
        d = tw.random_design(rng, heldout=True)
        d["kind"] = "solid" if i % 4 == 0 else tw.DESIGN_KINDS[1 + i % 3]
        ref, _ = tw.render_reference(rng, cls, d, s=22)
        cls2 = tw.CLASSES[(i * 5 + 1) % len(tw.CLASSES)]
        if cls2 == cls:
            cls2 = tw.CLASSES[(i * 5 + 2) % len(tw.CLASSES)]
        col = tw.COLOR_NAMES[rng.integers(len(tw.COLOR_NAMES))]
        bg = tw.BACKGROUNDS[rng.integers(len(tw.BACKGROUNDS))]
        prompts.append(f"a {cls} and a {col} {cls2} {tw.BG_PHRASE[bg]}")
        refs.append(ref)
        designs.append(d)
        meta.append((cls, cls2, col, bg))
    ids = torch.tensor([tw.tokenize(p) for p in prompts])
    tgt = torch.zeros(n, tw.MAXLEN)
    tgt[:, 2] = 1.0  # "<bos> a <cls> ..."
    ref = to_img(np.stack(refs))
    res, imgs = {}, {}
    for mode in ("text", "realcustom", "global", "masked-global"):
        img, mask = sample(M, cfg, ids, seed=seed, steps=steps, w_text=w_text, w_img=w_img, mode=mode, target=tgt,
                           ref=ref, gamma_scope=gamma_scope, return_masks=True)
        imgs[mode] = img
        if mode == "text":
            # the mask the RealCustom run uses (same seed, text pass identical until image guidance diverges)
            _, mask_rc = sample(M, cfg, ids, seed=seed, steps=steps, w_text=w_text, w_img=w_img, mode="realcustom",
                                target=tgt, ref=ref, gamma_scope=gamma_scope, return_masks=True)
        m = F.interpolate(mask_rc, size=(cfg["image_size"],) * 2, mode="bilinear", align_corners=False)[:, 0] > 0.05
        hit = torch.stack([color_hits(img[i:i + 1], designs[i]["c1"])[0] for i in range(n)])
        inside = (hit * m).sum((1, 2)) / m.sum((1, 2)).clamp(min=1)
        outside = (hit * ~m).sum((1, 2)) / (~m).sum((1, 2)).clamp(min=1)
        J = judge_out(M["judge"], img)
        fid, seen = [], []
        for i, (cls, cls2, col, bg) in enumerate(meta):
            c, c2, k = tw.CLASSES.index(cls), tw.CLASSES.index(cls2), tw.COLOR_NAMES.index(col)
            found = J["objects"][i]
            fid += [float(J["bg"][i].argmax() == tw.BACKGROUNDS.index(bg)), float(drawn(found, c2, k)),
                    float(drawn(found, c))]
            seen.append(float(drawn(found, c)))
        res[mode] = dict(likeness_in_mask=float(inside.mean()), leakage_outside_mask=float(outside.mean()),
                         text_fidelity=float(np.mean(fid)), target_drawn=float(np.mean(seen)))
    if figpath:
        k = min(n, 8)
        rows = []
        for mode in ["ref", "text", "realcustom", "global", "masked-global"]:
            ims = ref[:k] if mode == "ref" else imgs[mode][:k]
            u8 = ((ims.permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255).astype(np.uint8)
            rows.append(np.concatenate([np.kron(a, np.ones((3, 3, 1), np.uint8)) for a in u8], 1))
        Image.fromarray(np.concatenate(rows, 0)).save(figpath)
        (Path(figpath).with_suffix(".txt")).write_text("rows: reference, text only, realcustom, global (IP-Adapter), masked-global\n" +
                                                       "\n".join(prompts[:k]) + "\n")
    return res


def grid(img, path, n=32, per_row=8):
    per_row = min(per_row, len(img))
    u8 = ((img[:n].permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255).astype(np.uint8)
    u8 = np.kron(u8, np.ones((1, 3, 3, 1), np.uint8))
    rows = [np.concatenate(list(u8[r * per_row:(r + 1) * per_row]), 1) for r in range(len(u8) // per_row)]
    Image.fromarray(np.concatenate(rows, 0)).save(path)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="full")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--figdir", default=None)
    ap.add_argument("--pack", default=None)  # unused; kept for the pipeline's call
    args = ap.parse_args(argv)
    cfg = get_cfg(args.config)
    wd = workdir(cfg, args.workdir)
    figdir = Path(args.figdir) if args.figdir else (ROOT / "docs" if cfg["name"] == "toyworld" else wd)
    figdir.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    M = load_models(wd, cfg)
    ds = load_data(wd, "test")
    stats = json.loads((wd / "area_stats.json").read_text())
    from .export import gamma_scope_from
    gs = gamma_scope_from(stats)
    R = {"area_stats": stats, "gamma_scope": gs}
    # judge on real held-out scenes (its own ceiling)
    idx = np.arange(min(256, len(ds["ids"])))
    R["judge_on_real"] = judge_on_oracle(M["judge"], ds, idx)
    log(wd, "evaluate", f"judge on real: {R['judge_on_real']}")
    steps = cfg["eval_steps"]
    best = None
    for w in (3.0, 7.5):
        acc, img = eval_t2i(M, cfg, ds, cfg["eval_n_t2i"], steps, w)
        R[f"t2i_w{w}"] = acc
        log(wd, "evaluate", f"t2i w_text={w}: {acc}")
        if best is None or acc["mean"] > best[1]["mean"]:
            best = (w, acc, img)
    grid(best[2], figdir / "t2i_samples.png")
    (figdir / "t2i_samples.txt").write_text("\n".join(str(c) for c in ds["captions"][:32]) + "\n")
    R["t2i_best_w"] = best[0]
    # localization
    R["localization"] = {}
    for name in ("unet", "unet_at%d" % cfg["snapshot_step"], "unet_noground"):
        p = wd / f"{name}.pt"
        if not p.exists():
            continue
        s = load_ckpt(p)["ema"]
        te, u = M["text"].__class__, None
        from .common import make_text
        te = make_text(cfg)
        te.load_state_dict(s["text"])
        u = UNet(cfg)
        u.load_state_dict(s["unet"])
        te.eval(), u.eval()
        R["localization"][name] = localization(u, te, cfg, ds, cfg["eval_n_loc"])
        log(wd, "evaluate", f"localization {name}: {R['localization'][name]}")
    # customization
    R["custom"] = {}
    best_wi = None
    for wi in (3.0, 7.5, 12.5):
        r = eval_custom(M, cfg, cfg["eval_n_custom"], steps, best[0], wi, gs, figpath=figdir / f"custom_wimg{wi:g}.png")
        R["custom"][f"w_img{wi}"] = r
        log(wd, "evaluate", f"custom w_img={wi}: {r}")
        # pack default: most likeness-minus-leakage while keeping text fidelity within 0.1 of text-only
        rc = r["realcustom"]
        score = rc["likeness_in_mask"] - rc["leakage_outside_mask"]
        if rc["text_fidelity"] >= r["text"]["text_fidelity"] - 0.1 and (best_wi is None or score > best_wi[1]):
            best_wi = (wi, score)
    R["chosen_w_img"] = best_wi[0] if best_wi else 3.0
    R["eval_seconds"] = time.time() - t0
    (wd / "eval.json").write_text(json.dumps(R, indent=1))
    if cfg["name"] == "toyworld":
        (figdir / "eval.json").write_text(json.dumps(R, indent=1))
    # pack defaults follow the measurements
    (wd / "defaults.json").write_text(json.dumps({"guidanceText": best[0], "guidanceImage": R["chosen_w_img"], "gammaScope": gs}))
    from .report import report
    (figdir / "results.md").write_text(report(R))
    log(wd, "evaluate", f"done in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
