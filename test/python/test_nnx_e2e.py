"""Flax NNX, the whole chain: a project that imports flax.nnx (its port of the model, nnx_model.py) and
loads a torch checkpoint the torch way (load.py: `model.load_state_dict(torch.load("ckpt.pt"))`). The
built bin rewrites load.py (`node dist/bin.cjs --yes`, no --mapper: the project's flax.nnx import
chooses nnx) into `KeyMapper.load_into(model, torch.load("ckpt.pt"))`, with the class it injected, and
the rewritten script runs: the NNX module, loaded in place, must compute what the torch model computes
(max abs difference < 1e-4). strict=True must raise on a missing key before changing anything, and
strict=False must return exactly torch's missing and unexpected keys.
"""

import ast
import runpy
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

REASON = "needs torch (CPU), jax and flax: run `bash .ci/setup-python.sh`, then use .venv/bin/python"
torch = pytest.importorskip("torch", reason=REASON)
jax = pytest.importorskip("jax", reason=REASON)
pytest.importorskip("flax", reason=REASON)

import jax.numpy as jnp  # noqa: E402
import torch.nn as tnn  # noqa: E402
from flax import nnx  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "dist" / "bin.cjs"
TOL = 1e-4

pytestmark = pytest.mark.skipif(not BIN.exists(), reason="needs the built bin: run `npm run build`")

LOAD = '''\
import torch
from flax import nnx

from nnx_model import Net

model = Net(nnx.Rngs(0))
model.load_state_dict(torch.load("ckpt.pt"))
'''

# ------------------------------------------------------------------------------------ torch models


class MLP(tnn.Module):
    def __init__(self):
        super().__init__()
        self.net = tnn.Sequential(tnn.Linear(8, 16), tnn.ReLU(), tnn.Linear(16, 4))

    def forward(self, x):
        return self.net(x)


class CNN(tnn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, 8, 3, padding=1)
        self.bn = tnn.BatchNorm2d(8)
        self.conv2 = tnn.Conv2d(8, 4, 3, stride=2, padding=1)
        self.head = tnn.Linear(4, 5)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv1(x)))
        return self.head(self.conv2(x).mean(dim=(2, 3)))


class Tagger(tnn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = tnn.Embedding(20, 16)
        self.norm = tnn.LayerNorm(16)
        self.out = tnn.Linear(16, 5)

    def forward(self, ids):
        return self.out(self.norm(self.tokens(ids)))


class Stack(tnn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = tnn.ModuleList([tnn.Linear(8, 8) for _ in range(3)])

    def forward(self, x):
        for block in self.blocks:
            x = torch.tanh(block(x))
        return x


class Conv1dNet(tnn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = tnn.Conv1d(4, 8, 3, padding=1)
        self.c2 = tnn.Conv1d(8, 2, 5, padding=2, groups=2)

    def forward(self, x):
        return self.c2(torch.relu(self.c1(x)))


def encoder_layer():
    return tnn.TransformerEncoderLayer(32, 4, dim_feedforward=64, dropout=0.0, batch_first=True)


# ------------------------------------------------------------------------------------ NNX ports

NNX = {
    "mlp": '''
        class Net(nnx.Module):
            def __init__(self, rngs):
                self.net = nnx.Sequential(nnx.Linear(8, 16, rngs=rngs), nnx.relu, nnx.Linear(16, 4, rngs=rngs))

            def __call__(self, x):
                return self.net(x)
    ''',
    "cnn": '''
        class Net(nnx.Module):
            def __init__(self, rngs):
                self.conv1 = nnx.Conv(3, 8, (3, 3), padding=1, rngs=rngs)
                self.bn = nnx.BatchNorm(8, epsilon=1e-5, momentum=0.9, rngs=rngs)
                self.conv2 = nnx.Conv(8, 4, (3, 3), strides=2, padding=1, rngs=rngs)
                self.head = nnx.Linear(4, 5, rngs=rngs)

            def __call__(self, x):  # NHWC
                x = nnx.relu(self.bn(self.conv1(x)))
                return self.head(self.conv2(x).mean(axis=(1, 2)))
    ''',
    "tagger": '''
        class Net(nnx.Module):
            def __init__(self, rngs):
                self.tokens = nnx.Embed(20, 16, rngs=rngs)
                self.norm = nnx.LayerNorm(16, epsilon=1e-5, rngs=rngs)
                self.out = nnx.Linear(16, 5, rngs=rngs)

            def __call__(self, ids):
                return self.out(self.norm(self.tokens(ids)))
    ''',
    "stack": '''
        class Net(nnx.Module):
            def __init__(self, rngs):
                self.blocks = nnx.List([nnx.Linear(8, 8, rngs=rngs) for _ in range(3)])

            def __call__(self, x):
                for block in self.blocks:
                    x = nnx.tanh(block(x))
                return x
    ''',
    "conv1d": '''
        class Net(nnx.Module):
            def __init__(self, rngs):
                self.c1 = nnx.Conv(4, 8, (3,), padding=1, rngs=rngs)
                self.c2 = nnx.Conv(8, 2, (5,), padding=2, feature_group_count=2, rngs=rngs)

            def __call__(self, x):  # NLC
                return self.c2(nnx.relu(self.c1(x)))
    ''',
    "encoder": '''
        class Net(nnx.Module):
            """torch's TransformerEncoderLayer (post-norm, relu, batch first)."""

            def __init__(self, rngs):
                self.self_attn = nnx.MultiHeadAttention(4, 32, decode=False, rngs=rngs)
                self.linear1 = nnx.Linear(32, 64, rngs=rngs)
                self.linear2 = nnx.Linear(64, 32, rngs=rngs)
                self.norm1 = nnx.LayerNorm(32, epsilon=1e-5, rngs=rngs)
                self.norm2 = nnx.LayerNorm(32, epsilon=1e-5, rngs=rngs)

            def __call__(self, x):
                x = self.norm1(x + self.self_attn(x))
                return self.norm2(x + self.linear2(nnx.relu(self.linear1(x))))
    ''',
}


def rand(*shape, seed=1):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def trained_cnn():
    """BatchNorm with running statistics that are not the initial ones, then eval mode."""
    model = CNN()
    with torch.no_grad():
        for seed in range(3):
            model(torch.tensor(rand(4, 3, 6, 6, seed=seed)) * 2 + 1)
    return model.eval()


def same(x):
    return x


CASES = {
    # name: (torch model, torch input, the same input for the NNX port, its output in torch's layout)
    "mlp": (MLP, lambda: rand(2, 8), same, same),
    "cnn": (trained_cnn, lambda: rand(2, 3, 6, 6), lambda x: x.transpose(0, 2, 3, 1), same),
    "tagger": (Tagger, lambda: np.array([[1, 5, 19], [0, 7, 3]]), same, same),
    "stack": (Stack, lambda: rand(2, 8), same, same),
    "conv1d": (Conv1dNet, lambda: rand(2, 4, 10), lambda x: x.transpose(0, 2, 1), lambda y: y.transpose(0, 2, 1)),
    "encoder": (encoder_layer, lambda: rand(2, 5, 32), same, same),
}

# ------------------------------------------------------------------------------------ the chain


def project(tmp_path, port, load=LOAD):
    (tmp_path / "nnx_model.py").write_text("from flax import nnx\n\n" + textwrap.dedent(port))
    (tmp_path / "load.py").write_text(load)
    return tmp_path


def rewrite(root):
    """The built bin writes the project (no --mapper); returns load.py as written."""
    done = subprocess.run(["node", str(BIN), "--yes", "--allow-dirty", str(root)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "mapper nnx: the project imports flax.nnx (load.py:2)" in done.stderr
    return (root / "load.py").read_text()


def run(root, monkeypatch):
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))
    sys.modules.pop("nnx_model", None)
    return runpy.run_path(str(root / "load.py"))


def state_of(module):
    return {p: np.array(v[...]) for p, v in nnx.to_flat_state(nnx.state(module, (nnx.Param, nnx.BatchStat)))}


@pytest.mark.parametrize("name", list(CASES))
def test_the_written_call_loads_the_nnx_port(name, tmp_path, monkeypatch):
    make, inputs, to_nnx, from_nnx = CASES[name]
    torch_model = make().eval()
    root = project(tmp_path, NNX[name])
    torch.save(torch_model.state_dict(), root / "ckpt.pt")
    written = rewrite(root)
    assert 'KeyMapper.load_into(model, torch.load("ckpt.pt"))\n' in written
    assert "model.load_state_dict" not in written
    model = run(root, monkeypatch)["model"]
    model.eval()
    x = inputs()
    with torch.no_grad():
        want = torch_model(torch.tensor(x)).numpy()
    got = from_nnx(np.asarray(model(jnp.asarray(to_nnx(x)))))
    if name == "cnn":
        assert np.abs(np.asarray(model.bn.mean[...]) - torch_model.bn.running_mean.numpy()).max() < TOL
    assert got.shape == want.shape
    assert np.abs(got - want).max() < TOL


STRICT = '''\
import torch
from flax import nnx

from nnx_model import Net

model = Net(nnx.Rngs(0))
state = torch.load("ckpt.pt")
del state["net.2.bias"]
error = None
try:
    model.load_state_dict(state)
except RuntimeError as e:
    error = str(e)
state = torch.load("ckpt.pt")
del state["net.0.weight"]
state["extra.weight"] = torch.zeros(3)
missing, unexpected = model.load_state_dict(state, strict=False)
'''


def test_strict_raises_before_anything_changes_and_lenient_returns_torchs_keys(tmp_path, monkeypatch):
    torch_model = MLP()
    root = project(tmp_path, NNX["mlp"], STRICT)
    torch.save(torch_model.state_dict(), root / "ckpt.pt")
    written = rewrite(root)
    assert "    KeyMapper.load_into(model, state)\n" in written
    assert "missing, unexpected = KeyMapper.load_into(model, state, strict=False)\n" in written

    # the strict load, once more on a fresh module, its state compared before and after
    ns = run(root, monkeypatch)
    assert "Missing key(s) in state_dict: 'net.2.bias'" in ns["error"]
    fresh = ns["Net"](nnx.Rngs(0))
    before = state_of(fresh)
    state = torch_model.state_dict()
    del state["net.2.bias"]
    with pytest.raises(RuntimeError, match="net.2.bias"):
        ns["KeyMapper"].load_into(fresh, state)
    after = state_of(fresh)
    assert before.keys() == after.keys() and all(np.array_equal(before[k], after[k]) for k in before)

    # the lenient load: exactly torch's missing and unexpected keys, the rest loaded
    torch_twin = MLP()
    assert torch_twin.load_state_dict({**state_dict_without(torch_model, "net.0.weight"),
                                       "extra.weight": torch.zeros(3)}, strict=False) == (["net.0.weight"], ["extra.weight"])
    assert ns["missing"] == ["net.0.weight"] and ns["unexpected"] == ["extra.weight"]
    model = ns["model"]
    assert np.abs(np.asarray(model.net.layers[2].kernel[...]) - torch_model.net[2].weight.detach().numpy().T).max() < TOL


def state_dict_without(model, key):
    state = model.state_dict()
    del state[key]
    return state


# ------------------------------------------------------------------------------------ hints from source

GPT_PORT = '''
    import jax.numpy as jnp
    from flax import nnx

    from model import GPTConfig  # noqa: F401  (load.py imports it from here once ported)


    class Attention(nnx.Module):
        def __init__(self, rngs, heads=4):
            self.heads = heads
            self.c_attn = nnx.Linear(32, 96, rngs=rngs)
            self.c_proj = nnx.Linear(32, 32, rngs=rngs)

        def __call__(self, x):
            b, t, c = x.shape
            q, k, v = (z.reshape(b, t, self.heads, c // self.heads) for z in jnp.split(self.c_attn(x), 3, axis=-1))
            y = nnx.dot_product_attention(q, k, v, mask=nnx.make_causal_mask(jnp.ones((b, t))))
            return self.c_proj(y.reshape(b, t, c))


    class Block(nnx.Module):
        def __init__(self, rngs):
            self.ln_1 = nnx.LayerNorm(32, epsilon=1e-5, rngs=rngs)
            self.attn = Attention(rngs)
            self.ln_2 = nnx.LayerNorm(32, epsilon=1e-5, rngs=rngs)
            self.mlp = nnx.Dict(c_fc=nnx.Linear(32, 128, rngs=rngs), c_proj=nnx.Linear(128, 32, rngs=rngs))

        def __call__(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp["c_proj"](nnx.gelu(self.mlp["c_fc"](self.ln_2(x)), approximate=True))


    class GPT(nnx.Module):
        def __init__(self, config, rngs=None):
            rngs = rngs or nnx.Rngs(0)
            self.wte = nnx.Embed(64, 32, rngs=rngs)
            self.wpe = nnx.Embed(16, 32, rngs=rngs)
            self.h = nnx.List([Block(rngs) for _ in range(2)])
            self.ln_f = nnx.LayerNorm(32, epsilon=1e-5, rngs=rngs)

        def __call__(self, ids):
            x = self.wte(ids) + self.wpe(jnp.arange(ids.shape[1]))
            for block in self.h:
                x = block(x)
            return self.wte.attend(self.ln_f(x))
'''


def test_the_hints_from_the_torch_source_load_conv1d_into_an_nnx_gpt2(tmp_path, monkeypatch):
    """GPT-2's Conv1D keeps (in, out) weights: only the hints the bin reads from model.py say so. The
    project is mid-port: load.py still builds the torch model when the bin runs (--mapper nnx); the
    porter then points its import at the NNX port and the written call loads it."""
    root = tmp_path / "gpt2"
    shutil.copytree(ROOT / "test" / "fixtures" / "hints" / "gpt2", root)
    monkeypatch.syspath_prepend(str(root))
    sys.modules.pop("model", None)
    import model as torch_source

    torch.manual_seed(0)
    tmodel = torch_source.GPT(torch_source.GPTConfig()).eval()
    torch.save(tmodel.state_dict(), root / "ckpt.pt")
    done = subprocess.run(["node", str(BIN), "--yes", "--mapper", "nnx", str(root)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    written = (root / "load.py").read_text()
    call = written[written.index('\nKeyMapper.load_into(model, torch.load("ckpt.pt"), hints={'):]
    hints = {f"h.*.{m}": "linear_t" for m in ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")}
    assert ast.literal_eval(call[call.index("hints=") + len("hints="):call.rindex(")")]) == hints

    (root / "nnx_model.py").write_text(textwrap.dedent(GPT_PORT))
    (root / "load.py").write_text(written.replace("from model import GPT, GPTConfig", "from nnx_model import GPT, GPTConfig"))
    ns = run(root, monkeypatch)
    ids = torch.randint(0, 64, (2, 16), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        want = tmodel(ids).numpy()
    got = np.asarray(ns["model"](jnp.asarray(ids.numpy())))
    assert np.abs(got - want).max() < TOL

    # without the hints the (in, out) weights do not load (a square one would load transposed)
    bare = ns["GPT"](None)
    with pytest.raises(RuntimeError, match="linear_t"):
        ns["KeyMapper"].load_into(bare, torch.load(root / "ckpt.pt"))
