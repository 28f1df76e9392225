"""Training stages: generate, encoders, unet, adapter_realcustom, adapter_ip, judge.
Each stage checkpoints every cfg['ckpt_every_s'] seconds and resumes; budgets are wall time.

  /usr/bin/python3 -m models.train --stage unet [--config full] [--workdir DIR]
"""
import argparse
import copy
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import diffusion as D
from . import toyworld as tw
from .common import get_cfg, load_ckpt, load_data, log, make_image, make_judge, make_text, to_img, train_device, workdir
from .judge_objects import crops
from .nets import UNet, count, is_adapter_param, s2d

torch.set_num_threads(2)


def stage_generate(cfg, wd):
    # the base UNet's data may restrict its custom designs' kinds (cfg train_custom_kinds); the
    # adapters' data and the test split keep every kind
    for split, n, seed, pc, kinds in (("train", cfg["n_train"], cfg["seed"], 0.2, cfg.get("train_custom_kinds")),
                                      ("adapt", cfg["n_adapt"], cfg["seed"] + 1, 0.5, None),
                                      ("test", cfg["n_test"], cfg["seed"] + 2, 0.2, None)):
        p = Path(wd) / f"data_{split}.npz"
        if p.exists():
            continue
        t0 = time.time()
        ds = tw.build_dataset(n, seed, "test" if split == "test" else "train", pc, kinds)
        np.savez(p, **ds)
        log(wd, "generate", f"{split}: {n} scenes in {time.time() - t0:.1f}s")
    ds = load_data(wd, "train")
    stats = tw.area_stats(ds)
    json.dump(stats, open(Path(wd) / "area_stats.json", "w"), indent=1)
    log(wd, "generate", f"area stats {json.dumps(stats)}")


class Loop:
    """time-budgeted, checkpointed, resumable training loop"""

    def __init__(self, wd, stage, cfg, models, opt, budget_min, ema=None):
        self.wd, self.stage, self.cfg, self.models, self.opt, self.ema = Path(wd), stage, cfg, models, opt, ema
        self.path = self.wd / f"{stage}.pt"
        self.budget = budget_min * 60.0
        self.step, self.elapsed, self.done = 0, 0.0, False
        if self.path.exists():
            ck = load_ckpt(self.path)  # the optimizer's state follows its parameters' device
            grown = False
            for k, m in models.items():
                # strict=False only for modules added since the checkpoint (they keep their init)
                missing, unexpected = m.load_state_dict(ck["models"][k], strict=False)
                if unexpected:
                    raise RuntimeError(f"{self.path}: unexpected keys {unexpected[:5]}")
                grown = grown or bool(missing)
                if missing:
                    log(wd, stage, f"new modules start from their init: {sorted({n.split('.')[0] for n in missing})}")
            if ema is not None and "ema" in ck:
                for k, m in ema.items():
                    m.load_state_dict(ck["ema"][k])
            if "opt" in ck and not grown:
                opt.load_state_dict(ck["opt"])
            self.step, self.elapsed, self.done = ck["step"], ck["elapsed"], ck.get("done", False)
            more = self.step < cfg["max_steps"] if cfg["max_steps"] else self.elapsed < self.budget - 1
            if self.done and more:
                self.done = False  # the budget (or max_steps) was raised: continue training
            log(wd, stage, f"resumed at step {self.step}, {self.elapsed:.0f}s, done={self.done}")

    def save(self):
        ck = dict(models={k: m.state_dict() for k, m in self.models.items()}, opt=self.opt.state_dict(),
                  step=self.step, elapsed=self.elapsed, done=self.done)
        if self.ema is not None:
            ck["ema"] = {k: m.state_dict() for k, m in self.ema.items()}
        torch.save(ck, str(self.path) + ".tmp")
        Path(str(self.path) + ".tmp").replace(self.path)

    def frac(self):
        if self.cfg["max_steps"]:
            return self.step / self.cfg["max_steps"]
        return min(1.0, self.elapsed / self.budget)

    def run(self, step_fn, base_lr, warmup=100):
        if self.done:
            return
        last_ck, t_last, losses = time.time(), time.time(), []
        while True:
            if self.cfg["max_steps"] and self.step >= self.cfg["max_steps"]:
                break
            if not self.cfg["max_steps"] and self.elapsed >= self.budget:
                break
            f = self.frac()
            lr = base_lr * min(1.0, (self.step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * f)))
            for g in self.opt.param_groups:
                g["lr"] = lr
            t0 = time.time()
            losses.append(step_fn(self.step))
            self.step += 1
            self.elapsed += time.time() - t0
            if self.step % 25 == 0:
                ls = np.mean(losses, 0)
                per_step = (time.time() - t_last) / 25
                log(self.wd, self.stage, f"step {self.step} t={self.elapsed:.0f}s {per_step:.2f}s/step lr={lr:.2e} "
                    f"loss={np.round(ls, 4).tolist()}")
                losses, t_last = [], time.time()
            if self.step == self.cfg.get("snapshot_step") and self.stage == "unet":
                self.save()
                import shutil
                shutil.copy(self.path, self.wd / f"unet_at{self.step}.pt")
            if time.time() - last_ck > self.cfg["ckpt_every_s"]:
                self.save()
                last_ck = time.time()
        self.done = True
        self.save()
        log(self.wd, self.stage, f"done: {self.step} steps, {self.elapsed:.0f}s")


def clip_loss(a, b, scale):
    a, b = F.normalize(a, dim=-1), F.normalize(b, dim=-1)
    lg = a @ b.t() * scale.exp()
    y = torch.arange(a.shape[0], device=a.device)
    return 0.5 * (F.cross_entropy(lg, y) + F.cross_entropy(lg.t(), y))


def stage_encoders(cfg, wd):
    ds = load_data(wd, "train")
    dev = train_device()
    te, ie = make_text(cfg).to(dev), make_image(cfg).to(dev)
    scale = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07), device=dev))
    params = list(te.parameters()) + list(ie.parameters()) + [scale]
    opt = torch.optim.AdamW(params, lr=cfg["enc_lr"], weight_decay=0.01)
    holder = torch.nn.ParameterDict({"s": scale})
    loop = Loop(wd, "encoders", cfg, dict(text=te, image=ie, scale=holder), opt, cfg["enc_minutes"])
    rng = np.random.default_rng(cfg["seed"] + 10 + loop.step)
    B, N = cfg["enc_batch"], len(ds["ids"])
    log(wd, "encoders", f"params text={count(te)} image={count(ie)}")

    def step(i):
        idx = rng.integers(0, N, B)
        img, ids = to_img(ds["images"][idx]).to(dev), torch.from_numpy(ds["ids"][idx]).to(dev)
        _, e_img = ie(img)
        l1 = clip_loss(e_img, te.pooled(ids), holder["s"])
        _, r1 = ie(to_img(ds["ref"][idx]).to(dev))
        _, r2 = ie(to_img(ds["ref2"][idx]).to(dev))
        l2 = clip_loss(r1, r2, holder["s"])
        loss = l1 + l2
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            holder["s"].clamp_(0, 4.6)
        return [l1.item(), l2.item()]
    loop.run(step, cfg["enc_lr"], warmup=50)


def ema_update(ema, model, decay):
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)


def token_regions(masks_u8, tokobj, hw):
    """object masks [B,3,S,S] uint8, tokobj [B,L] -> per-token region [B,L,hw*hw] and valid [B,L]"""
    m = torch.from_numpy(masks_u8).float() / 255.0
    m = F.adaptive_avg_pool2d(m, hw).flatten(2)                     # [B,3,N]
    bg = (1 - m.sum(1, keepdim=True)).clamp(0, 1)
    allm = torch.cat([torch.zeros_like(bg), m, bg], 1)               # [B,5,N]
    to = torch.from_numpy(tokobj.astype(np.int64))
    reg = torch.gather(allm, 1, to.unsqueeze(-1).expand(-1, -1, allm.shape[-1]))
    return reg, (to > 0).float()


def grounding_loss(probs, regions, valid):
    tot = 0.0
    for p in probs:
        a = p.mean(1).transpose(1, 2)                                # [B,L,N]
        reg = regions[a.shape[-1]]
        frac = (a * reg).sum(-1) / (a.sum(-1) + 1e-6)
        tot = tot + (((1 - frac) ** 2) * valid).sum() / valid.sum().clamp(min=1)
    return tot / len(probs)


EMPTY = torch.tensor(tw.tokenize(""), dtype=torch.long)


def stage_unet(cfg, wd, ground=True, stage_name="unet"):
    ds = load_data(wd, "train")
    dev = train_device()
    te, unet = make_text(cfg), UNet(cfg)
    enc = Path(wd) / "encoders.pt"
    if enc.exists():
        te.load_state_dict(load_ckpt(enc)["models"]["text"])
    te, unet = te.to(dev), unet.to(dev)
    empty = EMPTY.to(dev)
    ema = dict(text=copy.deepcopy(te), unet=copy.deepcopy(unet))
    opt = torch.optim.AdamW(list(te.parameters()) + list(unet.parameters()), lr=cfg["unet_lr"], weight_decay=0.0)
    budget = cfg["unet_minutes"] if ground else cfg.get("ablate_minutes", cfg["unet_minutes"])
    loop = Loop(wd, stage_name, cfg, dict(text=te, unet=unet), opt, budget, ema=ema)
    log(wd, stage_name, f"params unet={count(unet)} text={count(te)} ground={ground}")
    rng = np.random.default_rng(cfg["seed"] + 20 + loop.step)
    B, N = cfg["unet_batch"], len(ds["ids"])

    def step(i):
        idx = rng.integers(0, N, B)
        x0 = s2d(to_img(ds["images"][idx]).to(dev))
        ids = torch.from_numpy(ds["ids"][idx]).to(dev)
        drop = torch.from_numpy(rng.uniform(size=B) < cfg["text_drop"]).to(dev)
        ids = torch.where(drop.unsqueeze(1), empty.unsqueeze(0), ids)
        t = torch.from_numpy(rng.integers(0, D.T, B)).to(dev)
        noise = torch.randn_like(x0)
        xt = D.q_sample(x0, t, noise)
        out, probs = unet(xt, t.float(), te(ids))
        if cfg.get("min_snr", 0) > 0:
            # Min-SNR-γ weighting for v prediction (Hang et al. 2023; diffusers' snr_gamma)
            ab = D.ab_at(t)
            snr = ab / (1 - ab)
            w = torch.minimum(snr, torch.full_like(snr, cfg["min_snr"])) / (snr + 1)
            ld = ((out - D.v_target(x0, t, noise)) ** 2).mean((1, 2, 3)).mul(w).mean()
        else:
            ld = F.mse_loss(out, D.v_target(x0, t, noise))
        loss, lg = ld, torch.zeros((), device=dev)
        if ground and cfg["ground_w"] > 0:
            hw = cfg["latent_hw"]
            r16, valid = (x.to(dev) for x in token_regions(ds["masks"][idx], ds["tokobj"][idx], hw))
            r8 = token_regions(ds["masks"][idx], ds["tokobj"][idx], hw // 2)[0].to(dev)
            valid = valid * (~drop).float().unsqueeze(1)
            lg = grounding_loss(probs, {hw * hw: r16, (hw // 2) ** 2: r8}, valid)
            loss = ld + cfg["ground_w"] * lg
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(te.parameters()) + list(unet.parameters()), 1.0)
        opt.step()
        d = min(cfg["ema"], (1 + loop.step) / (10 + loop.step))
        ema_update(ema["text"], te, d)
        ema_update(ema["unet"], unet, d)
        return [ld.item(), float(lg)]
    loop.run(step, cfg["unet_lr"])


def load_frozen(cfg, wd):
    te, ie = make_text(cfg), make_image(cfg)
    base = None
    if (Path(wd) / "encoders.pt").exists():
        s = load_ckpt(Path(wd) / "encoders.pt")["models"]
        ie.load_state_dict(s["image"])
    if (Path(wd) / "unet.pt").exists():
        s = load_ckpt(Path(wd) / "unet.pt")["ema"]
        te.load_state_dict(s["text"])
        base = s["unet"]
    dev = train_device()
    for m in (te, ie):
        m.eval().to(dev)
        for p in m.parameters():
            p.requires_grad_(False)
    return te, ie, base


def target_tokens(ids, tokobj, target):
    """1 for the class word of the target object"""
    cls_ids = torch.tensor([tw.WORD2ID[c] for c in tw.CLASSES])
    ids_t = torch.as_tensor(ids)
    is_cls = (ids_t.unsqueeze(-1) == cls_ids).any(-1)
    own = torch.as_tensor(tokobj.astype(np.int64)) == (torch.as_tensor(target.astype(np.int64)).unsqueeze(1) + 1)
    return (is_cls & own).float()


def stage_adapter(cfg, wd, kind):
    ds = load_data(wd, "adapt")
    if len(ds["ids"]) != cfg["n_adapt"]:  # generate keeps an existing file (another config's)
        raise SystemExit(f"{wd}/data_adapt.npz has {len(ds['ids'])} scenes, the config {cfg['n_adapt']}: "
                         "remove it and run the generate stage")
    te, ie, base = load_frozen(cfg, wd)
    dev = train_device()
    unet = UNet(cfg, kind)
    if base is not None:
        unet.load_state_dict(base, strict=False)
    unet.to(dev)
    for p in unet.base_parameters():
        p.requires_grad_(False)
    params = unet.adapter_parameters()
    opt = torch.optim.AdamW(params, lr=cfg["adapt_lr"], weight_decay=0.0)
    name = f"adapter_{kind}"
    holder = torch.nn.ModuleDict({"ad": unet.ad})
    if kind == "ip":
        holder["proj"], holder["ln"] = unet.ip_proj, unet.ip_ln
    else:
        holder["proj"] = unet.rc_proj
    for mod in ("rc_film", "rc_pool", "ip_film"):  # cfg film
        if hasattr(unet, mod):
            holder[mod] = getattr(unet, mod)
    loop = Loop(wd, name + "_train", cfg, dict(adapter_mods=holder), opt, cfg["rc_minutes" if kind == "realcustom" else "ip_minutes"])
    log(wd, name, f"adapter params={sum(p.numel() for p in params)}")
    rng = np.random.default_rng(cfg["seed"] + 30 + loop.step)
    B, N, hw = cfg["adapt_batch"], len(ds["ids"]), cfg["latent_hw"]

    def step(i):
        idx = rng.integers(0, N, B)
        x0 = s2d(to_img(ds["images"][idx]).to(dev))
        ids = torch.from_numpy(ds["ids"][idx]).to(dev)
        t = torch.from_numpy(rng.integers(0, D.T, B)).to(dev)
        noise = torch.randn_like(x0)
        xt = D.q_sample(x0, t, noise)
        with torch.no_grad():
            text = te(ids)
            tok, emb = ie(to_img(ds["ref"][idx]).to(dev))
        tgt = ds["target"][idx]
        gm = torch.from_numpy(ds["masks"][idx][np.arange(B), tgt]).to(dev).float().unsqueeze(1) / 255.0
        gm = F.max_pool2d(F.adaptive_avg_pool2d(gm, hw), 3, 1, 1)
        use_gt = torch.from_numpy(rng.uniform(size=B) < 0.5).to(dev).float().view(-1, 1, 1, 1)
        mask = use_gt * gm + (1 - use_gt)
        a = dict(image_tokens=tok, image_embed=emb, alpha_bar=D.ab_at(t), image_scale=torch.ones(B, device=dev),
                 mask=mask, target=target_tokens(ds["ids"][idx], ds["tokobj"][idx], tgt).to(dev),
                 gamma=torch.from_numpy(rng.uniform(0.3, 1.0, B)).float().to(dev),
                 scoring=torch.from_numpy((rng.uniform(size=B) < 0.9).astype(np.float32)).to(dev))
        out, _ = unet(xt, t.float(), text, a)
        # target-weighted loss: the target is ~15 % of the picture but all of what the reference
        # can teach; the rest of the loss keeps the adapter from writing outside it
        w = 1.0 + cfg["adapt_fg_w"] * gm
        loss = (w * (out - D.v_target(x0, t, noise)) ** 2).mean() / w.mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return [loss.item()]
    loop.run(step, cfg["adapt_lr"], warmup=50)
    torch.save({"models": {"adapter": {k: v.cpu() for k, v in unet.state_dict().items() if is_adapter_param(k)}}},
               Path(wd) / f"adapter_{kind}.pt")


def judge_targets(ds, idx):
    """Per-pixel labels from the generator's visible masks: class map (0 = no object, else class + 1)
    and colour map (the object's named colour; -100 = ignored: no object, or a custom design)."""
    m = ds["masks"][idx] > 127  # [B,3,S,S]
    on = m.any(1)
    k = m.argmax(1)  # which object covers the pixel
    cls = np.take_along_axis(ds["cls"][idx].astype(np.int64)[:, :, None, None], k[:, None], 1)[:, 0]
    col = np.take_along_axis(ds["color"][idx].astype(np.int64)[:, :, None, None], k[:, None], 1)[:, 0]
    ycls = np.where(on, cls + 1, 0)
    ycol = np.where(on & (col >= 0), col, -100)
    bg = torch.from_numpy(ds["bg"][idx].astype(np.int64))
    return bg, torch.from_numpy(ycls), torch.from_numpy(ycol)


def blur3(img):
    return F.avg_pool2d(F.pad(img, (1, 1, 1, 1), mode="replicate"), 3, stride=1)


def stage_judge(cfg, wd):
    ds = load_data(wd, "train")
    dev = train_device()
    j = make_judge(cfg).to(dev)
    opt = torch.optim.AdamW(j.parameters(), lr=2e-3)
    loop = Loop(wd, "judge_train", cfg, dict(judge=j), opt, cfg["judge_minutes"])
    rng = np.random.default_rng(cfg["seed"] + 40 + loop.step)
    B, N = cfg["judge_batch"], len(ds["ids"])

    def step(i):
        idx = rng.integers(0, N, B)
        img = to_img(ds["images"][idx]).to(dev)
        # robustness to generator artefacts: softness and noise
        if rng.uniform() < 0.5:
            img = torch.lerp(img, blur3(img), float(rng.uniform(0.3, 1.0)))
        img = img + torch.randn_like(img) * float(rng.uniform(0, 0.15))
        bg, ycls, ycol = (x.to(dev) for x in judge_targets(ds, idx))
        lb, lc, lcol = j(img)
        loss_map = F.cross_entropy(lb, bg) + F.cross_entropy(lc, ycls) + F.cross_entropy(lcol, ycol, ignore_index=-100)
        # crop classifier on each object's (loosely) true mask: eroded or dilated by a pixel at
        # times, as the regions found in generated images are
        m = torch.from_numpy(ds["masks"][idx] > 127).to(dev).float()  # [B,3,S,S]
        r = float(rng.uniform())
        if r < 0.25:
            m = F.max_pool2d(m, 3, stride=1, padding=1)
        elif r < 0.5:
            m = -F.max_pool2d(-m, 3, stride=1, padding=1)
        keep = (m.sum((2, 3)) >= 12) & torch.from_numpy(ds["cls"][idx] >= 0).to(dev)
        b_i, o_i = torch.nonzero(keep, as_tuple=True)
        lcrop = F.cross_entropy(j.crop_net(crops(img[b_i], m[b_i, o_i])),
                                torch.from_numpy(ds["cls"][idx].astype(np.int64)).to(dev)[b_i, o_i])
        loss = loss_map + lcrop
        opt.zero_grad()
        loss.backward()
        opt.step()
        return [loss_map.item(), lcrop.item()]
    loop.run(step, 2e-3, warmup=20)
    torch.save({"models": {"judge": {k: v.cpu() for k, v in j.state_dict().items()}}}, Path(wd) / "judge.pt")


STAGES = ["generate", "encoders", "unet", "adapter_realcustom", "adapter_ip", "judge"]


def run_stage(stage, cfg, wd):
    t0 = time.time()
    if stage == "generate":
        stage_generate(cfg, wd)
    elif stage == "encoders":
        stage_encoders(cfg, wd)
    elif stage == "unet":
        stage_unet(cfg, wd)
    elif stage == "unet_noground":  # ablation: same steps as the unet_at<snapshot_step> snapshot
        stage_unet(dict(cfg, max_steps=cfg["snapshot_step"]), wd, ground=False, stage_name="unet_noground")
    elif stage == "adapter_realcustom":
        stage_adapter(cfg, wd, "realcustom")
    elif stage == "adapter_ip":
        stage_adapter(cfg, wd, "ip")
    elif stage == "judge":
        stage_judge(cfg, wd)
    else:
        raise ValueError(stage)
    log(wd, stage, f"stage wall {time.time() - t0:.0f}s")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage", required=True)
    ap.add_argument("--config", default="full")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--budget", action="append", default=[], help="e.g. unet_minutes=240 (repeatable)")
    args = ap.parse_args()
    cfg = get_cfg(args.config, args.budget)
    run_stage(args.stage, cfg, workdir(cfg, args.workdir))
