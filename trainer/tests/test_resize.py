"""Resize-convolutions (vgan/ops.py resize_kernel, the model's upsample "resize"); the TypeScript twin's agreement
is checked by tests/unit/trainer-parity.test.ts and tests/unit/resize.test.ts."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import torch
import torch.nn.functional as F

from test_core import TRAINER  # noqa: F401  (puts trainer/ on the path)
from vgan.config import resolve_config  # noqa: E402
from vgan.networks import VganModel  # noqa: E402
from vgan.ops import resize_kernel, resize_kernel_inverse  # noqa: E402
from vgan.trainer import Trainer, TrainerOptions  # noqa: E402
from vgan.weights import WeightsError, load_model, read_weight_files, save_model  # noqa: E402


def tiny_model(upsample: str = "resize") -> VganModel:
    return VganModel(resolve_config("tiny", baseChannels=8), seed=1, upsample=upsample)


class ResizeTest(unittest.TestCase):
    def test_equals_nearest_upsampling_then_a_same_convolution(self) -> None:
        torch.manual_seed(0)
        for dims, conv, transposed in ((3, F.conv3d, F.conv_transpose3d), (2, F.conv2d, F.conv_transpose2d)):
            x = torch.randn(2, 3, *([3] * dims))
            taps = torch.randn(3, 5, *([3] * dims))  # a transposed layer's [in, out, k…]
            want = conv(F.interpolate(x, scale_factor=2, mode="nearest"), taps.transpose(0, 1), None, 1, 1)
            got = transposed(x, resize_kernel(taps), None, 2, 1)
            self.assertLess(float((got - want).abs().max()), 1e-4)
            back = resize_kernel_inverse(resize_kernel(taps), "test")
            self.assertLess(float((back - taps).abs().max()), 1e-5)
        with self.assertRaisesRegex(ValueError, "not a resize-convolution's"):
            resize_kernel_inverse(torch.randn(3, 5, 4, 4, 4), "free")

    def test_only_the_generators_stride_2_layers_train_taps_and_files_hold_the_papers_layers(self) -> None:
        model, paper = tiny_model(), tiny_model("transposed")
        shapes = {n: p.shape for n, p in paper.named_parameters()}
        changed = sorted(n for n, p in model.named_parameters() if p.shape != shapes[n])
        self.assertEqual(changed, ["generator.background.conv2.kernel", "generator.background.rgb.kernel",
                                   "generator.foreground.conv2.kernel", "generator.foreground.mask.kernel",
                                   "generator.foreground.video.kernel"])
        z = torch.randn(2, model.config.zDim)
        with tempfile.TemporaryDirectory() as tmp:
            save_model(model, tmp)
            topology, tensors = read_weight_files(tmp)
            self.assertEqual(topology["upsample"], "resize")
            self.assertEqual(list(tensors["generator/foreground/video/kernel"].shape), [4, 4, 4, 3, 8])
            again, _, _ = load_model(tmp)
            self.assertEqual(again.upsample, "resize")
            with torch.no_grad():
                want = model.generator(z)["video"]
                self.assertLess(float((again.generator(z)["video"] - want).abs().max()), 1e-5)
                # The paper's generator reads the same file as it is.
                paper_model = tiny_model("transposed")
                from vgan.weights import assign_weights
                assign_weights(paper_model, tensors)
                self.assertLess(float((paper_model.generator(z)["video"] - want).abs().max()), 1e-5)
        with tempfile.TemporaryDirectory() as tmp:
            save_model(paper, tmp)
            model_json = Path(tmp, "model.json")
            model_json.write_text(model_json.read_text().replace('"upsample": "transposed"', '"upsample": "resize"'))
            with self.assertRaisesRegex(WeightsError, "not a resize-convolution's"):
                load_model(tmp)
            model_json.write_text(model_json.read_text().replace('"upsample": "resize"', '"upsample": "bilinear"'))
            with self.assertRaisesRegex(WeightsError, "upsample 'bilinear'"):
                load_model(tmp)

    def test_a_checkpoint_resumes_exactly(self) -> None:
        options = TrainerOptions(upsample="resize", seed=1, emaDecay=0.5)  # the model's seed, which restore keeps
        torch.manual_seed(0)
        real = torch.tanh(torch.randn(4, 3, 8, 16, 16))
        straight = Trainer(tiny_model(), options)
        straight.step(real)
        with tempfile.TemporaryDirectory() as tmp:
            straight.save_checkpoint(tmp)
            resumed = Trainer.restore(tmp)
        self.assertEqual(resumed.model.upsample, "resize")
        for _ in range(2):
            straight.step(real)
            resumed.step(real)
        for (name, a), b in zip(straight.model.named_parameters(), resumed.model.parameters()):
            self.assertTrue(torch.equal(a, b), name)

    def test_train_py_records_it_and_the_card_names_it(self) -> None:
        from publish import upsample_words
        with tempfile.TemporaryDirectory() as tmp:
            run = Path(tmp, "run")
            subprocess.run([sys.executable, str(TRAINER / "train.py"), "--data", "shapes", "--out", str(run), "--preset",
                            "tiny", "--batch", "2", "--threads", "1", "--base-channels", "8", "--iterations", "1",
                            "--upsample", "resize", "--quality-every", "0"], check=True, capture_output=True, timeout=300)
            model, topology, _ = load_model(run / "checkpoint")
            self.assertEqual((model.upsample, topology["training"]["options"]["upsample"]), ("resize", "resize"))
            self.assertEqual(load_model(run / "weights")[0].upsample, "resize")
        self.assertIn("`--upsample resize`", upsample_words({"upsample": "resize"}))
        self.assertEqual(upsample_words({}), "")


if __name__ == "__main__":
    unittest.main()
