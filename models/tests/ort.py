"""Python side of the ORT parity harness: feed numpy inputs to onnxruntime-node via ort_run.mjs."""
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def have_ort():
    return (REPO / "node_modules" / "onnxruntime-node").exists()


def ort_run(model, inputs):
    """inputs: dict name -> numpy array. Returns dict name -> numpy array (float32)."""
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        io = {"inputs": {}}
        for n, a in inputs.items():
            dt = "int64" if a.dtype == np.int64 else "float32"
            a = np.ascontiguousarray(a.astype(np.int64 if dt == "int64" else np.float32))
            (d / f"{n}.bin").write_bytes(a.tobytes())
            io["inputs"][n] = {"dtype": dt, "shape": list(a.shape), "file": f"{n}.bin"}
        (d / "io.json").write_text(json.dumps(io))
        r = subprocess.run(["node", str(HERE / "ort_run.mjs"), str(model), str(d / "io.json"), str(d / "out")],
                           capture_output=True, text=True, cwd=REPO, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(r.stderr[-3000:])
        meta = json.loads((d / "out" / "outputs.json").read_text())
        out = {}
        for n in meta["__outputNames"]:
            out[n] = np.frombuffer((d / "out" / f"{n}.bin").read_bytes(), np.float32).reshape(meta[n]["dims"])
        return out
