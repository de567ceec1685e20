"""KeyMapper.load_into per layer: each torch layer's state dict loaded into its Flax NNX counterpart
(the composed nnx preamble, in process), outputs compared within 1e-4; and what load_into refuses."""

import numpy as np
import pytest

REASON = "needs torch (CPU), jax and flax: run `bash .ci/setup-python.sh`, then use .venv/bin/python"
torch = pytest.importorskip("torch", reason=REASON)
pytest.importorskip("jax", reason=REASON)
pytest.importorskip("flax", reason=REASON)

import jax.numpy as jnp  # noqa: E402
import torch.nn as tnn  # noqa: E402
from flax import nnx  # noqa: E402
from torch.nn.utils.parametrizations import weight_norm  # noqa: E402

from keymapper_source import load  # noqa: E402

KM = load("nnx")
TOL = 1e-4
R = nnx.Rngs(0)


def rand(*shape, seed=1):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def close(got, want):
    assert np.shape(got) == np.shape(want)
    assert np.abs(np.asarray(got) - np.asarray(want)).max() < TOL


def torch_out(module, x):
    with torch.no_grad():
        out = module(torch.tensor(x))
    return (out[0] if isinstance(out, tuple) else out).numpy()


class Holder(nnx.Module):
    def __init__(self, **layers):
        for name, layer in layers.items():
            setattr(self, name, layer)


@pytest.mark.parametrize("cell", ["lstm", "optimized", "gru", "rnn"])
def test_recurrent_layers_two_deep_and_bidirectional(cell):
    torch_cls = {"lstm": tnn.LSTM, "optimized": tnn.LSTM, "gru": tnn.GRU, "rnn": tnn.RNN}[cell]
    nnx_cell = {"lstm": nnx.LSTMCell, "optimized": nnx.OptimizedLSTMCell, "gru": nnx.GRUCell, "rnn": nnx.SimpleCell}[cell]
    t = torch_cls(6, 5, num_layers=2, bidirectional=True, batch_first=True)
    if cell == "gru":  # nnx.GRUCell has no bias for its hidden n gate
        with torch.no_grad():
            for k in range(2):
                for suffix in ("", "_reverse"):
                    getattr(t, f"bias_hh_l{k}{suffix}")[10:] = 0

    def bi(features):
        return nnx.Bidirectional(nnx.RNN(nnx_cell(features, 5, rngs=R)), nnx.RNN(nnx_cell(features, 5, rngs=R)))

    m = Holder(rnn=nnx.List([bi(6), bi(10)]))
    assert KM.load_into(m, {"rnn." + k: v for k, v in t.state_dict().items()}) == ([], [])
    x = rand(2, 4, 6)
    y = jnp.asarray(x)
    for layer in m.rnn:
        y = layer(y)
    close(y, torch_out(t, x))


def test_gru_hidden_n_bias_that_nnx_cannot_hold_is_refused_and_nothing_changes():
    t = tnn.GRU(3, 4, batch_first=True)
    m = Holder(gru=nnx.RNN(nnx.GRUCell(3, 4, rngs=R)))
    before = np.array(m.gru.cell.dense_i.kernel[...])
    with pytest.raises(RuntimeError, match="hidden n gate"):
        KM.load_into(m, {"gru." + k: v for k, v in t.state_dict().items()})
    assert np.array_equal(before, m.gru.cell.dense_i.kernel[...])


def test_lstm_layers_named_as_linen_names_them():
    t = tnn.LSTM(4, 3, num_layers=2, batch_first=True)
    m = Holder(lstm_l0=nnx.RNN(nnx.LSTMCell(4, 3, rngs=R)), lstm_l1=nnx.RNN(nnx.LSTMCell(3, 3, rngs=R)))
    assert KM.load_into(m, {"lstm." + k: v for k, v in t.state_dict().items()}) == ([], [])
    x = rand(2, 5, 4)
    close(m.lstm_l1(m.lstm_l0(jnp.asarray(x))), torch_out(t, x))


def test_attention_takes_the_modules_head_count_and_checks_a_hint():
    t = tnn.MultiheadAttention(16, 4, batch_first=True)
    m = nnx.MultiHeadAttention(4, 16, decode=False, rngs=R)
    with pytest.raises(RuntimeError, match="'attention:2' but the module has 4 heads"):
        KM.load_into(m, t.state_dict(), hints={"": "attention:2"})
    KM.load_into(m, t.state_dict())
    x = rand(2, 3, 16)
    with torch.no_grad():
        want = t(torch.tensor(x), torch.tensor(x), torch.tensor(x), need_weights=False)[0].numpy()
    close(m(jnp.asarray(x)), want)


@pytest.mark.parametrize("transpose_kernel", [True, False])
def test_conv_transpose_either_nnx_layout(transpose_kernel):
    t = tnn.ConvTranspose2d(3, 5, 3, stride=2)
    m = nnx.ConvTranspose(3, 5, (3, 3), strides=(2, 2), padding="VALID", transpose_kernel=transpose_kernel, rngs=R)
    KM.load_into(m, t.state_dict())
    x = rand(1, 3, 4, 4)
    close(np.asarray(m(jnp.asarray(x.transpose(0, 2, 3, 1)))).transpose(0, 3, 1, 2), torch_out(t, x))


def test_prelu_groupnorm_and_weight_norm():
    t = tnn.Sequential(weight_norm(tnn.Linear(6, 8)), tnn.PReLU(), tnn.GroupNorm(2, 8))
    m = nnx.Sequential(nnx.Linear(6, 8, rngs=R), nnx.PReLU(), nnx.GroupNorm(8, num_groups=2, epsilon=1e-5, rngs=R))
    assert KM.load_into(m, t.state_dict()) == ([], [])
    x = rand(3, 6)
    close(m(jnp.asarray(x)), torch_out(t, x))


def test_conv1d_weights_need_the_linear_t_hint():
    w = torch.tensor(rand(6, 4))  # Hugging Face's Conv1D: (in, out)
    m = Holder(c_attn=nnx.Linear(6, 4, rngs=R))
    with pytest.raises(RuntimeError, match="'c_attn': 'linear_t'"):
        KM.load_into(m, {"c_attn.weight": w, "c_attn.bias": torch.zeros(4)})
    KM.load_into(m, {"c_attn.weight": w, "c_attn.bias": torch.zeros(4)}, hints={"c_attn": "linear_t"})
    close(m.c_attn.kernel[...], w.numpy())


def test_result_is_a_named_pair_in_torch_names():
    t = tnn.Sequential(tnn.Linear(2, 3), tnn.BatchNorm1d(3))
    m = nnx.Sequential(nnx.Linear(2, 3, rngs=R), nnx.BatchNorm(3, rngs=R))
    state = t.state_dict()
    for key in ("1.running_var", "1.weight"):
        del state[key]
    result = KM.load_into(m, {**state, "2.weight": torch.ones(1)}, strict=False)
    assert result.missing_keys == ["1.weight", "1.running_var"]
    assert result.unexpected_keys == ["2.weight"]
    with pytest.raises(RuntimeError) as err:
        KM.load_into(m, {**state, "2.weight": torch.ones(1)})
    assert "'1.weight', '1.running_var'" in str(err.value) and "'2.weight'" in str(err.value)


def test_a_shape_that_fits_no_orientation_raises_even_when_not_strict():
    m = nnx.Linear(3, 4, rngs=R)
    before = np.array(m.bias[...])
    with pytest.raises(RuntimeError, match="size mismatch for weight"):
        KM.load_into(m, {"weight": torch.zeros(5, 3), "bias": torch.ones(4)}, strict=False)
    assert np.array_equal(before, m.bias[...])


def test_values_take_the_modules_dtype_and_a_linen_module_is_refused():
    m = nnx.Linear(2, 2, param_dtype=jnp.bfloat16, rngs=R)
    KM.load_into(m, {"weight": torch.ones(2, 2, dtype=torch.bfloat16), "bias": torch.zeros(2)})
    assert m.kernel[...].dtype == jnp.bfloat16
    with pytest.raises(TypeError, match="flax.nnx.Module"):
        KM.load_into({"params": {}}, {})


def test_one_layer_lstm_is_the_rnn_itself():
    t = tnn.LSTM(4, 3, batch_first=True)
    m = nnx.RNN(nnx.LSTMCell(4, 3, rngs=R))
    assert KM.load_into(m, t.state_dict()) == ([], [])
    x = rand(2, 5, 4)
    close(m(jnp.asarray(x)), torch_out(t, x))


def test_missing_keys_of_recurrent_and_attention_layers_in_torch_names():
    m = Holder(
        rnn=nnx.List([nnx.Bidirectional(nnx.RNN(nnx.GRUCell(3, 4, rngs=R)), nnx.RNN(nnx.GRUCell(3, 4, rngs=R)))]),
        lstm_l1=nnx.RNN(nnx.LSTMCell(3, 4, rngs=R)),
        attn=nnx.MultiHeadAttention(2, 4, decode=False, rngs=R),
        seq=nnx.Sequential(nnx.Linear(2, 2, rngs=R)),
    )
    missing, unexpected = KM.load_into(m, {}, strict=False)
    assert unexpected == []
    assert sorted(missing) == sorted([
        "rnn.weight_ih_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "rnn.weight_hh_l0",
        "rnn.weight_ih_l0_reverse", "rnn.bias_ih_l0_reverse", "rnn.bias_hh_l0_reverse", "rnn.weight_hh_l0_reverse",
        "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1",
        "attn.in_proj_weight", "attn.in_proj_bias", "attn.out_proj.weight", "attn.out_proj.bias",
        "seq.0.weight", "seq.0.bias",
    ])


def test_attention_with_its_own_key_and_value_widths():
    t = tnn.MultiheadAttention(16, 4, kdim=8, vdim=8, batch_first=True)
    m = nnx.MultiHeadAttention(4, 16, in_kv_features=8, decode=False, rngs=R)
    assert KM.load_into(m, t.state_dict()) == ([], [])
    q, kv = rand(2, 3, 16), rand(2, 5, 8, seed=2)
    with torch.no_grad():
        want = t(torch.tensor(q), torch.tensor(kv), torch.tensor(kv), need_weights=False)[0].numpy()
    close(m(jnp.asarray(q), jnp.asarray(kv)), want)
