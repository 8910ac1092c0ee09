"""Runs named training settings one after another and tabulates their quality (docs/quality.md's table):
    /usr/bin/python3 trainer/ablate.py --out runs/ablations --iterations 5000 NAME=FLAGS ...
e.g. `b8="--base-channels 8 --frame-stride 1"`. Every run trains on fresh shapes clips at the tiny preset
unless its flags say otherwise; a finished run is not repeated (train.py resumes it). Writes OUT/table.md:
per run, the last and the best quality measurement (trainer/vgan/quality.py) and a sample strip of each.
"""
from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measurements(run: Path) -> list[dict]:
    lines = (run / "metrics.jsonl").read_text().splitlines() if (run / "metrics.jsonl").exists() else []
    return [m for m in map(json.loads, lines) if "quality" in m]


def row(name: str, flags: str, run: Path) -> str:
    found = measurements(run)
    if not found:
        return f"| {name} | `{flags}` | (no measurement) | | | | | |"
    last, best = found[-1], min(found, key=lambda m: m["score"])
    real = last["real"]

    def ratio(m: dict, key: str) -> str:
        return f"{m['quality'][key] / real[key]:.2f}" if key in m["quality"] and real.get(key) else "–"

    coverage = (f"{last['quality']['maskCoverage']:.3f} / {real['maskCoverage']:.3f}"
                if "maskCoverage" in last["quality"] and "maskCoverage" in real else "–")
    return (f"| {name} | `{flags}` | {last['iterations']} | {ratio(last, 'flicker')} | {ratio(last, 'highFrequency')} | "
            f"{coverage} | {last['score']:.2f} (best {best['score']:.2f} at {best['iterations']}) | "
            f"![{name}]({name}.png) |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--iterations", type=int, default=5000)
    p.add_argument("--common", default="--data shapes --preset tiny --batch 16",
                   help="flags every run gets before its own")
    p.add_argument("runs", nargs="+", help="NAME=FLAGS")
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for spec in args.runs:
        name, _, flags = spec.partition("=")
        run = out / name
        command = [sys.executable, str(HERE / "train.py"), *shlex.split(args.common), *shlex.split(flags),
                   "--iterations", str(args.iterations), "--out", str(run), "--log-every", "100"]
        with open(out / f"{name}.log", "a") as log:
            subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT)
        subprocess.run([sys.executable, str(HERE / "samples.py"), "--weights", str(run / "weights"),
                        "--out", str(out / f"{name}.png")], check=True)
        if (run / "best").exists():
            subprocess.run([sys.executable, str(HERE / "samples.py"), "--weights", str(run / "best"),
                            "--out", str(out / f"{name}-best.png")], check=True)
        rows.append(row(name, flags, run))
        header = ("| run | flags | iteration | flicker ÷ real | high freq. ÷ real | mask coverage / true | score "
                  "| samples (last) |\n|---|---|---|---|---|---|---|---|\n")
        (out / "table.md").write_text(header + "\n".join(rows) + "\n")
        print(rows[-1], flush=True)


if __name__ == "__main__":
    main()
