"""Training on a GPU: every tensor of a training step must live on the training device. No GPU here,
so each stage runs on torch's `meta` device (shapes only): a tensor left on the CPU fails with "found at
least two devices", while a step that is device-clean runs its forward pass and its loss and stops at
the backward pass (torch 1.13 has no meta kernel for convolution's backward), at a loss meta has no
kernel for (the judge's 2-D cross-entropy, before its crop classifier) or where a number is read back
(`.item()`). The backward pass and the optimizer step are not covered: their tensors follow the
parameters' device."""
import pytest
import torch

from models.train import run_stage
from models.config import CONFIGS

# where a device-clean step stops on meta: a number read back, or a backward kernel meta lacks
META_END = ("cannot be called on meta tensors", "tensor backend other than CPU/CUDA", "from the 'Meta' backend")


@pytest.fixture(scope="module")
def wd(tmp_path_factory):
    d = tmp_path_factory.mktemp("wd")
    run_stage("generate", dict(CONFIGS["tiny"]), d)
    return d


@pytest.mark.parametrize("stage", ["encoders", "unet", "adapter_realcustom", "adapter_ip", "judge"])
def test_stage_runs_on_the_training_device(stage, wd, monkeypatch):
    monkeypatch.setenv("RC_DEVICE", "meta")
    with pytest.raises((RuntimeError, NotImplementedError)) as err:
        run_stage(stage, dict(CONFIGS["tiny"]), wd)
    assert any(m in str(err.value) for m in META_END), f"{stage}: {err.value}"


def test_device_check_catches_a_cpu_tensor(monkeypatch):
    """the check itself: a CPU tensor in a meta computation is reported, not read as success"""
    with pytest.raises(RuntimeError) as err:
        (torch.zeros(2, device="meta") + torch.zeros(2)).sum().item()
    assert "two devices" in str(err.value)


def test_default_device_is_the_gpu_when_there_is_one(monkeypatch):
    from models.common import train_device
    monkeypatch.delenv("RC_DEVICE", raising=False)
    assert train_device().type == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setenv("RC_DEVICE", "cpu")
    assert train_device() == torch.device("cpu")


def test_gpu_config_changes_only_the_adapters_data_and_batch():
    """the GPU run's adapters write on the shipped base: same world, nets and seed as FULL"""
    full, gpu = CONFIGS["full"], CONFIGS["gpu"]
    assert {k for k in full if full[k] != gpu[k]} == {"n_adapt", "adapt_batch"}
    assert gpu["n_adapt"] > full["n_adapt"] and set(gpu) == set(full)


def test_adapter_stage_refuses_another_configs_data(wd):
    """generate keeps an existing data_adapt.npz: the GPU config must not train on FULL's 8000 scenes"""
    with pytest.raises(SystemExit, match="remove it and run the generate stage"):
        run_stage("adapter_ip", dict(CONFIGS["tiny"], n_adapt=CONFIGS["tiny"]["n_adapt"] * 2), wd)
