"""Runs the PyTorch side of the TypeScript parity test (tests/unit/trainer-parity.test.ts).

    /usr/bin/python3 trainer/parity.py DIR

DIR/jobs.json lists cases written by the TypeScript side: weights directories in the playground's format and
inputs as raw little-endian float32 files in tfjs layouts (channels last). For each case this script loads
the weights through vgan.weights, runs the listed calls, D/G updates or whole iterations (Trainer.step), and writes the results in the
same layouts (outputs as raw float32, stats as JSON, weights after the run in the playground's format).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vgan.networks import VganModel  # noqa: E402
from vgan.trainer import Trainer, TrainerOptions  # noqa: E402
from vgan.weights import load_model, save_model  # noqa: E402


def read(directory: Path, entry: dict) -> torch.Tensor:
    a = np.fromfile(directory / entry["file"], dtype="<f4").reshape(entry["shape"])
    return channels_first(torch.from_numpy(a.copy()))


def channels_first(t: torch.Tensor) -> torch.Tensor:
    return t if t.dim() == 2 else t.permute(0, t.dim() - 1, *range(1, t.dim() - 1))


def channels_last(t: torch.Tensor) -> torch.Tensor:
    return t if t.dim() <= 2 else t.permute(0, *range(2, t.dim()), 1)


def write(path: Path, t: torch.Tensor) -> None:
    channels_last(t.detach()).contiguous().numpy().astype("<f4").tofile(path)


def run_call(model: VganModel, call: dict, x: torch.Tensor) -> dict[str, torch.Tensor]:
    training, freeze = call.get("training", False), call.get("freeze", False)
    if call["fn"] == "generate":
        out = model.generator(x, training, freeze)
        if "background" in out:  # the TypeScript model returns the still copied over time
            out["background"] = out["background"].unsqueeze(2).expand_as(out["video"])
        return out
    if call["fn"] == "discriminate":
        return {"logits": model.discriminator(x, training, freeze)}
    return {"logits": model.classify(x, training, freeze)}


def forward_case(root: Path, case: dict) -> None:
    model, _, _ = load_model(root / case["weights"])
    with torch.no_grad():
        for i, call in enumerate(case["calls"]):
            for name, t in run_call(model, call, read(root, call["input"])).items():
                write(root / f"{case['id']}-{i}-{name}.py.bin", t)
    save_model(model, root / f"{case['id']}-after")


def step_case(root: Path, case: dict) -> None:
    trainer = Trainer.restore(root / case["weights"], case.get("options"))
    stats = []
    for step in case["steps"]:
        if step["network"] == "iteration":  # a whole iteration through Trainer.step (dSteps D, then gSteps G)
            stats.append(trainer.step(*[read(root, r) for r in step["reals"]]))
            continue
        real = read(root, step["real"])
        z = read(root, step["z"]) if "z" in step else None
        stats.append(trainer.step_d(real, z) if step["network"] == "D" else trainer.step_g(real, z))
    (root / f"{case['id']}-stats.json").write_text(json.dumps(stats))
    trainer.save_checkpoint(root / f"{case['id']}-after")


def main() -> None:
    torch.set_num_threads(2)
    root = Path(sys.argv[1])
    jobs = json.loads((root / "jobs.json").read_text())
    for case in jobs["forward"]:
        forward_case(root, case)
    for case in jobs["train"]:
        step_case(root, case)
    print(f"parity: {len(jobs['forward'])} forward cases, {len(jobs['train'])} training cases")


if __name__ == "__main__":
    main()
