"""Building blocks with diffusers' attribute names (so state dicts load by name), written with plain
ops (GroupNorm by reductions, attention by MatMul/Softmax) for ONNX opset 17 on the WebGPU EP.

Only the batch dimension is dynamic in our graphs: every other size is read with int() while
tracing, so it becomes a constant instead of a Shape->Gather->Concat chain (half the nodes, and
a trace that takes half the time)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .. import nets


def dims(x):
    """static sizes of all but the batch dimension (constants in the traced graph)"""
    return [int(d) for d in x.shape[1:]]


class GN(nets.GN):
    """nets.GN with static shapes in the exported graph."""

    def forward(self, x):
        if not torch.onnx.is_in_onnx_export():
            return super().forward(x)
        C, H, W = dims(x)
        y = x.reshape(-1, self.g, (C // self.g) * H * W)
        m = y.mean(-1, keepdim=True)
        v = ((y - m) ** 2).mean(-1, keepdim=True)
        y = ((y - m) / torch.sqrt(v + self.eps)).reshape(-1, C, H, W)
        return y * self.weight.view(1, C, 1, 1) + self.bias.view(1, C, 1, 1)


def attention(q, k, v, heads, bias=None):
    """q [B,N,C], k,v [B,M,C] (bias broadcast to [B,h,N,M]) -> out [B,N,C], probs [B,h,N,M]."""
    N, C = dims(q)
    M = int(k.shape[1])
    d = C // heads
    q = q.reshape(-1, N, heads, d).transpose(1, 2)
    k = k.reshape(-1, M, heads, d).transpose(1, 2)
    v = v.reshape(-1, M, heads, d).transpose(1, 2)
    s = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d))
    p = torch.softmax(s if bias is None else s + bias, -1)
    return torch.matmul(p, v).transpose(1, 2).reshape(-1, N, C), p


class ResnetBlock(nn.Module):
    """diffusers ResnetBlock2D (output_scale_factor 1, pre-norm, optional timestep shift)."""

    def __init__(self, cin, cout, temb, groups, eps):
        super().__init__()
        self.norm1 = GN(cin, groups, eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout) if temb else None
        self.norm2 = GN(cout, groups, eps)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time_emb_proj is not None:
            h = h + self.time_emb_proj(F.silu(temb)).unsqueeze(-1).unsqueeze(-1)
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.conv_shortcut is None else self.conv_shortcut(x)) + h


class Attention(nn.Module):
    """diffusers Attention: to_q/to_k/to_v (no bias in the UNet), to_out.0. Optional decoupled
    image branch (IP-Adapter's to_k_ip/to_v_ip)."""

    def __init__(self, dim, kv_dim, heads, bias=False, ip_dim=None):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim, bias=bias)
        self.to_k = nn.Linear(kv_dim, dim, bias=bias)
        self.to_v = nn.Linear(kv_dim, dim, bias=bias)
        self.to_out = nn.ModuleList([nn.Linear(dim, dim)])
        if ip_dim:
            self.to_k_ip = nn.Linear(ip_dim, dim, bias=False)
            self.to_v_ip = nn.Linear(ip_dim, dim, bias=False)

    def forward(self, x, ctx=None, ip=None):
        """ip: None or (image tokens [B,Ni,Dc], gate [B,N,1] = image_scale x resized mask).
        Returns output and the text attention probabilities [B,h,N,M]."""
        ctx = x if ctx is None else ctx
        q = self.to_q(x)
        o, p = attention(q, self.to_k(ctx), self.to_v(ctx), self.heads)
        if ip is not None:
            tokens, gate = ip
            oi, _ = attention(q, self.to_k_ip(tokens), self.to_v_ip(tokens), self.heads)
            o = o + gate * oi
        return self.to_out[0](o), p


class GEGLU(nn.Module):
    def __init__(self, dim, inner):
        super().__init__()
        self.proj = nn.Linear(dim, 2 * inner)

    def forward(self, x):
        a, g = self.proj(x).chunk(2, -1)
        return a * F.gelu(g)


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.ModuleList([GEGLU(dim, 4 * dim), nn.Identity(), nn.Linear(4 * dim, dim)])

    def forward(self, x):
        return self.net[2](self.net[0](x))


class TransformerBlock(nn.Module):
    def __init__(self, dim, cross, heads, ip_dim):
        super().__init__()
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn1 = Attention(dim, dim, heads)
        self.attn2 = Attention(dim, cross, heads, ip_dim=ip_dim)
        self.ff = FeedForward(dim)

    def forward(self, h, text, ip):
        h = h + self.attn1(self.norm1(h))[0]
        o, p = self.attn2(self.norm2(h), text, ip)
        h = h + o
        return h + self.ff(self.norm3(h)), p


class Transformer2D(nn.Module):
    """diffusers Transformer2DModel as SD-1.5 uses it (conv proj_in/proj_out, one block)."""

    def __init__(self, dim, cross, heads, groups, ip_dim):
        super().__init__()
        self.norm = GN(dim, groups, 1e-6)
        self.proj_in = nn.Conv2d(dim, dim, 1)
        self.transformer_blocks = nn.ModuleList([TransformerBlock(dim, cross, heads, ip_dim)])
        self.proj_out = nn.Conv2d(dim, dim, 1)

    def forward(self, x, text, ip_fn):
        C, H, W = dims(x)
        h = self.proj_in(self.norm(x)).flatten(2).transpose(1, 2)
        h, p = self.transformer_blocks[0](h, text, ip_fn(H, W) if ip_fn else None)
        return x + self.proj_out(h.transpose(1, 2).reshape(-1, C, H, W)), p


class Down(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)


class Up(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


def resize(x, hw):
    """bilinear (pytorch_half_pixel) resize of [B,C,h,w] to hw; identity when equal."""
    if tuple(x.shape[-2:]) == tuple(hw):
        return x
    return F.interpolate(x, size=tuple(hw), mode="bilinear", align_corners=False)


def gelu_quick(x):
    return x * torch.sigmoid(1.702 * x)
