"""Augmenting what D sees (vgan/augment.py, the Trainer's augment); the TypeScript twin's agreement is checked
by tests/unit/trainer-parity.test.ts."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from test_core import TRAINER  # noqa: F401  (puts trainer/ on the path)
from vgan.augment import augment, augment_batch, cutout_mask, draw, max_shift  # noqa: E402
from vgan.config import resolve_config  # noqa: E402
from vgan.networks import VganModel  # noqa: E402
from vgan.trainer import Trainer, TrainerOptions  # noqa: E402
from vgan.weights import load_model  # noqa: E402


class AugmentTest(unittest.TestCase):
    def test_parameters_are_reproducible_and_within_their_ranges(self) -> None:
        p = draw(3, 200, 16)
        self.assertTrue(all((a == b).all() for a, b in zip(p.values(), draw(3, 200, 16).values())))
        self.assertEqual(max_shift(16), 2)
        self.assertTrue(((p["brightness"] >= -0.5) & (p["brightness"] < 0.5)).all())
        self.assertTrue(((p["saturation"] >= 0) & (p["saturation"] < 2)).all())
        self.assertTrue(((p["contrast"] >= 0.5) & (p["contrast"] < 1.5)).all())
        self.assertEqual(sorted(set(p["dx"].tolist())), [-2, -1, 0, 1, 2])
        self.assertTrue(((p["cx"] >= 0) & (p["cx"] < 16)).all())

    def test_shift_padding_and_cut_out(self) -> None:
        torch.manual_seed(0)
        clip = torch.rand(1, 3, 2, 8, 8) * 2 - 1
        p = {k: np.array(v) for k, v in {"brightness": [0.25], "saturation": [1.0], "contrast": [1.0], "dx": [1], "dy": [-1],
                                          "cx": [7], "cy": [0]}.items()}
        out = augment(clip, p)
        self.assertEqual(int((cutout_mask(p, 8) == 0).sum()), 6)  # columns 5-7 of rows 0-1
        for r in range(8):
            for c in range(8):
                sr, sc = r + 1, c - 1  # output (y, x) reads input (y - dy, x - dx)
                cut = r < 2 and c >= 5
                want = torch.zeros(3, 2) if cut or sr >= 8 or sc < 0 else clip[0, :, :, sr, sc] + 0.25
                torch.testing.assert_close(out[0, :, :, r, c], want)

    def test_a_still_clip_stays_still_and_gradients_flow(self) -> None:
        torch.manual_seed(1)
        still = (torch.rand(4, 3, 1, 16, 16) * 2 - 1).expand(4, 3, 6, 16, 16).clone().requires_grad_(True)
        out = augment_batch(still, 1, 0, 0, "real")
        self.assertEqual(float((out[:, :, 1:] - out[:, :, :-1]).abs().max()), 0.0)
        self.assertGreater(float((out - still).abs().max()), 0.1)
        out.sum().backward()
        self.assertGreater(float(still.grad.abs().sum()), 0.0)

    def test_each_process_augments_its_slice_as_one_process_augments_the_batch(self) -> None:
        torch.manual_seed(2)
        batch = torch.rand(4, 3, 4, 16, 16) * 2 - 1
        whole = augment_batch(batch, 5, 1, "g", 0)
        parts = torch.cat([augment_batch(batch[r * 2:(r + 1) * 2], 5, 1, "g", 0, rank=r, world=2) for r in range(2)])
        torch.testing.assert_close(parts, whole)


class TrainerAugmentTest(unittest.TestCase):
    def test_off_by_default_and_on_it_changes_what_d_sees(self) -> None:
        self.assertFalse(TrainerOptions().augment)
        torch.manual_seed(3)
        real = torch.tanh(torch.randn(2, 3, 8, 16, 16))
        losses = []
        for on in (False, True):
            model = VganModel(resolve_config("tiny", baseChannels=8), seed=3)
            losses.append(Trainer(model, TrainerOptions(augment=on)).step(real)["dLossReal"])
        self.assertNotAlmostEqual(losses[0], losses[1], places=4)

    def test_train_py_records_it_keeps_it_on_resume_and_the_card_names_it(self) -> None:
        from publish import data_words
        with tempfile.TemporaryDirectory() as tmp:
            run = Path(tmp, "run")
            command = [sys.executable, str(TRAINER / "train.py"), "--data", "shapes", "--out", str(run), "--preset", "tiny",
                       "--batch", "2", "--threads", "1", "--base-channels", "8"]

            def options(*flags: str) -> dict:
                subprocess.run([*command, *flags], check=True, capture_output=True, timeout=300)
                return load_model(run / "checkpoint")[1]["training"]

            first = options("--iterations", "1", "--augment", "--mask-lambda", "0.5")
            self.assertTrue(first["options"]["augment"])
            self.assertTrue(first["run"]["augment"])
            self.assertIn("`--augment`", data_words(first["run"]))
            resumed = options("--iterations", "2")  # a resumed run keeps the checkpoint's settings
            self.assertEqual((resumed["options"]["augment"], resumed["options"]["maskLambda"]), (True, 0.5))
            changed = options("--iterations", "3", "--no-augment", "--mask-lambda", "1")
            self.assertEqual((changed["options"]["augment"], changed["options"]["maskLambda"]), (False, 1.0))
        self.assertNotIn("augment", data_words({"data": "shapes"}))

if __name__ == "__main__":
    unittest.main()
