"""End to end: torch models -> KeyMapper.from_torch -> the equivalent Flax Linen model.

For each small model: convert the torch state_dict() with the flax flavour, check the tree equals
flax_model.init(...) exactly (paths and shapes), and that flax_model.apply(variables, x) equals the torch
model's eval-mode output (max abs diff < 1e-4; inputs channels-last for Flax). The same state dicts
converted with the reference flavour are shown to fail those checks.

Per-model results are printed (pytest -s) and, if KEYMAPPER_E2E_TABLE names a file, written there as a
markdown table.
"""

import os
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pytest

REASON = "needs torch (CPU), jax and flax: run `bash .ci/setup-python.sh`, then use .venv/bin/python"
torch = pytest.importorskip("torch", reason=REASON)
jax = pytest.importorskip("jax", reason=REASON)
pytest.importorskip("flax", reason=REASON)

import flax.linen as nn  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import torch.nn as tnn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from flax.traverse_util import flatten_dict, unflatten_dict  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TOL = 1e-4


from keymapper_source import load  # noqa: E402


FLAX_KM = load("flax")
REF_KM = load("reference")

# ------------------------------------------------------------------------------------------ models

bn = partial(nn.BatchNorm, use_running_average=True, momentum=0.9, epsilon=1e-5)
gelu = partial(nn.gelu, approximate=False)  # torch's nn.GELU() is the exact (erf) one


class TorchCNN(tnn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = tnn.BatchNorm2d(8)
        self.conv2 = tnn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False)
        self.bn2 = tnn.BatchNorm2d(16)
        self.fc = tnn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        return self.fc(x.mean(dim=(2, 3)))


class FlaxCNN(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.relu(bn(name="bn1")(nn.Conv(8, (3, 3), padding=((1, 1), (1, 1)), name="conv1")(x)))
        x = nn.Conv(16, (3, 3), strides=(2, 2), padding=((1, 1), (1, 1)), use_bias=False, name="conv2")(x)
        x = nn.relu(bn(name="bn2")(x))
        return nn.Dense(10, name="fc")(x.mean(axis=(1, 2)))


class TorchAudio(tnn.Module):
    """Conv1d stack: strided, dilated + grouped, depthwise; BatchNorm1d; a ModuleList each."""

    def __init__(self):
        super().__init__()
        self.convs = tnn.ModuleList([
            tnn.Conv1d(1, 8, 9, stride=2, padding=4),
            tnn.Conv1d(8, 16, 5, padding=4, dilation=2, groups=2),
            tnn.Conv1d(16, 16, 3, padding=1, groups=16),
        ])
        self.norms = tnn.ModuleList([tnn.BatchNorm1d(8), tnn.BatchNorm1d(16), tnn.BatchNorm1d(16)])
        self.head = tnn.Linear(16, 4)

    def forward(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = F.relu(norm(conv(x)))
        return self.head(x.mean(dim=-1))


class FlaxAudio(nn.Module):
    def setup(self):
        self.convs = [
            nn.Conv(8, (9,), strides=(2,), padding=((4, 4),)),
            nn.Conv(16, (5,), padding=((4, 4),), kernel_dilation=(2,), feature_group_count=2),
            nn.Conv(16, (3,), padding=((1, 1),), feature_group_count=16),
        ]
        self.norms = [bn(), bn(), bn()]
        self.head = nn.Dense(4)

    def __call__(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = nn.relu(norm(conv(x)))
        return self.head(x.mean(axis=1))


class TorchVideo(tnn.Module):
    def __init__(self):
        super().__init__()
        self.conv_a = tnn.Conv3d(2, 4, 3, padding=1)
        self.gn = tnn.GroupNorm(2, 4)
        self.conv_b = tnn.Conv3d(4, 6, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))

    def forward(self, x):
        return self.conv_b(F.relu(self.gn(self.conv_a(x))))


class FlaxVideo(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Conv(4, (3, 3, 3), padding=((1, 1),) * 3, name="conv_a")(x)
        x = nn.relu(nn.GroupNorm(num_groups=2, epsilon=1e-5, name="gn")(x))
        return nn.Conv(6, (1, 3, 3), strides=(1, 2, 2), padding=((0, 0), (1, 1), (1, 1)), name="conv_b")(x)


class TorchTokens(tnn.Module):
    def __init__(self):
        super().__init__()
        self.tok_embeddings = tnn.Embedding(50, 16)
        self.wpe = tnn.Embedding(12, 16)
        self.ln_1 = tnn.LayerNorm(16)
        self.abnormal_proj = tnn.Linear(16, 16)
        self.head = tnn.Linear(16, 50)

    def forward(self, ids):
        h = self.tok_embeddings(ids) + self.wpe(torch.arange(ids.shape[1]))
        h = self.ln_1(h)
        h = h + F.gelu(self.abnormal_proj(h))
        return self.head(h)


class FlaxTokens(nn.Module):
    @nn.compact
    def __call__(self, ids):
        h = nn.Embed(50, 16, name="tok_embeddings")(ids) + nn.Embed(12, 16, name="wpe")(jnp.arange(ids.shape[1]))
        h = nn.LayerNorm(epsilon=1e-5, name="ln_1")(h)
        h = h + gelu(nn.Dense(16, name="abnormal_proj")(h))
        return nn.Dense(50, name="head")(h)


class TorchTimeEmbed(tnn.Module):
    """stable-diffusion's openaimodel.py: `time_embed = nn.Sequential(linear(...), nn.SiLU(), linear(...))`."""

    def __init__(self):
        super().__init__()
        self.time_embed = tnn.Sequential(tnn.Linear(8, 16), tnn.SiLU(), tnn.Linear(16, 16))
        self.out = tnn.Linear(16, 4)

    def forward(self, t):
        return self.out(self.time_embed(t))


class FlaxTimeEmbed(nn.Module):
    @nn.compact
    def __call__(self, t):
        h = nn.Dense(16, name="time_embed_0")(t)
        h = nn.Dense(16, name="time_embed_2")(nn.silu(h))
        return nn.Dense(4, name="out")(h)


class TorchBlock(tnn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = tnn.LayerNorm(16)
        self.mlp = tnn.Sequential(tnn.Linear(16, 32), tnn.GELU(), tnn.Linear(32, 16))

    def forward(self, x):
        return x + self.mlp(self.ln_1(x))


class TorchStack(tnn.Module):
    def __init__(self):
        super().__init__()
        self.proj_in = tnn.Linear(8, 16)
        self.blocks = tnn.ModuleList([TorchBlock() for _ in range(3)])
        self.ln_f = tnn.LayerNorm(16)
        self.out = tnn.Linear(16, 4)

    def forward(self, x):
        x = self.proj_in(x)
        for block in self.blocks:
            x = block(x)
        return self.out(self.ln_f(x))


class FlaxBlock(nn.Module):
    @nn.compact
    def __call__(self, x):
        h = nn.LayerNorm(epsilon=1e-5, name="ln_1")(x)
        return x + nn.Dense(16, name="mlp_2")(gelu(nn.Dense(32, name="mlp_0")(h)))


class FlaxSequentialBlock(nn.Module):
    """The same block written with a Flax nn.Sequential: params mlp/layers_0, mlp/layers_2."""

    def setup(self):
        self.ln_1 = nn.LayerNorm(epsilon=1e-5)
        self.mlp = nn.Sequential([nn.Dense(32), gelu, nn.Dense(16)])

    def __call__(self, x):
        return x + self.mlp(self.ln_1(x))


class FlaxStack(nn.Module):
    sequential_mlp: bool = False  # True: blocks hold a Flax nn.Sequential (see the target= test)

    def setup(self):
        self.proj_in = nn.Dense(16)
        self.blocks = [(FlaxSequentialBlock if self.sequential_mlp else FlaxBlock)() for _ in range(3)]
        self.ln_f = nn.LayerNorm(epsilon=1e-5)
        self.out = nn.Dense(4)

    def __call__(self, x):
        x = self.proj_in(x)
        for block in self.blocks:
            x = block(x)
        return self.out(self.ln_f(x))


class TorchUpsampler(tnn.Module):
    def __init__(self):
        super().__init__()
        self.conv_in = tnn.Conv2d(4, 8, 3, padding=1)
        self.up1 = tnn.ConvTranspose2d(8, 4, 4, stride=2, padding=1)
        self.up2 = tnn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        return self.up2(F.relu(self.up1(F.relu(self.conv_in(x)))))


class FlaxUpsampler(nn.Module):
    @nn.compact
    def __call__(self, x):
        # torch ConvTranspose(k, stride s, padding p, output_padding op) ==
        # flax ConvTranspose(transpose_kernel=True, padding=(k - 1 - p, k - 1 - p + op) per axis)
        x = nn.relu(nn.Conv(8, (3, 3), padding=((1, 1), (1, 1)), name="conv_in")(x))
        x = nn.ConvTranspose(4, (4, 4), strides=(2, 2), padding=((2, 2), (2, 2)), transpose_kernel=True,
                             name="up1")(x)
        return nn.ConvTranspose(3, (3, 3), strides=(2, 2), padding=((1, 2), (1, 2)), transpose_kernel=True,
                                name="up2")(nn.relu(x))


def nchw_to_nhwc(x):
    return np.moveaxis(x, 1, -1)


def nhwc_to_nchw(y):
    return np.moveaxis(y, -1, 1)


def same(x):
    return x


def randn(*shape):
    return np.random.default_rng(0).standard_normal(shape).astype(np.float32)


# name, torch model, flax model, torch input, input torch->flax, output flax->torch layout,
# faults the reference flavour shows on this model (after splitting its dotted keys), as substrings
CASES = {
    "mlp_sequential": (
        lambda: tnn.Sequential(tnn.Linear(6, 16), tnn.ReLU(), tnn.Linear(16, 16), tnn.Tanh(), tnn.Linear(16, 3)),
        lambda: nn.Sequential([nn.Dense(16), nn.relu, nn.Dense(16), nn.tanh, nn.Dense(3)]),
        lambda: torch.from_numpy(randn(5, 6)), same, same,
        ["missing params/layers_0/kernel", "unexpected params/0/kernel"],
    ),
    "mlp_prelu": (
        lambda: tnn.Sequential(tnn.Linear(6, 16), tnn.PReLU(init=0.1), tnn.Linear(16, 3)),
        lambda: nn.Sequential([nn.Dense(16), nn.PReLU(), nn.Dense(3)]),
        lambda: torch.from_numpy(randn(5, 6)), same, same,
        ["missing params/layers_1/negative_slope", "unexpected params/1/kernel"],
    ),
    "cnn_conv2d_bn": (
        TorchCNN, FlaxCNN, lambda: torch.from_numpy(randn(2, 3, 16, 16)), nchw_to_nhwc, same,
        ["missing batch_stats/bn1/mean", "unexpected params/bn1/num_batches_tracked"],
    ),
    "conv1d_audio": (
        TorchAudio, FlaxAudio, lambda: torch.from_numpy(randn(2, 1, 64)), nchw_to_nhwc, same,
        ["shape params/convs_0/kernel: (8, 1, 9) vs (9, 1, 8)", "missing batch_stats/norms_0/mean"],
    ),
    "conv3d_block": (
        TorchVideo, FlaxVideo, lambda: torch.from_numpy(randn(2, 2, 4, 8, 8)), nchw_to_nhwc, nhwc_to_nchw,
        ["shape params/conv_a/kernel: (4, 2, 3, 3, 3) vs (3, 3, 3, 2, 4)", "missing params/gn/scale",
         "unexpected params/gn/kernel"],
    ),
    "token_embed_ln": (
        TorchTokens, FlaxTokens, lambda: torch.randint(0, 50, (2, 12), generator=torch.Generator().manual_seed(0)),
        same, same,
        ["missing params/tok_embeddings/embedding", "unexpected params/wpe/kernel", "missing params/ln_1/scale",
         "unexpected params/abnormal_proj/scale"],
    ),
    "time_embed_sequential": (
        TorchTimeEmbed, FlaxTimeEmbed, lambda: torch.from_numpy(randn(3, 8)), same, same,
        [],  # the reference transposes every 2-d weight, which is right for these Linears
    ),
    "modulelist_blocks": (
        TorchStack, FlaxStack, lambda: torch.from_numpy(randn(2, 5, 8)), same, same,
        ["missing params/blocks_0/ln_1/scale", "unexpected params/ln_f/kernel"],
    ),
    "convtranspose2d_upsampler": (
        TorchUpsampler, FlaxUpsampler, lambda: torch.from_numpy(randn(2, 4, 5, 5)), nchw_to_nhwc, nhwc_to_nchw,
        [],  # only the flat dotted-key layout: its 4-d kernels happen to get the right axes
    ),
}


@lru_cache(maxsize=None)
def build(name):
    make_torch, make_flax, make_input, to_flax, from_flax, _ = CASES[name]
    torch.manual_seed(0)
    tmodel = make_torch()
    with torch.no_grad():  # non-trivial norm parameters and running statistics
        for m in tmodel.modules():
            if isinstance(m, (tnn.modules.batchnorm._BatchNorm, tnn.LayerNorm, tnn.GroupNorm)):
                m.weight.normal_(1.0, 0.2)
                m.bias.normal_(0.0, 0.2)
            if isinstance(m, tnn.modules.batchnorm._BatchNorm):
                m.running_mean.normal_(0.0, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(7)
    tmodel.eval()
    x = make_input()
    with torch.no_grad():
        expected = tmodel(x).numpy()
    fmodel = make_flax()
    fx = jnp.asarray(to_flax(x.numpy()))
    init = fmodel.init(jax.random.key(0), fx)
    run = lambda variables: from_flax(np.asarray(fmodel.apply(variables, fx)))  # noqa: E731
    return tmodel.state_dict(), init, run, expected


def shapes(tree):
    return {"/".join(map(str, k)): tuple(np.shape(v)) for k, v in flatten_dict(dict(tree)).items()}


RESULTS = {}


def report():
    lines = ["| model | flax max abs diff | reference flavour |", "|---|---|---|"]
    for name in CASES:
        if name in RESULTS:
            r = RESULTS[name]
            lines.append(f"| {name} | {r.get('flax', '?')} | {r.get('reference', '?')} |")
    table = "\n".join(lines)
    if os.environ.get("KEYMAPPER_E2E_TABLE"):
        Path(os.environ["KEYMAPPER_E2E_TABLE"]).write_text(table + "\n")
    return table


@pytest.fixture(scope="module", autouse=True)
def results_table():
    yield
    print("\n" + report())


# ------------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("name", list(CASES))
def test_flax_flavour_loads_the_model(name):
    state, init, run, expected = build(name)
    variables = FLAX_KM.from_torch(state)
    assert shapes(variables) == shapes(init)  # same paths, same shapes, same collections
    assert list(variables) == [c for c in ("params", "batch_stats") if c in init]
    out = run(variables)
    assert out.shape == expected.shape
    diff = float(np.max(np.abs(out - expected)))
    RESULTS.setdefault(name, {})["flax"] = f"{diff:.2e}"
    print(f"\n{name}: flax flavour max abs diff {diff:.3e}")
    assert diff < TOL


@pytest.mark.parametrize("name", list(CASES))
def test_flax_flavour_with_target_and_prefixed_bf16_checkpoint(name):
    """The same state, wrapped and prefixed like a DDP checkpoint and resolved against the template."""
    state, init, run, expected = build(name)
    ckpt = {"state_dict": {"module." + k: v for k, v in state.items()}, "epoch": 3}
    variables = FLAX_KM.from_torch(ckpt, target=init)
    assert shapes(variables) == shapes(init)
    assert float(np.max(np.abs(run(variables) - expected))) < TOL
    bf16 = FLAX_KM.from_torch({k: v.to(torch.bfloat16) if v.is_floating_point() else v for k, v in state.items()})
    assert shapes(bf16) == shapes(init)
    assert all(v.dtype == jnp.bfloat16 for v in jax.tree_util.tree_leaves(bf16))


def test_target_resolves_a_flax_sequential_submodule():
    state, _, _, expected = build("modulelist_blocks")
    fmodel = FlaxStack(sequential_mlp=True)
    x = jnp.asarray(randn(2, 5, 8))
    init = fmodel.init(jax.random.key(0), x)
    assert set(init["params"]["blocks_0"]["mlp"]) == {"layers_0", "layers_2"}
    variables = FLAX_KM.from_torch(state, target=init)  # blocks.0.mlp.0 -> blocks_0/mlp/layers_0
    assert shapes(variables) == shapes(init)
    assert float(np.max(np.abs(np.asarray(fmodel.apply(variables, x)) - expected))) < TOL


def diagnose_reference(ref, init, run, expected):
    """What is wrong with the reference flavour's output, even after splitting its dotted keys."""
    faults = []
    if "params" not in ref or any("." in k for k in ref):
        faults.append("flat dict with dotted keys, no params/batch_stats")
    nested = {("params", *k.split(".")): v for k, v in ref.items()}
    want = flatten_dict(dict(init))
    faults += [f"missing {'/'.join(p)}" for p in want if p not in nested]
    faults += [f"unexpected {'/'.join(p)}" for p in nested if p not in want]
    faults += [f"shape {'/'.join(p)}: {tuple(nested[p].shape)} vs {tuple(want[p].shape)}"
               for p in want if p in nested and tuple(nested[p].shape) != tuple(want[p].shape)]
    if len(faults) == 1:  # only the layout: once nested, does it compute the right thing?
        diff = float(np.max(np.abs(run(unflatten_dict(nested)) - expected)))
        faults.append(f"once nested: max abs diff {diff:.1e}" + (" (correct)" if diff < TOL else " (wrong)"))
    return faults


def summarize(faults):
    """Group diagnose_reference's list into a few readable categories (for the results table)."""
    out, seen = [], set()
    missing = [f.split(" ", 1)[1] for f in faults if f.startswith("missing ")]
    unexpected = [f.split(" ", 1)[1] for f in faults if f.startswith("unexpected ")]

    def add(text):
        if text not in seen:
            seen.add(text)
            out.append(text)

    for f in faults:
        if f.startswith("flat") or f.startswith("once nested"):
            add(f)
        elif f.startswith("shape "):
            add("kernels left in torch layout: " + ", ".join(
                g.split(" ")[1].rsplit("/", 1)[0].split("/", 1)[1] for g in faults if g.startswith("shape ")))
    if any(m.startswith("batch_stats/") for m in missing):
        add("running stats under params, not batch_stats")
    if any(u.endswith("/num_batches_tracked") for u in unexpected):
        add("num_batches_tracked kept")
    pairs = {}
    for m in missing:
        mod, want = m.rsplit("/", 1)
        got = [u.rsplit("/", 1)[1] for u in unexpected if u.rsplit("/", 1)[0] == mod]
        if got and not mod.startswith("batch_stats"):
            pairs.setdefault(f"{got[0]} instead of {want}", []).append(mod.split("/", 1)[1])
        elif not mod.startswith("batch_stats"):
            pairs.setdefault("missing", []).append(m)
    for label, mods in pairs.items():
        if label == "missing":
            add("wrong module names: " + ", ".join(sorted({u.rsplit("/", 1)[0].split("/", 1)[1] for u in unexpected
                                                           if not u.endswith(("/mean", "/var", "/num_batches_tracked"))}))
                + " for " + ", ".join(sorted({m.rsplit("/", 1)[0].split("/", 1)[1] for m in mods})))
        else:
            add(f"{label}: " + ", ".join(mods))
    return out


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the seed's np.array(tensor) under numpy 2
@pytest.mark.parametrize("name", list(CASES))
def test_reference_flavour_fails_the_same_checks(name):
    """Documents the seed's faults: its output is not a Flax variables tree, and `apply` rejects it."""
    state, init, run, expected = build(name)
    ref = REF_KM.from_torch(state)
    assert shapes(ref) != shapes(init)  # the tree check fails
    with pytest.raises(Exception):  # and model.apply(variables, x) cannot run on it
        run(ref)
    faults = diagnose_reference(ref, init, run, expected)
    for fault in CASES[name][5]:
        assert any(f.startswith(fault) for f in faults), (fault, faults)
    RESULTS.setdefault(name, {})["reference"] = "; ".join(summarize(faults))
    print(f"\n{name}: reference flavour faults: {faults}")
