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
