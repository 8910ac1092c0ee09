"""The paper's baseline (§4.1), as src/eval/autoencoder.ts and src/eval/gmm.ts: an autoencoder whose encoder is
the discriminator's trunk ending in a zDim code (layer `encoder/code`) and whose decoder is the two-stream
generator, trained on mean squared reconstruction error; then a diagonal Gaussian mixture fitted by EM on the
codes of the training clips. Files: the VGAN weights format (the code layer as `encoder/code/*`, the record
{"baseline": "autoencoder", ...} in modelTopology.training) and gmm.json ("vgan-gmm"), both read by the app."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .config import ModelConfig, code_head
from .networks import DISCRIMINATOR_EPSILON, Stack, VganModel
from .seed import derive_seed
from .trainer import ADAM_BETA2, ADAM_EPSILON
from .weights import WeightsError, assign_weights, load_model, model_tensors, save_model

GMM_FORMAT = "vgan-gmm"


def attach_encoder(model: VganModel) -> VganModel:
    """Adds the code layer to a two-stream unconditional VganModel (seeded from the model's seed)."""
    if model.kind != "unconditional" or model.generator_kind != "twoStream":
        raise ValueError("autoencoder: the decoder is the unconditional two-stream generator")
    with torch.random.fork_rng():
        torch.manual_seed(derive_seed(model.seed, "encoder/code"))
        model.encoder = Stack([code_head(model.arch)], DISCRIMINATOR_EPSILON)
    return model


def encode(model: VganModel, video: torch.Tensor, training: bool = False) -> torch.Tensor:
    """Codes [N, zDim] of videos [N, 3, T, H, W]."""
    h = model.discriminator.trunk(video, training)
    return model.encoder["code"](h, training).reshape(video.shape[0], model.config.zDim)


def reconstruct(model: VganModel, video: torch.Tensor, training: bool = False) -> torch.Tensor:
    return model.generator(encode(model, video, training), training)["video"]


class BaselineTrainer:
    """Adam on the generator, D's trunk and the code layer (D's real/fake head is not part of it)."""

    def __init__(self, model: VganModel, preset: str, learning_rate: float = 1e-3, beta1: float = 0.5) -> None:
        self.model = model
        self.options = {"preset": preset, "seed": model.seed, "learningRate": learning_rate, "beta1": beta1}
        self.iteration = 0
        self.params = [p for name, p in model.named_parameters() if not name.startswith("discriminator.layers.logit.")]
        self.opt = torch.optim.Adam(self.params, lr=learning_rate, betas=(beta1, ADAM_BETA2), eps=ADAM_EPSILON, foreach=False)

    def step(self, batch: torch.Tensor) -> float:
        loss = (reconstruct(self.model, batch, training=True) - batch).square().mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        total = loss.detach() + sum(p.grad.sum() for p in self.params if p.grad is not None)
        if not math.isfinite(float(total)):
            self.opt.zero_grad(set_to_none=True)
            raise RuntimeError(f"autoencoder training diverged at step {self.iteration}: the update was not applied")
        self.opt.step()
        self.iteration += 1
        return float(loss)

    def record(self) -> dict[str, Any]:
        """What the app's Autoencoder.load reads from modelTopology.training."""
        return {"baseline": "autoencoder", "iteration": self.iteration, "options": self.options}


# --- Gaussian mixture ---------------------------------------------------------------------------------------

def _log_densities(x: np.ndarray, weights: np.ndarray, means: np.ndarray, variances: np.ndarray) -> np.ndarray:
    """[N, K] log(w_k) + log N(x_n | μ_k, diag σ²_k), expanded so that it is three matrix products."""
    inv = 1.0 / variances
    quad = (x * x) @ inv.T - 2.0 * x @ (means * inv).T + (means * means * inv).sum(1)
    with np.errstate(divide="ignore"):
        log_w = np.log(weights)
    return log_w - 0.5 * (x.shape[1] * math.log(2 * math.pi) + np.log(variances).sum(1) + quad)


def _log_sum_exp(a: np.ndarray) -> np.ndarray:
    m = a.max(1, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(1, keepdims=True)))[:, 0]


def gmm_log_likelihood(gmm: dict[str, np.ndarray], x: np.ndarray) -> float:
    """Mean log-likelihood per point."""
    return float(_log_sum_exp(_log_densities(np.asarray(x, np.float64), gmm["weights"], gmm["means"], gmm["variances"])).mean())


def fit_gmm(codes: np.ndarray, components: int = 256, seed: int = 0, max_iterations: int = 100, tolerance: float = 1e-5,
            variance_floor: float = 1e-3) -> tuple[dict[str, np.ndarray], list[float], list[str]]:
    """Diagonal Gaussian mixture by EM from a k-means++ start, with the app's defaults and floor (variances ≥
    variance_floor × the data's mean variance). Returns the mixture, the log-likelihood per point after the
    start and each iteration, and notes (components clamped to the number of codes, no convergence)."""
    x = np.asarray(codes, np.float64)
    if x.ndim != 2 or len(x) == 0 or not np.all(np.isfinite(x)):
        raise ValueError("gmm: codes must be a non-empty finite [N, D] array")
    n, d = x.shape
    notes = []
    if components > n:
        notes.append(f"{components} components asked for, but only {n} codes: fitted {n} components.")
        components = n
    rng = np.random.default_rng(seed)
    floor = max(variance_floor * float(x.var(0).mean()), 1e-12)
    # k-means++: each next centre is a point drawn with probability ∝ squared distance to the nearest centre.
    centres = [x[rng.integers(n)]]
    nearest = ((x - centres[0]) ** 2).sum(1)
    for _ in range(components - 1):
        total = nearest.sum()
        pick = rng.choice(n, p=nearest / total) if total > 0 else rng.integers(n)
        centres.append(x[pick])
        nearest = np.minimum(nearest, ((x - x[pick]) ** 2).sum(1))
    means = np.array(centres)
    variances = np.tile(np.maximum(x.var(0), floor), (components, 1))
    weights = np.full(components, 1.0 / components)
    history: list[float] = []
    converged = False
    for it in range(max_iterations + 1):
        log_p = _log_densities(x, weights, means, variances)
        log_norm = _log_sum_exp(log_p)
        history.append(float(log_norm.mean()))
        if it > 0 and history[-1] - history[-2] < tolerance:
            converged = True
            break
        if it == max_iterations:
            break
        resp = np.exp(log_p - log_norm[:, None])
        nk = resp.sum(0)
        weights = nk / n
        live = nk >= 1e-10  # a component with no responsibility keeps its parameters
        means[live] = (resp.T @ x)[live] / nk[live, None]
        for k in np.flatnonzero(live):
            variances[k] = np.maximum((resp[:, k, None] * (x - means[k]) ** 2).sum(0) / nk[k], floor)
    if not converged:
        notes.append(f"EM stopped after {max_iterations} iterations before converging.")
    return {"weights": weights, "means": means, "variances": variances}, history, notes


def sample_gmm(gmm: dict[str, np.ndarray], count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    k = rng.choice(len(gmm["weights"]), size=count, p=gmm["weights"] / gmm["weights"].sum())
    return gmm["means"][k] + np.sqrt(gmm["variances"][k]) * rng.standard_normal((count, gmm["means"].shape[1]))


def gmm_to_json(gmm: dict[str, np.ndarray]) -> dict[str, Any]:
    k, d = gmm["means"].shape
    return {"format": GMM_FORMAT, "version": 1, "components": k, "dim": d, "weights": gmm["weights"].tolist(),
            "means": gmm["means"].tolist(), "variances": gmm["variances"].tolist()}


def gmm_from_json(j: dict[str, Any]) -> dict[str, np.ndarray]:
    if j.get("format") != GMM_FORMAT or j.get("version") != 1:
        raise ValueError(f'not a Gaussian mixture file: format must be "{GMM_FORMAT}", version 1')
    gmm = {key: np.asarray(j[key], np.float64) for key in ("weights", "means", "variances")}
    k, d = j["components"], j["dim"]
    if gmm["weights"].shape != (k,) or gmm["means"].shape != (k, d) or gmm["variances"].shape != (k, d):
        raise ValueError(f"Gaussian mixture: shapes do not match {k} components of {d} dimensions")
    return gmm


# --- files --------------------------------------------------------------------------------------------------

def save_baseline(trainer: BaselineTrainer, directory: str | Path, gmm: dict[str, np.ndarray] | None) -> None:
    """model.json + shards (the app's "Load" takes model.json, the .bin and gmm.json)."""
    save_model(trainer.model, directory, trainer.record())
    if gmm is not None:
        (Path(directory) / "gmm.json").write_text(json.dumps(gmm_to_json(gmm)))


def load_baseline(directory: str | Path) -> tuple[VganModel, dict[str, Any], dict[str, np.ndarray] | None]:
    """The autoencoder a baseline directory holds, its training record, and its mixture if it has one."""
    model, topology, extra = load_model(directory)
    record = topology.get("training") or {}
    if record.get("baseline") != "autoencoder":
        raise WeightsError('not an autoencoder baseline: its training record lacks baseline "autoencoder"')
    attach_encoder(model)
    # The loaded tensors (tfjs layouts) and the code layer's, so that assign_weights checks every one.
    assign_weights(model, {**model_tensors(model), **extra})
    path = Path(directory) / "gmm.json"
    return model, record, gmm_from_json(json.loads(path.read_text())) if path.exists() else None


def new_autoencoder(config: ModelConfig, seed: int) -> VganModel:
    return attach_encoder(VganModel(config, seed=seed))
