"""The named publishing settings of vgan/averaging.py: the generator's weight average and precise BatchNorm."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import torch

from test_core import TRAINER  # noqa: F401  (puts trainer/ on the path)
from vgan.averaging import GeneratorAverage, precise_batch_norm  # noqa: E402
from vgan.config import resolve_config  # noqa: E402
from vgan.networks import BN_MOMENTUM, ConvLayer, VganModel  # noqa: E402
from vgan.trainer import Trainer  # noqa: E402
from vgan.weights import load_model  # noqa: E402


def tiny_model() -> VganModel:
    return VganModel(resolve_config("tiny"), seed=3)


class GeneratorAverageTest(unittest.TestCase):
    def test_the_average_moves_towards_the_weights_by_one_minus_the_decay(self) -> None:
        model = tiny_model()
        average = GeneratorAverage(model.generator, 0.75)
        before = [p.clone() for p in model.generator.parameters()]
        with torch.no_grad():
            for p in model.generator.parameters():
                p.add_(1.0)
            for b in model.generator.buffers():
                b.add_(2.0)
        average.update(model.generator)
        for a, w0, w in zip(average.generator.parameters(), before, model.generator.parameters()):
            torch.testing.assert_close(a, w0 + 0.25)
            self.assertFalse(a.requires_grad)
            torch.testing.assert_close(w, w0 + 1.0)  # the training weights are left alone
        for a, b in zip(average.generator.buffers(), model.generator.buffers()):
            torch.testing.assert_close(a, b)  # statistics are copied, not averaged

    def test_a_decay_outside_zero_to_one_is_refused(self) -> None:
        for decay in (0.0, 1.0, 1.5):
            with self.assertRaisesRegex(ValueError, "decay"):
                GeneratorAverage(tiny_model().generator, decay)


class PreciseBatchNormTest(unittest.TestCase):
    def test_the_statistics_are_the_mean_of_the_batch_statistics(self) -> None:
        model = tiny_model()
        generator = model.generator
        torch.manual_seed(0)
        batches = [torch.randn(4, model.config.zDim) * (1 + k) for k in range(3)]
        first = generator.foreground[model.arch.foreground[0].name]
        self.assertTrue(first.spec.batch_norm)
        with torch.no_grad():
            outputs = [first._convolve(z.view(4, -1, 1, 1, 1)) for z in batches]
        dims = [0, 2, 3, 4]
        mean = torch.stack([y.mean(dims) for y in outputs]).mean(0)
        variance = torch.stack([y.var(dims, unbiased=True) for y in outputs]).mean(0)
        self.assertEqual(precise_batch_norm(generator, batches), 3)
        torch.testing.assert_close(first.movingMean, mean)
        torch.testing.assert_close(first.movingVariance, variance)
        for m in generator.modules():
            if isinstance(m, ConvLayer):
                self.assertEqual(m.momentum, BN_MOMENTUM)  # training's momentum is restored

    def test_no_batches_is_an_error(self) -> None:
        with self.assertRaisesRegex(ValueError, "at least one batch"):
            precise_batch_norm(tiny_model().generator, [])


class TrainScriptTest(unittest.TestCase):
    def test_the_average_is_published_and_resumed(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            run = Path(tmp, "run")
            command = [sys.executable, str(TRAINER / "train.py"), "--data", "shapes", "--out", str(run), "--preset", "tiny",
                       "--batch", "2", "--threads", "1", "--checkpoint-every", "1", "--quality-every", "1",
                       "--ema-decay", "0.5", "--precise-bn", "2"]
            subprocess.run([*command, "--iterations", "2"], check=True, capture_output=True, timeout=300)
            average_2 = Trainer.restore(run / "checkpoint").average
            subprocess.run([*command, "--iterations", "3"], check=True, capture_output=True, timeout=300)
            trained, _, _ = load_model(run / "checkpoint")
            published, topology, _ = load_model(run / "weights")
            self.assertEqual(topology["training"]["run"]["emaDecay"], 0.5)
            self.assertEqual(topology["training"]["run"]["preciseBatchNorm"], 2)
            # The resumed average took one more step: halfway from the saved average to the weights at 3.
            for a, w, p in zip(average_2.generator.parameters(), trained.generator.parameters(),
                               published.generator.parameters()):
                torch.testing.assert_close(p, (a + w) / 2)
            # Its BatchNorm statistics are recomputed, not the training model's running averages.
            self.assertFalse(all(torch.equal(a, b) for a, b in zip(published.generator.buffers(), trained.generator.buffers())))
            for a, b in zip(published.discriminator.parameters(), trained.discriminator.parameters()):
                torch.testing.assert_close(a, b)

    def test_the_card_names_the_settings(self) -> None:
        from publish import published_words
        self.assertIn("the paper's", published_words({}))
        both = published_words({"emaDecay": 0.999, "preciseBatchNorm": 64})
        self.assertIn("decay 0.999", both)
        self.assertIn("over 64 training-size batches", both)


if __name__ == "__main__":
    unittest.main()
