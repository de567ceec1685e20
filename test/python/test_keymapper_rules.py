"""Rule tests for the KeyMapper preambles (src/python/keymapper_*.py).

The class is loaded by exec'ing the file's text, exactly as the tool injects it into a user's file.
Runs in the project venv (.venv, see .ci/setup-python.sh). Without jax installed (a bare python3 with
numpy and pytest) a tiny numpy stand-in for `jax.numpy` is used, so the naming/layout rules can still
be checked; the bfloat16 tests then need torch or ml_dtypes and skip otherwise.
"""

import ast
import re
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
PY_DIR = ROOT / "src" / "python"

try:
    import jax.numpy as jnp

    HAVE_JAX = True
except ImportError:  # numpy-only python3: stand in for the two things the class uses
    HAVE_JAX = False
    try:
        import ml_dtypes

        _BF16 = ml_dtypes.bfloat16
    except ImportError:
        _BF16 = None
    jnp = types.ModuleType("jax.numpy")
    jnp.asarray = lambda a, dtype=None: np.asarray(a, dtype=dtype)
    jnp.array = np.array
    jnp.bfloat16 = _BF16
    _jax = types.ModuleType("jax")
    _jax.numpy = jnp
    sys.modules.setdefault("jax", _jax)
    sys.modules.setdefault("jax.numpy", jnp)

try:
    import torch
except ImportError:
    torch = None


from keymapper_source import load  # noqa: E402


KM = load("flax")
REF = load("reference")


def flat(tree, prefix=""):
    out = {}
    for k, v in tree.items():
        if isinstance(v, dict):
            out.update(flat(v, f"{prefix}{k}/"))
        else:
            out[f"{prefix}{k}"] = tuple(np.shape(v))
    return out


def convert(state, **kw):
    """-> (variables, list of warning messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        variables = KM.from_torch(state, **kw)
    return variables, [str(w.message) for w in caught]


def arange(*shape):
    return np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)


# ---------------------------------------------------------------- the preamble files themselves


@pytest.mark.parametrize("flavour", ["flax", "reference"])
def test_preamble_file_format(flavour):
    """imports only, exactly two blank lines, then `class KeyMapper:` to the end; one final newline."""
    text = (PY_DIR / f"keymapper_{flavour}.py").read_text()
    head, sep, body = text.partition("\n\n\nclass KeyMapper:")
    assert sep, "two blank lines before `class KeyMapper:`"
    assert not head.startswith("\n") and "\n\n" not in head
    for line in head.split("\n"):
        assert re.fullmatch(r"(import [\w.]+( as \w+)?|from [\w.]+ import [\w, ]+)", line), line
    assert text.endswith("\n") and not text.endswith("\n\n")
    tree = ast.parse(text)
    assert [type(n).__name__ for n in tree.body][-1] == "ClassDef"
    assert all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body[:-1])


def test_reference_is_the_seed_verbatim():
    seed = (ROOT.parent / "shared" / "seed" / "000_32c051f34d0fb807.txt")
    if not seed.exists():
        pytest.skip(f"seed file not on this machine ({seed})")
    lines = seed.read_text().split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip() == "import jax.numpy as jnp")
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == '"""')
    import textwrap

    code = textwrap.dedent("\n".join(lines[start:end]) + "\n")
    ours = (PY_DIR / "keymapper_reference.py").read_text()
    # only change: two blank lines (not one) before the class, as the preamble format requires
    assert ours == code.replace("import re\n\nclass", "import re\n\n\nclass", 1)


def test_map_name_and_map_value_are_public_static_methods():
    for name in ("map_name", "map_value"):
        assert isinstance(KM.__dict__[name], staticmethod)
    assert KM.map_name("fc.weight", 2) == ("params", "fc", "kernel")
    assert KM.map_name("bn.num_batches_tracked", 0) is None
    np.testing.assert_array_equal(np.asarray(KM.map_value("fc.weight", arange(4, 3))), arange(4, 3).T)


# ---------------------------------------------------------------- keymapper.md example rows

EXAMPLES = [
    # torch key, torch shape, flax path, flax axes applied to the torch value
    ("fc.weight", (4, 3), "params/fc/kernel", (1, 0)),
    ("fc.bias", (4,), "params/fc/bias", None),
    ("conv1d.weight", (8, 3, 5), "params/conv1d/kernel", (2, 1, 0)),
    ("conv.weight", (8, 3, 3, 5), "params/conv/kernel", (2, 3, 1, 0)),
    ("conv3d.weight", (8, 3, 2, 3, 5), "params/conv3d/kernel", (2, 3, 4, 1, 0)),
    ("dw.weight", (16, 1, 3, 3), "params/dw/kernel", (2, 3, 1, 0)),
    ("bn1.weight", (8,), "params/bn1/scale", None),
    ("bn1.running_var", (8,), "batch_stats/bn1/var", None),
    ("bn1.running_mean", (8,), "batch_stats/bn1/mean", None),
    ("ln_1.weight", (768,), "params/ln_1/scale", None),
    ("wte.weight", (50257, 768), "params/wte/embedding", None),
    ("features.0.weight", (8, 3, 3, 3), "params/features_0/kernel", (2, 3, 1, 0)),
    ("0.weight", (4, 3), "params/layers_0/kernel", (1, 0)),
    # the issue's own additions
    ("gn.weight", (8,), "params/gn/scale", None),
    ("subnet.0.weight", (4, 3), "params/subnet_0/kernel", (1, 0)),
    ("abnormal_proj.weight", (4, 3), "params/abnormal_proj/kernel", (1, 0)),
    ("denorm.weight", (4, 3), "params/denorm/kernel", (1, 0)),
    ("bnorm.weight", (4, 3), "params/bnorm/kernel", (1, 0)),
    ("bnorm.weight", (4,), "params/bnorm/scale", None),
    ("features.1.weight", (8,), "params/features_1/scale", None),
    ("norm.gamma", (8,), "params/norm/scale", None),
    ("norm.beta", (8,), "params/norm/bias", None),
    ("up.weight", (8, 4, 2, 2), "params/up/kernel", (2, 3, 1, 0)),  # ConvTranspose2d (in, out, kH, kW)
    ("blocks.0.1.weight", (4, 3), "params/blocks_0_1/kernel", (1, 0)),
    ("0.1.weight", (4, 3), "params/layers_0_1/kernel", (1, 0)),
    ("weight", (4, 3), "params/kernel", (1, 0)),
    # embedding names are whole segments / whole '_' words, never substrings
    ("tok_embeddings.weight", (10, 4), "params/tok_embeddings/embedding", None),
    ("word_embeddings.weight", (10, 4), "params/word_embeddings/embedding", None),
    ("pos_emb.weight", (10, 4), "params/pos_emb/embedding", None),
    ("embed_tokens.weight", (10, 4), "params/embed_tokens/embedding", None),
    ("wpe.weight", (10, 4), "params/wpe/embedding", None),
    ("membrane.weight", (10, 4), "params/membrane/kernel", (1, 0)),
    ("embed_proj.weight", (10, 4), "params/embed_proj/kernel", (1, 0)),
]


@pytest.mark.parametrize("key,shape,path,axes", EXAMPLES, ids=[f"{e[0]}{e[1]}" for e in EXAMPLES])
def test_rule_row(key, shape, path, axes):
    value = np.zeros(shape, np.float32) if np.prod(shape) > 1e6 else arange(*shape)
    variables, warned = convert({key: value})
    assert flat(variables) == {path: tuple(np.transpose(value, axes).shape) if axes else shape}
    assert warned == []
    node = variables
    for seg in path.split("/"):
        node = node[seg]
    expected = np.transpose(value, axes) if axes else value
    np.testing.assert_array_equal(np.asarray(node), expected)


def test_num_batches_tracked_is_dropped_and_batch_stats_separated():
    variables, warned = convert({
        "bn1.weight": arange(8), "bn1.bias": arange(8), "bn1.running_mean": arange(8),
        "bn1.running_var": arange(8), "bn1.num_batches_tracked": np.array(3),
    })
    assert flat(variables) == {
        "params/bn1/scale": (8,), "params/bn1/bias": (8,),
        "batch_stats/bn1/mean": (8,), "batch_stats/bn1/var": (8,),
    }
    assert warned == []


def test_prelu_slope_is_a_scalar_negative_slope():
    variables, warned = convert({"act.weight": np.array([0.25], np.float32), "norm.weight": arange(1),
                                 "norm.bias": arange(1), "rms.weight": arange(4)})
    assert flat(variables) == {"params/act/negative_slope": (), "params/norm/scale": (1,),
                               "params/norm/bias": (1,), "params/rms/scale": (4,)}
    assert float(np.asarray(variables["params"]["act"]["negative_slope"])) == 0.25
    assert warned == []


def test_target_puts_a_one_value_weight_where_the_template_has_it():
    # a: no bias, so a slope by rule, but the template has a scale; b: a bias, so a scale by rule,
    # but the template has a slope
    tmpl = template({"params": {"a": {"scale": (1,)}, "b": {"negative_slope": (), "bias": (1,)}}})
    v, _ = convert({"a.weight": np.array([2.0], np.float32), "b.weight": np.array([0.5], np.float32),
                    "b.bias": np.array([0.0], np.float32)}, target=tmpl)
    assert flat(v) == flat(tmpl)
    assert float(np.asarray(v["params"]["b"]["negative_slope"])) == 0.5


def test_no_batch_stats_collection_without_running_stats():
    assert set(convert({"fc.weight": arange(4, 3)})[0]) == {"params"}


@pytest.mark.parametrize("key,shape", [
    ("pos_weight", (3,)),
    ("loss.pos_weight", (3,)),
    ("attn.bias_k", (1, 1, 4)),  # MultiheadAttention(add_bias_kv=True): Flax has none
    ("attn.in_proj_bias", (12,)),  # an attention's bias without its weight
    ("lstm.weight_ih_l0", (16, 4)),  # a recurrent layer's input weight without its hidden one
    ("lstm.weight_hh_l0_reverse", (16, 4)),
    ("lstm.weight_hr_l0", (2, 4)),  # LSTM(proj_size=...)
    ("conv.weight_orig", (4, 3, 3)),  # spectral norm
    ("conv.weight_v", (4, 3, 3)),  # a weight norm's v without its g
    ("scalar.weight", ()),
])
def test_unmapped_keys_are_kept_and_named_in_a_warning(key, shape):
    value = arange(*shape) if shape else np.array(2.0, np.float32)
    variables, warned = convert({key: value, "fc.weight": arange(4, 3)})
    *mods, leaf = key.split(".")
    assert flat(variables) == {"/".join(["params", *mods, leaf]): shape, "params/fc/kernel": (3, 4)}
    assert len(warned) == 1 and key in warned[0] and "manual mapping" in warned[0]
    assert "fc.weight" not in warned[0]


# ---------------------------------------------------------------- embedding names on containers

# An embedding-like name decides only a leaf module; with a numeric child it is a container
# (stable-diffusion's `time_embed = nn.Sequential(linear(...), nn.SiLU(), linear(...))`).
@pytest.mark.parametrize("key", ["time_embed.0.weight", "time_embed.2.weight", "emb.0.weight", "label_emb.1.0.weight"])
def test_a_numeric_child_of_an_embedding_name_is_a_transposed_kernel_with_a_warning(key):
    variables, warned = convert({key: arange(16, 8), "fc.weight": arange(4, 3)})
    *mods, _ = key.split(".")
    path = f"params/{_flax_module_path(mods)}/kernel"
    assert flat(variables) == {path: (8, 16), "params/fc/kernel": (3, 4)}
    np.testing.assert_array_equal(np.asarray(_at(variables, path)), arange(16, 8).T)
    assert len(warned) == 1 and key in warned[0] and "fc.weight" not in warned[0]
    assert "Linear" in warned[0] and "hints=" in warned[0]


def _flax_module_path(mods):
    out = []
    for seg in mods:
        if seg.isdigit():
            out.append(out.pop() + "_" + seg)
        else:
            out.append(seg)
    return "/".join(out)


def _at(tree, path):
    for seg in path.split("/"):
        tree = tree[seg]
    return tree


def test_an_embedding_name_on_a_leaf_module_is_an_embedding_without_a_warning():
    variables, warned = convert({"time_embed.weight": arange(16, 8)})
    assert flat(variables) == {"params/time_embed/embedding": (16, 8)} and warned == []


def test_a_hint_or_a_target_settles_a_container_child_without_a_warning():
    variables, warned = convert({"time_embed.0.weight": arange(16, 8)}, hints={"time_embed.0": "embedding"})
    assert flat(variables) == {"params/time_embed_0/embedding": (16, 8)} and warned == []
    variables, warned = convert({"time_embed.0.weight": arange(16, 8)}, hints={"time_embed.0": "kernel"})
    assert flat(variables) == {"params/time_embed_0/kernel": (8, 16)} and warned == []
    tmpl = template({"params": {"time_embed_0": {"embedding": (16, 8)}}})
    variables, warned = convert({"time_embed.0.weight": arange(16, 8)}, target=tmpl)
    assert flat(variables) == {"params/time_embed_0/embedding": (16, 8)} and warned == []


def test_one_warning_names_every_unmapped_key():
    keys = ["attn.bias_k", "lstm.weight_ih_l0", "pos_weight"]
    _, warned = convert({k: arange(2, 2) for k in keys})
    assert len(warned) == 1 and all(k in warned[0] for k in keys)


# ---------------------------------------------------------------- prefixes and wrappers


@pytest.mark.parametrize("prefix", ["module.", "_orig_mod.", "_orig_mod.module.", "module._orig_mod."])
def test_shared_prefix_is_stripped(prefix):
    state = {prefix + "fc.weight": arange(4, 3), prefix + "fc.bias": arange(4)}
    assert flat(convert(state)[0]) == {"params/fc/kernel": (3, 4), "params/fc/bias": (4,)}


def test_prefix_not_shared_by_every_key_is_kept():
    state = {"module.fc.weight": arange(4, 3), "head.weight": arange(2, 4)}
    assert flat(convert(state)[0]) == {"params/module/fc/kernel": (3, 4), "params/head/kernel": (4, 2)}


@pytest.mark.parametrize("wrapper", ["state_dict", "model", "model_state_dict"])
def test_checkpoint_wrapper_is_unwrapped(wrapper):
    ckpt = {wrapper: {"module.fc.weight": arange(4, 3)}, "epoch": 3, "optimizer": {"state": {}}}
    assert flat(convert(ckpt)[0]) == {"params/fc/kernel": (3, 4)}


def test_collision_is_an_error():
    with pytest.raises(ValueError, match="layer_0"):
        KM.from_torch({"layer.0.weight": arange(4, 3), "layer_0.weight": arange(4, 3)})


# ---------------------------------------------------------------- values, dtypes, bad input


def test_bfloat16_torch_tensor():
    if torch is None:
        pytest.skip("torch not installed: a torch bfloat16 tensor cannot be built")
    w = torch.arange(12, dtype=torch.float32).reshape(4, 3).to(torch.bfloat16)
    w.requires_grad_(True)
    out = KM.from_torch({"fc.weight": w, "fc.bias": torch.ones(4, dtype=torch.bfloat16)})
    kernel = out["params"]["fc"]["kernel"]
    assert kernel.shape == (3, 4)
    if HAVE_JAX:
        assert kernel.dtype == jnp.bfloat16 and out["params"]["fc"]["bias"].dtype == jnp.bfloat16
    np.testing.assert_array_equal(np.asarray(kernel, np.float32), w.detach().float().numpy().T)


def test_bfloat16_numpy_array():
    if jnp.bfloat16 is None:
        pytest.skip("neither jax nor ml_dtypes installed: no numpy bfloat16 dtype")
    w = arange(4, 3).astype(jnp.bfloat16)
    kernel = KM.from_torch({"fc.weight": w})["params"]["fc"]["kernel"]
    assert kernel.dtype == jnp.bfloat16 and kernel.shape == (3, 4)
    np.testing.assert_array_equal(np.asarray(kernel, np.float32), arange(4, 3).T)


def test_torch_float_tensor_with_grad():
    if torch is None:
        pytest.skip("torch not installed")
    w = torch.nn.Linear(3, 4).weight  # a Parameter with requires_grad
    kernel = KM.from_torch({"fc.weight": w})["params"]["fc"]["kernel"]
    np.testing.assert_array_equal(np.asarray(kernel), w.detach().numpy().T)


def test_empty_dict():
    assert KM.from_torch({}) == {}
    assert KM.from_torch({"state_dict": {}}) == {}


@pytest.mark.parametrize("bad", [None, [("fc.weight", np.zeros((4, 3)))], "model.pt", 3, np.zeros((2, 2))])
def test_non_dict_input_is_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="expects a state dict"):
        KM.from_torch(bad)


def test_nested_non_wrapper_dict_is_a_type_error():
    with pytest.raises(TypeError, match="'net'"):
        KM.from_torch({"net": {"fc.weight": arange(4, 3)}, "epoch": 1})


# ---------------------------------------------------------------- hints


def test_hint_makes_embedding():
    variables, _ = convert({"tok.weight": arange(10, 4)}, hints={"tok": "embedding"})
    assert flat(variables) == {"params/tok/embedding": (10, 4)}
    np.testing.assert_array_equal(np.asarray(variables["params"]["tok"]["embedding"]), arange(10, 4))


def test_hint_by_module_path_and_by_full_key():
    sd = {"transformer.wte.weight": arange(10, 4), "transformer.head.weight": arange(10, 4)}
    v, _ = convert(sd, hints={"transformer.head": "embedding", "transformer.wte.weight": "kernel"})
    assert flat(v) == {"params/transformer/head/embedding": (10, 4), "params/transformer/wte/kernel": (4, 10)}


def test_hint_kernel_overrides_embedding_name():
    assert flat(convert({"pos_emb.weight": arange(10, 4)}, hints={"pos_emb": "kernel"})[0]) == {
        "params/pos_emb/kernel": (4, 10)}


def test_wte_hint_from_the_spec():
    assert flat(convert({"wte.weight": arange(10, 4)}, hints={"wte": "embedding"})[0]) == {
        "params/wte/embedding": (10, 4)}


def test_bad_hint_value():
    with pytest.raises(ValueError, match="hint"):
        KM.from_torch({"tok.weight": arange(10, 4)}, hints={"tok": "embed-ish"})


# ---------------------------------------------------------------- target=


def template(tree):
    def build(node):
        return {k: build(v) if isinstance(v, dict) else np.zeros(v, np.float32) for k, v in node.items()}
    return build(tree)


def test_target_embedding_wins_over_kernel():
    tmpl = template({"params": {"tok": {"embedding": (10, 4)}, "fc": {"kernel": (4, 2), "bias": (2,)}}})
    v, _ = convert({"tok.weight": arange(10, 4), "fc.weight": arange(2, 4), "fc.bias": arange(2)},
                   target=tmpl)
    assert flat(v) == flat(tmpl)
    np.testing.assert_array_equal(np.asarray(v["params"]["tok"]["embedding"]), arange(10, 4))


def test_target_kernel_wins_over_embedding_name():
    tmpl = template({"params": {"pos_emb": {"kernel": (4, 10)}}})
    v, _ = convert({"pos_emb.weight": arange(10, 4)}, target=tmpl)
    np.testing.assert_array_equal(np.asarray(v["params"]["pos_emb"]["kernel"]), arange(10, 4).T)


def test_target_resolves_flax_sequential_and_bare_params_and_unmapped_names():
    tmpl = template({"features": {"layers_0": {"kernel": (3, 3, 3, 8)}, "layers_1": {"scale": (8,)}},
                     "pos_weight": (3,)})  # bare params tree (no 'params' collection)
    state = {"features.0.weight": arange(8, 3, 3, 3), "features.1.weight": arange(8),
             "pos_weight": arange(3)}
    v, warned = convert(state, target=tmpl)
    assert flat(v) == flat({"params": tmpl})
    assert warned == []  # pos_weight was found in the target: nothing left to map by hand


def test_target_accepts_frozen_dict():
    core = pytest.importorskip("flax.core", reason="flax not installed: FrozenDict templates")
    tmpl = core.freeze(template({"params": {"fc": {"kernel": (3, 4)}}}))
    assert flat(KM.from_torch({"fc.weight": arange(4, 3)}, target=tmpl)) == {"params/fc/kernel": (3, 4)}


def test_target_reports_every_mismatch_missing_and_unexpected_in_one_error():
    tmpl = template({"params": {"fc": {"kernel": (3, 5), "bias": (5,)}, "head": {"kernel": (2, 2)},
                                "out": {"kernel": (2, 2)}},
                     "batch_stats": {"bn": {"mean": (8,)}}})
    state = {"fc.weight": arange(4, 3), "fc.bias": arange(4), "head.weight": arange(2, 2),
             "extra.weight": arange(2, 2), "attn.in_proj_weight": arange(6, 2)}
    with pytest.raises(ValueError) as err:
        KM.from_torch(state, target=tmpl)
    msg = str(err.value)
    assert "2 shape mismatch" in msg and "fc.weight" in msg and "fc.bias" in msg
    assert "(3, 4)" in msg and "(3, 5)" in msg
    assert "missing" in msg and "params/out/kernel" in msg and "batch_stats/bn/mean" in msg
    assert "not in the target" in msg and "extra.weight" in msg and "attn.in_proj_weight" in msg
    assert "head" not in msg


# ---------------------------------------------------------------- the reference flavour's documented faults


def test_reference_faults_are_kept():
    assert REF.map_name("ln_1.weight") == "ln_1.kernel"  # norm without bn/norm in its name
    assert REF.map_name("gn.weight") == "gn.kernel"
    assert REF.map_name("subnet.0.weight") == "subnet_0.scale"  # substring 'bn'
    assert REF.map_name("abnormal_proj.weight") == "abnormal_proj.scale"  # substring 'norm'
    assert REF.map_name("pos_weight") == "pos_kernel"  # 'weight' replaced inside a word
    assert REF.map_name("bn1.running_var") == "bn1.var"  # not under batch_stats
    out = REF.from_torch({"conv1d.weight": arange(8, 3, 5), "wte.weight": arange(10, 4),
                          "bn.num_batches_tracked": np.array(0)})
    assert set(out) == {"conv1d.kernel", "wte.kernel", "bn.num_batches_tracked"}  # flat, kept
    assert out["conv1d.kernel"].shape == (8, 3, 5)  # Conv1d left in torch layout
    assert out["wte.kernel"].shape == (4, 10)  # embedding transposed


# ---------------------------------------------------------------- layers: attention, recurrent, weight norm, (in, out) Linears


def _mha(d=8, kdim=None, bias=True):
    state = {}
    if kdim is None:
        state["attn.in_proj_weight"] = arange(3 * d, d)
    else:
        state.update({"attn.q_proj_weight": arange(d, d), "attn.k_proj_weight": arange(d, kdim) + 1,
                      "attn.v_proj_weight": arange(d, kdim) + 2})
    if bias:
        state["attn.in_proj_bias"] = arange(3 * d)
    state["attn.out_proj.weight"] = arange(d, d) * 2
    if bias:
        state["attn.out_proj.bias"] = arange(d) * 3
    return state


def test_attention_with_a_head_count_splits_q_k_v_into_heads():
    variables, warned = convert(_mha(), hints={"attn": "attention:2"})
    assert warned == []
    assert flat(variables) == {
        "params/attn/query/kernel": (8, 2, 4), "params/attn/query/bias": (2, 4),
        "params/attn/key/kernel": (8, 2, 4), "params/attn/key/bias": (2, 4),
        "params/attn/value/kernel": (8, 2, 4), "params/attn/value/bias": (2, 4),
        "params/attn/out/kernel": (2, 4, 8), "params/attn/out/bias": (8,),
    }
    w = arange(24, 8)
    a = variables["params"]["attn"]
    np.testing.assert_array_equal(np.asarray(a["key"]["kernel"]), w[8:16].T.reshape(8, 2, 4))
    np.testing.assert_array_equal(np.asarray(a["value"]["bias"]), arange(24)[16:].reshape(2, 4))
    np.testing.assert_array_equal(np.asarray(a["out"]["kernel"]), (arange(8, 8) * 2).T.reshape(2, 4, 8))


def test_attention_without_a_head_count_is_2d_and_the_warning_names_the_reshape():
    variables, warned = convert(_mha())
    assert flat(variables)["params/attn/query/kernel"] == (8, 8)
    assert flat(variables)["params/attn/out/kernel"] == (8, 8)
    assert flat(variables)["params/attn/query/bias"] == (8,)
    assert len(warned) == 1 and "attn" in warned[0] and "(D_in, H, D/H)" in warned[0] and "attention:H" in warned[0]


def test_attention_takes_its_head_count_from_the_template():
    tmpl = template({"params": {"attn": {"query": {"kernel": (8, 4, 2), "bias": (4, 2)},
                                         "key": {"kernel": (8, 4, 2), "bias": (4, 2)},
                                         "value": {"kernel": (8, 4, 2), "bias": (4, 2)},
                                         "out": {"kernel": (4, 2, 8), "bias": (8,)}}}})
    variables, warned = convert(_mha(), target=tmpl)
    assert flat(variables) == flat(tmpl) and warned == []
    hinted, _ = convert(_mha(), hints={"attn": "attention:4"})
    for leaf in ("query", "out"):
        np.testing.assert_array_equal(np.asarray(variables["params"]["attn"][leaf]["kernel"]),
                                      np.asarray(hinted["params"]["attn"][leaf]["kernel"]))


def test_attention_with_separate_projections_and_no_bias():
    variables, warned = convert(_mha(kdim=5, bias=False), hints={"attn": "attention:4"})
    assert warned == []
    assert flat(variables) == {"params/attn/query/kernel": (8, 4, 2), "params/attn/key/kernel": (5, 4, 2),
                               "params/attn/value/kernel": (5, 4, 2), "params/attn/out/kernel": (4, 2, 8)}


def test_a_head_count_that_does_not_divide_the_width_is_an_error():
    with pytest.raises(ValueError, match="8 .*3 heads"):
        KM.from_torch(_mha(), hints={"attn": "attention:3"})


def _rnn(gates, hidden=3, inputs=2, prefix="rnn.", suffix="_l0", bias=True):
    g = gates * hidden
    state = {f"{prefix}weight_ih{suffix}": arange(g, inputs), f"{prefix}weight_hh{suffix}": arange(g, hidden) + 100}
    if bias:
        state[f"{prefix}bias_ih{suffix}"] = arange(g) + 1000
        state[f"{prefix}bias_hh{suffix}"] = arange(g) + 2000
    return state


def test_lstm_gates_in_torch_order_with_the_biases_summed():
    variables, warned = convert(_rnn(4))
    assert warned == []
    cell = variables["params"]["rnn_l0"]["cell"]
    assert sorted(cell) == ["hf", "hg", "hi", "ho", "if", "ig", "ii", "io"]
    for k, gate in enumerate("ifgo"):
        np.testing.assert_array_equal(np.asarray(cell["i" + gate]["kernel"]), arange(12, 2)[3 * k:3 * k + 3].T)
        np.testing.assert_array_equal(np.asarray(cell["h" + gate]["kernel"]), (arange(12, 3) + 100)[3 * k:3 * k + 3].T)
        np.testing.assert_array_equal(np.asarray(cell["h" + gate]["bias"]), arange(12)[3 * k:3 * k + 3] * 2 + 3000)
        assert "bias" not in cell["i" + gate]


def test_gru_biases_fold_r_and_z_into_the_input_side_and_keep_n_apart():
    variables, warned = convert(_rnn(3))
    assert warned == []
    cell = variables["params"]["rnn_l0"]["cell"]
    assert flat(cell) == {"ir/kernel": (2, 3), "ir/bias": (3,), "iz/kernel": (2, 3), "iz/bias": (3,),
                          "in/kernel": (2, 3), "in/bias": (3,), "hr/kernel": (3, 3), "hz/kernel": (3, 3),
                          "hn/kernel": (3, 3), "hn/bias": (3,)}
    np.testing.assert_array_equal(np.asarray(cell["iz"]["bias"]), arange(9)[3:6] * 2 + 3000)
    np.testing.assert_array_equal(np.asarray(cell["in"]["bias"]), arange(9)[6:] + 1000)
    np.testing.assert_array_equal(np.asarray(cell["hn"]["bias"]), arange(9)[6:] + 2000)


def test_layers_and_directions_get_their_own_modules_and_cells_map_in_place():
    state = {**_rnn(4), **_rnn(4, inputs=3, suffix="_l1"), **_rnn(4, suffix="_l0_reverse")}
    variables, warned = convert(state)
    assert sorted(variables["params"]) == ["rnn_l0", "rnn_l0_reverse", "rnn_l1"] and warned == []
    cell, _ = convert(_rnn(3, prefix="cell.", suffix=""))
    assert sorted(cell["params"]["cell"]) == ["hn", "hr", "hz", "in", "ir", "iz"]
    simple, _ = convert(_rnn(1))
    assert flat(simple) == {"params/rnn_l0/cell/i/kernel": (2, 3), "params/rnn_l0/cell/i/bias": (3,),
                            "params/rnn_l0/cell/h/kernel": (3, 3)}


def test_a_recurrent_layer_without_biases_gets_zero_biases_where_flax_has_them():
    variables, warned = convert(_rnn(4, bias=False))
    assert warned == [] and not np.asarray(variables["params"]["rnn_l0"]["cell"]["hi"]["bias"]).any()


def test_an_lstm_with_a_projection_is_left_for_a_manual_mapping():
    state = {**_rnn(4), "rnn.weight_hr_l0": arange(2, 3)}
    variables, warned = convert(state)
    assert "params/rnn/weight_ih_l0" in flat(variables)
    assert len(warned) == 1 and "rnn.weight_hr_l0" in warned[0] and "rnn.weight_ih_l0" in warned[0]


@pytest.mark.parametrize("keys", [("conv.weight_g", "conv.weight_v"),
                                  ("conv.parametrizations.weight.original0", "conv.parametrizations.weight.original1")])
def test_weight_norm_becomes_the_effective_weight_then_the_conv_rule(keys):
    v = arange(4, 3, 5) - 20
    g = (arange(4) + 1).reshape(4, 1, 1)
    variables, warned = convert({keys[0]: g, keys[1]: v, "conv.bias": arange(4)})
    assert warned == [] and flat(variables) == {"params/conv/kernel": (5, 3, 4), "params/conv/bias": (4,)}
    norm = np.sqrt((v.astype(np.float64) ** 2).sum(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(np.asarray(variables["params"]["conv"]["kernel"]), (g * v / norm).transpose(2, 1, 0), rtol=1e-6)


def test_weight_norm_with_a_scalar_g_or_another_dim():
    v = arange(3, 4) + 1
    out, _ = convert({"fc.weight_g": np.array(2.0, np.float32), "fc.weight_v": v})  # dim=None
    np.testing.assert_allclose(np.asarray(out["params"]["fc"]["kernel"]), (2 * v / np.sqrt((v ** 2).sum())).T, rtol=1e-6)
    g1 = (arange(4) + 1).reshape(1, 4)  # dim=1
    out, _ = convert({"fc.weight_g": g1, "fc.weight_v": v})
    np.testing.assert_allclose(np.asarray(out["params"]["fc"]["kernel"]),
                               (g1 * v / np.sqrt((v ** 2).sum(axis=0, keepdims=True))).T, rtol=1e-6)


def test_linear_t_keeps_an_in_out_weight_even_when_square():
    variables, warned = convert({"c_proj.weight": arange(4, 4), "c_proj.bias": arange(4)}, hints={"c_proj": "linear_t"})
    np.testing.assert_array_equal(np.asarray(variables["params"]["c_proj"]["kernel"]), arange(4, 4))
    assert warned == []
    with pytest.raises(ValueError, match="linear_t"):
        KM.from_torch({"conv.weight": arange(4, 3, 3)}, hints={"conv": "linear_t"})


def test_conv_transpose_hint_lays_the_kernel_out_for_flax_default_conv_transpose():
    w = arange(3, 4, 2, 5)  # (in, out, kH, kW)
    variables, _ = convert({"up.weight": w}, hints={"up": "conv_transpose"})
    np.testing.assert_array_equal(np.asarray(variables["params"]["up"]["kernel"]), w.transpose(2, 3, 0, 1)[::-1, ::-1])


# ---------------------------------------------------------------- hints: keys, patterns, checks


def test_a_pattern_with_a_star_matches_every_list_item_and_an_exact_path_wins():
    state = {f"h.{k}.attn.c_attn.weight": arange(6, 2) for k in range(3)}
    variables, warned = convert(state, hints={"h.*.attn.c_attn": "linear_t", "h.1.attn.c_attn": "kernel"})
    assert flat(variables) == {"params/h_0/attn/c_attn/kernel": (6, 2), "params/h_1/attn/c_attn/kernel": (2, 6),
                               "params/h_2/attn/c_attn/kernel": (6, 2)}
    assert warned == []


def test_a_hint_for_a_top_level_module_is_not_taken_by_a_nested_module_of_the_same_name():
    state = {"tokens.weight": arange(10, 4), "head.tokens.weight": arange(10, 4)}
    variables, _ = convert(state, hints={"tokens": "embedding"})
    assert flat(variables) == {"params/tokens/embedding": (10, 4), "params/head/tokens/kernel": (4, 10)}
    nested, _ = convert({"transformer.wte2.weight": arange(10, 4)}, hints={"wte2": "embedding"})
    assert flat(nested) == {"params/transformer/wte2/embedding": (10, 4)}  # a last name still matches


def test_a_hint_that_matches_nothing_is_named_in_a_warning():
    _, warned = convert({"fc.weight": arange(4, 3)}, hints={"h.*.attn": "attention:2", "fc": "kernel"})
    assert len(warned) == 1 and "h.*.attn" in warned[0] and "fc" not in warned[0].split(":")[-1]


@pytest.mark.parametrize("value", ["embed-ish", "attention", "attention:0", "attention:x", "linear"])
def test_hint_values_are_checked_up_front(value):
    with pytest.raises(ValueError, match="must be one of"):
        KM.from_torch({"fc.weight": arange(4, 3)}, hints={"nothing.here": value})


def test_layer_rules_are_public_for_another_loader():
    for name in ("attention", "recurrent", "weight_norm", "linear_t"):
        assert callable(getattr(KM, name))
    assert sorted(KM.attention({"in_proj_weight": arange(12, 4)}, heads=2)) == [
        ("key", "kernel"), ("query", "kernel"), ("value", "kernel")]
