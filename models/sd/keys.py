"""The real checkpoints' key names and shapes, enumerated from the public sources' module layout
(diffusers UNet2DConditionModel / AutoencoderKL, transformers CLIPTextModel /
CLIPVisionModelWithProjection, IP-Adapter ImageProjModel / Resampler / attn-processor list).

Written independently of our modules (models/sd/*.py) on purpose: the synthetic checkpoints are
made from these lists, and the converter must load them with every key used and none missing."""


def _lin(p, o, i, bias=True):
    d = {f"{p}.weight": (o, i)}
    if bias:
        d[f"{p}.bias"] = (o,)
    return d


def _norm(p, c):
    return {f"{p}.weight": (c,), f"{p}.bias": (c,)}


def _conv(p, o, i, k):
    return {f"{p}.weight": (o, i, k, k), f"{p}.bias": (o,)}


def _resnet(p, cin, cout, temb=None):
    d = {**_norm(f"{p}.norm1", cin), **_conv(f"{p}.conv1", cout, cin, 3)}
    if temb:
        d.update(_lin(f"{p}.time_emb_proj", cout, temb))
    d.update({**_norm(f"{p}.norm2", cout), **_conv(f"{p}.conv2", cout, cout, 3)})
    if cin != cout:
        d.update(_conv(f"{p}.conv_shortcut", cout, cin, 1))
    return d


def _transformer(p, c, cross):
    b = f"{p}.transformer_blocks.0"
    d = {**_norm(f"{p}.norm", c), **_conv(f"{p}.proj_in", c, c, 1)}
    for n in ("norm1", "norm2", "norm3"):
        d.update(_norm(f"{b}.{n}", c))
    for a, kv in (("attn1", c), ("attn2", cross)):
        d.update(_lin(f"{b}.{a}.to_q", c, c, False))
        d.update(_lin(f"{b}.{a}.to_k", c, kv, False))
        d.update(_lin(f"{b}.{a}.to_v", c, kv, False))
        d.update(_lin(f"{b}.{a}.to_out.0", c, c))
    d.update(_lin(f"{b}.ff.net.0.proj", 8 * c, c))
    d.update(_lin(f"{b}.ff.net.2", c, 4 * c))
    d.update(_conv(f"{p}.proj_out", c, c, 1))
    return d


def unet_attn2_layers(cfg):
    """(name, channels, resolution divisor) of every attn2 in diffusers' attn_processors order
    (down_blocks, up_blocks, mid_block: the order IP-Adapter's odd indices 1, 3, ... 31 follow)."""
    ch = cfg["block_out_channels"]
    n = len(ch)
    out = []
    for i in range(n - 1):
        for j in range(cfg["layers_per_block"]):
            out.append((f"down_blocks.{i}.attentions.{j}", ch[i], 2 ** i))
    rev = list(reversed(ch))
    for i in range(1, n):
        for j in range(cfg["layers_per_block"] + 1):
            out.append((f"up_blocks.{i}.attentions.{j}", rev[i], 2 ** (n - 1 - i)))
    out.append(("mid_block.attentions.0", ch[-1], 2 ** (n - 1)))
    return out


def unet_keys(cfg):
    ch, L, x = cfg["block_out_channels"], cfg["layers_per_block"], cfg["cross_attention_dim"]
    c0, temb, n = ch[0], 4 * ch[0], len(ch)
    d = {**_conv("conv_in", c0, cfg["in_channels"], 3), **_lin("time_embedding.linear_1", temb, c0),
         **_lin("time_embedding.linear_2", temb, temb)}
    prev = c0
    for i, c in enumerate(ch):
        for j in range(L):
            d.update(_resnet(f"down_blocks.{i}.resnets.{j}", prev if j == 0 else c, c, temb))
            if i < n - 1:
                d.update(_transformer(f"down_blocks.{i}.attentions.{j}", c, x))
        if i < n - 1:
            d.update(_conv(f"down_blocks.{i}.downsamplers.0.conv", c, c, 3))
        prev = c
    d.update(_resnet("mid_block.resnets.0", ch[-1], ch[-1], temb))
    d.update(_transformer("mid_block.attentions.0", ch[-1], x))
    d.update(_resnet("mid_block.resnets.1", ch[-1], ch[-1], temb))
    rev = list(reversed(ch))
    for i in range(n):
        out_c, prev_c, in_c = rev[i], rev[max(i - 1, 0)], rev[min(i + 1, n - 1)]
        for j in range(L + 1):
            skip = in_c if j == L else out_c
            rin = prev_c if j == 0 else out_c
            d.update(_resnet(f"up_blocks.{i}.resnets.{j}", rin + skip, out_c, temb))
            if i > 0:
                d.update(_transformer(f"up_blocks.{i}.attentions.{j}", out_c, x))
        if i < n - 1:
            d.update(_conv(f"up_blocks.{i}.upsamplers.0.conv", out_c, out_c, 3))
    d.update({**_norm("conv_norm_out", c0), **_conv("conv_out", cfg["in_channels"], c0, 3)})
    return d


def _clip_layers(p, cfg):
    D, inner = cfg["dim"], cfg["inter"]
    d = {}
    for k in range(cfg["layers"]):
        b = f"{p}.encoder.layers.{k}"
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            d.update(_lin(f"{b}.self_attn.{n}", D, D))
        d.update({**_norm(f"{b}.layer_norm1", D), **_lin(f"{b}.mlp.fc1", inner, D), **_lin(f"{b}.mlp.fc2", D, inner),
                  **_norm(f"{b}.layer_norm2", D)})
    return d


def text_keys(cfg):
    D = cfg["dim"]
    return {"text_model.embeddings.token_embedding.weight": (cfg["vocab"], D),
            "text_model.embeddings.position_embedding.weight": (cfg["max_len"], D),
            **_clip_layers("text_model", cfg), **_norm("text_model.final_layer_norm", D)}


def vision_keys(cfg):
    D, P = cfg["dim"], cfg["patch"]
    n = (cfg["image"] // P) ** 2 + 1
    return {"vision_model.embeddings.class_embedding": (D,),
            "vision_model.embeddings.patch_embedding.weight": (D, 3, P, P),
            "vision_model.embeddings.position_embedding.weight": (n, D),
            **_norm("vision_model.pre_layrnorm", D), **_clip_layers("vision_model", cfg),
            **_norm("vision_model.post_layernorm", D), "visual_projection.weight": (cfg["proj"], D)}


def image_proj_keys(full, plus):
    """IP-Adapter `image_proj` (ImageProjModel, or Resampler for the plus variant)."""
    x = full["unet"]["cross_attention_dim"]
    if not plus:
        G = full["ip_tokens"]
        return {**_lin("proj", G * x, full["vision"]["proj"]), **_norm("norm", x)}
    r = full["resampler"]
    inner = r["dim_head"] * r["heads"]
    d = {"latents": (1, r["queries"], x), **_lin("proj_in", x, full["vision"]["dim"]), **_lin("proj_out", x, x),
         **_norm("norm_out", x)}
    for k in range(r["depth"]):
        d.update({**_norm(f"layers.{k}.0.norm1", x), **_norm(f"layers.{k}.0.norm2", x),
                  **_lin(f"layers.{k}.0.to_q", inner, x, False), **_lin(f"layers.{k}.0.to_kv", 2 * inner, x, False),
                  **_lin(f"layers.{k}.0.to_out", x, inner, False), **_norm(f"layers.{k}.1.0", x),
                  **_lin(f"layers.{k}.1.1", r["ff_mult"] * x, x, False), **_lin(f"layers.{k}.1.3", x, r["ff_mult"] * x, False)})
    return d


def ip_layer_keys(full):
    """IP-Adapter `ip_adapter`: to_k_ip/to_v_ip of attn processor 2i+1 (the i-th attn2)."""
    x = full["unet"]["cross_attention_dim"]
    d = {}
    for i, (_, c, _) in enumerate(unet_attn2_layers(full["unet"])):
        d.update(_lin(f"{2 * i + 1}.to_k_ip", c, x, False))
        d.update(_lin(f"{2 * i + 1}.to_v_ip", c, x, False))
    return d


def _vae_resnet(p, cin, cout):
    return _resnet(p, cin, cout)


def vae_keys(cfg):
    """AutoencoderKL: decoder + post_quant_conv (used) and encoder + quant_conv (present in the real
    file, not needed by a decoder-only pack)."""
    ch, L, z = cfg["block_out_channels"], cfg["layers_per_block"], cfg["latent"]
    n = len(ch)
    top = ch[-1]
    d = {}
    # encoder (unused by the pack, but in the real file)
    d.update(_conv("encoder.conv_in", ch[0], 3, 3))
    prev = ch[0]
    for i, c in enumerate(ch):
        for j in range(L):
            d.update(_vae_resnet(f"encoder.down_blocks.{i}.resnets.{j}", prev if j == 0 else c, c))
        if i < n - 1:
            d.update(_conv(f"encoder.down_blocks.{i}.downsamplers.0.conv", c, c, 3))
        prev = c
    d.update(_vae_mid("encoder.mid_block", top))
    d.update({**_norm("encoder.conv_norm_out", top), **_conv("encoder.conv_out", 2 * z, top, 3),
              **_conv("quant_conv", 2 * z, 2 * z, 1)})
    # decoder
    d.update(_conv("post_quant_conv", z, z, 1))
    d.update(_conv("decoder.conv_in", top, z, 3))
    d.update(_vae_mid("decoder.mid_block", top))
    rev = list(reversed(ch))
    prev = rev[0]
    for i, c in enumerate(rev):
        for j in range(L + 1):
            d.update(_vae_resnet(f"decoder.up_blocks.{i}.resnets.{j}", prev if j == 0 else c, c))
        if i < n - 1:
            d.update(_conv(f"decoder.up_blocks.{i}.upsamplers.0.conv", c, c, 3))
        prev = c
    d.update({**_norm("decoder.conv_norm_out", ch[0]), **_conv("decoder.conv_out", 3, ch[0], 3)})
    return d


def _vae_mid(p, c):
    a = f"{p}.attentions.0"
    d = {**_vae_resnet(f"{p}.resnets.0", c, c), **_vae_resnet(f"{p}.resnets.1", c, c), **_norm(f"{a}.group_norm", c)}
    for n in ("to_q", "to_k", "to_v", "to_out.0"):
        d.update(_lin(f"{a}.{n}", c, c))
    return d


# diffusers < 0.14 saved the VAE mid attention as query/key/value/proj_attn; transformers may keep
# the position_ids buffer. Both are accepted.
VAE_LEGACY_ATTN = {"query": "to_q", "key": "to_k", "value": "to_v", "proj_attn": "to_out.0"}


def _tiny_block(p, c):
    d = {}
    for j in (0, 2, 4):
        d.update(_conv(f"{p}.conv.{j}", c, c, 3))
    return d


def taesd_keys(cfg, latent=4):
    """diffusers AutoencoderTiny (madebyollin/taesd on the hub): EncoderTiny + DecoderTiny, both an
    nn.Sequential `layers` (activations and Upsample hold no weights but take an index)."""
    ch = cfg["channels"]
    d, i = {}, 0
    enc_blocks = (1, 3, 3, 3)
    for s, k in enumerate(enc_blocks):
        if s == 0:
            d.update(_conv(f"encoder.layers.{i}", ch[0], 3, 3))
        else:
            d[f"encoder.layers.{i}.weight"] = (ch[s], ch[s], 3, 3)  # stride 2, no bias
        i += 1
        for _ in range(k):
            d.update(_tiny_block(f"encoder.layers.{i}", ch[s]))
            i += 1
    d.update(_conv(f"encoder.layers.{i}", latent, ch[-1], 3))
    d.update(taesd_decoder_keys(cfg, latent, "decoder.layers."))
    return d


def taesd_decoder_keys(cfg, latent=4, prefix="decoder.layers.", first=0):
    """DecoderTiny's `layers` (first=0), or madebyollin's taesd_decoder.pth Sequential (prefix '',
    first=1: its index 0 is the Clamp module)."""
    ch, n = cfg["channels"], cfg["blocks"]
    d = _conv(f"{prefix}{first}", ch[0], latent, 3)
    i = first + 2  # conv, ReLU
    for s, k in enumerate(n):
        last = s == len(n) - 1
        for _ in range(k):
            d.update(_tiny_block(f"{prefix}{i}", ch[s]))
            i += 1
        if not last:
            i += 1  # Upsample
            d[f"{prefix}{i}.weight"] = (ch[s], ch[s], 3, 3)
        else:
            d.update(_conv(f"{prefix}{i}", 3, ch[s], 3))
        i += 1
    return d


# LCM-LoRA's target modules (diffusers' train_lcm_distill_lora_sd_wds.py `lora_target_modules`)
LCM_LORA_TARGETS = ("to_q", "to_k", "to_v", "to_out.0", "proj_in", "proj_out", "ff.net.0.proj", "ff.net.2", "conv1",
                    "conv2", "conv_shortcut", "downsamplers.0.conv", "upsamplers.0.conv", "time_emb_proj")


def lcm_lora_keys(unet_cfg, rank):
    """kohya-format LoRA of the SD-1.5 UNet as latent-consistency/lcm-lora-sdv1-5 ships it:
    `lora_unet_<diffusers module path with . -> _>.{lora_down.weight, lora_up.weight, alpha}`;
    linear: down [r, in], up [out, r]; conv: down [r, in, k, k], up [out, r, 1, 1]."""
    d = {}
    for k, shape in unet_keys(unet_cfg).items():
        mod, _, leaf = k.rpartition(".")
        if leaf != "weight" or len(shape) not in (2, 4) or not any(mod.endswith("." + t) for t in LCM_LORA_TARGETS):
            continue
        name = "lora_unet_" + mod.replace(".", "_")
        if len(shape) == 2:
            d[f"{name}.lora_down.weight"] = (rank, shape[1])
            d[f"{name}.lora_up.weight"] = (shape[0], rank)
        else:
            d[f"{name}.lora_down.weight"] = (rank, shape[1], shape[2], shape[3])
            d[f"{name}.lora_up.weight"] = (shape[0], rank, 1, 1)
        d[f"{name}.alpha"] = ()
    return d
