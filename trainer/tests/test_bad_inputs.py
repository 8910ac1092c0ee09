"""The bad-input corpus (tests/fixtures/bad-inputs, written by its make.ts) through the PyTorch trainer's
readers, against the expectations.json that the TypeScript test (tests/unit/bad-inputs.test.ts) reads too:
each error names the file and the defect, and the good files beside the bad one still load."""
from __future__ import annotations

import json
import resource
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vgan.data import ClipStream, DataError  # noqa: E402
from vgan.weights import WeightsError, load_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "bad-inputs"
CORPUS = json.loads((ROOT / "expectations.json").read_text())
CLASSES = {"DataError": DataError, "WeightsError": WeightsError}


def message_parts(want: dict) -> list[str]:
    return want["message"] if isinstance(want["message"], list) else want["message"]["py"]


class BadInputCorpusTest(unittest.TestCase):
    def assert_named(self, message: str, want: dict) -> None:
        for part in message_parts(want):
            self.assertIn(part, message)

    def test_every_bad_dataset_is_named_and_the_good_clips_beside_it_load(self) -> None:
        clip = CORPUS["datasets"]["clip"]
        for name, want in CORPUS["datasets"]["cases"].items():
            with self.subTest(name):
                directory = ROOT / "datasets" / name
                if want["loads"] is None:
                    with self.assertRaises(CLASSES[want["class"]["py"]]) as caught:
                        ClipStream(directory, clip["size"], clip["frames"], 1)
                    self.assert_named(str(caught.exception), want)
                    continue
                start = time.monotonic()
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                stream = ClipStream(directory, clip["size"], clip["frames"], 1, seed=0, shuffle_buffer=1)
                shards = stream.manifest["shards"]
                clips = [c for i, e in enumerate(shards) for c in stream._shard_clips(i, e, lambda _: True)]
                self.assertEqual(len(clips), want["loads"])
                self.assertEqual(len(stream.problems), 1, stream.problems)
                self.assert_named(stream.problems[0], want)
                # A decode bomb is refused from its header: no time spent and no 3.6 GB of pixels (ru_maxrss is in KiB).
                self.assertLess(time.monotonic() - start, 5)
                self.assertLess(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak, 256 << 10)

    def test_every_bad_weights_file_is_named_and_the_good_one_beside_it_loads(self) -> None:
        for name, want in CORPUS["weights"]["cases"].items():
            with self.subTest(name):
                with self.assertRaises(CLASSES[want["class"]["py"]]) as caught:
                    load_model(ROOT / "weights" / name)
                self.assert_named(str(caught.exception), want)
                model, _, _ = load_model(ROOT / "weights" / CORPUS["weights"]["good"])
                self.assertGreater(sum(p.numel() for p in model.parameters()), 0)


if __name__ == "__main__":
    unittest.main()
