"""The autoencoder + Gaussian mixture baseline (vgan/baseline.py) and train_baseline.py."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

TRAINER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TRAINER))

from vgan.baseline import (BaselineTrainer, encode, fit_gmm, gmm_from_json, gmm_log_likelihood, gmm_to_json,  # noqa: E402
                           load_baseline, new_autoencoder, reconstruct, sample_gmm, save_baseline)
from vgan.config import resolve_config  # noqa: E402
from vgan.weights import WeightsError, read_weight_files, save_model  # noqa: E402
from vgan.networks import VganModel  # noqa: E402

torch.set_num_threads(1)

TRUTH = {
    "weights": np.array([0.1, 0.2, 0.3, 0.4]),
    "means": np.array([[-6, 0, 0], [6, 0, 0], [0, 6, 2], [0, -6, -2]], dtype=np.float64),
    "variances": np.array([[0.25, 1, 0.5], [1, 0.25, 0.25], [0.5, 0.5, 1], [2, 1, 0.5]]),
}


class GmmTest(unittest.TestCase):
    def test_recovers_a_known_mixture(self) -> None:
        x = sample_gmm(TRUTH, 4000, seed=5)
        gmm, history, notes = fit_gmm(x, 4, seed=1)
        self.assertEqual(notes, [])
        for t in range(4):
            k = int(np.argmin(((gmm["means"] - TRUTH["means"][t]) ** 2).sum(1)))
            self.assertLess(abs(gmm["weights"][k] - TRUTH["weights"][t]), 0.03)
            np.testing.assert_allclose(gmm["means"][k], TRUTH["means"][t], atol=0.15)
            np.testing.assert_allclose(gmm["variances"][k] / TRUTH["variances"][t], 1, atol=0.25)
        self.assertGreater(gmm_log_likelihood(gmm, x), gmm_log_likelihood(TRUTH, x) - 0.01)

    def test_log_likelihood_never_decreases_and_seed_fixes_the_fit(self) -> None:
        x = sample_gmm(TRUTH, 600, seed=2)
        gmm, history, _ = fit_gmm(x, 12, seed=3, tolerance=0, max_iterations=60)
        self.assertTrue(all(b >= a - 1e-9 for a, b in zip(history, history[1:])))
        again, _, _ = fit_gmm(x, 12, seed=3, tolerance=0, max_iterations=60)
        np.testing.assert_array_equal(gmm["means"], again["means"])

    def test_clamps_components_and_round_trips_json(self) -> None:
        gmm, _, notes = fit_gmm(sample_gmm(TRUTH, 10, seed=1), seed=0)
        self.assertEqual(len(gmm["weights"]), 10)
        self.assertIn("256 components asked for, but only 10 codes", notes[0])
        back = gmm_from_json(json.loads(json.dumps(gmm_to_json(gmm))))
        np.testing.assert_array_equal(back["variances"], gmm["variances"])


class AutoencoderTest(unittest.TestCase):
    def test_training_lowers_the_error_and_files_round_trip(self) -> None:
        config = resolve_config("tiny")
        model = new_autoencoder(config, seed=3)
        trainer = BaselineTrainer(model, "tiny", learning_rate=2e-3)
        g = torch.Generator().manual_seed(0)
        batch = torch.tanh(torch.randn(4, 3, config.frames, config.size, config.size, generator=g))
        losses = [trainer.step(batch) for _ in range(8)]
        self.assertLess(losses[-1], losses[0])
        model.eval()
        with torch.no_grad():
            codes = encode(model, batch)
            self.assertEqual(tuple(codes.shape), (4, config.zDim))
            self.assertEqual(tuple(reconstruct(model, batch).shape), tuple(batch.shape))
        with tempfile.TemporaryDirectory() as d:
            gmm, _, _ = fit_gmm(codes.numpy(), 2, seed=0)
            save_baseline(trainer, d, gmm)
            topology, tensors = read_weight_files(d)
            self.assertEqual(topology["training"], {"baseline": "autoencoder", "iteration": 8,
                                                    "options": {"preset": "tiny", "seed": 3, "learningRate": 2e-3, "beta1": 0.5}})
            self.assertIn("encoder/code/kernel", tensors)
            back, record, mixture = load_baseline(d)
            back.eval()
            with torch.no_grad():
                torch.testing.assert_close(encode(back, batch), codes)
            np.testing.assert_array_equal(mixture["means"], gmm["means"])
            plain = Path(d) / "plain"
            save_model(VganModel(config), plain)
            with self.assertRaisesRegex(WeightsError, "not an autoencoder baseline"):
                load_baseline(plain)

    def test_cli_trains_fits_and_writes_the_files(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            out = subprocess.run([sys.executable, str(TRAINER / "train_baseline.py"), "--data", str(TRAINER.parent / "public/data/shapes"),
                                  "--out", d, "--steps", "2", "--clips", "12", "--components", "3", "--log-every", "1"],
                                 capture_output=True, text=True, check=True).stdout.strip().splitlines()
            summary = json.loads(out[-1])
            self.assertEqual((summary["done"], summary["codes"], summary["components"]), (2, 12, 3))
            self.assertTrue((Path(d) / "weights" / "gmm.json").exists())
            self.assertEqual(len((Path(d) / "metrics.jsonl").read_text().splitlines()), 2)


if __name__ == "__main__":
    unittest.main()
