"""The adapters' ResBlock FiLM (cfg film): off without the image branch, gated by the mask."""
import pytest
import torch

from models.common import get_cfg
from models.nets import UNet


def _net(kind, scale_film):
    cfg = dict(get_cfg("tiny"), film=True)
    torch.manual_seed(0)
    u = UNet(cfg, kind).eval()
    for n, p in u.named_parameters():
        if "film" in n or "pool" in n:
            torch.nn.init.normal_(p, std=scale_film)
    return cfg, u


def _inputs(cfg, mask, scale):
    torch.manual_seed(1)
    B, H, Ni = 2, cfg["latent_hw"], (cfg["image_size"] // cfg["patch"]) ** 2
    x = torch.randn(B, cfg["latent_ch"], H, H)
    t = torch.tensor([300.0, 800.0])
    text = torch.randn(B, 16, cfg["text_dim"])
    target = torch.zeros(B, 16)
    target[:, 2] = 1
    a = dict(image_tokens=torch.randn(B, Ni, cfg["vit_dim"]), image_embed=torch.randn(B, cfg["embed_dim"]),
             alpha_bar=torch.tensor([0.7, 0.2]), image_scale=torch.full((B,), scale), mask=mask(B, H),
             target=target, gamma=torch.full((B,), 0.8), scoring=torch.ones(B))
    return x, t, text, a


@pytest.mark.parametrize("kind", ["realcustom", "ip"])
def test_film_is_gated(kind):
    cfg, u = _net(kind, 0.3)
    _, u0 = _net(kind, 0.0)  # same weights, FiLM zero: the net without it
    with torch.no_grad():
        ones = _inputs(cfg, lambda B, H: torch.ones(B, 1, H, H), 1.0)
        on, _ = u(*ones)
        off, _ = u0(*ones)
        assert (on - off).abs().max() > 1e-3  # the FiLM writes where the mask is on
        # a zero mask or image_scale 0: the FiLM is off, whatever its weights
        for args in (_inputs(cfg, lambda B, H: torch.zeros(B, 1, H, H), 1.0),
                     _inputs(cfg, lambda B, H: torch.ones(B, 1, H, H), 0.0)):
            assert torch.allclose(u(*args)[0], u0(*args)[0], atol=1e-6)


def test_film_zero_init_is_the_base():
    cfg = dict(get_cfg("tiny"), film=True)
    torch.manual_seed(0)
    with_film = UNet(cfg, "realcustom").eval()
    torch.manual_seed(0)
    without = UNet(dict(cfg, film=False), "realcustom").eval()
    without.load_state_dict(with_film.state_dict(), strict=False)
    with torch.no_grad():
        args = _inputs(cfg, lambda B, H: torch.ones(B, 1, H, H), 1.0)
        assert torch.allclose(with_film(*args)[0], without(*args)[0], atol=1e-6)


def test_adapter_checkpoint_resumes_with_film_added(tmp_path):
    """an adapter trained without FiLM resumes with it: old weights loaded, FiLM at its zero init"""
    from models.pipeline import main
    from models.train import stage_adapter
    wd = tmp_path / "wd"
    main(["--config", "tiny", "--workdir", str(wd), "--out", str(tmp_path / "pack"),
          "--stages", "generate,encoders,unet,adapter_realcustom"])
    before = torch.load(wd / "adapter_realcustom_train.pt")["models"]["adapter_mods"]
    stage_adapter(dict(get_cfg("tiny"), film=True, max_steps=3), wd, "realcustom")
    log = (wd / "train.log").read_text()
    assert "new modules start from their init: ['rc_film', 'rc_pool']" in log
    after = torch.load(wd / "adapter_realcustom_train.pt")["models"]["adapter_mods"]
    assert after["rc_film.d1.weight"].shape[1] == get_cfg("tiny")["vit_dim"]
    assert after["rc_film.d1.weight"].abs().sum() > 0  # one more step trained it from zero
    assert all(k in after for k in before)
