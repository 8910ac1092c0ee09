"""Representation learning (the paper's §5, Figure 4b) in PyTorch: the twin of src/eval/finetune.ts, for
discriminators too large to fine-tune on tfjs's cpu backend here. Same protocol, same settings
(src/eval/finetune-defaults.json), same seeded split and budgets; the three classifiers per budget are
  pretrained: the discriminator trunk, dropout and a K-way head, all fine-tuned;
  scratch:    the same network from random weights, trained identically (head, batches, dropout masks);
  logistic:   multinomial logistic regression on the frozen trunk's last layer, flattened.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from .config import CONSTANTS
from .networks import VganModel
from .seed import derive_seed, js_round, seeded_random, shuffle

DEFAULTS: dict = json.loads((Path(__file__).resolve().parents[2] / "src/eval/finetune-defaults.json").read_text())


@dataclass
class FinetuneOptions:
    """src/eval/finetune.ts's FinetuneOptions, defaults from the shared JSON."""

    seed: int = DEFAULTS["seed"]
    fractions: list[float] = field(default_factory=lambda: list(DEFAULTS["fractions"]))
    testFraction: float = DEFAULTS["testFraction"]
    steps: int = DEFAULTS["steps"]
    batchSize: int = DEFAULTS["batchSize"]
    learningRate: float = DEFAULTS["learningRate"]
    beta1: float = DEFAULTS["beta1"]
    logisticSteps: int = DEFAULTS["logisticSteps"]
    logisticL2: float = DEFAULTS["logisticL2"]
    logisticLearningRate: float = DEFAULTS["logisticLearningRate"]


assert {f.name for f in fields(FinetuneOptions)} == set(DEFAULTS), "finetune-defaults.json and FinetuneOptions differ"


def stratified_split(labels: list[int], classes: int, test_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """(train, test) as stratifiedSplit: test_fraction of every class held out, the training indices
    class-interleaved so that any prefix is as balanced as it can be; labels ≥ classes are left out."""
    rand = seeded_random(derive_seed(seed, "split"))
    by_class = [shuffle([i for i, label in enumerate(labels) if label == k], rand) for k in range(classes)]
    cuts = [js_round(len(ids) * test_fraction) for ids in by_class]
    test = sorted(i for ids, cut in zip(by_class, cuts) for i in ids[:cut])
    rest = [ids[cut:] for ids, cut in zip(by_class, cuts)]
    train = [ids[r] for r in range(max((len(ids) for ids in rest), default=0)) for ids in rest if r < len(ids)]
    return train, test


def budget_sizes(train: int, fractions: list[float]) -> list[int]:
    return [max(1, js_round(train * f)) for f in fractions]


def _batch(clips: np.ndarray, ids: list[int]) -> torch.Tensor:
    """Clips [N, T, H, W, 3] uint8 → [len(ids), 3, T, H, W] in [−1, 1]."""
    return torch.from_numpy(clips[ids]).permute(0, 4, 1, 2, 3).float().div(127.5).sub(1)


@torch.no_grad()
def accuracy(model: VganModel, clips: np.ndarray, labels: list[int], test: list[int], batch: int) -> float:
    right = 0
    for s in range(0, len(test), batch):
        ids = test[s:s + batch]
        predicted = model.classify(_batch(clips, ids)).argmax(1).tolist()
        right += sum(p == labels[c] for p, c in zip(predicted, ids))
    return right / len(test)


def fine_tune(source: VganModel | None, template: VganModel, clips: np.ndarray, labels: list[int], classes: int,
              train: list[int], test: list[int], opts: FinetuneOptions) -> float:
    """Trains the discriminator trunk and a K-way head on `train`, from `source`'s discriminator or from random
    weights, and returns the test accuracy. The real/fake head is neither used nor trained."""
    seed = derive_seed(opts.seed, "finetune", len(train))
    model = VganModel(template.config, template.kind, template.generator_kind, classes=classes, seed=seed)
    if source is not None:
        model.discriminator.load_state_dict(source.discriminator.state_dict())
    head = model.arch.discriminator_head.name
    params = [p for name, p in model.discriminator.layers.named_parameters() if not name.startswith(f"{head}.")]
    params += list(model.classifier.parameters())
    adam = torch.optim.Adam(params, lr=opts.learningRate, betas=(opts.beta1, CONSTANTS["adamBeta2"]),
                            eps=CONSTANTS["adamEpsilon"], foreach=False)
    rand = seeded_random(derive_seed(seed, "batches"))
    take = min(opts.batchSize, len(train))
    order: list[int] = []
    for step in range(opts.steps):
        if len(order) < take:
            order += shuffle(list(train), rand)
        ids, order = order[:take], order[take:]
        torch.manual_seed(derive_seed(seed, "dropout", step))  # the same masks for both starts
        loss = F.cross_entropy(model.classify(_batch(clips, ids), training=True), torch.tensor([labels[c] for c in ids]))
        adam.zero_grad()
        loss.backward()
        adam.step()
    return accuracy(model, clips, labels, test, opts.batchSize)


@torch.no_grad()
def frozen_features(model: VganModel, clips: np.ndarray, ids: list[int], batch: int) -> torch.Tensor:
    """The last trunk layer in inference mode, flattened: [len(ids), features]."""
    parts = [model.discriminator.trunk(_batch(clips, ids[s:s + batch])).flatten(1) for s in range(0, len(ids), batch)]
    return torch.cat(parts)


def logistic_regression(train_x: torch.Tensor, train_y: list[int], test_x: torch.Tensor, test_y: list[int],
                        classes: int, steps: int, l2: float, learning_rate: float) -> float:
    """Multinomial logistic regression with an L2 penalty by full-batch Adam (β1 0.9) on inputs standardised
    with the training set's statistics; returns the test accuracy."""
    mean = train_x.mean(0)
    std = (train_x - mean).square().mean(0).sqrt() + 1e-6
    x, x_test = (train_x - mean) / std, (test_x - mean) / std
    w = torch.zeros(x.shape[1], classes, requires_grad=True)
    b = torch.zeros(classes, requires_grad=True)
    adam = torch.optim.Adam([w, b], lr=learning_rate, betas=(0.9, CONSTANTS["adamBeta2"]), eps=CONSTANTS["adamEpsilon"],
                            foreach=False)
    target = torch.tensor(train_y)
    for _ in range(steps):
        loss = F.cross_entropy(x @ w + b, target) + w.square().sum() * (l2 / 2)
        adam.zero_grad()
        loss.backward()
        adam.step()
    with torch.no_grad():
        predicted = (x_test @ w + b).argmax(1).tolist()
    return sum(p == y for p, y in zip(predicted, test_y)) / len(test_y)


def representation_experiment(pretrained: VganModel, clips: np.ndarray, labels: list[int], class_names: list[str],
                              opts: FinetuneOptions, on_row: Callable[[dict], None] | None = None) -> dict:
    """Every budget, three methods, one seeded split: representationExperiment's result."""
    classes = len(class_names)
    train, test = stratified_split(labels, classes, opts.testFraction, opts.seed)
    if not train or not test:
        raise ValueError(f"too few clips ({len(labels)}) for a train/test split")
    train_features = frozen_features(pretrained, clips, train, opts.batchSize)
    test_features = frozen_features(pretrained, clips, test, opts.batchSize)
    test_y = [labels[c] for c in test]
    rows = []
    for fraction, count in zip(opts.fractions, budget_sizes(len(train), opts.fractions)):
        subset = train[:count]
        row = {
            "labels": count,
            "fraction": fraction,
            "pretrained": fine_tune(pretrained, pretrained, clips, labels, classes, subset, test, opts),
            "scratch": fine_tune(None, pretrained, clips, labels, classes, subset, test, opts),
            "logistic": logistic_regression(train_features[:count], [labels[c] for c in subset], test_features, test_y,
                                            classes, opts.logisticSteps, opts.logisticL2, opts.logisticLearningRate),
        }
        rows.append(row)
        if on_row:
            on_row(row)
    last = pretrained.arch.discriminator[-1]
    t0, h, w, c = last.out_shape
    return {
        "classes": class_names,
        "train": len(train),
        "test": len(test),
        "features": f"last discriminator trunk layer ({last.name}), flattened: {t0}×{h}×{w}×{c} = {t0 * h * w * c} values",
        "rows": rows,
    }
