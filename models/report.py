"""Markdown tables from eval.json:  /usr/bin/python3 -m models.report [eval.json]"""
import json
import sys
from pathlib import Path


def fmt(x):
    return "–" if x is None else f"{x:.3f}"


def report(R):
    L = ["Training-side figures from the Python sampler (models/evaluate.py, the engine's plan per mode). "
         "The reference evaluation drives the engine itself: `npm run eval` → docs/results.md.\n"]
    jr = R["judge_on_real"]
    L.append("### The judge on the generator's own renders (its ceiling; bar: object class and colour ≥ 0.95)\n")
    L.append("Per object inside its true mask: " +
             f"class {fmt(jr.get('object_class'))}, named colour {fmt(jr.get('object_color'))}; " +
             f"a class the caption does not name seen anyway: {fmt(jr.get('absent_class_seen'))}.\n")
    L.append("### Text-to-image attribute accuracy (per-object judge; caption checks)\n")
    L.append("| samples | background | class drawn | class in its colour | object complete | mean of the three |")
    L.append("|---|---|---|---|---|---|")
    c = {k[8:]: v for k, v in jr.items() if k.startswith("caption_")}
    L.append("| real held-out scenes (judge ceiling) | " +
             " | ".join(fmt(c.get(k)) for k in ("background", "class", "color", "objects", "mean")) + " |")
    for k in sorted(x for x in R if x.startswith("t2i_w")):
        a = R[k]
        L.append(f"| generated, ω_text = {k[5:]} | " +
                 " | ".join(fmt(a.get(m)) for m in ("background", "class", "color", "objects", "mean")) + " |")
    L.append("\n### Attention localization IoU (top-A positions of the word's map vs the GT mask, 16×16)\n")
    L.append("| model | t | class noun | colour word | random map |")
    L.append("|---|---|---|---|---|")
    for name, r in R["localization"].items():
        for t, v in r.items():
            L.append(f"| {name} | {t} | {fmt(v['class'])} | {fmt(v['color'])} | {fmt(v['random'])} |")
    L.append("\n### Customization sanity (held-out reference designs)\n")
    L.append("| ω_image | mode | likeness in mask ↑ | leakage outside mask ↓ | text fidelity ↑ | target drawn ↑ |")
    L.append("|---|---|---|---|---|---|")
    for w, r in R["custom"].items():
        for mode, v in r.items():
            cells = " | ".join(fmt(v.get(k)) for k in ("likeness_in_mask", "leakage_outside_mask", "text_fidelity", "target_drawn"))
            L.append(f"| {w[5:]} | {mode} | {cells} |")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    p = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "docs" / "eval.json"
    print(report(json.loads(p.read_text())))
