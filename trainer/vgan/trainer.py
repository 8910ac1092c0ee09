"""The training step of src/train/trainer.ts, in PyTorch, optionally data-parallel (torch.distributed).

An iteration is `d_steps` discriminator updates, then one generator update:
  D: real and fake batches go through D separately (BatchNorm statistics per batch type),
     loss = CE(D(x), 1) + CE(D(G(z)), 0); the fakes come from G in training mode without gradients;
  G: CE(D(G(z)), 1) + λ·mean(mask) [+ 10·mean|G(x0)₀ − x0| for the future model], gradients for G only.
With emaDecay (a named setting, 0 = off as the paper), an exponential moving average of G's weights follows
every G update (vgan/averaging.py); checkpoints carry it as `average/generator/...` tensors. With augment (a
named setting, off as the paper) every video D sees, real or generated, is first transformed (vgan/augment.py).
Both networks stay in training mode throughout (their BatchNorm running averages move at every forward,
as in the TypeScript trainer). Adam (β2 0.999, ε 1e-8), separate for G and D, is torch.optim.Adam, whose
update is exactly the TypeScript Adam's.

Data-parallel: every process holds a slice of the global batch; BatchNorm uses the global batch's statistics
(VganModel.sync_batch_norm) and DDP averages gradients, so N processes compute what one process computes on
the whole batch.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from .augment import augment_batch
from .averaging import GeneratorAverage
from .config import CONSTANTS
from .networks import ConvLayer, VganModel, tf_name
from .seed import derive_seed
from .weights import load_model, model_tensors, save_model, from_tf_layout, to_tf_layout

ADAM_BETA2 = CONSTANTS["adamBeta2"]
ADAM_EPSILON = CONSTANTS["adamEpsilon"]


@dataclass
class TrainerOptions:
    """The fields of the TypeScript TrainerOptions that the step depends on (same names, same defaults)."""
    preset: str = "tiny"
    kind: str = "unconditional"
    generator: str = "twoStream"
    upsample: str = "transposed"
    seed: int = 1
    lrD: float = CONSTANTS["learningRate"]
    lrG: float = CONSTANTS["learningRate"]
    beta1: float = CONSTANTS["adamBeta1"]
    maskLambda: float = 0.1
    reconLambda: float = 10.0
    dSteps: int = 1
    gSteps: int = 1
    emaDecay: float = 0.0
    augment: bool = False

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> "TrainerOptions":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


class TrainingDivergedError(RuntimeError):
    def __init__(self, network: str, iteration: int) -> None:
        super().__init__(f"training diverged: the {network} update at iteration {iteration} produced a non-finite "
                         "loss or gradient; it was not applied")
        self.network = network
        self.iteration = iteration


def _cross_entropy(logits: torch.Tensor, label: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, label))


def _world() -> tuple[int, int]:
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class Trainer:
    def __init__(self, model: VganModel, options: TrainerOptions, distributed: bool = False) -> None:
        self.model = model
        self.options = options
        self.iteration = 0  # completed iterations: dSteps D updates, then gSteps G updates
        self.d_index = 0  # D updates made in the current iteration
        self.g_index = 0  # G updates made in the current iteration
        self.rank, self.world = _world()
        model.train()
        model.sync_batch_norm(distributed)
        self.d_params = list(model.discriminator.parameters())
        self.g_params = list(model.generator.parameters())
        self.g_net: torch.nn.Module = model.generator
        self.d_net: torch.nn.Module = model.discriminator
        if distributed:
            # Running statistics are already global (synced BatchNorm), so nothing to broadcast.
            self.g_net = DistributedDataParallel(model.generator, broadcast_buffers=False)
            self.d_net = DistributedDataParallel(model.discriminator, broadcast_buffers=False)
        self.opt_d = torch.optim.Adam(self.d_params, lr=options.lrD, betas=(options.beta1, ADAM_BETA2), eps=ADAM_EPSILON, foreach=False)
        self.opt_g = torch.optim.Adam(self.g_params, lr=options.lrG, betas=(options.beta1, ADAM_BETA2), eps=ADAM_EPSILON, foreach=False)
        self.average = GeneratorAverage(model.generator, options.emaDecay) if options.emaDecay else None

    # --- inputs ---

    def latent(self, n: int, *label: str | int) -> torch.Tensor:
        """This process's slice of the global batch's latent codes [n · world, zDim] for a label."""
        g = torch.Generator().manual_seed(derive_seed(self.options.seed, "z", *label))
        z = torch.randn(n * self.world, self.model.config.zDim, generator=g)
        return z[self.rank * n:(self.rank + 1) * n].to(self._device())

    def _device(self) -> torch.device:
        return self.d_params[0].device

    def _generator_input(self, real: torch.Tensor, z: torch.Tensor | None, label: tuple[int, ...]) -> torch.Tensor:
        if self.options.kind == "future":
            return real[:, :, 0]
        return z if z is not None else self.latent(real.shape[0], *label)

    def _check(self, real: torch.Tensor) -> None:
        c = self.model.config
        if tuple(real.shape[1:]) != (3, c.frames, c.size, c.size):
            raise ValueError(f"real batch must be [N, 3, {c.frames}, {c.size}, {c.size}], got {list(real.shape)}")

    def _seen_by_d(self, video: torch.Tensor, *label: str | int) -> torch.Tensor:
        """What D is shown of a batch: the batch itself, or its augmentation (drawn for the label)."""
        if not self.options.augment:
            return video
        return augment_batch(video, self.options.seed, *label, rank=self.rank, world=self.world)

    def _apply(self, network: str, loss: torch.Tensor, params: list[torch.nn.Parameter], opt: torch.optim.Optimizer) -> None:
        opt.zero_grad(set_to_none=True)
        loss.backward()
        # After DDP's averaging every process sees the same gradients, hence makes the same decision.
        total = loss.detach() + sum(p.grad.sum() for p in params if p.grad is not None)
        if not math.isfinite(float(total)):
            opt.zero_grad(set_to_none=True)
            raise TrainingDivergedError(network, self.iteration)
        opt.step()

    def _mean_over_processes(self, values: list[torch.Tensor]) -> list[float]:
        v = torch.stack([x.detach().float() for x in values])
        if self.world > 1:
            dist.all_reduce(v)
            v /= self.world
        return v.tolist()

    # --- steps ---

    def step_d(self, real: torch.Tensor, z: torch.Tensor | None = None) -> dict[str, float]:
        self._check(real)
        inp = self._generator_input(real, z, (self.iteration, self.d_index))
        with torch.no_grad():
            fake = self.g_net(inp, True)["video"]
        label = (self.iteration, self.d_index)
        real_logits = self.d_net(self._seen_by_d(real, *label, "real"), True)
        fake_logits = self.d_net(self._seen_by_d(fake, *label, "fake"), True)
        loss_real = _cross_entropy(real_logits, 1.0)
        loss_fake = _cross_entropy(fake_logits, 0.0)
        self._apply("discriminator", loss_real + loss_fake, self.d_params, self.opt_d)
        self.d_index += 1
        stats = self._mean_over_processes([loss_real, loss_fake, torch.sigmoid(real_logits).mean(), torch.sigmoid(fake_logits).mean()])
        return dict(zip(["dLossReal", "dLossFake", "dReal", "dFake"], stats))

    def step_g(self, real: torch.Tensor, z: torch.Tensor | None = None) -> dict[str, float]:
        """One G update; the iteration completes with its gSteps-th. The first one's latent codes are those of
        this iteration's first D step, as in the authors' code; later ones draw their own."""
        self._check(real)
        o = self.options
        inp = self._generator_input(real, z, (self.iteration, 0) if self.g_index == 0 else (self.iteration, "g", self.g_index))
        out = self.g_net(inp, True)
        # D is run without its DDP wrapper and without parameter gradients: only G is updated here.
        for p in self.d_params:
            p.requires_grad_(False)
        try:
            seen = self._seen_by_d(out["video"], self.iteration, "g", self.g_index)
            adversarial = _cross_entropy(self.model.discriminator(seen, True), 1.0)
        finally:
            for p in self.d_params:
                p.requires_grad_(True)
        zero = adversarial.new_zeros(())
        mask_mean = out["mask"].mean() if "mask" in out else zero
        recon = (out["video"][:, :, 0] - inp).abs().mean() if o.kind == "future" else zero
        loss = adversarial + o.maskLambda * mask_mean + o.reconLambda * recon
        self._apply("generator", loss, self.g_params, self.opt_g)
        if self.average:
            self.average.update(self.model.generator)
        self.g_index += 1
        if self.g_index >= o.gSteps:
            self.iteration += 1
            self.d_index = self.g_index = 0
        stats = self._mean_over_processes([loss, adversarial, mask_mean, recon])
        return dict(zip(["gLoss", "gAdversarial", "maskMean", "reconstruction"], stats))

    @property
    def batches_per_iteration(self) -> int:
        """Real batches one iteration reads: one per update of the busier network."""
        return max(self.options.dSteps, self.options.gSteps)

    def step(self, *real_batches: torch.Tensor) -> dict[str, float]:
        """The rest of the current iteration (src/train/trainer.ts's step): D updates up to dSteps, then G
        updates up to gSteps; update k of each reads real_batches[k] (reused cyclically if fewer)."""
        iteration = self.iteration
        d: dict[str, float] = {}
        while self.g_index == 0 and self.d_index < self.options.dSteps:
            d = self.step_d(real_batches[self.d_index % len(real_batches)])
        g = self.step_g(real_batches[self.g_index % len(real_batches)])
        while self.g_index > 0:
            g = self.step_g(real_batches[self.g_index % len(real_batches)])
        return {"iteration": iteration, **d, **g}

    def set_learning_rates(self, lr_d: float, lr_g: float) -> None:
        self.options.lrD, self.options.lrG = lr_d, lr_g
        for group in self.opt_d.param_groups:
            group["lr"] = lr_d
        for group in self.opt_g.param_groups:
            group["lr"] = lr_g

    # --- checkpoints: the TypeScript Trainer's format, so either side resumes the other's ---

    def _average_names(self) -> dict[str, torch.Tensor]:
        """The average's tensors under their checkpoint names: average/ + the generator's tfjs names."""
        assert self.average
        g = self.average.generator
        return {f"average/generator/{tf_name(n)}": t for n, t in [*g.named_parameters(), *g.named_buffers()]}

    def _resize_taps(self, model: VganModel) -> dict[str, torch.Tensor]:
        """The resize-convolutions' 3-tap kernels under their checkpoint names, taps/ + tfjs names: the weights'
        4 taps give them back only to rounding."""
        layers = {tf_name(n): m for n, m in model.named_modules() if isinstance(m, ConvLayer) and m.resize}
        return {f"taps/{layer}/kernel": m.kernel for layer, m in layers.items()}

    def _extra_tensors(self) -> dict[str, np.ndarray]:
        """The checkpoint's tensors beside the model's: G's weight average, the resize-convolutions' taps and Adam's
        state (tfjs layouts)."""
        out: dict[str, np.ndarray] = {}
        if self.average:
            out.update({name: to_tf_layout(t.detach(), name.endswith("/kernel")) for name, t in self._average_names().items()})
        out.update({name: to_tf_layout(t.detach(), True) for name, t in self._resize_taps(self.model).items()})
        named = {id(p): n for n, p in self.model.tf_named_tensors().items()}
        kernels = {n for n in named.values() if n.endswith("/kernel")}
        for network, opt in (("discriminator", self.opt_d), ("generator", self.opt_g)):
            prefix = f"optimizer/{network}/"
            step = 0
            for p in opt.param_groups[0]["params"]:
                state = opt.state.get(p)
                if not state:
                    continue
                step = int(state["step"])
                name = named[id(p)]
                out[f"{prefix}{name}/m"] = to_tf_layout(state["exp_avg"], name in kernels)
                out[f"{prefix}{name}/v"] = to_tf_layout(state["exp_avg_sq"], name in kernels)
            out[f"{prefix}step"] = np.array(step, dtype=np.int32)
        return out

    def save_checkpoint(self, directory: str | Path, extra_training: dict[str, Any] | None = None) -> None:
        """Weights, BatchNorm statistics, Adam state and position (only process 0 writes)."""
        if self.rank != 0:
            return
        training = {"options": asdict(self.options), "iteration": self.iteration, "dIndex": self.d_index,
                    "gIndex": self.g_index, **(extra_training or {})}
        save_model(self.model, directory, training, self._extra_tensors())

    @classmethod
    def restore(cls, directory: str | Path, overrides: dict[str, Any] | None = None, distributed: bool = False,
                device: torch.device | str = "cpu") -> "Trainer":
        """Resumes a checkpoint (from this trainer or the TypeScript one); plain weights start fresh optimisers."""
        model, topology, extra = load_model(directory)
        model.to(device)
        saved = topology.get("training") or {}
        options = TrainerOptions.from_json({**saved.get("options", {}), "kind": topology["kind"],
                                            "generator": topology["generator"], "upsample": model.upsample,
                                            "seed": topology["seed"], **(overrides or {})})
        trainer = cls(model, options, distributed)
        trainer.iteration = int(saved.get("iteration", 0))
        trainer.d_index = int(saved.get("dIndex", 0))
        trainer.g_index = int(saved.get("gIndex", 0))
        with torch.no_grad():
            for name, t in trainer._resize_taps(model).items():
                if name in extra:
                    t.copy_(from_tf_layout(extra[name], True).to(device))
        if trainer.average:
            # A run that turns the average on starts it from the weights it resumes.
            with torch.no_grad():
                for name, t in trainer._average_names().items():
                    if name in extra:
                        t.copy_(from_tf_layout(extra[name], name.endswith("/kernel")).to(device))
        named = {n: p for n, p in model.tf_named_tensors().items()}
        for network, opt in (("discriminator", trainer.opt_d), ("generator", trainer.opt_g)):
            prefix = f"optimizer/{network}/"
            if f"{prefix}step" not in extra:
                continue
            step = float(extra[f"{prefix}step"])
            for key in extra:
                if not key.startswith(prefix) or not key.endswith("/m"):
                    continue
                name = key[len(prefix):-2]
                p = named[name]
                kernel = name.endswith("/kernel")
                opt.state[p] = {"step": torch.tensor(step),
                                "exp_avg": from_tf_layout(extra[key], kernel).to(device),
                                "exp_avg_sq": from_tf_layout(extra[f"{prefix}{name}/v"], kernel).to(device)}
        return trainer
