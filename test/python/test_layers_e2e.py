"""Each layer rule of the flax KeyMapper, torch against Flax: a torch layer's state dict converted with
KeyMapper.from_torch (hints where the rule needs them) must give the tree the Flax layer initialises
(paths and shapes) and the same output (max abs diff < 1e-4). Models assembled from these layers,
through the built bin, are in test_hints_e2e.py.
"""

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
import torch.nn as tnn  # noqa: E402
from flax.traverse_util import flatten_dict  # noqa: E402
from torch.nn.utils.parametrizations import weight_norm as param_weight_norm  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TOL = 1e-4


from keymapper_source import load  # noqa: E402


KM = load("flax")


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def shapes(tree):
    return {"/".join(map(str, k)): tuple(np.shape(v)) for k, v in flatten_dict(dict(tree)).items()}


class Attention(nn.Module):
    heads: int
    use_bias: bool = True

    @nn.compact
    def __call__(self, q, kv=None):
        attn = nn.MultiHeadDotProductAttention(num_heads=self.heads, use_bias=self.use_bias, name="attn")
        return attn(q) if kv is None else attn(q, kv[0], kv[1])


class Recurrent(nn.Module):
    """torch's nn.LSTM/GRU/RNN (batch first) as Flax nn.RNN layers named rnn_l{k}(_reverse)."""

    cell: type
    hidden: int
    layers: int = 1
    bidirectional: bool = False
    cell_kwargs: tuple = ()

    @nn.compact
    def __call__(self, x):
        make = lambda: self.cell(self.hidden, parent=None, **dict(self.cell_kwargs))  # noqa: E731
        for k in range(self.layers):
            out = nn.RNN(make(), name=f"rnn_l{k}")(x)
            if self.bidirectional:
                back = nn.RNN(make(), reverse=True, keep_order=True, name=f"rnn_l{k}_reverse")(x)
                out = jnp.concatenate([out, back], axis=-1)
            x = out
        return x


class Cell(nn.Module):
    """A torch LSTMCell/GRUCell stepped over a sequence: the Flax cell at params/cell."""

    cell: type
    hidden: int

    @nn.compact
    def __call__(self, x):
        return nn.RNN(self.cell(self.hidden, parent=None), name="rnn")(x)


def run_torch_rnn(module, x):
    with torch.no_grad():
        out = module(torch.from_numpy(x))
    return (out[0] if isinstance(out, tuple) else out).numpy()


def check(state, flax_model, inputs, expected, hints=None, prefix=None):
    """from_torch(state) has the tree flax_model.init gives and computes `expected`; -> max abs diff."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        variables = KM.from_torch(state, hints=hints)
    assert [str(w.message) for w in caught if "KeyMapper" in str(w.message)] == []
    if prefix:  # the Flax module nests the layer one level down
        variables = {"params": {prefix: variables["params"]}}
    init = flax_model.init(jax.random.key(0), *inputs)
    assert shapes(variables) == shapes(init)
    out = np.asarray(flax_model.apply(variables, *inputs))
    assert out.shape == expected.shape
    diff = float(np.max(np.abs(out - expected)))
    assert diff < TOL, diff
    return diff


def test_multihead_attention_in_proj():
    torch.manual_seed(0)
    m = tnn.MultiheadAttention(16, 4, batch_first=True).eval()
    x = randn(2, 5, 16)
    with torch.no_grad():
        expected = m(*(torch.from_numpy(x),) * 3, need_weights=False)[0].numpy()
    state = {"attn." + k: v for k, v in m.state_dict().items()}
    check(state, Attention(heads=4), (jnp.asarray(x),), expected, hints={"attn": "attention:4"})


def test_multihead_attention_separate_projections_without_bias():
    torch.manual_seed(0)
    m = tnn.MultiheadAttention(8, 2, kdim=5, vdim=6, bias=False, batch_first=True).eval()
    q, k, v = randn(2, 3, 8), randn(2, 4, 5, seed=1), randn(2, 4, 6, seed=2)
    with torch.no_grad():
        expected = m(torch.from_numpy(q), torch.from_numpy(k), torch.from_numpy(v), need_weights=False)[0].numpy()
    state = {"attn." + key: val for key, val in m.state_dict().items()}
    check(state, Attention(heads=2, use_bias=False), (jnp.asarray(q), (jnp.asarray(k), jnp.asarray(v))), expected,
          hints={"attn": "attention:2"})


@pytest.mark.parametrize("layers,bidirectional,bias", [(2, True, True), (1, False, False)])
def test_lstm(layers, bidirectional, bias):
    torch.manual_seed(0)
    m = tnn.LSTM(3, 8, num_layers=layers, bidirectional=bidirectional, batch_first=True, bias=bias).eval()
    x = randn(2, 7, 3)
    state = {"rnn." + k: v for k, v in m.state_dict().items()}
    flax_model = Recurrent(nn.LSTMCell, 8, layers=layers, bidirectional=bidirectional)
    check(state, flax_model, (jnp.asarray(x),), run_torch_rnn(m, x))


def test_gru_two_layers():
    torch.manual_seed(0)
    m = tnn.GRU(3, 8, num_layers=2, batch_first=True).eval()
    x = randn(2, 7, 3)
    state = {"rnn." + k: v for k, v in m.state_dict().items()}
    check(state, Recurrent(nn.GRUCell, 8, layers=2), (jnp.asarray(x),), run_torch_rnn(m, x))


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_elman_rnn_is_a_simple_cell(nonlinearity):
    torch.manual_seed(0)
    m = tnn.RNN(3, 8, nonlinearity=nonlinearity, batch_first=True).eval()
    x = randn(2, 7, 3)
    state = {"rnn." + k: v for k, v in m.state_dict().items()}
    kwargs = (("activation_fn", nn.relu),) if nonlinearity == "relu" else ()
    check(state, Recurrent(nn.SimpleCell, 8, cell_kwargs=kwargs), (jnp.asarray(x),), run_torch_rnn(m, x))


@pytest.mark.parametrize("torch_cell,flax_cell", [(tnn.LSTMCell, nn.LSTMCell), (tnn.GRUCell, nn.GRUCell)])
def test_single_cells_map_in_place(torch_cell, flax_cell):
    """nn.LSTMCell/GRUCell `cell` -> the Flax cell's params at params/cell, stepped here over a sequence."""
    torch.manual_seed(0)
    cell = torch_cell(3, 8).eval()
    x = randn(2, 7, 3)
    h = (torch.zeros(2, 8), torch.zeros(2, 8)) if torch_cell is tnn.LSTMCell else torch.zeros(2, 8)
    outs = []
    with torch.no_grad():
        for t in range(7):
            h = cell(torch.from_numpy(x[:, t]), h)
            outs.append((h[0] if isinstance(h, tuple) else h).numpy())
    state = {"cell." + k: v for k, v in cell.state_dict().items()}
    check(state, Cell(flax_cell, 8), (jnp.asarray(x),), np.stack(outs, axis=1), prefix="rnn")


def test_weight_norm_on_a_linear_a_conv_transpose_and_an_lstm():
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the old weight_norm is deprecated in torch
        fc = tnn.utils.weight_norm(tnn.Linear(6, 4))
        lstm = tnn.utils.weight_norm(tnn.LSTM(4, 5, batch_first=True), name="weight_hh_l0")
    up = param_weight_norm(tnn.ConvTranspose1d(5, 3, 4, stride=2, padding=1), dim=1)
    x = randn(2, 7, 6)

    class TorchStack(tnn.Module):
        def __init__(self):
            super().__init__()
            self.fc, self.rnn, self.up = fc, lstm, up

        def forward(self, x):
            h = self.rnn(self.fc(x))[0]
            return self.up(h.transpose(1, 2)).transpose(1, 2)

    class FlaxStack(nn.Module):
        @nn.compact
        def __call__(self, x):
            h = nn.RNN(nn.LSTMCell(5, parent=None), name="rnn_l0")(nn.Dense(4, name="fc")(x))
            return nn.ConvTranspose(3, (4,), strides=(2,), padding=((2, 2),), transpose_kernel=True, name="up")(h)

    tmodel = TorchStack().eval()
    with torch.no_grad():
        expected = tmodel(torch.from_numpy(x)).numpy()
    state = tmodel.state_dict()
    assert "fc.weight_g" in state and "rnn.weight_hh_l0_g" in state and "up.parametrizations.weight.original0" in state
    check(state, FlaxStack(), (jnp.asarray(x),), expected)


def test_conv_transpose_hint_fits_flax_default_conv_transpose():
    torch.manual_seed(0)
    m = tnn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1).eval()
    x = randn(2, 4, 5, 5)
    with torch.no_grad():
        expected = np.moveaxis(m(torch.from_numpy(x)).numpy(), 1, -1)

    class Up(nn.Module):
        @nn.compact
        def __call__(self, x):
            return nn.ConvTranspose(3, (3, 3), strides=(2, 2), padding=((1, 2), (1, 2)), name="up")(x)

    state = {"up." + k: v for k, v in m.state_dict().items()}
    check(state, Up(), (jnp.asarray(np.moveaxis(x, 1, -1)),), expected, hints={"up": "conv_transpose"})
