"""The playground's weights format (docs/weights.md, src/model/weights.ts): model.json + binary shards, tensors
named `<network>/<layer>/<param>` in tfjs layouts, `modelTopology` = VganTopology (format "vgan-weights",
version 1). Float32 tensors may be stored as float16 the way tfjs's converter quantises them."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

import re
from dataclasses import replace

from .config import UPSAMPLE_KINDS, ConfigError, LayerSpec, ModelConfig, architecture, validate_config
from .networks import ConvLayer, VganModel, tf_name
from .ops import resize_kernel, resize_kernel_inverse

WEIGHTS_FORMAT = "vgan-weights"
GENERATED_BY = "vgan-trainer (PyTorch)"
SHARD_BYTES = 4 * 1024 * 1024  # tfjs's converter default, as tools/lib/weights-files.ts
_DTYPES = {"float32": np.float32, "int32": np.int32, "uint8": np.uint8, "uint16": np.uint16,
           "float16": np.float16, "bool": np.bool_}


class WeightsError(ValueError):
    pass


SHARD_PATH = re.compile(r"^[\w.-]+$")


def _layer_params(prefix: str, spec: LayerSpec) -> dict[str, list[int]]:
    """src/model/params.ts's layerParams: one layer's tensors by tfjs name, in tfjs layouts."""
    name = f"{prefix}/{spec.name}"
    io_order = [spec.out_channels, spec.in_channels] if spec.transposed else [spec.in_channels, spec.out_channels]
    out = {f"{name}/kernel": [*spec.kernel, *io_order], f"{name}/bias": [spec.out_channels]}
    if spec.batch_norm:
        out.update({f"{name}/{p}": [spec.out_channels] for p in ("gamma", "beta", "movingMean", "movingVariance")})
    return out


def expected_params(topology: dict[str, Any]) -> dict[str, list[int]]:
    """The tensors (tfjs names and shapes) of the model a topology describes, without building it
    (src/model/networks.ts's modelParams)."""
    kind, generator, classes = topology.get("kind"), topology.get("generator"), topology.get("classes", 0)
    if kind not in ("unconditional", "future") or generator not in ("twoStream", "oneStream"):
        raise WeightsError(f"modelTopology: kind {kind!r} / generator {generator!r} is not a VGAN model")
    if not isinstance(classes, int) or not 0 <= classes <= 10_000:
        raise WeightsError(f"modelTopology.classes {classes!r} is not a class count")
    if topology.get("upsample", "transposed") not in UPSAMPLE_KINDS:
        raise WeightsError(f"modelTopology.upsample {topology.get('upsample')!r} is not one of {', '.join(UPSAMPLE_KINDS)}")
    a = architecture(config_of(topology), kind)
    layers = [("generator/encoder", s) for s in a.encoder]
    layers += [("generator/foreground", s) for s in (*a.foreground, a.video_head)]
    if generator == "twoStream":
        layers += [("generator/foreground", a.mask_head)] + [("generator/background", s) for s in a.background]
    layers += [("discriminator", s) for s in (*a.discriminator, a.discriminator_head)]
    if classes:
        layers.append(("classifier", replace(a.discriminator_head, name="logits", out_channels=classes)))
    return {n: shape for prefix, spec in layers for n, shape in _layer_params(prefix, spec).items()}


def topology_of(model: VganModel, training: dict[str, Any] | None = None) -> dict[str, Any]:
    t: dict[str, Any] = {"format": WEIGHTS_FORMAT, "version": 1, "config": model.config.to_json(), "kind": model.kind,
                         "generator": model.generator_kind, "upsample": model.upsample, "classes": model.classes,
                         "seed": model.seed}
    if training is not None:
        t["training"] = training
    return t


# --- files ------------------------------------------------------------------------------------------------

def read_weight_files(directory: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """model.json's modelTopology and every tensor of its manifest (dequantised to float32 where quantised)."""
    directory = Path(directory)
    where = directory / "model.json"
    try:
        model_json = json.loads(where.read_text())
        topology = model_json.get("modelTopology") or {}
        groups = model_json["weightsManifest"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError, AttributeError, KeyError, TypeError) as e:
        raise WeightsError(f"{where}: not a weights model.json ({type(e).__name__}: {e})") from None
    if topology.get("format") != WEIGHTS_FORMAT:
        raise WeightsError(f'{where}: not a VGAN weights file: modelTopology.format must be "{WEIGHTS_FORMAT}"')
    if topology.get("version") != 1:
        raise WeightsError(f"{where}: unsupported VGAN weights version {topology.get('version')}")
    # Checked before a byte of the shards is read: the manifest must list the model its config describes.
    listed = {s.get("name"): s.get("shape") for g in groups for s in g.get("weights", []) if isinstance(s, dict)}
    for name, shape in expected_params(topology).items():
        if name not in listed:
            raise WeightsError(f"{where}: lacks {name}, which the model its config describes has")
        if listed[name] != shape:
            raise WeightsError(f"{where}: {name} is listed as {listed[name]}, the model its config describes needs {shape}")
    tensors: dict[str, np.ndarray] = {}
    for group in groups:
        for p in group["paths"]:
            if not isinstance(p, str) or not SHARD_PATH.match(p) or p.startswith("."):
                raise WeightsError(f"{where} names the shard {p!r}: only plain file names beside model.json are read")
        try:
            data = b"".join((directory / p).read_bytes() for p in group["paths"])
        except OSError as e:
            raise WeightsError(f"{where}: a shard it names cannot be read ({e.filename}: {e.strerror})") from None
        offset = 0
        for spec in group["weights"]:
            q = spec.get("quantization")
            dtype = q["dtype"] if q else spec.get("dtype")
            shape = spec.get("shape")
            if dtype not in _DTYPES or not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
                raise WeightsError(f"{where}: {spec.get('name')!r} has dtype {dtype!r} and shape {shape!r}, which this reader cannot read")
            stored = np.dtype(_DTYPES[dtype])
            count = int(np.prod(shape, dtype=np.int64))
            end = offset + count * stored.itemsize
            if end > len(data):
                raise WeightsError(f"{where}: weights data is truncated: it ends inside {spec['name']}, the manifest needs more bytes than the shards hold")
            raw = np.frombuffer(data, dtype=stored.newbyteorder("<"), count=count, offset=offset)
            offset = end
            if q and q["dtype"] in ("uint8", "uint16"):
                values = raw.astype(np.float32) * q["scale"] + q["min"]
                raw = np.round(values).astype(np.int32) if spec["dtype"] == "int32" else values
            value = raw.astype(_DTYPES.get(spec.get("dtype"), np.float32)).reshape(shape)
            if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
                raise WeightsError(f"{where}: weight {spec['name']} holds NaN or Infinity: the file is corrupt or its training diverged")
            tensors[spec["name"]] = value
        if offset != len(data):
            raise WeightsError(f"{where}: weights data is too long: the manifest needs {offset} bytes, the shards hold {len(data)}")
    return topology, tensors


def write_weight_files(directory: str | Path, tensors: dict[str, np.ndarray], topology: dict[str, Any],
                       float16: bool = False) -> list[str]:
    """Writes model.json and group1-shardKofN.bin; with float16, float32 tensors are stored as float16."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    specs = []
    chunks = []
    for name, value in tensors.items():
        value = np.ascontiguousarray(value)
        spec: dict[str, Any] = {"name": name, "shape": list(value.shape)}
        if value.dtype == np.float32 and float16:
            half = value.astype(np.float16)
            if not np.all(np.isfinite(half)):
                raise WeightsError(f"{name} does not fit in float16")
            spec.update(dtype="float32", quantization={"dtype": "float16", "original_dtype": "float32"})
            chunks.append(half.astype("<f2").tobytes())
        elif value.dtype in (np.float32, np.int32):
            spec["dtype"] = str(value.dtype)
            chunks.append(value.astype(value.dtype.newbyteorder("<")).tobytes())
        else:
            raise WeightsError(f"{name}: unsupported dtype {value.dtype}")
        specs.append(spec)
    data = b"".join(chunks)
    count = max(1, -(-len(data) // SHARD_BYTES))
    paths = [f"group1-shard{i + 1}of{count}.bin" for i in range(count)]
    for old in directory.glob("group1-shard*.bin"):
        old.unlink()
    for i, p in enumerate(paths):
        (directory / p).write_bytes(data[i * SHARD_BYTES:(i + 1) * SHARD_BYTES])
    model_json = {"format": WEIGHTS_FORMAT, "generatedBy": GENERATED_BY, "modelTopology": topology,
                  "weightsManifest": [{"paths": paths, "weights": specs}]}
    (directory / "model.json").write_text(json.dumps(model_json, indent=1))
    return ["model.json", *paths]


# --- layouts ----------------------------------------------------------------------------------------------

def _kernel_layers(model: VganModel) -> dict[str, ConvLayer]:
    """tfjs layer prefix (e.g. discriminator/conv1) → layer."""
    return {tf_name(n): m for n, m in model.named_modules() if isinstance(m, ConvLayer)}


def _is_kernel(name: str, layers: dict[str, ConvLayer]) -> bool:
    return name.endswith("/kernel") and name[: -len("/kernel")] in layers


def to_tf_layout(t: torch.Tensor, is_kernel: bool) -> np.ndarray:
    """PyTorch [out, in, k…] (Conv) or [in, out, k…] (ConvTranspose) → tfjs [k…, in, out] / [k…, out, in]."""
    a = t.detach().cpu().float()
    if is_kernel:
        a = a.permute(*range(2, a.dim()), 1, 0)
    return a.contiguous().numpy()


def from_tf_layout(a: np.ndarray, is_kernel: bool) -> torch.Tensor:
    t = torch.from_numpy(np.array(a, dtype=np.float32))
    if is_kernel:
        rank = t.dim()
        t = t.permute(rank - 1, rank - 2, *range(rank - 2))
    return t.contiguous()


def _resized(name: str, layers: dict[str, ConvLayer]) -> bool:
    return _is_kernel(name, layers) and layers[name[: -len("/kernel")]].resize


def model_tensors(model: VganModel) -> dict[str, np.ndarray]:
    """Every parameter and BatchNorm statistic, by tfjs name, in tfjs layouts; a resize-convolution's kernel
    as the transposed convolution it equals, so that every weights file holds the paper's layers."""
    layers = _kernel_layers(model)
    return {name: to_tf_layout(resize_kernel(t) if _resized(name, layers) else t, _is_kernel(name, layers))
            for name, t in model.tf_named_tensors().items()}


def assign_weights(model: VganModel, tensors: dict[str, np.ndarray]) -> None:
    """Copies tfjs-layout tensors into the model; every parameter must be present with its exact shape."""
    layers = _kernel_layers(model)
    targets = model.tf_named_tensors()
    converted = {}
    for name, target in targets.items():
        if name not in tensors:
            raise WeightsError(f"weights file lacks {name}")
        value = from_tf_layout(tensors[name], _is_kernel(name, layers))
        if _resized(name, layers) and value.shape == (*target.shape[:2], *layers[name[: -len("/kernel")]].spec.kernel):
            try:
                value = resize_kernel_inverse(value, f"weight {name}")
            except ValueError as e:
                raise WeightsError(str(e)) from None
        if value.shape != target.shape:
            raise WeightsError(f"weight {name} has shape {list(tensors[name].shape)}, which does not fit {list(target.shape)}")
        converted[name] = value
    with torch.no_grad():
        for name, target in targets.items():
            target.copy_(converted[name])


def config_of(topology: dict[str, Any]) -> ModelConfig:
    try:
        c = topology["config"]
        config = ModelConfig(size=c["size"], frames=c["frames"], zDim=c["zDim"], baseChannels=c["baseChannels"],
                             batchSize=c["batchSize"], frameStride=c.get("frameStride", 1))
        validate_config(config)
    except (KeyError, TypeError, ConfigError) as e:
        raise WeightsError(f"modelTopology.config is not a model config ({type(e).__name__}: {e})") from None
    return config


def load_model(directory: str | Path) -> tuple[VganModel, dict[str, Any], dict[str, np.ndarray]]:
    """The model a weights directory describes, its topology, and the tensors the model does not own."""
    topology, tensors = read_weight_files(directory)
    model = VganModel(config_of(topology), topology["kind"], topology["generator"], topology.get("classes", 0),
                      topology.get("seed", 0), topology.get("upsample", "transposed"))
    assign_weights(model, tensors)
    owned = model.tf_named_tensors()
    return model, topology, {k: v for k, v in tensors.items() if k not in owned}


def save_model(model: VganModel, directory: str | Path, training: dict[str, Any] | None = None,
               extra: dict[str, np.ndarray] | None = None, float16: bool = False) -> list[str]:
    tensors = model_tensors(model)
    tensors.update(extra or {})
    return write_weight_files(directory, tensors, topology_of(model, training), float16)


def float16_error(model: VganModel, seed: int = 0) -> float:
    """Max abs change of the generator's video and the discriminator's logits (inference mode) when every
    weight is rounded to float16, on a fixed batch of inputs."""
    c = model.config
    g = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    gen_in = (torch.randn(4, c.zDim, generator=g) if model.kind == "unconditional"
              else torch.rand(4, 3, c.size, c.size, generator=g) * 2 - 1).to(device)
    video = (torch.rand(4, 3, c.frames, c.size, c.size, generator=g) * 2 - 1).to(device)
    tensors = model.tf_named_tensors()
    saved = {k: t.detach().clone() for k, t in tensors.items()}

    def outputs() -> list[torch.Tensor]:
        with torch.no_grad():
            return [model.generator(gen_in)["video"], model.discriminator(video)]

    try:
        reference = outputs()
        with torch.no_grad():
            for t in tensors.values():
                t.copy_(t.half().float())
        rounded = outputs()
    finally:
        with torch.no_grad():
            for k, t in tensors.items():
                t.copy_(saved[k])
    return max(float((a - b).abs().max()) for a, b in zip(reference, rounded))


def export_weights(model: VganModel, directory: str | Path, training: dict[str, Any] | None = None,
                   float16: bool = False, tolerance: float = 1e-2) -> bool:
    """Writes the playground's weights (no optimiser state). With float16, the tensors are stored as float16
    only if the outputs move by at most `tolerance` (about 1.3 levels of an 8-bit pixel on video in [−1, 1]);
    returns whether they were."""
    if float16:
        error = float16_error(model)
        if error > tolerance:
            print(f"float16 would move outputs by {error:.3g} > {tolerance}: writing float32", file=sys.stderr)
            float16 = False
    save_model(model, directory, training, float16=float16)
    return float16
