"""Publishes a finished training run as one of the playground's shipped models:

    /usr/bin/python3 trainer/publish.py --run runs/shapes-tiny --name shapes-tiny \
        --title "Shapes, two-stream (tiny)" --command "<the exact training command>"

copies OUT/best (the best-scoring weights the trainer kept; --from weights for the last ones) into
public/weights/NAME/, scores it with `npm run metrics` (flicker, high frequency, Fréchet distance, mask
agreement, stillness, each beside the real clips' and the repeated-first-frame baseline's; TypeScript, so
that tests/unit/pretrained.test.ts reproduces the card's numbers from the shipped file), renders a sample GIF (each row one sample: video, then the
background, foreground and mask for two-stream models; the input frame first for the future model), writes
the model card (card.json for the app, README.md for people), check.json (reference outputs that
tests/unit/pretrained.test.ts reproduces in TypeScript) and rebuilds public/weights/index.json from
every card, so the index never disagrees with the directories.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vgan.data import read_manifest  # noqa: E402
from vgan.procedural import PROCEDURAL, first_frames  # noqa: E402
from vgan.weights import load_model  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "public" / "weights"
SAMPLES = 4
CHECK_VALUES = 512
GIF_SCALE = 3
# The statistics the card reports: the mean of the last few logged lines (one line is too noisy for a GAN).
FINAL_LINES = 5
FINAL_KEYS = ("dLossReal", "dLossFake", "gAdversarial", "dReal", "dFake", "maskMean", "reconstruction")


def to_frames(video: torch.Tensor) -> np.ndarray:
    """[N, C, T, H, W] in [−1, 1] (or a mask in [0, 1] when C = 1) → uint8 [N, T, H, W, 3]."""
    v = video.detach().float()
    v = v.repeat(1, 3, 1, 1, 1) if v.shape[1] == 1 else (v + 1) / 2
    return (v.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 4, 1).numpy()


def generator_inputs(model, data: str, seed: int) -> torch.Tensor:
    """Seeded latent codes, or (future model) the first frames of real clips [N, 3, H, W]."""
    c = model.config
    if model.kind == "future":
        source = data if data in PROCEDURAL else str(data_dir(data))
        return first_frames(source, seed, SAMPLES, c.size, c.frames, c.frameStride)
    return torch.randn(SAMPLES, c.zDim, generator=torch.Generator().manual_seed(seed))


def sample_rows(model, inputs: torch.Tensor) -> list[list[np.ndarray]]:
    """Rows of panes, each [T, H, W, 3] uint8."""
    c = model.config
    with torch.no_grad():
        out = model.generator(inputs)
    panes = [to_frames(out["video"])]
    if "mask" in out:
        background = out["background"].unsqueeze(2).expand(-1, -1, c.frames, -1, -1)
        panes += [to_frames(background), to_frames(out["foreground"]), to_frames(out["mask"])]
    if model.kind == "future":
        panes.insert(0, to_frames(inputs.unsqueeze(2).expand(-1, -1, c.frames, -1, -1)))
    return [[p[i] for p in panes] for i in range(SAMPLES)]


def reference_outputs(model, inputs: torch.Tensor) -> dict:
    """The generator's video for two inputs, in the TypeScript layouts, as check.json: a test loads the
    shipped (possibly float16) file in TypeScript and must reproduce these numbers."""
    inputs = inputs[:2]
    with torch.no_grad():
        video = model.generator(inputs)["video"].permute(0, 2, 3, 4, 1).reshape(-1)
    picks = np.linspace(0, video.numel() - 1, CHECK_VALUES).round().astype(int)
    tf_inputs = inputs if model.kind == "unconditional" else inputs.permute(0, 2, 3, 1)
    return {
        "input": {"shape": list(tf_inputs.shape), "values": [round(float(v), 7) for v in tf_inputs.reshape(-1)]},
        "video": {"indices": picks.tolist(), "values": [round(float(video[i]), 7) for i in picks],
                  "mean": float(video.mean()), "meanAbs": float(video.abs().mean())},
    }


def write_gif(rows: list[list[np.ndarray]], path: Path) -> None:
    gap = 2
    t, h, w, _ = rows[0][0].shape
    cols = len(rows[0])
    sheet = np.full((t, len(rows) * (h + gap) - gap, cols * (w + gap) - gap, 3), 255, np.uint8)
    for r, row in enumerate(rows):
        for k, pane in enumerate(row):
            sheet[:, r * (h + gap):r * (h + gap) + h, k * (w + gap):k * (w + gap) + w] = pane
    sheet = sheet.repeat(GIF_SCALE, 1).repeat(GIF_SCALE, 2)
    frames = [Image.fromarray(f) for f in sheet]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)


def data_dir(data: str) -> Path:
    return Path(data) if Path(data).is_absolute() else ROOT / data


def read_metrics(run: Path) -> tuple[dict[str, float], float]:
    """Final statistics and the run's wall-clock seconds (resumed segments restart their clock: summed)."""
    lines = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines() if x.strip()]
    lines = [x for x in lines if "quality" not in x]
    wall, last = 0.0, 0.0
    for line in lines:
        if line["seconds"] < last:
            wall += last
        last = line["seconds"]
    tail = lines[-FINAL_LINES:]
    final = {k: round(float(np.mean([x[k] for x in tail])), 4) for k in FINAL_KEYS if k in tail[0]}
    return final, round(wall + last, 1)


def score(weights: Path, dataset: str, clips: int, seed: int) -> dict:
    """`npm run metrics` on the published weights: the rows and how they were made."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "run", "--silent", "metrics", "--", "--weights", str(weights), "--data", dataset,
                        "--clips", str(clips), "--seed", str(seed), "--out", tmp], cwd=ROOT, check=True)
        result = json.loads(Path(tmp, "metrics.json").read_text())
    return {k: result[k] for k in ("dataset", "reference", "clips", "features", "seed", "rows")}


def metrics_markdown(metrics: dict) -> str:
    def cell(v) -> str:
        return "–" if v is None else f"{v:.4f}"

    keys = ["flicker", "highFrequency", "frechet", "maskIoU", "maskMAE", "maskCoverage", "stillness"]
    rows = "\n".join(f"| {r['name']} | " + " | ".join(cell(r[k]) for k in keys) + " |" for r in metrics["rows"])
    return f"""Metrics (`npm run metrics -- --weights public/weights/<name> --data {metrics['dataset']} --clips {metrics['clips']} --seed {metrics['seed']}`), against {metrics['reference']}:

| | flicker | high frequency | Fréchet distance | mask IoU | mask MAE | mask coverage | background stillness |
|---|---|---|---|---|---|---|---|
{rows}

Flicker (mean frame-to-frame change), high frequency (mean neighbouring-pixel difference) and mask coverage: closer
to the real clips is better. Fréchet distance (features of {metrics['features']}), mask MAE and stillness: lower is
better; mask IoU (future models, paired with the real clips' true masks): higher is better. The repeated first
frame is, for a future model, each input frame held (its mask: the input frame's true mask held still, objects that do
not move); for an unconditional model, whose samples pair with no real clip, the first frames of other real clips held
(its mask empty), and the real clips' Fréchet distance is that of those other clips: the floor at this number of clips.
"""


def hardware() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return f"{model}, {os.cpu_count()} cores, PyTorch {torch.__version__} on CPU"


def stride_words(stride: int) -> str:
    return "every source frame" if stride == 1 else f"every {stride}{'nd' if stride == 2 else 'rd' if stride == 3 else 'th'} source frame"


def data_words(run_info: dict) -> str:
    """How the run drew its training clips, in words."""
    data = run_info["data"]
    words = ("fresh procedural clips for every batch" if data in PROCEDURAL
             else data + (f", only the clips of {', '.join(run_info['sources'])}" if run_info.get("sources") else "")
             + (", each clip mirrored left-right with probability 1/2" if run_info.get("mirror") else ""))
    if run_info.get("augment"):
        words += "; the discriminator shown every clip augmented (colour, shift, cut-out; `--augment`, vgan/augment.py)"
    return words


def published_words(published: dict) -> str:
    """The named publishing settings of train.py (vgan/averaging.py), in words."""
    parts = []
    if published.get("emaDecay"):
        parts.append(f"a moving average of the generator's weights (decay {published['emaDecay']}, `--ema-decay`)")
    if published.get("preciseBatchNorm"):
        parts.append(f"BatchNorm statistics recomputed over {published['preciseBatchNorm']} training-size batches (`--precise-bn`)")
    return " and ".join(parts) + " (trainer/vgan/averaging.py)" if parts else "the generator's last weights and running statistics (the paper's)"


def upsample_words(card: dict) -> str:
    """The generator's upsampling where it is not the paper's, in words."""
    if card.get("upsample", "transposed") == "transposed":
        return ""
    return " upsampling by resize-convolutions (nearest ×2, then 3 taps; `--upsample resize`, trainer/vgan/ops.py)"


def card_markdown(card: dict) -> str:
    losses = ", ".join(f"{k} {v}" for k, v in card["final"].items())
    return f"""# {card['title']}

{card['description']}

| | |
|---|---|
| model | {card['kind']}, {card['generator']} generator{upsample_words(card)} |
| preset | {card['preset']} ({card['size']}×{card['size']} pixels, {card['frames']} frames, {stride_words(card['frameStride'])}, {card['baseChannels']} channels) |
| data | `{card['dataset']}` ({card['dataDescription']}) |
| iterations | {card['iterations']}{f" (the best-scoring checkpoint of a run of {card['runIterations']})" if card.get('runIterations', card['iterations']) != card['iterations'] else ''}, batch {card['batch']} |
| published weights | {published_words(card.get('published', {}))} |
| wall-clock | {card['wallClockSeconds']} s |
| hardware | {card['hardware']} |
| the run's final statistics (mean of its last {FINAL_LINES} logged lines) | {losses} |
| weights | {card['dtype']}, {card['bytes']} bytes |

{metrics_markdown(card['metrics']) if card.get('metrics') else ''}
![samples](sample.gif)

`sample.gif`: {card['gifRows']}

Reproduce (from the repository root):

```sh
{card['command']}
```

Then `/usr/bin/python3 trainer/publish.py --run <OUT> --name {card['name']} ...` copies the weights here and
rebuilds this card. In the playground, pick “{card['title']}” under Pretrained models.
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", help="a train.py output directory")
    p.add_argument("--name", required=True, help="directory name under public/weights")
    p.add_argument("--title")
    p.add_argument("--description", default="")
    p.add_argument("--command", help="the exact training command, for the card")
    p.add_argument("--rescore", action="store_true", help="only recompute the metrics of the shipped model NAME")
    p.add_argument("--seed", type=int, default=1, help="latent codes / clips of the sample GIF and the metrics")
    p.add_argument("--from", dest="source", choices=["best", "weights"], default="best",
                   help="the best-scoring weights the trainer kept (default, when the run has them) or the last ones")
    p.add_argument("--metrics-clips", type=int, default=512, help="real clips the card's metrics use")
    args = p.parse_args()
    if args.rescore:
        rescore(args.name, args.metrics_clips, args.seed)
        return
    if not (args.run and args.title and args.command):
        p.error("--run, --title and --command are needed to publish a run")
    run = Path(args.run)
    out = WEIGHTS / args.name
    if out.exists():
        shutil.rmtree(out)
    source = run / args.source if (run / args.source / "model.json").exists() else run / "weights"
    shutil.copytree(source, out)
    for extra in ("quality.json",):
        (out / extra).unlink(missing_ok=True)
    model, topology, _ = load_model(out)
    model.eval()
    info = topology.get("training", {})
    run_info = info.get("run", {})
    data = run_info["data"]
    # A stored dataset by its manifest's name: a denser build of `real` (every window) is still `real`.
    dataset = data if data in PROCEDURAL else read_manifest(data_dir(data))["name"]
    inputs = generator_inputs(model, data, args.seed)
    write_gif(sample_rows(model, inputs), out / "sample.gif")
    (out / "check.json").write_text(json.dumps(reference_outputs(model, inputs)) + "\n")
    final, wall = read_metrics(run)
    specs = json.loads((out / "model.json").read_text())["weightsManifest"][0]["weights"]
    dtype = "float16" if any(s.get("quantization", {}).get("dtype") == "float16" for s in specs) else "float32"
    c = model.config
    card = {
        "name": args.name,
        "title": args.title,
        "description": args.description,
        "kind": model.kind,
        "generator": model.generator_kind,
        "upsample": model.upsample,
        "preset": run_info.get("preset"),
        "size": c.size,
        "frames": c.frames,
        "frameStride": c.frameStride,
        "baseChannels": c.baseChannels,
        "dataset": dataset,
        "dataDescription": data_words(run_info),
        "iterations": info.get("iteration"),
        "runIterations": max((json.loads(x).get("iterations", 0) for x in (run / "metrics.jsonl").read_text().splitlines()
                              if '"quality"' in x), default=info.get("iteration")),
        "batch": run_info.get("batch"),
        "wallClockSeconds": wall,
        "hardware": hardware(),
        "final": final,
        "dtype": dtype,
        "bytes": sum(f.stat().st_size for f in out.glob("group1-shard*")),
        "gifRows": ("each row: input frame, predicted video, background, foreground, mask" if model.kind == "future"
                    else "each row: video, background, foreground, mask" if model.generator_kind == "twoStream"
                    else "one video per row"),
        "command": args.command,
        "weightsFrom": source.name,
        "published": {k: run_info[k] for k in ("emaDecay", "preciseBatchNorm") if run_info.get(k)},
        "metrics": score(out, dataset, args.metrics_clips, args.seed),
    }
    write_card(out, card)
    print(json.dumps(card, indent=2))


def write_card(out: Path, card: dict) -> None:
    """card.json, README.md, and the index and list of every shipped model."""
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    (out / "README.md").write_text(card_markdown(card))
    cards = [json.loads(f.read_text()) for f in sorted(WEIGHTS.glob("*/card.json"))]
    (WEIGHTS / "index.json").write_text(json.dumps({"models": cards}, indent=2) + "\n")
    rows = "\n".join(f"| [{c['name']}]({c['name']}/README.md) | {c['title']} | {c['kind']} | {c['preset']} | `{c['dataset']}` "
                     f"| {c['iterations']} | {c['dtype']}, {c['bytes'] / 1e6:.1f} MB |" for c in cards)
    (WEIGHTS / "README.md").write_text(
        "# Shipped models\n\nTrained with `trainer/train.py` and published with `trainer/publish.py`, which writes this "
        "list; each model's card says how it was trained and how to reproduce it.\n\n"
        "| name | title | kind | preset | data | iterations | weights |\n|---|---|---|---|---|---:|---|\n" + rows + "\n")


def rescore(name: str, clips: int, seed: int) -> None:
    """Recomputes a shipped model's metrics (after the metrics changed) and rewrites its card."""
    out = WEIGHTS / name
    card = json.loads((out / "card.json").read_text())
    model, _, _ = load_model(out)
    card.setdefault("frameStride", model.config.frameStride)
    card.setdefault("baseChannels", model.config.baseChannels)
    card.setdefault("dataDescription", f"public/data/{card['dataset']}")
    card["metrics"] = score(out, card["dataset"], clips, seed)
    write_card(out, card)

if __name__ == "__main__":
    main()
