"""IP-Adapter image projections with IP-Adapter's own key names: ImageProjModel (ip-adapter_sd15,
4 tokens from the CLIP image embedding) and Resampler (ip-adapter-plus_sd15, 16 queries over the
penultimate ViT hidden states)."""
import math

import torch
import torch.nn as nn


class ImageProj(nn.Module):
    def __init__(self, embed_dim, cross, tokens):
        super().__init__()
        self.tokens, self.cross = tokens, cross
        self.proj = nn.Linear(embed_dim, tokens * cross)
        self.norm = nn.LayerNorm(cross)

    def forward(self, e):
        return self.norm(self.proj(e).reshape(-1, self.tokens, self.cross))


class PerceiverAttention(nn.Module):
    def __init__(self, dim, dim_head, heads):
        super().__init__()
        self.heads, self.dim_head = heads, dim_head
        inner = dim_head * heads
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, inner, bias=False)
        self.to_kv = nn.Linear(dim, 2 * inner, bias=False)
        self.to_out = nn.Linear(inner, dim, bias=False)

    def _heads(self, t):
        return t.reshape(t.shape[0], t.shape[1], self.heads, -1).transpose(1, 2)

    def forward(self, x, latents):
        x, latents = self.norm1(x), self.norm2(latents)
        q = self._heads(self.to_q(latents))
        k, v = self.to_kv(torch.cat([x, latents], 1)).chunk(2, -1)
        k, v = self._heads(k), self._heads(v)
        s = 1.0 / math.sqrt(math.sqrt(self.dim_head))
        w = torch.softmax(torch.matmul(q * s, (k * s).transpose(-1, -2)), -1)
        o = torch.matmul(w, v).transpose(1, 2)
        return self.to_out(o.reshape(o.shape[0], o.shape[1], -1))


class Resampler(nn.Module):
    def __init__(self, embed_dim, cross, depth, dim_head, heads, queries, ff_mult):
        super().__init__()
        self.latents = nn.Parameter(torch.zeros(1, queries, cross))
        self.proj_in = nn.Linear(embed_dim, cross)
        self.proj_out = nn.Linear(cross, cross)
        self.norm_out = nn.LayerNorm(cross)
        inner = ff_mult * cross
        self.layers = nn.ModuleList([nn.ModuleList([
            PerceiverAttention(cross, dim_head, heads),
            nn.Sequential(nn.LayerNorm(cross), nn.Linear(cross, inner, bias=False), nn.GELU(),
                          nn.Linear(inner, cross, bias=False))]) for _ in range(depth)])

    def forward(self, x):
        lat = self.latents + x[:, :1, :1] * 0.0  # batch broadcast without Expand of a shape
        x = self.proj_in(x)
        for attn, ff in self.layers:
            lat = attn(x, lat) + lat
            lat = ff(lat) + lat
        return self.norm_out(self.proj_out(lat))


def make_image_proj(full, plus):
    x = full["unet"]["cross_attention_dim"]
    if plus:
        r = full["resampler"]
        return Resampler(full["vision"]["dim"], x, r["depth"], r["dim_head"], r["heads"], r["queries"], r["ff_mult"])
    return ImageProj(full["vision"]["proj"], x, full["ip_tokens"])
