"""The whole chain, torch against Flax: for each fixture project in test/fixtures/hints (a torch model's
source, model.py, and a script, load.py, that loads a checkpoint into it), the built bin rewrites the
script (`node dist/bin.cjs --yes`), and the rewritten script runs on the real state dict: its
`variables = KeyMapper.from_torch(torch.load("ckpt.pt"), hints={...})`, with the KeyMapper class the bin
injected and the hints it read from model.py. The Flax twin's output on those variables must match the
torch model's (max abs difference < 1e-4), and the hints must be the ones the model needs: without
them the same state dict does not load into the twin, or computes something else.
"""

import ast
import importlib
import runpy
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

REASON = "needs torch (CPU), jax and flax: run `bash .ci/setup-python.sh`, then use .venv/bin/python"
torch = pytest.importorskip("torch", reason=REASON)
jax = pytest.importorskip("jax", reason=REASON)
pytest.importorskip("flax", reason=REASON)

import flax.linen as nn  # noqa: E402
import jax.numpy as jnp  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test" / "fixtures" / "hints"
BIN = ROOT / "dist" / "bin.cjs"
TOL = 1e-4

pytestmark = pytest.mark.skipif(not BIN.exists(), reason="needs the built bin: run `npm run build`")

# ------------------------------------------------------------------------------------------ Flax twins


class EncoderLayer(nn.Module):
    """torch's TransformerEncoderLayer (post-norm, relu, batch first) with MultiHeadDotProductAttention."""

    heads: int
    ff: int

    def setup(self):
        self.self_attn = nn.MultiHeadDotProductAttention(num_heads=self.heads)
        self.linear1 = nn.Dense(self.ff)
        self.norm1 = nn.LayerNorm(epsilon=1e-5)
        self.norm2 = nn.LayerNorm(epsilon=1e-5)

    @nn.compact
    def __call__(self, x):
        x = self.norm1(x + self.self_attn(x))
        return self.norm2(x + nn.Dense(x.shape[-1], name="linear2")(nn.relu(self.linear1(x))))


class TransformerEncoder(nn.Module):
    def setup(self):
        self.layers = [EncoderLayer(heads=4, ff=64) for _ in range(2)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class Encoder(nn.Module):
    def setup(self):
        self.tokens = nn.Embed(50, 32)
        self.encoder = TransformerEncoder()
        self.head = nn.Dense(50)

    def __call__(self, ids):
        return self.head(self.encoder(self.tokens(ids)))


class RNNModel(nn.Module):
    def setup(self):
        self.encoder = nn.Embed(50, 16)
        self.rnn_l0 = nn.RNN(nn.LSTMCell(32))
        self.rnn_l1 = nn.RNN(nn.LSTMCell(32))
        self.decoder = nn.Dense(50)

    def __call__(self, ids):
        return self.decoder(self.rnn_l1(self.rnn_l0(self.encoder(ids))))


class Tagger(nn.Module):
    def setup(self):
        self.chars = nn.Embed(40, 16)
        self.gru_l0 = nn.RNN(nn.GRUCell(24))
        self.gru_l0_reverse = nn.RNN(nn.GRUCell(24), reverse=True, keep_order=True)
        self.out = nn.Dense(5)

    def __call__(self, ids):
        x = self.chars(ids)
        return self.out(jnp.concatenate([self.gru_l0(x), self.gru_l0_reverse(x)], axis=-1))


class ResStack(nn.Module):
    def setup(self):
        self.conv_pre = nn.Conv(8, (7,), padding=((3, 3),))
        self.convs = [nn.Conv(8, (3,), kernel_dilation=(d,), padding=((d, d),)) for d in (1, 3, 5)]
        self.conv_post = nn.Conv(1, (7,), padding=((3, 3),))

    def __call__(self, x):
        x = self.conv_pre(x)
        for conv in self.convs:
            x = x + conv(nn.leaky_relu(x, 0.1))
        return self.conv_post(nn.leaky_relu(x, 0.1))


class GPTAttention(nn.Module):
    heads: int = 4

    @nn.compact
    def __call__(self, x):
        b, t, c = x.shape
        q, k, v = jnp.split(nn.Dense(3 * c, name="c_attn")(x), 3, axis=-1)
        q, k, v = (z.reshape(b, t, self.heads, c // self.heads) for z in (q, k, v))
        y = nn.dot_product_attention(q, k, v, mask=nn.make_causal_mask(jnp.ones((b, t))))
        return nn.Dense(c, name="c_proj")(y.reshape(b, t, c))


class GPTMLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        h = nn.gelu(nn.Dense(4 * x.shape[-1], name="c_fc")(x), approximate=True)
        return nn.Dense(x.shape[-1], name="c_proj")(h)


class GPTBlock(nn.Module):
    def setup(self):
        self.ln_1 = nn.LayerNorm(epsilon=1e-5)
        self.attn = GPTAttention()
        self.ln_2 = nn.LayerNorm(epsilon=1e-5)
        self.mlp = GPTMLP()

    def __call__(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def setup(self):
        self.wte = nn.Embed(64, 32)
        self.wpe = nn.Embed(16, 32)
        self.h = [GPTBlock() for _ in range(2)]
        self.ln_f = nn.LayerNorm(epsilon=1e-5)

    def __call__(self, ids):
        x = self.wte(ids) + self.wpe(jnp.arange(ids.shape[1]))
        for block in self.h:
            x = block(x)
        return self.wte.attend(self.ln_f(x))


def ids(high, shape=(2, 12)):
    return torch.randint(0, high, shape, generator=torch.Generator().manual_seed(1))


def signal():
    return torch.from_numpy(np.random.default_rng(0).standard_normal((2, 1, 40)).astype(np.float32))


# fixture: torch model from model.py, its input, that input for Flax, the Flax twin, the hints the bin
# must write
CASES = {
    "transformer": (
        lambda m: m.Encoder(nhead=4), lambda: ids(50), lambda x: x.numpy(), Encoder,
        {"encoder.layers.*.self_attn": "attention:4", "tokens": "embedding"},
    ),
    "lstm_lm": (
        lambda m: m.RNNModel(), lambda: ids(50), lambda x: x.numpy(), RNNModel,
        {"encoder": "embedding"},
    ),
    "gru": (
        lambda m: m.Tagger(), lambda: ids(40), lambda x: x.numpy(), Tagger,
        {"chars": "embedding"},
    ),
    "weightnorm": (
        lambda m: m.ResStack(), signal, lambda x: np.moveaxis(x.numpy(), 1, -1), ResStack,
        None,  # the state dict says weight norm by its keys: no hint needed
    ),
    "gpt2": (
        lambda m: m.GPT(m.GPTConfig()), lambda: ids(64, (2, 16)), lambda x: x.numpy(), GPT,
        {f"h.*.{m}": "linear_t" for m in ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")},
    ),
}


def written_call(path):
    """The hints= of the KeyMapper.from_torch call the bin wrote (None when it wrote none)."""
    tree = ast.parse(path.read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "from_torch" and isinstance(n.func.value, ast.Name) and n.func.value.id == "KeyMapper"]
    assert len(calls) == 1, ast.unparse(tree)
    hints = [kw.value for kw in calls[0].keywords if kw.arg == "hints"]
    return ast.literal_eval(hints[0]) if hints else None


def import_model(project):
    sys.modules.pop("model", None)
    sys.path.insert(0, str(project))
    try:
        return importlib.import_module("model")
    finally:
        sys.path.remove(str(project))


@pytest.mark.parametrize("name", list(CASES))
def test_bin_written_call_loads_the_torch_model_into_its_flax_twin(name, tmp_path, monkeypatch):
    make_torch, make_input, to_flax, twin, expected_hints = CASES[name]
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project)
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own deprecation of the old weight_norm
        tmodel = make_torch(import_model(project)).eval()
    with torch.no_grad():
        for m in tmodel.modules():
            if isinstance(m, torch.nn.LayerNorm):
                m.weight.normal_(1.0, 0.2)
                m.bias.normal_(0.0, 0.2)
    torch.save(tmodel.state_dict(), project / "ckpt.pt")
    x = make_input()
    with torch.no_grad():
        expected = tmodel(x).numpy()

    done = subprocess.run(["node", str(BIN), "--yes", str(project)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert written_call(project / "load.py") == expected_hints

    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    sys.modules.pop("model", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ns = runpy.run_path(str(project / "load.py"), run_name="__main__")
    mapper_warnings = [str(w.message) for w in caught if "KeyMapper" in str(w.message)]
    assert mapper_warnings == []
    variables = ns["variables"]
    fx = jnp.asarray(to_flax(x))
    fmodel = twin()
    out = np.asarray(fmodel.apply(variables, fx))
    if out.shape != expected.shape:  # channels last -> torch's channels first
        out = np.moveaxis(out, -1, 1)
    assert out.shape == expected.shape
    diff = float(np.max(np.abs(out - expected)))
    print(f"\n{name}: hints {expected_hints}; max abs diff {diff:.2e}")
    assert diff < TOL

    # The hints matter: the same state dict without them does not give the twin's variables.
    if expected_hints:
        kmapper = ns["KeyMapper"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bare = kmapper.from_torch(torch.load(project / "ckpt.pt"))
        try:
            wrong = np.asarray(fmodel.apply(bare, fx))
            wrong = float(np.max(np.abs(wrong - expected))) if wrong.shape == expected.shape else None
        except Exception:  # noqa: BLE001 - Flax refuses the tree (a missing path or a shape)
            wrong = None
        assert wrong is None or wrong > TOL
