"""All networks. Written with plain ops (manual GroupNorm/attention) so they export to ONNX
opset 17 with ops onnxruntime-web runs on WebGPU."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -1e4


class GN(nn.Module):
    """GroupNorm with plain reductions (exports as ReduceMean/Sub/Mul/Sqrt, no InstanceNorm)."""

    def __init__(self, ch, groups=8, eps=1e-5):
        super().__init__()
        self.g, self.eps = groups, eps
        self.weight = nn.Parameter(torch.ones(ch))
        self.bias = nn.Parameter(torch.zeros(ch))

    def forward(self, x):
        B, C, H, W = x.shape
        if not torch.onnx.is_in_onnx_export():
            return F.group_norm(x, self.g, self.weight, self.bias, self.eps)
        y = x.reshape(-1, self.g, (C // self.g) * H * W)
        m = y.mean(-1, keepdim=True)
        v = ((y - m) ** 2).mean(-1, keepdim=True)
        y = (y - m) / torch.sqrt(v + self.eps)
        y = y.reshape(-1, C, H, W)
        return y * self.weight.view(1, C, 1, 1) + self.bias.view(1, C, 1, 1)


def attention(q, k, v, heads, bias=None):
    """q [B,N,C], k,v [B,M,C] -> out [B,N,C], probs [B,h,N,M]"""
    B, N, C = q.shape
    d = C // heads
    q = q.reshape(-1, N, heads, d).transpose(1, 2)
    k = k.reshape(-1, k.shape[1], heads, d).transpose(1, 2)
    v = v.reshape(-1, v.shape[1], heads, d).transpose(1, 2)
    s = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d))
    if bias is not None:
        s = s + bias
    p = torch.softmax(s, -1)
    o = torch.matmul(p, v).transpose(1, 2).reshape(-1, N, C)
    return o, p


class MHA(nn.Module):
    def __init__(self, dim, heads, kv_dim=None):
        super().__init__()
        kv_dim = kv_dim or dim
        self.h = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(kv_dim, dim, bias=False)
        self.v = nn.Linear(kv_dim, dim, bias=False)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, ctx=None, bias=None):
        ctx = x if ctx is None else ctx
        o, p = attention(self.q(x), self.k(ctx), self.v(ctx), self.h, bias)
        return self.o(o), p


class TBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = MHA(dim, heads)
        self.ff = nn.Sequential(nn.Linear(dim, 4 * dim), nn.SiLU(), nn.Linear(4 * dim, dim))

    def forward(self, x, bias=None):
        x = x + self.attn(self.ln1(x), bias=bias)[0]
        return x + self.ff(self.ln2(x))


class TextEncoder(nn.Module):
    """Word-level transformer: ids [B,L] -> per-token features [B,L,D]."""

    def __init__(self, vocab, L, dim, layers, heads):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(1, L, dim) * 0.02)
        self.blocks = nn.ModuleList([TBlock(dim, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(dim)
        self.pool_proj = nn.Linear(dim, dim)  # CLIP-stage only (not exported)

    def forward(self, ids):
        x = self.tok(ids) + self.pos
        for b in self.blocks:
            x = b(x)
        return self.ln(x)

    def pooled(self, ids):
        f = self.forward(ids)
        m = (ids != 0).float().unsqueeze(-1)
        return self.pool_proj((f * m).sum(1) / m.sum(1))


class ImageEncoder(nn.Module):
    """Small ViT: pixels [B,3,S,S] in [-1,1] -> patch tokens [B,N,D], global embed [B,E]."""

    def __init__(self, size, patch, dim, layers, heads, embed_dim):
        super().__init__()
        n = (size // patch) ** 2
        self.patch = nn.Conv2d(3, dim, patch, patch)
        self.pos = nn.Parameter(torch.randn(1, n, dim) * 0.02)
        self.blocks = nn.ModuleList([TBlock(dim, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, embed_dim)

    def forward(self, x):
        t0 = self.patch(x).flatten(2).transpose(1, 2) + self.pos
        t = t0
        for b in self.blocks:
            t = b(t)
        t = self.ln(t)
        # tokens keep their own patch's pixels (the skip): the contrastive losses shape the global
        # embedding and need no colour detail, the adapters do (v3; v2 gave ln(t) alone)
        return t + t0, self.head(t.mean(1))


def s2d(img):
    """exact 2x space-to-depth codec: [B,3,2H,2W] -> [B,12,H,W]"""
    B, C, H, W = img.shape
    x = img.reshape(B, C, H // 2, 2, W // 2, 2).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(B, C * 4, H // 2, W // 2)


class Decoder(nn.Module):
    """depth-to-space, inverse of s2d; output clipped to [-1, 1]."""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def forward(self, z):
        h = self.size // 2
        x = z.reshape(-1, 3, 2, 2, h, h).permute(0, 1, 4, 2, 5, 3)
        return torch.clamp(x.reshape(-1, 3, self.size, self.size), -1.0, 1.0)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    a = t.float().unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat([torch.cos(a), torch.sin(a)], 1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.n1, self.c1 = GN(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(tdim, 2 * cout)
        self.n2, self.c2 = GN(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.c1(F.silu(self.n1(x)))
        s, b = self.t(temb).unsqueeze(-1).unsqueeze(-1).chunk(2, 1)
        h = self.n2(h) * (1 + s) + b
        h = self.c2(F.silu(h))
        return self.skip(x) + h


# ----------------------------------------------------------------------------- adapters

class RealCustomLayer(nn.Module):
    """Adaptive scoring module + image key/value projections for one cross-attn layer."""

    def __init__(self, ch, text_dim, img_dim, hidden, n_img=64):
        super().__init__()
        # strictly lower-triangular tie-break matrix (a buffer: no Trilu op in the graph)
        self.register_buffer("tri", torch.tril(torch.ones(n_img, n_img), -1), persistent=False)
        self.w_at = nn.Linear(text_dim, 1)
        self.w_av = nn.Linear(ch, 1)
        self.mlp_text = nn.Sequential(nn.Linear(text_dim + img_dim, hidden), nn.SiLU(), nn.Linear(hidden, 1))
        self.mlp_vis = nn.Sequential(nn.Linear(ch + img_dim, hidden), nn.SiLU(), nn.Linear(hidden, 1))
        self.k = nn.Linear(img_dim, ch, bias=False)
        self.v = nn.Linear(img_dim, ch, bias=False)
        nn.init.zeros_(self.v.weight)  # starts as the frozen base

    @staticmethod
    def _mlp(mlp, vec, img):
        """mlp(cat([vec replicated n_i times, img], -1)) by broadcasting (no Expand/ConstantOfShape)"""
        lin = mlp[0]
        dv = vec.shape[-1]
        h = F.linear(vec, lin.weight[:, :dv]).unsqueeze(1) + F.linear(img, lin.weight[:, dv:], lin.bias)
        return mlp[2](mlp[1](h)).squeeze(-1)

    def forward(self, q, z, m, text, target, img, alpha_bar, gamma, scoring, heads):
        """q [B,N,C] queries, z [B,N,C] features, m [B,N,1] mask, text [B,L,Dt], target [B,L],
        img [B,Ni,Di], alpha_bar/gamma/scoring [B] -> image attention output [B,N,C]"""
        Ni = img.shape[1]
        lt = self.w_at(text).squeeze(-1) + (1.0 - target) * NEG           # [B,L]
        c_text = (torch.softmax(lt, -1).unsqueeze(-1) * text).sum(1)        # [B,Dt]
        zm = z * m
        lv = self.w_av(zm).squeeze(-1)                                      # [B,N]
        c_vis = (torch.softmax(lv, -1).unsqueeze(-1) * zm).sum(1)           # [B,C]
        s_text = self._mlp(self.mlp_text, c_text, img)
        s_vis = self._mlp(self.mlp_vis, c_vis, img)
        ab = alpha_bar.unsqueeze(1)
        S = (1.0 - ab) * s_text + ab * s_vis                                # [B,Ni]
        f = img * (1.0 + torch.softmax(S, -1)).unsqueeze(-1)
        # rank by pairwise comparison (no TopK/sort); ties broken by index
        gt = (S.unsqueeze(1) > S.unsqueeze(2)).float()                      # [B,i,j] = S_j > S_i
        eq = (S.unsqueeze(1) == S.unsqueeze(2)).float() * self.tri
        rank = (gt + eq).sum(-1)                                            # [B,Ni]
        k = torch.clamp(torch.floor(gamma * Ni + 0.5), min=1.0).unsqueeze(1)
        drop = (rank >= k).float()
        sc = scoring.unsqueeze(1)
        bias = (sc * drop * NEG).unsqueeze(1).unsqueeze(1)                  # [B,1,1,Ni]
        f = sc.unsqueeze(-1) * f + (1.0 - sc.unsqueeze(-1)) * img
        o, _ = attention(q, self.k(f), self.v(f), heads, bias)
        return o


class IPLayer(nn.Module):
    def __init__(self, ch, tok_dim):
        super().__init__()
        self.k = nn.Linear(tok_dim, ch, bias=False)
        self.v = nn.Linear(tok_dim, ch, bias=False)
        nn.init.zeros_(self.v.weight)

    def forward(self, q, tokens, heads):
        return attention(q, self.k(tokens), self.v(tokens), heads)[0]


class XAttn(nn.Module):
    """Spatial transformer: (self-attn) + text cross-attn (+ image cross-attn) + FF."""

    def __init__(self, ch, text_dim, heads, self_attn=False):
        super().__init__()
        self.heads = heads
        self.norm = GN(ch)
        self.pin = nn.Conv2d(ch, ch, 1)
        self.sa = MHA(ch, heads) if self_attn else None
        self.ln0 = nn.LayerNorm(ch) if self_attn else None
        self.ln1, self.ln2 = nn.LayerNorm(ch), nn.LayerNorm(ch)
        self.q = nn.Linear(ch, ch, bias=False)
        self.k = nn.Linear(text_dim, ch, bias=False)
        self.v = nn.Linear(text_dim, ch, bias=False)
        self.o = nn.Linear(ch, ch)
        self.ff = nn.Sequential(nn.Linear(ch, 4 * ch), nn.SiLU(), nn.Linear(4 * ch, ch))
        self.pout = nn.Conv2d(ch, ch, 1)

    def forward(self, x, text, img_fn=None):
        B, C, H, W = x.shape
        h = self.pin(self.norm(x)).flatten(2).transpose(1, 2)  # [B,N,C]
        if self.sa is not None:
            h = h + self.sa(self.ln0(h))[0]
        z = self.ln1(h)
        q = self.q(z)
        o, p = attention(q, self.k(text), self.v(text), self.heads)
        if img_fn is not None:
            o = o + img_fn(q, z)
        h = h + self.o(o)
        h = h + self.ff(self.ln2(h))
        return x + self.pout(h.transpose(1, 2).reshape(-1, C, H, W)), p


LAYERS = ["down.16", "mid.8", "up.16"]


def film_layers(in_dim, c1, c2):
    """the adapters' FiLM (cfg film): per ResBlock it writes into, Linear(reference vector ->
    scale and shift of the block's output channels), zero-initialised (starts as the frozen base)"""
    blocks = {"d1": c1, "d2": c2, "m1": c2, "m2": c2, "u0": c2, "u1": c1, "u2": c1}
    film = nn.ModuleDict({n: nn.Linear(in_dim, 2 * ch) for n, ch in blocks.items()})
    for m in film.values():
        nn.init.zeros_(m.weight)
        nn.init.zeros_(m.bias)
    return film


ADAPTER_PREFIXES = ("ad.", "ip_", "rc_")


def mask_at(m, hw):
    """the mask [B,1,H,W] at a layer's resolution hw (bilinear; unchanged when it already is)"""
    return m if m.shape[-1] == hw else F.interpolate(m, size=(hw, hw), mode="bilinear", align_corners=False)


def is_adapter_param(name):
    """adapter weights (trained on the frozen base, saved in adapter_<kind>.pt)"""
    return name.startswith(ADAPTER_PREFIXES)


class UNet(nn.Module):
    def __init__(self, cfg, adapter=None):
        super().__init__()
        c1, c2, lc, td, nh = cfg["ch1"], cfg["ch2"], cfg["latent_ch"], cfg["text_dim"], cfg["heads"]
        self.cfg, self.heads = cfg, nh
        tdim = 4 * c1
        self.temb = nn.Sequential(nn.Linear(c1, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.cin = nn.Conv2d(lc, c1, 3, padding=1)
        self.d1 = ResBlock(c1, c1, tdim)
        self.a_d = XAttn(c1, td, nh)
        self.down = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.d2 = ResBlock(c1, c2, tdim)
        self.m1 = ResBlock(c2, c2, tdim)
        self.a_m = XAttn(c2, td, nh, self_attn=True)
        self.m2 = ResBlock(c2, c2, tdim)
        self.u0 = ResBlock(c2 + c2, c2, tdim)
        self.up = nn.Conv2d(c2, c2, 3, padding=1)
        self.u1 = ResBlock(c2 + c1, c1, tdim)
        self.a_u = XAttn(c1, td, nh)
        self.u2 = ResBlock(c1 + c1, c1, tdim)
        self.nout = GN(c1)
        self.cout = nn.Conv2d(c1, lc, 3, padding=1)
        self.layer_ch = {"down.16": c1, "mid.8": c2, "up.16": c1}
        self.adapter = adapter
        if adapter == "realcustom":
            # a learned projection of the reference tokens shared by the layers (the global
            # adapter has its own: ip_proj); residual, so it starts as the identity
            Di = cfg["vit_dim"]
            self.rc_proj = nn.Sequential(nn.Linear(Di, 2 * Di), nn.SiLU(), nn.Linear(2 * Di, Di))
            nn.init.zeros_(self.rc_proj[2].weight)
            nn.init.zeros_(self.rc_proj[2].bias)
            n_img = (cfg["image_size"] // cfg["patch"]) ** 2
            self.ad = nn.ModuleDict({n.replace(".", "_"): RealCustomLayer(self.layer_ch[n], td, Di, cfg["score_hidden"], n_img)
                                     for n in LAYERS})
            if cfg.get("film"):
                # cfg film: mask-gated FiLM of the ResBlocks from an attention-pooled reference
                # vector: more places to write the reference than the three cross-attention layers
                self.rc_pool = nn.Linear(Di, 1)
                self.rc_film = film_layers(Di, c1, c2)
        elif adapter == "ip":
            G = cfg["global_tokens"]
            self.ip_proj = nn.Linear(cfg["embed_dim"], G * td)
            self.ip_ln = nn.LayerNorm(td)
            self.ad = nn.ModuleDict({n.replace(".", "_"): IPLayer(self.layer_ch[n], td) for n in LAYERS})
            if cfg.get("film"):
                # the same mask-gated ResBlock FiLM as RealCustom's (same capacity: a fair
                # comparison), from the global embedding
                self.ip_film = film_layers(cfg["embed_dim"], c1, c2)

    def base_parameters(self):
        return [p for n, p in self.named_parameters() if not is_adapter_param(n)]

    def adapter_parameters(self):
        return [p for n, p in self.named_parameters() if is_adapter_param(n)]

    def _img_fn(self, name, hw, a):
        if self.adapter is None or a is None:
            return None
        layer = self.ad[name.replace(".", "_")]
        m = mask_at(a["mask"], hw).flatten(2).transpose(1, 2)  # [B,N,1]
        sc = a["image_scale"].view(-1, 1, 1)

        def fn(q, z):
            if self.adapter == "realcustom":
                o = layer(q, z, m, a["text"], a["target"], a["image_tokens"], a["alpha_bar"],
                          a["gamma"], a["scoring"], self.heads)
            else:
                o = layer(q, a["ip_tokens"], self.heads)
            return o * m * sc
        return fn

    def _film_fn(self, a):
        """h -> h + mask * image_scale * (h * g + b), (g, b) from the reference (RealCustom: its
        attention-pooled tokens; global: its embedding); identity without cfg film or adapter inputs"""
        if a is None or not self.cfg.get("film"):
            return lambda name, h: h
        if self.adapter == "realcustom":
            tok, film = a["image_tokens"], self.rc_film
            c = (torch.softmax(self.rc_pool(tok).squeeze(-1), -1).unsqueeze(-1) * tok).sum(1)  # [B,Di]
        else:
            c, film = a["image_embed"], self.ip_film
        sc = a["image_scale"].view(-1, 1, 1, 1)
        masks = {}

        def fn(name, h):
            C, r = h.shape[1], h.shape[-1]
            if r not in masks:
                masks[r] = mask_at(a["mask"], r) * sc
            g, b = film[name](c).unsqueeze(-1).unsqueeze(-1).split(C, 1)
            return h + (h * g + b) * masks[r]
        return fn

    def forward(self, x, t, text, a=None):
        """x [B,C,H,W], t [B] float, text [B,L,Dt]; a: adapter inputs dict or None.
        Returns model output and per-layer text attention probs [B,h,N,L] (order LAYERS)."""
        if a is not None and self.adapter == "ip":
            a = dict(a)
            G, td = self.cfg["global_tokens"], self.cfg["text_dim"]
            a["ip_tokens"] = self.ip_ln(self.ip_proj(a["image_embed"]).reshape(-1, G, td))
        if a is not None and self.adapter == "realcustom":
            a = dict(a, image_tokens=a["image_tokens"] + self.rc_proj(a["image_tokens"]))
        if a is not None:
            a = dict(a, text=text)
        hw = x.shape[-1]
        fm = self._film_fn(a)
        te = self.temb(timestep_embedding(t, self.cfg["ch1"]))
        h0 = self.cin(x)
        h1 = fm("d1", self.d1(h0, te))
        h1, p1 = self.a_d(h1, text, self._img_fn("down.16", hw, a))
        h2 = fm("d2", self.d2(self.down(h1), te))
        h = fm("m1", self.m1(h2, te))
        h, p2 = self.a_m(h, text, self._img_fn("mid.8", hw // 2, a))
        h = fm("m2", self.m2(h, te))
        h = fm("u0", self.u0(torch.cat([h, h2], 1), te))
        h = self.up(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = fm("u1", self.u1(torch.cat([h, h1], 1), te))
        h, p3 = self.a_u(h, text, self._img_fn("up.16", hw, a))
        h = fm("u2", self.u2(torch.cat([h, h0], 1), te))
        return self.cout(F.silu(self.nout(h))), [p1, p2, p3]


def word_attention(probs, target, hw):
    """probs list of [B,h,N,L]; target [B,L] float -> [B,nLayers,hw,hw]"""
    outs = []
    for p in probs:
        m = (p.mean(1) * target.unsqueeze(1)).sum(-1)  # [B,N]
        r = int(round(math.sqrt(p.shape[2])))
        m = m.reshape(-1, 1, r, r)
        if r != hw:
            m = F.interpolate(m, size=(hw, hw), mode="bilinear", align_corners=False)
        outs.append(m)
    return torch.cat(outs, 1)


class Judge(nn.Module):
    """Per-object judge: image [B,3,S,S] -> background logits [B,n_bg], per-pixel class logits
    [B,n_cls+1,S,S] (index 0 = no object) and per-pixel colour logits [B,n_col,S,S] (meaningful on
    object pixels). Trained on the generator's masks, so each object is judged where it is drawn;
    `presence` turns the maps into image-level checks bound per object (a red star, not a star and
    something red)."""

    def __init__(self, ch, n_bg, n_cls, n_col, min_area=12.0):
        super().__init__()
        c = ch
        self.min_area = min_area
        self.e1 = nn.Sequential(nn.Conv2d(3, c, 3, padding=1), nn.SiLU(), nn.Conv2d(c, c, 3, padding=1), nn.SiLU())
        self.e2 = nn.Sequential(nn.Conv2d(c, 2 * c, 3, stride=2, padding=1), nn.SiLU(),
                                nn.Conv2d(2 * c, 2 * c, 3, padding=1), nn.SiLU())
        self.e3 = nn.Sequential(nn.Conv2d(2 * c, 4 * c, 3, stride=2, padding=1), nn.SiLU(),
                                nn.Conv2d(4 * c, 4 * c, 3, padding=1), nn.SiLU(), nn.Conv2d(4 * c, 4 * c, 3, padding=1), nn.SiLU())
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.d2 = nn.Sequential(nn.Conv2d(6 * c, 2 * c, 3, padding=1), nn.SiLU())
        self.d1 = nn.Sequential(nn.Conv2d(3 * c, c, 3, padding=1), nn.SiLU(), nn.Conv2d(c, c, 3, padding=1), nn.SiLU())
        self.bg = nn.Linear(4 * c, n_bg)
        self.cls = nn.Conv2d(c, n_cls + 1, 1)
        self.col = nn.Conv2d(c, n_col, 1)
        # class of one object from its crop (RGB + its mask, 16x16, square box around the mask):
        # the silhouette fills the input, so shape is easy to see (models/judge_objects.py)
        self.crop_net = nn.Sequential(
            nn.Conv2d(4, 2 * c, 3, padding=1), nn.SiLU(), nn.Conv2d(2 * c, 2 * c, 3, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(2 * c, 4 * c, 3, padding=1), nn.SiLU(), nn.Conv2d(4 * c, 4 * c, 3, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(4 * c, 4 * c, 3, padding=1), nn.SiLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * c, n_cls))

    def forward(self, x):
        h1 = self.e1(x)
        h2 = self.e2(h1)
        h3 = self.e3(h2)
        d2 = self.d2(torch.cat([self.up(h3), h2], 1))
        d1 = self.d1(torch.cat([self.up(d2), h1], 1))
        return self.bg(h3.mean((2, 3))), self.cls(d1), self.col(d1)

    def presence(self, cls_map, col_map):
        """Image-level logits from the maps: class c drawn ([B,n_cls]), some object in colour k
        ([B,n_col]) and class c drawn in colour k ([B,n_cls,n_col]), each (expected pixel count -
        min_area) / 4, so > 0 means at least `min_area` pixels (p10 of object areas is ~65 px at 32x32)."""
        pc = cls_map.softmax(1)[:, 1:]  # [B,n_cls,S,S]
        pk = col_map.softmax(1)  # [B,n_col,S,S]
        cls_count = pc.sum((2, 3))
        obj_count = torch.bmm(pc.flatten(2), pk.flatten(2).transpose(1, 2))  # [B,n_cls,n_col]
        col_count = obj_count.sum(1)  # object pixels in colour k, whatever their class
        return tuple((n - self.min_area) / 4.0 for n in (cls_count, col_count, obj_count))


def count(m):
    return sum(p.numel() for p in m.parameters())
