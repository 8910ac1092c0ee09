"""The PyTorch reader refuses bad datasets as the TypeScript loader does: a bad shard or clip costs only
itself and is reported by name, names that leave the dataset folder are refused, sizes, counts and sha256
are enforced, undecodable frames are errors, and a decode bomb is refused from its header."""
from __future__ import annotations

import hashlib
import io
import json
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vgan.data import ClipStream, DataError, read_manifest  # noqa: E402
from test_core import write_dataset  # noqa: E402


def tar_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def add_shard(directory: Path, name: str, shard: bytes, count: int, **lie) -> None:
    """Appends a shard of `count` clips and its manifest entry (fields in `lie` replace the true ones)."""
    (directory / name).write_bytes(shard)
    manifest = json.loads((directory / "manifest.json").read_text())
    entry = {"name": name, "bytes": len(shard), "sha256": hashlib.sha256(shard).hexdigest(), "clips": count, **lie}
    manifest["shards"].append(entry)
    manifest["clips"] += count
    (directory / "manifest.json").write_text(json.dumps(manifest))


def clip_files(key: str, strip: bytes, ext: str = "jpg", frames: int = 8, side: int = 16) -> dict[str, bytes]:
    meta = {"frames": frames, "frameWidth": side, "frameHeight": side, "fps": 25, "source": "test", "licence": "CC0"}
    return {f"{key}.{ext}": strip, f"{key}.json": json.dumps(meta).encode()}


class BadShardTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name, "d")
        write_dataset(self.dir, clips=3, frames=8, side=16)  # one good shard of 3 clips

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def epoch(self) -> tuple[int, list[str]]:
        """The clips one pass over every shard yields, and the problems reported."""
        stream = ClipStream(self.dir, 16, 8, 1, seed=0, shuffle_buffer=1)
        count = sum(len(stream._shard_clips(i, e, lambda _: True)) for i, e in enumerate(stream.manifest["shards"]))
        self.assertEqual(len(stream.problems), stream.errors)
        return count, stream.problems

    def test_a_bad_shard_costs_only_itself_and_is_named(self) -> None:
        good = (self.dir / "shard-000000.tar").read_bytes()
        cases = {
            "truncated.tar": (good[: len(good) // 2], {"bytes": len(good) // 2}, "not a readable tar shard"),
            "short.tar": (good[: len(good) - 600], {"bytes": len(good)}, "the manifest says"),
            "altered.tar": (good[:-1] + b"x", {"sha256": hashlib.sha256(good).hexdigest()}, "sha256 differs"),
            "miscounted.tar": (good, {"clips": 7}, "3 clips, the manifest says 7"),
        }
        for name, (data, lie, message) in cases.items():
            add_shard(self.dir, name, data, 3, **lie)
        count, problems = self.epoch()
        self.assertEqual(count, 3)  # the good shard's clips, all of them
        for name, (_, _, message) in cases.items():
            self.assertTrue(any(name in p and message in p for p in problems), f"{name}: {problems}")

    def test_names_that_leave_the_folder_are_refused(self) -> None:
        outside = Path(self.tmp.name, "outside.tar")
        outside.write_bytes((self.dir / "shard-000000.tar").read_bytes())
        add_shard(self.dir, "../outside.tar", outside.read_bytes(), 3)
        count, problems = self.epoch()
        self.assertEqual(count, 3)
        self.assertTrue(any("'../outside.tar'" in p and "leaves the folder" in p for p in problems), problems)


class BadClipTest(unittest.TestCase):
    def test_each_bad_clip_is_named_and_the_good_ones_load(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp, "d")
            write_dataset(directory, clips=2, frames=8, side=16)
            jpg = io.BytesIO()
            Image.fromarray(np.zeros((128, 16, 3), np.uint8)).save(jpg, format="JPEG")
            header_only = jpg.getvalue()[: jpg.getvalue().index(b"\xff\xda")]  # no scan: PIL would show flat grey
            bomb = io.BytesIO()
            Image.new("L", (8000, 8000)).save(bomb, format="PNG")  # 64 MB of pixels in a few KB
            members = {**clip_files("clip0000010", header_only), **clip_files("clip0000011", bomb.getvalue(), "png"),
                       **clip_files("clip0000012", jpg.getvalue()[:200]), "clip0000013.jpg": jpg.getvalue(),
                       "clip0000013.json": b"{not json", **clip_files("clip0000014", jpg.getvalue())}
            add_shard(directory, "mixed.tar", tar_of(members), 5)
            stream = ClipStream(directory, 16, 8, 1, seed=0, shuffle_buffer=1)
            entries = stream.manifest["shards"]
            clips = [c for i, e in enumerate(entries) for c in stream._shard_clips(i, e, lambda _: True)]
            self.assertEqual(len(clips), 3)  # two from the good shard, clip0000014 from the mixed one
            problems = "\n".join(stream.problems)
            for key in ("clip0000010", "clip0000011", "clip0000012", "clip0000013"):
                self.assertIn(key, problems)
            self.assertIn("8000×8000, expected 16×128", problems)  # refused from the header, never decoded


class BadManifestTest(unittest.TestCase):
    def test_malformed_manifests_get_named_errors(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            cases = {
                "{": "not JSON (JSONDecodeError",
                "[" * 100000: "not JSON (RecursionError",
                "[]": "not a JSON object",
                json.dumps({"format": "vgan-shards", "version": 1, "frames": -1, "frameWidth": 16, "frameHeight": 16,
                            "clips": 1, "shards": [{}]}): "frames = -1",
                json.dumps({"format": "vgan-shards", "version": 1, "frames": 8, "frameWidth": 16, "frameHeight": 16,
                            "clips": 1, "shards": []}): "non-empty list",
            }
            for text, message in cases.items():
                (directory / "manifest.json").write_text(text)
                with self.assertRaises(DataError) as caught:
                    read_manifest(directory)
                self.assertIn("manifest.json", str(caught.exception))
                self.assertIn(message, str(caught.exception))
            with self.assertRaises(DataError) as caught:
                read_manifest(directory / "nothing")
            self.assertIn("no such file", str(caught.exception))


class BadWeightsTest(unittest.TestCase):
    """The weights reader (vgan/weights.py) checks a file before trusting it, as src/model/weights.ts does."""

    def setUp(self) -> None:
        from vgan.config import resolve_config
        from vgan.networks import VganModel
        from vgan.weights import save_model
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        save_model(VganModel(resolve_config("tiny", baseChannels=8), seed=1), self.dir)
        self.json = json.loads((self.dir / "model.json").read_text())

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def refused(self, edit, message: str) -> None:
        from vgan.weights import WeightsError, load_model
        model_json = json.loads(json.dumps(self.json))
        edit(model_json)
        (self.dir / "model.json").write_text(json.dumps(model_json))
        with self.assertRaises(WeightsError) as caught:
            load_model(self.dir)
        self.assertIn(message, str(caught.exception))

    def test_a_config_claiming_a_bigger_model_is_refused_before_it_is_built(self) -> None:
        def paper_size(j):
            j["modelTopology"]["config"].update(size=64, frames=32, baseChannels=512)
        self.refused(paper_size, "generator/foreground/conv1/kernel is listed as")
        self.refused(lambda j: j["modelTopology"].update(kind="huge"), "is not a VGAN model")
        self.refused(lambda j: j["modelTopology"]["config"].pop("zDim"), "is not a model config")

    def test_shard_names_outside_the_folder_bad_specs_and_non_finite_values(self) -> None:
        self.refused(lambda j: j["weightsManifest"][0].update(paths=["../model.json"]), "only plain file names")
        self.refused(lambda j: j["weightsManifest"][0]["weights"][0].update(dtype="complex64"), "cannot read")
        self.refused(lambda j: j["weightsManifest"][0]["weights"][0].update(shape=[-1]), "is listed as")
        (self.dir / "model.json").write_text("{")
        from vgan.weights import WeightsError, load_model
        with self.assertRaises(WeightsError) as caught:
            load_model(self.dir)
        self.assertIn("not a weights model.json", str(caught.exception))
        (self.dir / "model.json").write_text(json.dumps(self.json))
        shard = self.dir / self.json["weightsManifest"][0]["paths"][0]
        data = bytearray(shard.read_bytes())
        data[0:4] = np.array([np.nan], dtype="<f4").tobytes()  # the first tensor's first value
        shard.write_bytes(bytes(data))
        first = self.json["weightsManifest"][0]["weights"][0]["name"]
        with self.assertRaises(WeightsError) as caught:
            load_model(self.dir)
        self.assertIn(f"weight {first} holds NaN or Infinity", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
