"""Configurations: the real SD-1.5 / CLIP ViT-L/14 text / OpenCLIP ViT-H/14 vision / IP-Adapter sizes
(from the public diffusers, transformers and IP-Adapter configs) and a NARROW one with the same
topology and few channels for tests."""

FULL = {
    "name": "sd15",
    "unet": dict(in_channels=4, block_out_channels=(320, 640, 1280, 1280), layers_per_block=2, heads=8,
                 cross_attention_dim=768, norm_groups=32),
    "text": dict(vocab=49408, max_len=77, dim=768, layers=12, heads=12, inter=3072, act="quick_gelu"),
    "vision": dict(image=224, patch=14, dim=1280, layers=32, heads=16, inter=5120, proj=1024, act="gelu"),
    "resampler": dict(depth=4, dim_head=64, heads=12, queries=16, ff_mult=4),
    "ip_tokens": 4,
    "lora_rank": 64,  # latent-consistency/lcm-lora-sdv1-5
    "vae": dict(latent=4, block_out_channels=(128, 256, 512, 512), layers_per_block=2, norm_groups=32),
}

NARROW = {
    "name": "sd15-narrow",
    "unet": dict(in_channels=4, block_out_channels=(32, 48, 64, 64), layers_per_block=2, heads=2,
                 cross_attention_dim=32, norm_groups=8),
    "text": dict(vocab=49408, max_len=77, dim=32, layers=2, heads=2, inter=64, act="quick_gelu"),
    "vision": dict(image=224, patch=14, dim=32, layers=3, heads=2, inter=64, proj=24, act="gelu"),
    "resampler": dict(depth=2, dim_head=64, heads=1, queries=16, ff_mult=4),
    "ip_tokens": 4,
    "lora_rank": 4,
    "vae": dict(latent=4, block_out_channels=(16, 32, 64, 64), layers_per_block=2, norm_groups=8),
}

# The committed test pack (public/models/test-sd-tiny, < 3 MB): the same topology again (every
# conv_shortcut, 16 attn2 layers), fewer channels, and a 1024-entry CLIP-format vocabulary
# (the special tokens are its last two ids, as in CLIP's 49408: vocab.json says which).
TINY = {
    "name": "sd15-tiny",
    "unet": dict(in_channels=4, block_out_channels=(8, 12, 16, 16), layers_per_block=2, heads=2,
                 cross_attention_dim=16, norm_groups=4),
    "text": dict(vocab=1024, max_len=77, dim=16, layers=2, heads=2, inter=32, act="quick_gelu"),
    "vision": dict(image=224, patch=14, dim=16, layers=2, heads=2, inter=32, proj=16, act="gelu"),
    "resampler": dict(depth=1, dim_head=64, heads=1, queries=16, ff_mult=2),
    "ip_tokens": 4,
    "lora_rank": 2,
    "vae": dict(latent=4, block_out_channels=(8, 12, 16, 16), layers_per_block=2, norm_groups=4),
}

CONFIGS = {"full": FULL, "narrow": NARROW, "tiny": TINY}

# RealCustom's mask lives at H/16 (32x32 at 512^2); latents are H/8.
LATENT_FACTOR = 8
MASK_FACTOR = 16
LATENT_SCALE = 0.18215
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
