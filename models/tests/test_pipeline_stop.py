"""Stopping the pipeline stops its stage: `kill <pipeline pid>` must not leave the training child running."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sigterm_to_the_pipeline_ends_its_stage(tmp_path):
    pidfile = tmp_path / "stage.pid"
    stage = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    runner = (
        "import sys; from models.pipeline import run_stage; "
        f"sys.exit(run_stage([sys.executable, '-c', {stage!r}]))"
    )
    pipeline = subprocess.Popen([sys.executable, "-c", runner], cwd=REPO)
    try:
        deadline = time.time() + 30
        while not (pidfile.exists() and pidfile.read_text()) and time.time() < deadline:
            time.sleep(0.05)
        stage_pid = int(pidfile.read_text())
        assert _alive(stage_pid)
        pipeline.send_signal(signal.SIGTERM)
        assert pipeline.wait(timeout=30) == 128 + signal.SIGTERM
        deadline = time.time() + 10
        while _alive(stage_pid) and time.time() < deadline:
            time.sleep(0.05)
        assert not _alive(stage_pid)
    finally:
        pipeline.kill()
        if pidfile.exists() and pidfile.read_text() and _alive(int(pidfile.read_text())):
            os.kill(int(pidfile.read_text()), signal.SIGKILL)


def test_a_stage_exit_code_is_returned():
    from models.pipeline import run_stage

    assert run_stage([sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert run_stage([sys.executable, "-c", "pass"]) == 0
