"""Linear-beta DDPM schedule, v-prediction, DDIM sampler (diffusers 'leading' semantics)."""
import numpy as np
import torch

T = 1000
SCHED = dict(type="ddim", trainTimesteps=T, betaSchedule="linear", betaStart=0.0001, betaEnd=0.02,
             prediction="v_prediction", timestepSpacing="leading", stepsOffset=0, setAlphaToOne=False)
BETAS = np.linspace(SCHED["betaStart"], SCHED["betaEnd"], T, dtype=np.float64)
ALPHAS_CUMPROD = np.cumprod(1.0 - BETAS)
AB = torch.tensor(ALPHAS_CUMPROD, dtype=torch.float32)


def q_sample(x0, t, noise):
    ab = AB[t].view(-1, 1, 1, 1)
    return ab.sqrt() * x0 + (1 - ab).sqrt() * noise


def v_target(x0, t, noise):
    ab = AB[t].view(-1, 1, 1, 1)
    return ab.sqrt() * noise - (1 - ab).sqrt() * x0


def ddim_timesteps(steps):
    ratio = T // steps
    return (np.arange(0, steps) * ratio)[::-1].copy() + SCHED["stepsOffset"], ratio


def ddim_step(v, t, prev_t, x):
    ab = float(ALPHAS_CUMPROD[t])
    abp = float(ALPHAS_CUMPROD[prev_t]) if prev_t >= 0 else (1.0 if SCHED["setAlphaToOne"] else float(ALPHAS_CUMPROD[0]))
    x0 = ab ** 0.5 * x - (1 - ab) ** 0.5 * v
    eps = (1 - ab) ** 0.5 * x + ab ** 0.5 * v
    return abp ** 0.5 * x0 + (1 - abp) ** 0.5 * eps, x0
