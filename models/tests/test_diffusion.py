"""The Python DDIM sampler's options (used by models.ablate_sampler) against diffusers' formulas."""
import numpy as np
import torch

from models import diffusion as D


def test_leading_and_trailing_timesteps():
    lead, r = D.ddim_timesteps(20)
    assert r == 50 and lead[0] == 950 and lead[-1] == 0 and len(lead) == 20
    trail, r = D.ddim_timesteps(20, "trailing")
    # diffusers: round(arange(T, 0, -T/steps)) - 1
    assert r == 50 and trail[0] == 999 and trail[-1] == 49 and len(trail) == 20
    assert list(D.ddim_timesteps(8, "trailing")[0]) == [999, 874, 749, 624, 499, 374, 249, 124]


def test_ddim_step_recovers_x0_and_defaults_match_plain_ddim():
    g = torch.Generator().manual_seed(0)
    x0, noise = torch.rand(2, 3, 4, 4, generator=g) * 2 - 1, torch.randn(2, 3, 4, 4, generator=g)
    t, prev = 600, 550
    xt = D.q_sample(x0, torch.full((2,), t), noise)
    v = D.v_target(x0, torch.full((2,), t), noise)
    out, x0_hat = D.ddim_step(v, t, prev, xt)
    assert torch.allclose(x0_hat, x0, atol=1e-5)
    ab_prev = float(D.ALPHAS_CUMPROD[prev])
    assert torch.allclose(out, ab_prev ** 0.5 * x0 + (1 - ab_prev) ** 0.5 * noise, atol=1e-5)


def test_clip_clamps_x0_and_keeps_the_step_consistent():
    x = torch.full((1, 1, 2, 2), 3.0)
    v = torch.zeros_like(x)
    t, prev = 100, 50
    out, x0 = D.ddim_step(v, t, prev, x, clip=True)
    assert float(x0.max()) <= 1.0
    ab, abp = float(D.ALPHAS_CUMPROD[t]), float(D.ALPHAS_CUMPROD[prev])
    eps = (x - ab ** 0.5 * x0) / (1 - ab) ** 0.5
    assert torch.allclose(out, abp ** 0.5 * x0 + (1 - abp) ** 0.5 * eps, atol=1e-5)


def test_eta_adds_seeded_noise_of_the_ddim_variance():
    x, v = torch.zeros(1, 1, 64, 64), torch.zeros(1, 1, 64, 64)
    t, prev = 500, 450
    a, _ = D.ddim_step(v, t, prev, x, eta=1.0, generator=torch.Generator().manual_seed(3))
    b, _ = D.ddim_step(v, t, prev, x, eta=1.0, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)
    ab, abp = float(D.ALPHAS_CUMPROD[t]), float(D.ALPHAS_CUMPROD[prev])
    sigma = ((1 - abp) / (1 - ab) * (1 - ab / abp)) ** 0.5
    # x = v = 0 gives x0 = eps = 0: the step is the noise term alone
    assert abs(float(a.std()) - sigma) < 0.1 * sigma
    assert np.isclose(float(D.ddim_step(v, t, prev, x)[0].abs().max()), 0.0)


def test_denoise_error_is_zero_for_an_oracle_and_positive_for_a_random_unet():
    from models.common import get_cfg, make_text
    from models.denoise_error import x0_error
    from models.nets import UNet
    from models import toyworld as tw

    cfg = get_cfg("tiny")
    rng = np.random.default_rng(0)
    ds = {"images": rng.integers(0, 256, (4, cfg["image_size"], cfg["image_size"], 3), dtype=np.uint8),
          "ids": np.array([tw.tokenize("a red ball on grass")] * 4, dtype=np.int64)}
    te, unet = make_text(cfg), UNet(cfg)
    err = x0_error(te.eval(), unet.eval(), ds, n=4, ts=(250, 750))
    assert set(err) == {250, 750} and all(e > 0 and np.isfinite(e) for e in err.values())

    class Oracle(torch.nn.Module):
        """returns the true v for the noise the measure uses (seed 0)"""
        def forward(self, xt, t, cond):
            x0 = ds_x0
            ab = D.AB[int(t[0])]
            noise = (xt - ab.sqrt() * x0) / (1 - ab).sqrt()
            return D.v_target(x0, t.long(), noise), None

    from models.common import to_img
    from models.nets import s2d
    ds_x0 = s2d(to_img(ds["images"]))
    err = x0_error(te.eval(), Oracle(), ds, n=4, ts=(250, 750))
    assert all(e < 1e-8 for e in err.values())
