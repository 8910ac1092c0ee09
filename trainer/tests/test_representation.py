"""The PyTorch representation-learning experiment: its logistic regression and fine-tuning give known answers on
constructed data, and the CLI's clip reader names a missing label and a corrupted shard."""
from __future__ import annotations

import json
import sys
import tempfile
import unittest
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

TRAINER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TRAINER))

from representation import labelled_clips  # noqa: E402
from test_core import write_dataset  # noqa: E402
from vgan.config import resolve_config  # noqa: E402
from vgan.data import DataError  # noqa: E402
from vgan.networks import VganModel  # noqa: E402
from vgan.representation import FinetuneOptions, fine_tune, logistic_regression, representation_experiment  # noqa: E402

torch.set_num_threads(1)
DATA = TRAINER.parent / "public/data"


def brightness_clips(count: int, size: int, frames: int) -> tuple[np.ndarray, list[int]]:
    """Clips whose class is their brightness (dark, grey, light), with a little noise: easy to learn."""
    rng = np.random.default_rng(0)
    labels = [i % 3 for i in range(count)]
    levels = np.array([30, 128, 225])[labels][:, None, None, None, None]
    clips = np.clip(levels + rng.normal(0, 10, (count, frames, size, size, 3)), 0, 255).astype(np.uint8)
    return clips, labels


class LogisticRegressionTest(unittest.TestCase):
    def test_separable_clusters_are_separated_and_random_labels_are_not_learnt(self) -> None:
        g = torch.Generator().manual_seed(3)
        centres = torch.tensor([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
        y = [i % 3 for i in range(90)]
        x = centres[y] + 0.5 * torch.randn(90, 2, generator=g)
        self.assertEqual(logistic_regression(x[:60], y[:60], x[60:], y[60:], 3, 200, 1e-3, 0.05), 1.0)
        noise = torch.randn(600, 2, generator=g)
        shuffled = torch.randint(0, 3, (600,), generator=g).tolist()
        self.assertLess(logistic_regression(noise[:300], shuffled[:300], noise[300:], shuffled[300:], 3, 200, 1e-3, 0.05), 0.45)


class FineTuneTest(unittest.TestCase):
    def test_fine_tuning_learns_an_easy_class_and_the_scratch_start_owes_nothing_to_the_source(self) -> None:
        config = resolve_config("tiny", baseChannels=4)
        clips, labels = brightness_clips(36, config.size, config.frames)
        source = VganModel(config, seed=5)
        opts = replace(FinetuneOptions(), steps=60, learningRate=2e-3)
        train, test = list(range(24)), list(range(24, 36))
        self.assertEqual(fine_tune(source, source, clips, labels, 3, train, test, opts), 1.0)
        # The scratch network is seeded by the protocol alone: whatever model it is given as a template.
        still = replace(opts, steps=0)
        a = fine_tune(None, source, clips, labels, 3, train, test, still)
        self.assertEqual(a, fine_tune(None, VganModel(config, seed=99), clips, labels, 3, train, test, still))

    def test_the_experiment_gives_one_row_per_budget_in_range(self) -> None:
        config = resolve_config("tiny", baseChannels=4)
        clips, labels = brightness_clips(48, config.size, config.frames)
        model = VganModel(config, seed=1)
        result = representation_experiment(model, clips, labels, ["dark", "grey", "light"],
                                           replace(FinetuneOptions(), steps=3, logisticSteps=50))
        self.assertEqual((result["train"], result["test"]), (36, 12))
        # 36/8 = 4.5 rounds up, as Math.round.
        self.assertEqual([r["labels"] for r in result["rows"]], [5, 9, 18, 36])
        for row in result["rows"]:
            for method in ("pretrained", "scratch", "logistic"):
                self.assertTrue(0 <= row[method] <= 1)
        self.assertIn("flattened", result["features"])


class LabelledClipsTest(unittest.TestCase):
    def test_reads_labels_and_refuses_an_unknown_label(self) -> None:
        clips, labels, classes = labelled_clips(DATA / "moving-mnist", "motion", 16, 8, 4, limit=14)
        self.assertEqual(clips.shape, (14, 8, 16, 16, 3))
        self.assertEqual(classes[-1], "still")
        self.assertTrue(all(0 <= k < len(classes) for k in labels))
        with self.assertRaisesRegex(DataError, "no label 'colour'"):
            labelled_clips(DATA / "moving-mnist", "colour", 16, 8, 4, limit=1)

    def test_an_unlabelled_clip_or_a_corrupted_shard_is_named(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp, "d")
            write_dataset(directory, clips=3, frames=8, side=16)
            manifest = json.loads((directory / "manifest.json").read_text())
            manifest["labels"] = {"motion": ["left", "right"]}
            (directory / "manifest.json").write_text(json.dumps(manifest))
            with self.assertRaisesRegex(DataError, "label motion=None is not one of left, right"):
                labelled_clips(directory, "motion", 16, 8, 1)
            shard = directory / "shard-000000.tar"
            shard.write_bytes(shard.read_bytes()[:-1] + b"x")
            with self.assertRaisesRegex(DataError, "sha256 differs"):
                labelled_clips(directory, "motion", 16, 8, 1)


if __name__ == "__main__":
    unittest.main()
