"""Markdown tables from eval.json:  /usr/bin/python3 -m models.report [eval.json]"""
import json
import sys
from pathlib import Path


def fmt(x):
    return "–" if x is None else f"{x:.3f}"


def report(R):
    L = ["Training-side figures from the Python sampler (models/evaluate.py, the engine's plan per mode). "
         "The reference evaluation drives the engine itself: `npm run eval` → docs/results.md.\n"]
    L.append("### Text-to-image attribute accuracy (judge; per-caption checks)\n")
    L.append("| samples | background | class | colour | mean of the three |")
    L.append("|---|---|---|---|---|")
    jr = R['judge_on_real']
    cells = " | ".join(fmt(jr[k]) for k in ("background", "class", "color", "mean"))
    L.append(f"| real held-out scenes (judge ceiling) | {cells} |")
    for k in sorted(x for x in R if x.startswith("t2i_w")):
        a = R[k]
        L.append(f"| generated, ω_text = {k[5:]} | {fmt(a['background'])} | {fmt(a['class'])} | {fmt(a['color'])} | {fmt(a['mean'])} |")
    L.append("\n### Attention localization IoU (top-A positions of the word's map vs the GT mask, 16×16)\n")
    L.append("| model | t | class noun | colour word | random map |")
    L.append("|---|---|---|---|---|")
    for name, r in R["localization"].items():
        for t, v in r.items():
            L.append(f"| {name} | {t} | {fmt(v['class'])} | {fmt(v['color'])} | {fmt(v['random'])} |")
    L.append("\n### Customization sanity (held-out reference designs)\n")
    L.append("| ω_image | mode | likeness in mask ↑ | leakage outside mask ↓ | text fidelity ↑ |")
    L.append("|---|---|---|---|---|")
    for w, r in R["custom"].items():
        for mode, v in r.items():
            L.append(f"| {w[5:]} | {mode} | {fmt(v['likeness_in_mask'])} | {fmt(v['leakage_outside_mask'])} | {fmt(v['text_fidelity'])} |")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    p = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "docs" / "eval.json"
    print(report(json.loads(p.read_text())))
