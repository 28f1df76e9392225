"""SD-1.5 UNet2DConditionModel (diffusers layout and key names) with IP-Adapter's decoupled
cross-attention folded into every attn2, RealCustom's mask gating the image branch, and the target
word's text cross-attention map reduced inside the graph."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..nets import timestep_embedding
from .layers import GN, Down, ResnetBlock, Transformer2D, Up, resize


class TimestepEmbedding(nn.Module):
    def __init__(self, c, temb):
        super().__init__()
        self.linear_1 = nn.Linear(c, temb)
        self.linear_2 = nn.Linear(temb, temb)

    def forward(self, x):
        return self.linear_2(F.silu(self.linear_1(x)))


class Block(nn.Module):
    def __init__(self, resnets, attentions=None, sampler=None, sampler_name=None):
        super().__init__()
        self.resnets = nn.ModuleList(resnets)
        if attentions:
            self.attentions = nn.ModuleList(attentions)
        if sampler is not None:
            setattr(self, sampler_name, nn.ModuleList([sampler]))


class UNet(nn.Module):
    """forward(latent [B,4,h,w], timestep [B], text [B,77,Dx], image_tokens [B,Ni,Dx] or None,
    image_scale [B], mask [B,1,Hm,Wm], target [B,77]) -> (noise [B,4,h,w], word map [B,1,Hm,Wm])."""

    def __init__(self, cfg, ip=True):
        super().__init__()
        ch, L, x, nh, g = (cfg["block_out_channels"], cfg["layers_per_block"], cfg["cross_attention_dim"],
                           cfg["heads"], cfg["norm_groups"])
        self.cfg, n, c0 = cfg, len(ch), ch[0]
        temb = 4 * c0
        ipd = x if ip else None

        def res(i, o):
            return ResnetBlock(i, o, temb, g, 1e-5)

        def tr(c):
            return Transformer2D(c, x, nh, g, ipd)

        self.conv_in = nn.Conv2d(cfg["in_channels"], c0, 3, padding=1)
        self.time_embedding = TimestepEmbedding(c0, temb)
        self.down_blocks = nn.ModuleList()
        self.up_blocks = nn.ModuleList()
        prev = c0
        for i, c in enumerate(ch):
            last = i == n - 1
            self.down_blocks.append(Block([res(prev if j == 0 else c, c) for j in range(L)],
                                          None if last else [tr(c) for _ in range(L)],
                                          None if last else Down(c), "downsamplers"))
            prev = c
        self.mid_block = Block([res(ch[-1], ch[-1]), res(ch[-1], ch[-1])], [tr(ch[-1])])
        rev = list(reversed(ch))
        for i in range(n):
            o, p, ci = rev[i], rev[max(i - 1, 0)], rev[min(i + 1, n - 1)]
            self.up_blocks.append(Block([res((p if j == 0 else o) + (ci if j == L else o), o) for j in range(L + 1)],
                                        None if i == 0 else [tr(o) for _ in range(L + 1)],
                                        None if i == n - 1 else Up(o), "upsamplers"))
        self.conv_norm_out = GN(c0, g, 1e-5)
        self.conv_out = nn.Conv2d(c0, cfg["in_channels"], 3, padding=1)

    def attn2_names(self):
        """attn2 module prefixes in diffusers' attn_processors order (down, up, mid)."""
        return [n[: -len(".transformer_blocks.0.attn2")] for n, _ in self.named_modules()
                if n.endswith("transformer_blocks.0.attn2")]

    def forward(self, latent, timestep, text, image_tokens=None, image_scale=None, mask=None, target=None,
                mask_hw=None):
        temb = self.time_embedding(timestep_embedding(timestep, self.cfg["block_out_channels"][0]))
        ip_fn = None
        if image_tokens is not None:
            sc = image_scale.reshape(-1, 1, 1)

            def ip_fn(h, w):
                if mask is None:  # plain (unmasked) IP-Adapter
                    return image_tokens, sc
                gate = resize(mask, (h, w)).flatten(2).transpose(1, 2)  # [B,N,1]
                return image_tokens, gate * sc

        probs = []
        h = self.conv_in(latent)
        skips = [h]
        for blk in self.down_blocks:
            for j, r in enumerate(blk.resnets):
                h = r(h, temb)
                if hasattr(blk, "attentions"):
                    h, p = blk.attentions[j](h, text, ip_fn)
                    probs.append(p)
                skips.append(h)
            if hasattr(blk, "downsamplers"):
                h = blk.downsamplers[0](h)
                skips.append(h)
        mid = self.mid_block
        h = mid.resnets[0](h, temb)
        h, p_mid = mid.attentions[0](h, text, ip_fn)
        h = mid.resnets[1](h, temb)
        for blk in self.up_blocks:
            for j, r in enumerate(blk.resnets):
                h = r(torch.cat([h, skips.pop()], 1), temb)
                if hasattr(blk, "attentions"):
                    h, p = blk.attentions[j](h, text, ip_fn)
                    probs.append(p)
            if hasattr(blk, "upsamplers"):
                h = blk.upsamplers[0](h)
        out = self.conv_out(F.silu(self.conv_norm_out(h)))
        if target is None:
            return out, None
        probs.append(p_mid)
        return out, word_map(probs, target, mask_hw or tuple(mask.shape[-2:]), latent.shape[-2:])


def word_map(probs, target, hw, latent_hw):
    """RealCustom's map: per layer mean over heads, sum over the target tokens, bilinear resize to
    the mask resolution; mean over layers. probs: list of [B,h,N,77]; target [B,77] -> [B,1,Hm,Wm]."""
    acc = None
    H, W = int(latent_hw[0]), int(latent_hw[1])  # static in the exported graph
    for p in probs:
        m = (p.mean(1) * target.unsqueeze(1)).sum(-1)  # [B,N]
        f = int(round((H * W / int(p.shape[2])) ** 0.5))
        m = resize(m.reshape(-1, 1, H // f, W // f), hw)
        acc = m if acc is None else acc + m
    return acc * (1.0 / len(probs))
