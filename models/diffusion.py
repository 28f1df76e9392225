"""Linear-beta DDPM schedule, v-prediction, DDIM sampler (diffusers 'leading' semantics)."""
import functools

import numpy as np
import torch

T = 1000
SCHED = dict(type="ddim", trainTimesteps=T, betaSchedule="linear", betaStart=0.0001, betaEnd=0.02,
             prediction="v_prediction", timestepSpacing="leading", stepsOffset=0, setAlphaToOne=False)
BETAS = np.linspace(SCHED["betaStart"], SCHED["betaEnd"], T, dtype=np.float64)
ALPHAS_CUMPROD = np.cumprod(1.0 - BETAS)
AB = torch.tensor(ALPHAS_CUMPROD, dtype=torch.float32)


@functools.lru_cache(maxsize=None)
def _ab_on(device):
    return AB.to(device)


def ab_at(t):
    """ᾱ_t on t's device (the table is copied to a device once, not at every call of a training step)"""
    return _ab_on(t.device)[t]


def q_sample(x0, t, noise):
    ab = ab_at(t).view(-1, 1, 1, 1)
    return ab.sqrt() * x0 + (1 - ab).sqrt() * noise


def v_target(x0, t, noise):
    ab = ab_at(t).view(-1, 1, 1, 1)
    return ab.sqrt() * noise - (1 - ab).sqrt() * x0


def ddim_timesteps(steps, spacing=None):
    """diffusers' DDIM timesteps: `leading` (the pack's default) or `trailing`
    (round(arange(T, 0, -T/steps)) - 1, which starts at t = T-1); the step back is T // steps."""
    ratio = T // steps
    if (spacing or SCHED["timestepSpacing"]) == "trailing":
        return np.round(np.arange(T, 0, -T / steps)).astype(np.int64) - 1, ratio
    return (np.arange(0, steps) * ratio)[::-1].copy() + SCHED["stepsOffset"], ratio


def ddim_step(v, t, prev_t, x, clip=False, eta=0.0, generator=None):
    """One DDIM step from a v prediction. clip: clamp the x0 estimate to [-1, 1] and take ε from
    the clamped x0 (diffusers' clip_sample with use_clipped_model_output); eta > 0: stochastic
    DDIM (eta = 1 is DDPM-like ancestral sampling), noise from `generator`."""
    ab = float(ALPHAS_CUMPROD[t])
    abp = float(ALPHAS_CUMPROD[prev_t]) if prev_t >= 0 else (1.0 if SCHED["setAlphaToOne"] else float(ALPHAS_CUMPROD[0]))
    x0 = ab ** 0.5 * x - (1 - ab) ** 0.5 * v
    eps = (1 - ab) ** 0.5 * x + ab ** 0.5 * v
    if clip:
        x0 = x0.clamp(-1, 1)
        eps = (x - ab ** 0.5 * x0) / (1 - ab) ** 0.5
    sigma = eta * ((1 - abp) / (1 - ab) * (1 - ab / abp)) ** 0.5 if eta > 0 else 0.0
    out = abp ** 0.5 * x0 + (1 - abp - sigma ** 2) ** 0.5 * eps
    if sigma > 0:
        out = out + sigma * torch.randn(x.shape, generator=generator)
    return out, x0
