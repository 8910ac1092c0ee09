"""Layer rule, transposed convolutions, weights files, checkpoints, data reader and the train.py CLI."""
from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

TRAINER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TRAINER))

from vgan import ops  # noqa: E402
from vgan.config import architecture, load_presets, resolve_config  # noqa: E402
from vgan.data import ClipStream, DataError, prepare_clip  # noqa: E402
from vgan.networks import VganModel  # noqa: E402
from vgan.procedural import ProceduralStream, first_frames, reference_clips  # noqa: E402
from vgan.seed import derive_seed  # noqa: E402
from vgan.trainer import Trainer, TrainerOptions  # noqa: E402
from vgan.weights import export_weights, load_model, read_weight_files, save_model  # noqa: E402

torch.set_num_threads(1)


def row(spec) -> str:
    return f"{'x'.join(map(str, spec.in_shape))}>{'x'.join(map(str, spec.out_shape))} k{''.join(map(str, spec.kernel))} s{spec.stride}"


class ConfigTest(unittest.TestCase):
    def test_paper_preset_gives_the_authors_tables(self) -> None:
        a = architecture(resolve_config("paper"))
        self.assertEqual([row(s) for s in [*a.foreground, a.video_head, a.mask_head]], [
            "1x1x1x100>2x4x4x512 k244 s1", "2x4x4x512>4x8x8x256 k444 s2", "4x8x8x256>8x16x16x128 k444 s2",
            "8x16x16x128>16x32x32x64 k444 s2", "16x32x32x64>32x64x64x3 k444 s2", "16x32x32x64>32x64x64x1 k444 s2"])
        self.assertEqual([row(s) for s in a.background], [
            "1x1x100>4x4x512 k44 s1", "4x4x512>8x8x256 k44 s2", "8x8x256>16x16x128 k44 s2",
            "16x16x128>32x32x64 k44 s2", "32x32x64>64x64x3 k44 s2"])
        self.assertEqual([row(s) for s in [*a.discriminator, a.discriminator_head]], [
            "32x64x64x3>16x32x32x64 k444 s2", "16x32x32x64>8x16x16x128 k444 s2", "8x16x16x128>4x8x8x256 k444 s2",
            "4x8x8x256>2x4x4x512 k444 s2", "2x4x4x512>1x1x1x1 k244 s1"])
        f = architecture(resolve_config("paper"), "future")
        self.assertEqual([row(s) for s in f.foreground][:2], ["1x4x4x1024>2x4x4x1024 k211 s1", "2x4x4x1024>4x8x8x512 k444 s2"])
        self.assertEqual(row(f.encoder[-1]), "8x8x512>4x4x1024 k44 s2")

    def test_derive_seed_matches_typescript(self) -> None:
        # Values printed by src/model/seed.ts's deriveSeed for the same arguments.
        self.assertEqual(derive_seed(1, "z", 0, 0), 885001372)
        self.assertEqual(derive_seed(7, "generator/foreground/conv1", "kernel"), 2122578515)
        self.assertEqual(derive_seed(4294967295, "z", 12, 3), 1615686281)


class OpsTest(unittest.TestCase):
    def test_gradient_form_equals_conv_transpose(self) -> None:
        for dims in (2, 3):
            x = torch.randn(2, 6, *([3] * dims), dtype=torch.float64, requires_grad=True)
            w = torch.randn(6, 4, *([4] * dims), dtype=torch.float64, requires_grad=True)
            native = (F.conv_transpose3d if dims == 3 else F.conv_transpose2d)(x, w, None, 2, 1)
            mine = ops.conv_transpose(x, w, tuple(native.shape[2:]), 2, 1)
            self.assertLess(float((native - mine).abs().max()), 1e-10)
            g = torch.randn_like(native)
            gx1, gw1 = torch.autograd.grad(native, [x, w], g)
            gx2, gw2 = torch.autograd.grad(mine, [x, w], g)
            self.assertLess(float((gx1 - gx2).abs().max()), 1e-10)
            self.assertLess(float((gw1 - gw2).abs().max()), 1e-10)


class WeightsTest(unittest.TestCase):
    def test_round_trip_and_float16(self) -> None:
        model = VganModel(resolve_config("tiny"), classes=3, seed=4)
        with tempfile.TemporaryDirectory() as tmp:
            save_model(model, Path(tmp, "f32"))
            loaded, topology, extra = load_model(Path(tmp, "f32"))
            self.assertEqual((topology["format"], topology["version"], topology["classes"]), ("vgan-weights", 1, 3))
            self.assertEqual(extra, {})
            for (n, a), b in zip(model.tf_named_tensors().items(), loaded.tf_named_tensors().values()):
                self.assertTrue(torch.equal(a, b), n)
            self.assertTrue(export_weights(model, Path(tmp, "f16"), float16=True))
            spec = json.loads(Path(tmp, "f16", "model.json").read_text())["weightsManifest"][0]["weights"][0]
            self.assertEqual(spec["quantization"]["dtype"], "float16")
            size = lambda d: sum(p.stat().st_size for p in Path(tmp, d).glob("*.bin"))  # noqa: E731
            self.assertEqual(size("f16") * 2, size("f32"))
            _, half = read_weight_files(Path(tmp, "f16"))
            _, full = read_weight_files(Path(tmp, "f32"))
            for k in full:
                np.testing.assert_allclose(half[k], full[k], rtol=1e-3, atol=1e-7)


class CheckpointTest(unittest.TestCase):
    def test_resume_continues_exactly(self) -> None:
        config = resolve_config("tiny")
        reals = [torch.tanh(torch.randn(4, 3, config.frames, config.size, config.size, generator=torch.Generator().manual_seed(i)))
                 for i in range(3)]
        straight = Trainer(VganModel(config, seed=2), TrainerOptions(seed=2))
        for r in reals:
            straight.step(r)
        first = Trainer(VganModel(config, seed=2), TrainerOptions(seed=2))
        for r in reals[:2]:
            first.step(r)
        with tempfile.TemporaryDirectory() as tmp:
            first.save_checkpoint(tmp)
            resumed = Trainer.restore(tmp)
        self.assertEqual(resumed.iteration, 2)
        resumed.step(reals[2])
        for (n, a), b in zip(straight.model.tf_named_tensors().items(), resumed.model.tf_named_tensors().values()):
            self.assertTrue(torch.equal(a, b), n)


def write_dataset(directory: Path, clips: int, frames: int, side: int) -> None:
    """A tiny dataset in the playground's layout: moving squares, JPEG strips + JSON sidecars."""
    directory.mkdir(parents=True)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for c in range(clips):
            strip = np.zeros((frames * side, side, 3), dtype=np.uint8)
            for t in range(frames):
                strip[t * side + 4 + t:t * side + 12 + t, 4 + c:12 + c] = (255, 128, 0)
            jpg = io.BytesIO()
            Image.fromarray(strip).save(jpg, format="JPEG", quality=95)
            meta = {"frames": frames, "frameWidth": side, "frameHeight": side, "fps": 25, "source": "test", "licence": "CC0"}
            for name, data in ((f"clip{c:07d}.jpg", jpg.getvalue()), (f"clip{c:07d}.json", json.dumps(meta).encode())):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    shard = buffer.getvalue()
    (directory / "shard-000000.tar").write_bytes(shard)
    manifest = {"format": "vgan-shards", "version": 1, "name": "test", "clips": clips, "frames": frames,
                "frameWidth": side, "frameHeight": side, "hasMask": False, "attribution": [],
                "shards": [{"name": "shard-000000.tar", "bytes": len(shard), "sha256": hashlib.sha256(shard).hexdigest(), "clips": clips}]}
    (directory / "manifest.json").write_text(json.dumps(manifest))


class LayerTableTest(unittest.TestCase):
    def test_layer_rule_matches_the_typescript_tables(self) -> None:
        """tests/fixtures/layer-tables.json holds src/model/config.ts's tables (tests/unit/layer-tables.test.ts)."""
        fixture = json.loads((TRAINER.parent / "tests" / "fixtures" / "layer-tables.json").read_text())
        presets = load_presets()
        self.assertEqual(sorted(k.split("/")[0] for k in fixture), sorted(p for p in presets for _ in range(2)))
        for key, want in fixture.items():
            preset, kind = key.split("/")
            a = architecture(presets[preset], kind)
            self.assertEqual(a.config.to_json(), want["config"], key)
            self.assertEqual(a.width, want["width"], key)

            def as_json(spec) -> dict:
                return {"name": spec.name, "op": spec.op, "inChannels": spec.in_channels, "outChannels": spec.out_channels,
                        "kernel": list(spec.kernel), "stride": spec.stride, "pad": spec.pad, "batchNorm": spec.batch_norm,
                        "activation": spec.activation, "inShape": list(spec.in_shape), "outShape": list(spec.out_shape)}

            for field, ours in (("encoder", a.encoder), ("foreground", a.foreground), ("background", a.background),
                                ("discriminator", a.discriminator)):
                self.assertEqual([as_json(s) for s in ours], want[field], f"{key} {field}")
            for field, ours in (("videoHead", a.video_head), ("maskHead", a.mask_head),
                                ("discriminatorHead", a.discriminator_head)):
                self.assertEqual(as_json(ours), want[field], f"{key} {field}")


class DataTest(unittest.TestCase):
    def test_resize_and_repeat_last_frame(self) -> None:
        strip = np.arange(3 * 8 * 8 * 3, dtype=np.uint8).reshape(3 * 8, 8, 3) % 200
        out = prepare_clip(strip, {"frames": 3, "frameWidth": 8, "frameHeight": 8}, 4, 5)
        self.assertEqual(out.shape, (5, 4, 4, 3))
        np.testing.assert_array_equal(out[3], out[2])
        np.testing.assert_array_equal(out[4], out[2])
        # Halving averages 2×2 blocks.
        block = strip[0:2, 0:2].astype(float).mean(axis=(0, 1))
        np.testing.assert_array_equal(out[0, 0, 0], np.rint(block))
        # A frame stride of 2 takes source frames 0, 2, then repeats the last (2).
        strided = prepare_clip(strip, {"frames": 3, "frameWidth": 8, "frameHeight": 8}, 4, 3, stride=2)
        np.testing.assert_array_equal(strided[0], out[0])
        np.testing.assert_array_equal(strided[1], out[2])
        np.testing.assert_array_equal(strided[2], out[2])

    def test_stream_batches(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            write_dataset(Path(tmp, "d"), clips=6, frames=6, side=32)
            batch = next(iter(ClipStream(Path(tmp, "d"), size=16, frames=8, batch=4, seed=1)))
            self.assertEqual(tuple(batch.shape), (4, 3, 8, 16, 16))
            self.assertGreaterEqual(float(batch.min()), -1)
            self.assertLessEqual(float(batch.max()), 1)
            shares = [next(iter(ClipStream(Path(tmp, "d"), 16, 8, 3, seed=1, rank=r, world=2))) for r in (0, 1)]
            self.assertFalse(torch.equal(shares[0], shares[1]))

    def test_batches_mix_every_shard_and_keep_the_sources_asked_for(self) -> None:
        """Shards grouped by source (four shards of eight clips, one colour and one source video each): the first
        eight clips drawn one at a time come from at least three shards, where a buffer of eight clips would give
        at most two; `sources` keeps the named videos' clips only."""
        from test_bad_data import add_shard, clip_files, tar_of

        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp, "d")
            write_dataset(directory, clips=0, frames=8, side=16)
            colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)]
            for s, colour in enumerate(colours):
                members: dict[str, bytes] = {}
                for c in range(8):
                    jpg = io.BytesIO()
                    Image.fromarray(np.full((8 * 16, 16, 3), colour, dtype=np.uint8)).save(jpg, format="JPEG", quality=95)
                    files = clip_files(f"clip{8 * s + c:07d}", jpg.getvalue())
                    sidecar = f"clip{8 * s + c:07d}.json"
                    files[sidecar] = json.dumps({**json.loads(files[sidecar]), "source": f"video{s}.avi@{16 * c}"}).encode()
                    members.update(files)
                add_shard(directory, f"shard-{s + 1:06d}.tar", tar_of(members), 8)
            def shards_drawn(stream: ClipStream, n: int) -> set[int]:
                it = iter(stream)
                pixels = [next(it)[0, :, 0, 8, 8].numpy() for _ in range(n)]
                return {int(np.argmin([np.abs(p - (np.array(k) / 127.5 - 1)).sum() for k in colours])) for p in pixels}

            self.assertGreaterEqual(len(shards_drawn(ClipStream(directory, 16, 8, 1, seed=0), 8)), 3)
            # --sources keeps the clips whose sidecar's source starts with a name given (shard s holds videoS.avi's).
            self.assertEqual(shards_drawn(ClipStream(directory, 16, 8, 1, seed=0, sources=["video1.avi", "video3"]), 16), {1, 3})
            with self.assertRaisesRegex(DataError, "no readable clips"):
                next(iter(ClipStream(directory, 16, 8, 1, seed=0, sources=["other.avi"])))

    def test_mirror_flips_some_clips_of_the_same_sequence(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            write_dataset(Path(tmp, "d"), clips=8, frames=8, side=32)
            plain = next(iter(ClipStream(Path(tmp, "d"), 16, 8, 8, seed=2)))
            mirrored = next(iter(ClipStream(Path(tmp, "d"), 16, 8, 8, seed=2, mirror=True)))
            verdicts = ["same" if torch.equal(p, m) else "flipped" if torch.equal(p.flip(-1), m) else "other"
                        for p, m in zip(plain, mirrored)]
            self.assertIn("same", verdicts)
            self.assertIn("flipped", verdicts)
            self.assertNotIn("other", verdicts)


class TrainScriptTest(unittest.TestCase):
    def test_train_resume_and_export(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            write_dataset(Path(tmp, "d"), clips=8, frames=8, side=16)
            command = [sys.executable, str(TRAINER / "train.py"), "--data", str(Path(tmp, "d")), "--out", str(Path(tmp, "run")),
                       "--preset", "tiny", "--batch", "2", "--threads", "1", "--log-every", "1", "--float16"]
            subprocess.run([*command, "--iterations", "2"], check=True, capture_output=True, timeout=300)
            subprocess.run([*command, "--iterations", "3"], check=True, capture_output=True, timeout=300)
            lines = [json.loads(x) for x in Path(tmp, "run", "metrics.jsonl").read_text().splitlines()]
            self.assertEqual([x["iteration"] for x in lines if "quality" not in x], [0, 1, 2])
            # Quality is measured after the last iteration of each segment (no mask: one-stream numbers only).
            self.assertEqual([x["iterations"] for x in lines if "quality" in x], [2, 3])
            model, topology, extra = load_model(Path(tmp, "run", "weights"))
            self.assertEqual((topology["training"]["iteration"], extra), (3, {}))

    def test_fresh_procedural_clips_quality_and_best_weights(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            run = Path(tmp, "run")
            command = [sys.executable, str(TRAINER / "train.py"), "--data", "shapes", "--out", str(run), "--preset", "tiny",
                       "--batch", "2", "--threads", "1", "--log-every", "1", "--quality-every", "2", "--frame-stride", "2"]
            subprocess.run([*command, "--iterations", "4"], check=True, capture_output=True, timeout=300)
            lines = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
            quality = [x for x in lines if "quality" in x]
            self.assertEqual([x["iterations"] for x in quality], [2, 4])
            for x in quality:
                self.assertEqual(set(x["quality"]), {"flicker", "highFrequency", "maskCoverage", "stillness"})
                self.assertEqual(x["real"]["stillness"], 0)  # procedural backgrounds are perfectly still
            best = json.loads((run / "best" / "quality.json").read_text())
            self.assertEqual(best["score"], min(x["score"] for x in quality))
            model, topology, _ = load_model(run / "best")
            self.assertEqual(topology["training"]["iteration"], best["iterations"])
            self.assertEqual(model.config.frameStride, 2)


class MaskIouTest(unittest.TestCase):
    def test_pooled_and_per_frame_iou_of_a_held_mask(self) -> None:
        """A one-pixel object moving one pixel a frame: its held first-frame mask meets it at frame 0 only."""
        from mask_iou import iou, report

        truth = np.zeros((1, 3, 4, 4), dtype=bool)
        for t in range(3):
            truth[0, t, 1, t] = True
        held = np.broadcast_to(truth[:, :1], truth.shape)
        self.assertEqual(iou(held, truth), 1 / 5)  # one pixel shared of five marked
        self.assertEqual(report("held", held, truth), "| held | 0.200 | 1.000 | 0.000 | 0.000 |")
        self.assertEqual(iou(np.zeros_like(truth), np.zeros_like(truth)), 1.0)  # two empty masks agree


class ProceduralStreamTest(unittest.TestCase):
    def test_resumed_and_parallel_streams_draw_the_clips_of_one_process(self) -> None:
        whole = iter(ProceduralStream("shapes", 16, 4, 2, batch=4, seed=3))
        first, second = next(whole), next(whole)
        resumed = next(iter(ProceduralStream("shapes", 16, 4, 2, batch=4, seed=3, start_batch=1)))
        self.assertTrue(torch.equal(resumed, second))
        halves = [next(iter(ProceduralStream("shapes", 16, 4, 2, batch=2, seed=3, rank=r, world=2))) for r in (0, 1)]
        self.assertTrue(torch.equal(torch.cat(halves), first))
        self.assertEqual(tuple(first.shape), (4, 3, 4, 16, 16))

    def test_a_future_models_inputs_are_first_frames_of_procedural_or_stored_clips(self) -> None:
        frames = first_frames("shapes", 1, 3, 16, 8, 4)
        rgb, _ = reference_clips("shapes", 1, 3, 16, 8, 4)[2]
        self.assertEqual(tuple(frames.shape), (3, 3, 16, 16))
        self.assertTrue(torch.equal(frames[2], torch.from_numpy(rgb[0]).permute(2, 0, 1).float() / 127.5 - 1))
        with tempfile.TemporaryDirectory() as tmp:
            write_dataset(Path(tmp, "d"), clips=3, frames=8, side=16)
            stored = first_frames(str(Path(tmp, "d")), 0, 2, 16, 8, 1)
            batch = next(iter(ClipStream(Path(tmp, "d"), 16, 8, 2, seed=0)))
        self.assertTrue(torch.equal(stored, batch[:, :, 0]))


if __name__ == "__main__":
    unittest.main()
