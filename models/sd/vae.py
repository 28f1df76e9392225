"""AutoencoderKL decoder (diffusers names: post_quant_conv + decoder.*), plain ops."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import GN, ResnetBlock, Up, attention, dims


class VaeAttention(nn.Module):
    """single-head self-attention with GroupNorm and residual (diffusers Attention in the VAE)."""

    def __init__(self, c, groups):
        super().__init__()
        self.group_norm = GN(c, groups, 1e-6)
        self.to_q, self.to_k, self.to_v = nn.Linear(c, c), nn.Linear(c, c), nn.Linear(c, c)
        self.to_out = nn.ModuleList([nn.Linear(c, c)])

    def forward(self, x):
        C, H, W = dims(x)
        h = self.group_norm(x).flatten(2).transpose(1, 2)
        o, _ = attention(self.to_q(h), self.to_k(h), self.to_v(h), 1)
        return x + self.to_out[0](o).transpose(1, 2).reshape(-1, C, H, W)


class Mid(nn.Module):
    def __init__(self, c, g):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock(c, c, None, g, 1e-6), ResnetBlock(c, c, None, g, 1e-6)])
        self.attentions = nn.ModuleList([VaeAttention(c, g)])

    def forward(self, x):
        return self.resnets[1](self.attentions[0](self.resnets[0](x)))


class UpBlock(nn.Module):
    def __init__(self, cin, c, n, g, up):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock(cin if j == 0 else c, c, None, g, 1e-6) for j in range(n)])
        if up:
            self.upsamplers = nn.ModuleList([Up(c)])

    def forward(self, x):
        for r in self.resnets:
            x = r(x)
        return self.upsamplers[0](x) if hasattr(self, "upsamplers") else x


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        ch, g = cfg["block_out_channels"], cfg["norm_groups"]
        rev = list(reversed(ch))
        self.conv_in = nn.Conv2d(cfg["latent"], rev[0], 3, padding=1)
        self.mid_block = Mid(rev[0], g)
        self.up_blocks = nn.ModuleList([UpBlock(rev[max(i - 1, 0)], c, cfg["layers_per_block"] + 1, g, i < len(ch) - 1)
                                        for i, c in enumerate(rev)])
        self.conv_norm_out = GN(ch[0], g, 1e-6)
        self.conv_out = nn.Conv2d(ch[0], 3, 3, padding=1)


class VaeDecoder(nn.Module):
    """latent / scaling_factor [1,4,h,w] -> image [1,3,8h,8w] in [-1,1] (clipped)."""

    def __init__(self, cfg):
        super().__init__()
        self.post_quant_conv = nn.Conv2d(cfg["latent"], cfg["latent"], 1)
        self.decoder = Decoder(cfg)

    def forward(self, z):
        d = self.decoder
        h = d.mid_block(d.conv_in(self.post_quant_conv(z)))
        for b in d.up_blocks:
            h = b(h)
        return torch.clamp(d.conv_out(F.silu(d.conv_norm_out(h))), -1.0, 1.0)
