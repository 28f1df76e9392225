"""One command: generate -> train (encoders, unet, adapters, judge) -> evaluate -> export (pack defaults follow the evaluation).
Resumable: finished stages are skipped, running ones resume from their last checkpoint.

  /usr/bin/python3 -m models.pipeline                 # full run (~1 h on 2 CPU cores)
  /usr/bin/python3 -m models.pipeline --config tiny --workdir /tmp/x --out /tmp/x/pack
  /usr/bin/python3 -m models.pipeline --budget unet_minutes=240   # a longer run (a GPU, or continuing)
  (unet_noground is the grounding-loss ablation: snapshot_step steps without the loss)
"""
import argparse
import signal
import subprocess
import sys
import time

from .common import REPO, get_cfg, log, workdir


def run_stage(cmd):
    """Runs one stage in a child process and returns its exit code. A SIGTERM or SIGHUP to the
    pipeline stops the stage too (its last checkpoint stays) and exits 128 + the signal, so
    `kill <pipeline pid>` stops the training instead of leaving the child running."""
    child = subprocess.Popen(cmd, cwd=REPO)
    stopped = []

    def stop(signum, _frame):
        # no wait here: the main thread's wait() holds the child's lock; it returns once the child ends
        stopped.append(signum)
        child.terminate()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        code = child.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if stopped:
        sys.exit(128 + stopped[0])
    return code


DEFAULT = ["generate", "encoders", "unet", "adapter_realcustom", "adapter_ip", "judge", "unet_noground", "evaluate", "export"]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="full")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--out", default=None, help="pack folder (default public/models/<name>)")
    ap.add_argument("--stages", default=",".join(DEFAULT))
    ap.add_argument("--budget", action="append", default=[],
                    help="raise a training budget in minutes, e.g. unet_minutes=240 (repeatable); "
                         "a finished stage resumes when its budget grows")
    args = ap.parse_args(argv)
    cfg = get_cfg(args.config, args.budget)
    wd = workdir(cfg, args.workdir)
    out = args.out or str(REPO / "public" / "models" / cfg["name"])
    t0 = time.time()
    for st in args.stages.split(","):
        ts = time.time()
        common = ["--config", args.config, "--workdir", str(wd)]
        if st == "export":
            cmd = [sys.executable, "-m", "models.export", *common, "--out", out]
        elif st == "evaluate":
            cmd = [sys.executable, "-m", "models.evaluate", *common, "--pack", out]
        else:
            cmd = [sys.executable, "-m", "models.train", "--stage", st, *common,
                   *(a for b in args.budget for a in ("--budget", b))]
        code = run_stage(cmd)
        if code != 0:
            log(wd, "pipeline", f"stage {st} failed ({code})")
            sys.exit(code)
        log(wd, "pipeline", f"stage {st} ok in {time.time() - ts:.0f}s (total {time.time() - t0:.0f}s)")


if __name__ == "__main__":
    main()
