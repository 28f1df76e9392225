"""CLIP text model (ViT-L/14, transformers' CLIPTextModel names) and vision model (OpenCLIP
ViT-H/14 as transformers' CLIPVisionModelWithProjection names), plain ops."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..nets import NEG
from .config import CLIP_MEAN, CLIP_STD
from .layers import attention, gelu_quick


class SelfAttn(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x, bias=None):
        return self.out_proj(attention(self.q_proj(x), self.k_proj(x), self.v_proj(x), self.heads, bias)[0])


class MLP(nn.Module):
    def __init__(self, d, inter, act):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, inter), nn.Linear(inter, d)
        self.act = gelu_quick if act == "quick_gelu" else F.gelu

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class EncoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["dim"]
        self.self_attn = SelfAttn(d, cfg["heads"])
        self.layer_norm1, self.layer_norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.mlp = MLP(d, cfg["inter"], cfg["act"])

    def forward(self, x, bias=None):
        x = x + self.self_attn(self.layer_norm1(x), bias)
        return x + self.mlp(self.layer_norm2(x))


class Encoder(nn.Module):
    def __init__(self, cfg, n=None):
        super().__init__()
        self.layers = nn.ModuleList([EncoderLayer(cfg) for _ in range(n or cfg["layers"])])


class TextEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.token_embedding = nn.Embedding(cfg["vocab"], cfg["dim"])
        self.position_embedding = nn.Embedding(cfg["max_len"], cfg["dim"])


class TextTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = TextEmbeddings(cfg)
        self.encoder = Encoder(cfg)
        self.final_layer_norm = nn.LayerNorm(cfg["dim"])
        L = cfg["max_len"]
        # causal mask as a constant (no Trilu in the graph)
        self.register_buffer("causal", torch.triu(torch.full((L, L), NEG), 1), persistent=False)


class TextModel(nn.Module):
    """input_ids [B,77] int64 -> last_hidden_state [B,77,D] (what SD-1.5 conditions on)."""

    def __init__(self, cfg):
        super().__init__()
        self.text_model = TextTransformer(cfg)

    def forward(self, ids):
        t = self.text_model
        x = t.embeddings.token_embedding(ids) + t.embeddings.position_embedding.weight
        for layer in t.encoder.layers:
            x = layer(x, t.causal)
        return t.final_layer_norm(x)


class VisionEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, p = cfg["dim"], cfg["patch"]
        self.class_embedding = nn.Parameter(torch.zeros(d))
        self.patch_embedding = nn.Conv2d(3, d, p, p, bias=False)
        self.position_embedding = nn.Embedding((cfg["image"] // p) ** 2 + 1, d)


class VisionTransformer(nn.Module):
    def __init__(self, cfg, n_layers, head=True):
        super().__init__()
        self.embeddings = VisionEmbeddings(cfg)
        self.pre_layrnorm = nn.LayerNorm(cfg["dim"])  # sic: transformers' name
        self.encoder = Encoder(cfg, n_layers)
        if head:
            self.post_layernorm = nn.LayerNorm(cfg["dim"])


class VisionModel(nn.Module):
    """pixels [1,3,224,224] RGB in [-1,1] (CLIP normalization inside) -> image_embeds [1,proj]
    (`penultimate=False`) or hidden_states[-2] [1,257,D] (`penultimate=True`, IP-Adapter plus; the
    last layer, post_layernorm and visual_projection are then not part of the graph)."""

    def __init__(self, cfg, penultimate=False):
        super().__init__()
        self.penultimate, self.n_layers = penultimate, cfg["layers"]
        self.vision_model = VisionTransformer(cfg, cfg["layers"] - 1 if penultimate else cfg["layers"], not penultimate)
        if not penultimate:
            self.visual_projection = nn.Linear(cfg["dim"], cfg["proj"], bias=False)
        self.register_buffer("mean", torch.tensor(CLIP_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(CLIP_STD).view(1, 3, 1, 1), persistent=False)

    def forward(self, pixels):
        v = self.vision_model
        x = ((pixels + 1.0) * 0.5 - self.mean) / self.std
        e = v.embeddings
        p = e.patch_embedding(x).flatten(2).transpose(1, 2)  # [B,N,D]
        cls = e.class_embedding.reshape(1, 1, -1) + p[:, :1] * 0.0
        h = torch.cat([cls, p], 1) + e.position_embedding.weight
        h = v.pre_layrnorm(h)
        for layer in v.encoder.layers:
            h = layer(h)
        if self.penultimate:
            return h
        return self.visual_projection(v.post_layernorm(h[:, 0]))

    def unneeded_prefixes(self):
        """keys of the real file this graph does not need (plus: the last layer and the head)."""
        if not self.penultimate:
            return []
        return [f"vision_model.encoder.layers.{self.n_layers - 1}.", "vision_model.post_layernorm.", "visual_projection."]
