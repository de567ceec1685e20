import re
import warnings
import numpy as np
import jax.numpy as jnp


class KeyMapper:
    """Turn a PyTorch state_dict into Flax Linen variables that `model.apply` accepts.

        variables = KeyMapper.from_torch(state_dict)  # {'params': ..., 'batch_stats': ...}
        variables = KeyMapper.from_torch(state_dict, target=model.init(key, x))
        variables = KeyMapper.from_torch(state_dict, hints={'wte': 'embedding', 'h.*.attn.c_attn': 'linear_t'})

    hints: torch module path -> what the module is, where the state dict cannot tell. A key is a full
    torch key, a module path (`*` stands for one segment: `h.*.attn` matches h.0.attn, h.1.attn...) or a
    module's last name. Values: 'embedding' (nn.Embedding), 'kernel' (nn.Linear), 'linear_t' (a Linear
    whose weight is stored (in, out), as Hugging Face's Conv1D: kept, not transposed), 'conv_transpose'
    (an nn.ConvTranspose for Flax's default nn.ConvTranspose: kernel (*k, in, out), spatially flipped),
    'attention:H' (an nn.MultiheadAttention with H heads).
    target: a Flax tree (model.init(...) or its 'params') that names and orientations are resolved
    against (a template `embedding` wins over `kernel`; `name_0` may be `name/layers_0`; attention
    kernels take the template's head count); shape mismatches, missing and unexpected paths are then
    raised together as one ValueError.

    Rules, decided by rank and whole name segment (never by substring):
      X.weight rank 2   -> params/X/kernel, transposed (Linear); params/X/embedding, unchanged, when
                           X is an embedding name (emb, embed, wte, wpe, tok_embeddings...) or hinted.
                           A numeric child of an embedding name (time_embed.0.weight) is a container's
                           layer: a kernel, named in a warning unless hinted or checked by target=
      X.weight rank 3-5 -> params/X/kernel, axes (2, ..., n-1, 1, 0) (Conv1d/2d/3d, grouped, depthwise)
      X.weight rank 1   -> params/X/scale (BatchNorm, LayerNorm, GroupNorm, RMSNorm, InstanceNorm);
                           params/X/negative_slope, a scalar, when it holds one value and X has no
                           bias (nn.PReLU(), which Flax's nn.PReLU matches)
      X.bias / X.beta   -> params/X/bias;  X.gamma -> params/X/scale
      X.running_mean/var -> batch_stats/X/mean, var;  X.num_batches_tracked is dropped
      nn.MultiheadAttention X (in_proj_weight or q/k/v_proj_weight, out_proj) -> params/X/query, key,
                           value: kernel (D_in, H, D/H), bias (H, D/H); params/X/out: kernel (H, D/H, D),
                           bias (D,), as nn.MultiHeadDotProductAttention has them (see `attention`)
      nn.LSTM/GRU/RNN X, layer k -> params/X_l{k} (X_l{k}_reverse), under `cell` what nn.RNN(nn.LSTMCell),
                           nn.RNN(nn.GRUCell) or nn.RNN(nn.SimpleCell) holds (see `recurrent`);
                           nn.LSTMCell/GRUCell/RNNCell X -> that cell's params at params/X
      weight norm: X.weight_g + X.weight_v, X.parametrizations.weight.original0/1 -> the effective
                           weight g * v / ||v|| (see `weight_norm`), then the rules above
      anything else (bias_k, weight_hr_l0, spectral norm's weight_orig, ...) is kept under params by
      name and named in a warning: it needs a manual mapping.
    ConvTranspose weights (in, out/g, *k) get the same axes as Conv; the Flax layer must be built with
    nn.ConvTranspose(..., transpose_kernel=True) (or hint 'conv_transpose' for the default layer), and
    torch padding p becomes explicit padding (k - 1 - p, k - 1 - p + output_padding) per spatial axis.
    Paths: `layer.0` -> `layer_0` (Linen's name for list items), a leading `0` -> `layers_0`
    (a top-level nn.Sequential). A `module.` / `_orig_mod.` prefix shared by every key is stripped;
    {'state_dict': ...}, {'model': ...} and {'model_state_dict': ...} checkpoints are unwrapped.
    A collection appears only when it holds something (no 'batch_stats' without running stats).
    bfloat16 tensors go through float32 and come back as bfloat16.
    The layer rules (`attention`, `recurrent`, `weight_norm`, `linear_t`) take and return numpy arrays
    by name, so that another loader can call them.
    """

    WRAPPERS = ('state_dict', 'model', 'model_state_dict')
    PREFIXES = ('module.', '_orig_mod.')
    EMBED_NAMES = {'wte', 'wpe', 'embed_tokens', 'embed_positions'}
    EMBED_WORDS = {'emb', 'embed', 'embeds', 'embedding', 'embeddings'}
    HINTS = ('embedding', 'kernel', 'linear_t', 'conv_transpose', 'attention:H')
    ATTENTION_KEYS = ('in_proj_weight', 'in_proj_bias', 'q_proj_weight', 'k_proj_weight', 'v_proj_weight',
                      'out_proj.weight', 'out_proj.bias')
    GATES = {4: 'ifgo', 3: 'rzn', 1: ''}  # torch's gate order: LSTM (i, f, g, o), GRU (r, z, n), RNN

    # ---------------------------------------------------------------------------------- layer rules

    @staticmethod
    def weight_norm(g, v):
        """torch's weight norm (weight_g/weight_v, parametrizations original0/original1): the effective
        weight g * v / ||v||, the norm over every axis where g has size 1 (dim=0: all but the first)."""
        axes = tuple(k for k in range(v.ndim) if g.ndim == 0 or g.shape[k] == 1)
        norm = np.sqrt(np.sum(np.square(v.astype(np.float64)), axis=axes, keepdims=True))
        return (g.astype(np.float64) * v / norm).astype(v.dtype)

    @staticmethod
    def linear_t(weight):
        """A Linear weight stored (in, out) (Hugging Face's Conv1D): already a Flax Dense kernel."""
        return weight

    @staticmethod
    def attention(tensors, heads=None):
        """One nn.MultiheadAttention's tensors by torch name (in_proj_weight or q/k/v_proj_weight,
        in_proj_bias, out_proj.weight, out_proj.bias) -> nn.MultiHeadDotProductAttention's params by path
        under the module: ('query', 'kernel') (D_in, H, D/H), ('query', 'bias') (H, D/H), the same for
        key and value, ('out', 'kernel') (H, D/H, D), ('out', 'bias') (D,). Without heads the kernels
        stay 2-D ((D_in, D) and (D, D)) and the biases 1-D: reshape them once H is known."""
        if 'in_proj_weight' in tensors:
            w = tensors['in_proj_weight']
            d = w.shape[0] // 3
            proj = {'query': w[:d], 'key': w[d:2 * d], 'value': w[2 * d:]}
        else:
            proj = {n: tensors[t + '_proj_weight'] for n, t in (('query', 'q'), ('key', 'k'), ('value', 'v'))
                    if t + '_proj_weight' in tensors}
        d = proj['query'].shape[0]
        if heads and d % heads:
            raise ValueError(f'KeyMapper: attention of width {d} cannot have {heads} heads')
        split = (lambda a, *lead: a.reshape(*lead, heads, d // heads)) if heads else (lambda a, *lead: a)
        out = {}
        for j, (name, w) in enumerate(proj.items()):
            out[(name, 'kernel')] = split(w.T, w.shape[1])
            if 'in_proj_bias' in tensors:
                out[(name, 'bias')] = split(tensors['in_proj_bias'][j * d:(j + 1) * d])
        if 'out_proj.weight' in tensors:
            k = tensors['out_proj.weight'].T
            out[('out', 'kernel')] = k.reshape(heads, d // heads, k.shape[1]) if heads else k
        if 'out_proj.bias' in tensors:
            out[('out', 'bias')] = tensors['out_proj.bias']
        return out

    @classmethod
    def recurrent(cls, w_ih, w_hh, b_ih=None, b_hh=None):
        """One layer and direction of nn.LSTM/GRU/RNN, or an nn.LSTMCell/GRUCell/RNNCell: weight_ih
        (G*H, in), weight_hh (G*H, H), bias_ih, bias_hh (zeros when torch has none) -> the Flax cell's
        params by path. LSTMCell: ('ii', 'kernel') ... ('io', 'kernel'), ('hi', 'kernel'), ('hi', 'bias')
        = b_ii + b_hi ...; GRUCell: ('ir', 'kernel'), ('ir', 'bias') = b_ir + b_hr, ('iz', ...),
        ('in', 'bias') = b_in, ('hr', 'kernel'), ('hz', 'kernel'), ('hn', 'kernel'), ('hn', 'bias') = b_hn;
        SimpleCell: ('i', 'kernel'), ('i', 'bias') = b_ih + b_hh, ('h', 'kernel')."""
        hidden = w_hh.shape[1]
        gates = cls.GATES.get(w_hh.shape[0] // hidden if w_hh.shape[0] % hidden == 0 else 0)
        if gates is None or w_ih.shape[0] != w_hh.shape[0]:
            raise ValueError(f'KeyMapper: recurrent weights {w_ih.shape}, {w_hh.shape} are not an LSTM, GRU or RNN layer')
        zeros = np.zeros(w_hh.shape[0], w_hh.dtype)
        parts = [[a[k * hidden:(k + 1) * hidden] for k in range(max(len(gates), 1))]
                 for a in (w_ih, w_hh, zeros if b_ih is None else b_ih, zeros if b_hh is None else b_hh)]
        wi, wh, bi, bh = parts
        if not gates:
            return {('i', 'kernel'): wi[0].T, ('i', 'bias'): bi[0] + bh[0], ('h', 'kernel'): wh[0].T}
        out = {}
        for k, g in enumerate(gates):
            out[('i' + g, 'kernel')] = wi[k].T
            out[('h' + g, 'kernel')] = wh[k].T
            if len(gates) == 4:
                out[('h' + g, 'bias')] = bi[k] + bh[k]
            elif g == 'n':
                out[('in', 'bias')], out[('hn', 'bias')] = bi[k], bh[k]
            else:
                out[('i' + g, 'bias')] = bi[k] + bh[k]
        return out

    # ---------------------------------------------------------------------------------- names

    @staticmethod
    def _flax_path(mods):
        """torch module path segments -> Linen's: `layer.0` -> `layer_0`, a leading `0` -> `layers_0`."""
        path = []
        for seg in mods:
            if seg.isdigit():
                path.append(path.pop() + '_' + seg if path else 'layers_' + seg)
            else:
                path.append(seg)
        return path

    @classmethod
    def _check_hints(cls, hints):
        for key, value in (hints or {}).items():
            if not isinstance(key, str) or not isinstance(value, str) or not (
                    value in cls.HINTS[:-1] or re.fullmatch(r'attention:[1-9][0-9]*', value)):
                raise ValueError(f'KeyMapper: hint {key!r}: {value!r} must be one of {list(cls.HINTS)} (H a head count)')

    @staticmethod
    def _hint(mods, hints, name=None, used=None, roots=()):
        """The hint for the torch module at `mods`: by full key, module path, a pattern with `*` for one
        segment (the one with fewest `*`), then the module's last name, unless that name is a
        top-level module of the state dict (`roots`): then the hint is that module's alone."""
        if not hints:
            return None
        words = [m for m in mods if not m.isdigit()]
        patterns = [k for k in hints if '*' in k and len(k.split('.')) == len(mods)
                    and all(p in ('*', m) for p, m in zip(k.split('.'), mods))]
        last = words[-1] if words and words[-1] not in roots else None
        for key in (name, '.'.join(mods), min(patterns, key=lambda k: k.count('*'), default=None), last):
            if key is not None and key in hints:
                if used is not None:
                    used.add(key)
                return hints[key]
        return None

    @classmethod
    def _rule(cls, name, ndim, hints=None, used=None, roots=()):
        """torch key + rank -> (Flax path tuple or None to drop, layout, known?, how). layout: transpose
        axes, 'conv_transpose' or None; known is 'guess' where the name says embedding but the module is
        a container's child; how: 'auto' (target= may pick embedding/kernel) or 'fixed' (a hint decided)."""
        *mods, leaf = name.split('.')
        path = cls._flax_path(mods)
        words = [m for m in mods if not m.isdigit()]
        hint = cls._hint(mods, hints, name, used, roots) if leaf == 'weight' else None
        if leaf == 'num_batches_tracked':
            return None, None, True, 'auto'
        if leaf in ('running_mean', 'running_var'):
            return ('batch_stats', *path, leaf[len('running_'):]), None, True, 'auto'
        if leaf in ('bias', 'beta'):
            return ('params', *path, 'bias'), None, True, 'auto'
        if leaf == 'gamma' or (leaf == 'weight' and ndim == 1):
            return ('params', *path, 'scale'), None, True, 'auto'
        if hint == 'linear_t' or hint == 'conv_transpose':
            if (ndim == 2) != (hint == 'linear_t') or ndim > 5:
                raise ValueError(f'KeyMapper: hint {hint!r} does not fit {name!r}, a weight of rank {ndim}')
            return ('params', *path, 'kernel'), None if ndim == 2 else hint, True, 'fixed'
        guess = False
        if leaf == 'weight' and ndim == 2 and hint not in ('embedding', 'kernel'):
            last = words[-1].lower() if words else ''
            if last in cls.EMBED_NAMES or last.split('_')[-1] in cls.EMBED_WORDS:
                if not mods[-1].isdigit():  # the name decides only for the module itself
                    return ('params', *path, 'embedding'), None, True, 'auto'
                guess = True  # time_embed.0: a layer of a container named like an embedding
        if leaf == 'weight' and ndim == 2 and hint == 'embedding':
            return ('params', *path, 'embedding'), None, True, 'auto'
        if leaf == 'weight' and 2 <= ndim <= 5:
            return ('params', *path, 'kernel'), tuple(range(2, ndim)) + (1, 0), 'guess' if guess else True, 'auto'
        return ('params', *path, leaf), None, False, 'auto'

    # ---------------------------------------------------------------------------------- values

    @staticmethod
    def _to_numpy(val):
        """-> (numpy array, was bfloat16). torch is optional: tensors are recognised by .detach."""
        if hasattr(val, 'detach'):
            val = val.detach().cpu()
            if str(val.dtype) == 'torch.bfloat16':  # numpy has no bfloat16: go through float32
                return val.float().numpy(), True
            return val.numpy(), False
        arr = np.asarray(val)
        if arr.dtype.name == 'bfloat16':
            return arr.astype(np.float32), True
        return arr, False

    @staticmethod
    def _layout(arr, layout):
        if layout == 'conv_transpose':  # (in, out, *k) -> (*k, in, out), spatial axes flipped
            spatial = tuple(range(arr.ndim - 2))
            return np.flip(arr.transpose(tuple(range(2, arr.ndim)) + (0, 1)), axis=spatial)
        return arr.transpose(layout) if layout else arr

    @classmethod
    def _finish(cls, arr, layout, bf16):
        if arr.dtype.kind == 'O':  # not a tensor (e.g. _extra_state): handed back as it was
            return arr.item() if arr.ndim == 0 else arr
        return jnp.asarray(cls._layout(arr, layout), dtype=jnp.bfloat16 if bf16 else None)

    @staticmethod
    def map_name(name, ndim=2, hints=None):
        """Flax path tuple, e.g. ('params', 'fc', 'kernel'), for a torch key and the rank of its
        value (None when the key is dropped). Attention, recurrent and weight-normed layers take
        several keys at once: from_torch maps them."""
        KeyMapper._check_hints(hints)
        return KeyMapper._rule(name, ndim, hints)[0]

    @staticmethod
    def map_value(key, val, hints=None):
        """The torch value for `key`, converted (and transposed) for its Flax path."""
        KeyMapper._check_hints(hints)
        arr, bf16 = KeyMapper._to_numpy(val)
        return KeyMapper._finish(arr, KeyMapper._rule(key, arr.ndim, hints)[1], bf16)

    # ---------------------------------------------------------------------------------- the state

    @classmethod
    def _state(cls, state):
        """The state dict itself: checked, unwrapped, a prefix every key shares stripped."""
        if not isinstance(state, dict):
            raise TypeError('KeyMapper.from_torch expects a state dict (a dict of name -> tensor, e.g. '
                            f'model.state_dict() or torch.load(path)), not {type(state).__name__}')
        while any(isinstance(state.get(w), dict) for w in cls.WRAPPERS):
            state = next(state[w] for w in cls.WRAPPERS if isinstance(state.get(w), dict))
        for bad in state:
            if not isinstance(bad, str) or isinstance(state[bad], dict):
                raise TypeError(f'KeyMapper.from_torch: entry {bad!r} is not a name -> tensor pair; '
                                'pass the state dict itself, e.g. checkpoint[...]')
        stripped = True
        while state and stripped:
            stripped = False
            for prefix in cls.PREFIXES:
                if all(k.startswith(prefix) for k in state):
                    state = {k[len(prefix):]: v for k, v in state.items()}
                    stripped = True
        return state

    @classmethod
    def _fuse_weight_norm(cls, arrays):
        """name -> (array, bf16) with each weight-normed pair (X.weight_g + X.weight_v, or
        X.parametrizations.weight.original0 + original1) replaced by its effective weight X.weight."""
        fused = {}  # g's name -> (v's name, the weight's name)
        for name, (g, _) in arrays.items():
            *mods, leaf = name.split('.')
            if leaf.endswith('_g'):
                v_name, weight = '.'.join(mods + [leaf[:-2] + '_v']), '.'.join(mods + [leaf[:-2]])
            elif leaf == 'original0' and len(mods) >= 2 and mods[-2] == 'parametrizations':
                v_name, weight = name[:-1] + '1', '.'.join(mods[:-2] + mods[-1:])
            else:
                continue
            v = arrays.get(v_name, (None,))[0]
            if v is not None and weight not in arrays and g.ndim in (0, v.ndim) \
                    and all(a in (1, b) for a, b in zip(g.shape, v.shape)):
                fused[name] = (v_name, weight)
        taken = {v_name for v_name, _ in fused.values()}
        out = {}
        for name, (arr, bf16) in arrays.items():
            if name in fused:
                v, v_bf16 = arrays[fused[name][0]]
                out[fused[name][1]] = (cls.weight_norm(arr, v), bf16 or v_bf16)
            elif name not in taken:
                out[name] = (arr, bf16)
        return out

    @classmethod
    def _layers(cls, arrays):
        """The attention and recurrent layers among the keys: (module segments, kind, {leaf: key})."""
        found = {}
        for name, (arr, _) in arrays.items():
            *mods, leaf = name.split('.')
            if leaf in ('in_proj_weight', 'q_proj_weight') and arr.ndim == 2:
                found[tuple(mods)] = 'attention'
            elif (leaf == 'weight_ih_l0' or leaf == 'weight_ih') and arr.ndim == 2:
                found[tuple(mods)] = leaf[len('weight_ih'):] or 'cell'
        layers = []
        for mods, kind in found.items():
            prefix = '.'.join(mods) + '.' if mods else ''
            if kind == 'attention':
                leaves = {k: prefix + k for k in cls.ATTENTION_KEYS if prefix + k in arrays}
            else:
                pattern = re.compile(re.escape(prefix) + r'((?:weight|bias)_(?:ih|hh|hr)' +
                                     (r')$' if kind == 'cell' else r'_l\d+(?:_reverse)?)$'))
                leaves = {m.group(1): n for n in arrays for m in [pattern.match(n)] if m}
            layers.append((list(mods), kind, leaves))
        return layers

    @classmethod
    def _map_attention(cls, mods, leaves, get, bf16, heads):
        """{flax path: (torch name, array, bf16, how)} for one nn.MultiheadAttention."""
        def source(sub):  # the torch key a Flax leaf comes from, for messages
            if sub[0] == 'out':
                return leaves['out_proj.' + ('weight' if sub[1] == 'kernel' else 'bias')]
            if sub[1] == 'bias':
                return leaves['in_proj_bias']
            return leaves.get('in_proj_weight') or leaves[sub[0][0] + '_proj_weight']
        path, how = cls._flax_path(mods), 'fixed' if heads else 'reshape'
        return {('params', *path, *sub): (source(sub), arr, bf16, how) for sub, arr in cls.attention(get, heads).items()}

    @classmethod
    def _map_recurrent(cls, mods, kind, leaves, get, bf16):
        """{flax path: ...} for one nn.LSTM/GRU/RNN (every layer and direction) or cell; None when it
        does not fit (its keys are then mapped one by one and named in a warning)."""
        if any('_hr' in leaf for leaf in leaves):  # LSTM(proj_size=...): Flax has no projection cell
            return None
        path, out = cls._flax_path(mods), {}
        for suffix in sorted({leaf[len('weight_ih'):] for leaf in leaves if leaf.startswith('weight_ih')}):
            w_ih, w_hh = get.get('weight_ih' + suffix), get.get('weight_hh' + suffix)
            if w_hh is None or w_hh.ndim != 2:
                return None
            try:
                params = cls.recurrent(w_ih, w_hh, get.get('bias_ih' + suffix), get.get('bias_hh' + suffix))
            except ValueError:  # not an LSTM, GRU or RNN shape
                return None
            if kind == 'cell':
                where = path
            else:  # rnn.weight_ih_l0_reverse -> rnn_l0_reverse/cell
                where = (path[:-1] + [path[-1] + suffix] if path else [suffix[1:]]) + ['cell']
            for sub, arr in params.items():
                out[('params', *where, *sub)] = (leaves['weight_ih' + suffix], arr, bf16, 'fixed')
        return out

    @classmethod
    def from_torch(cls, state, target=None, hints=None):
        state = cls._state(state)
        cls._check_hints(hints)
        arrays = cls._fuse_weight_norm({name: cls._to_numpy(val) for name, val in state.items()})
        flat, unknown, guessed, clashes, heads_missing, used = {}, [], [], [], [], set()
        roots = {name.split('.')[0] for name in arrays if '.' in name}

        def put(path, entry):
            if path in flat:
                clashes.append(f"{flat[path][0]!r} and {entry[0]!r} -> {'/'.join(path)}")
            flat[path] = entry

        consumed = set()
        for mods, kind, leaves in cls._layers(arrays):
            get = {leaf: arrays[name][0] for leaf, name in leaves.items()}
            bf16 = any(arrays[name][1] for name in leaves.values())
            if kind == 'attention':
                hint = cls._hint(mods, hints, used=used, roots=roots)
                heads = int(hint.split(':')[1]) if hint and hint.startswith('attention:') else None
                if heads is None:
                    heads_missing.append('.'.join(mods))
                mapped = cls._map_attention(mods, leaves, get, bf16, heads)
            else:
                mapped = cls._map_recurrent(mods, kind, leaves, get, bf16)
            if mapped is None:
                continue
            consumed.update(leaves.values())
            for path, (name, arr, bf16, how) in mapped.items():
                put(path, (name, arr, None, bf16, how))
        for name, (arr, bf16) in arrays.items():
            if name in consumed:
                continue
            path, layout, known, how = cls._rule(name, arr.ndim, hints, used, roots)
            if path is None:
                continue
            if path[-1] == 'scale' and name.endswith('weight') and arr.shape == (1,) \
                    and name[:-len('weight')] + 'bias' not in arrays:
                path, arr = path[:-1] + ('negative_slope',), arr.reshape(())  # a norm of one value has a bias
            if not known:
                unknown.append(name)
            elif known == 'guess':
                guessed.append(name)
            put(path, (name, arr, layout, bf16, how))
        if clashes:
            raise ValueError('KeyMapper: several torch keys map to one Flax path: ' + '; '.join(clashes))
        unused = [k for k in (hints or {}) if k not in used]
        if unused:
            warnings.warn(f"KeyMapper: {len(unused)} hint(s) matched no module of the state dict: {', '.join(unused)}",
                          stacklevel=2)
        if target is not None:
            flat = cls._resolve(flat, target)
        else:
            if unknown:
                warnings.warn(f'KeyMapper: {len(unknown)} key(s) need a manual mapping (kept under params '
                              f"unchanged): {', '.join(unknown)}", stacklevel=2)
            if guessed:
                warnings.warn(f'KeyMapper: {len(guessed)} key(s) taken for Linear kernels (transposed) though '
                              f"their container is named like an embedding: {', '.join(guessed)}; pass "
                              "hints={'<module>': 'embedding'} for any that is an nn.Embedding, or target=", stacklevel=2)
            if heads_missing:
                warnings.warn(f"KeyMapper: {len(heads_missing)} attention layer(s) without a head count: "
                              f"{', '.join(m or '<top>' for m in heads_missing)}: their query/key/value kernels are "
                              "left (D_in, D) and biases (D,), the out kernel (D, D); reshape them to (D_in, H, D/H), "
                              "(H, D/H) and (H, D/H, D), or pass hints={'<module>': 'attention:H'} or target=",
                              stacklevel=2)
        variables = {}
        for path, (name, arr, layout, bf16, how) in flat.items():
            node = variables
            for seg in path[:-1]:
                node = node.setdefault(seg, {})
            node[path[-1]] = cls._finish(arr, layout, bf16)
        return variables

    @classmethod
    def _resolve(cls, flat, target):
        """Match every mapped path to the template `target` (model.init(...) or its 'params'):
        a template `embedding` wins over `kernel` (and vice versa), `name_0` may be `name/layers_0`
        (a Flax nn.Sequential), and an attention tensor takes the template's head count. Raises one
        ValueError listing every problem."""
        if 'params' not in target and 'batch_stats' not in target:
            target = {'params': target}
        tmpl, stack = {}, [((), target)]
        while stack:
            prefix, node = stack.pop()
            for k, v in node.items():
                if hasattr(v, 'items'):
                    stack.append((prefix + (k,), v))
                else:
                    tmpl[prefix + (k,)] = tuple(np.shape(v))
        out, bad, unexpected = {}, [], []
        for path, (name, arr, layout, bf16, how) in flat.items():
            leaves = [(path[-1], layout)]
            if how == 'auto' and arr.ndim == 2 and path[-1] in ('kernel', 'embedding'):
                leaves = [('embedding', None), ('kernel', (1, 0))]
            if path[-1] in ('scale', 'negative_slope') and arr.size == 1:
                leaves = [(path[-1], None), ('negative_slope' if path[-1] == 'scale' else 'scale', None)]
            mods = [path[:1]]
            for seg in path[1:-1]:
                m = re.fullmatch(r'(.+)_(\d+)', seg)
                alts = [(seg,)] + ([(m.group(1), 'layers_' + m.group(2))] if m else [])
                mods = [p + a for p in mods for a in alts]
            found = [(p + (leaf,), ax) for p in mods for leaf, ax in leaves if p + (leaf,) in tmpl]
            if not found:
                unexpected.append(f"{name} -> {'/'.join(path)}")
                continue
            new, ax = found[0]
            if (arr.size == 1 and arr.ndim <= 1 and tmpl[new] in ((), (1,))) or \
                    (how == 'reshape' and arr.size == int(np.prod(tmpl[new]))):
                arr = arr.reshape(tmpl[new])  # a PReLU slope: torch (1,), Flax (); attention heads
            shape = cls._layout(arr, ax).shape
            if shape != tmpl[new]:
                bad.append(f"{name} -> {'/'.join(new)}: got {shape}, template has {tmpl[new]}")
            out[new] = (name, arr, ax, bf16, how)
        missing = ['/'.join(p) for p in tmpl if p not in out]
        if bad or missing or unexpected:
            parts = [f'{len(bad)} shape mismatch(es): ' + '; '.join(bad)] if bad else []
            parts += [f'{len(missing)} missing from the checkpoint: ' + ', '.join(missing)] if missing else []
            parts += [f'{len(unexpected)} not in the target: ' + ', '.join(unexpected)] if unexpected else []
            raise ValueError('KeyMapper: the checkpoint does not fit the target. ' + ' | '.join(parts))
        return out
