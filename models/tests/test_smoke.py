"""2-step smoke run of the whole pipeline (generate -> train -> evaluate -> export) on the tiny config."""
import json
import time

from models.pipeline import main


def test_pipeline_tiny(tmp_path):
    t0 = time.time()
    main(["--config", "tiny", "--workdir", str(tmp_path / "wd"), "--out", str(tmp_path / "pack")])
    man = json.loads((tmp_path / "pack" / "pack.json").read_text())
    assert set(man["graphs"]) == {"textEncoder", "imageEncoder", "unet", "unetGlobal", "decoder", "judge"}
    ev = json.loads((tmp_path / "wd" / "eval.json").read_text())
    assert "localization" in ev and "custom" in ev
    # resumable: a second run skips finished stages quickly
    main(["--config", "tiny", "--workdir", str(tmp_path / "wd"), "--out", str(tmp_path / "pack"), "--stages", "encoders,unet"])
    assert time.time() - t0 < 180
