"""Configurations. `full` is the shipped toyworld pack, `tiny` the test/smoke config, `gpu` the adapters at GPU scale."""
import copy

FULL = dict(
    name="toyworld", version="3.2.0",
    description="A 1.5 M-parameter UNet trained from scratch on 2 CPU cores on a 32x32 toy world: ball, box, star, "
                "heart and toy in red, yellow, green, blue, white or black, at most two of them, on grass, sand, wood or "
                "in the sky. A reference (a drawing or a photo) lends its colours to the target object (not its design or texture); "
                "the pack cannot draw a photo's subject, only these five kinds of object.", image_size=32, latent_ch=12, latent_hw=16,
    text_dim=64, text_layers=2, text_heads=4,
    vit_dim=64, vit_layers=3, vit_heads=4, patch=4, embed_dim=64,
    ch1=48, ch2=96, heads=4, global_tokens=4, score_hidden=64,
    judge_ch=16,
    # data
    n_train=16000, n_adapt=8000, n_test=1000, seed=1234,
    # design kinds of the uncoloured objects in the base UNet's training data (None: all of
    # toyworld.DESIGN_KINDS); the adapters' data always has every kind
    train_custom_kinds=None,
    # training budgets (minutes of wall time, CPU) and batch sizes
    enc_minutes=4.0, enc_batch=64, enc_lr=1e-3,
    unet_minutes=150.0, unet_batch=24, unet_lr=8e-4, ema=0.995, text_drop=0.1, ground_w=0.3,
    # both adapters get the same data and budget (the comparison is fair); adapt_fg_w weights
    # the target region in their loss
    rc_minutes=9.0, ip_minutes=9.0, adapt_batch=32, adapt_lr=1e-3, adapt_fg_w=4.0,
    # film: both adapters also write into the 7 ResBlocks (mask-gated FiLM, models/README); off in the shipped pack
    film=False,
    judge_minutes=40.0, judge_batch=64,
    max_steps=None, ckpt_every_s=180, snapshot_step=400,
    # evaluation
    eval_n_t2i=64, eval_n_loc=200, eval_n_custom=24, eval_steps=20,
)

TINY = copy.deepcopy(FULL)
TINY.update(
    name="test-tiny", version="0.0.1", description="Smoke-test configuration (2 training steps): its pictures mean nothing.",
    text_layers=1, vit_layers=1, ch1=16, ch2=32, score_hidden=16, judge_ch=8,
    n_train=64, n_adapt=32, n_test=32, max_steps=2, unet_batch=4, adapt_batch=4, enc_batch=8,
    judge_batch=8, snapshot_step=1, eval_n_t2i=4, eval_n_loc=8, eval_n_custom=2, eval_steps=2, ckpt_every_s=1e9,
)

# The adapters at GPU scale (the lever models/README names for the toy world's likeness): FULL's
# world, nets and base UNet, with 5x the adapter scenes (40,000, a superset of FULL's 8000) and 4x
# the batch, so that minutes of GPU steps see new scenes rather than the same ones again. Both
# adapters get the same data and budget. Not yet run on a GPU.
GPU = dict(FULL, n_adapt=40000, adapt_batch=128)

CONFIGS = {"full": FULL, "tiny": TINY, "gpu": GPU}
