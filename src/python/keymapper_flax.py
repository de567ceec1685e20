import re
import warnings
import numpy as np
import jax.numpy as jnp


class KeyMapper:
    """Turn a PyTorch state_dict into Flax Linen variables that `model.apply` accepts.

        variables = KeyMapper.from_torch(state_dict)  # {'params': ..., 'batch_stats': ...}
        variables = KeyMapper.from_torch(state_dict, target=model.init(key, x))
        variables = KeyMapper.from_torch(state_dict, hints={'wte': 'embedding'})

    hints: torch module name (full key, dotted module path or last name) -> 'embedding' | 'kernel'.
    target: a Flax tree (model.init(...) or its 'params') that names and orientations are resolved
    against (a template `embedding` wins over `kernel`; `name_0` may be `name/layers_0`); shape
    mismatches, missing and unexpected paths are then raised together as one ValueError.

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
      anything else (in_proj_weight, weight_ih_l0, ...) is kept under params by name and named in a
      warning: it needs a manual mapping.
    ConvTranspose weights (in, out/g, *k) get the same axes; the Flax layer must be built with
    nn.ConvTranspose(..., transpose_kernel=True), and torch padding p becomes explicit padding
    (k - 1 - p, k - 1 - p + output_padding) per spatial axis.
    Paths: `layer.0` -> `layer_0` (Linen's name for list items), a leading `0` -> `layers_0`
    (a top-level nn.Sequential). A `module.` / `_orig_mod.` prefix shared by every key is stripped;
    {'state_dict': ...}, {'model': ...} and {'model_state_dict': ...} checkpoints are unwrapped.
    A collection appears only when it holds something (no 'batch_stats' without running stats).
    bfloat16 tensors go through float32 and come back as bfloat16.
    """

    WRAPPERS = ('state_dict', 'model', 'model_state_dict')
    PREFIXES = ('module.', '_orig_mod.')
    EMBED_NAMES = {'wte', 'wpe', 'embed_tokens', 'embed_positions'}
    EMBED_WORDS = {'emb', 'embed', 'embeds', 'embedding', 'embeddings'}
    HINTS = {'embedding', 'kernel'}

    @classmethod
    def _rule(cls, name, ndim, hints=None):
        """torch key + rank -> (Flax path tuple or None to drop, transpose axes or None, known?);
        known is 'guess' where the name says embedding but the module is a container's child."""
        *mods, leaf = name.split('.')
        path = []
        for seg in mods:
            if seg.isdigit():
                path.append(path.pop() + '_' + seg if path else 'layers_' + seg)
            else:
                path.append(seg)
        words = [m for m in mods if not m.isdigit()]
        hint = None
        for key in (name, '.'.join(mods), words[-1] if words else None):
            if hints and key in hints:
                hint = hints[key]
                break
        if hint is not None and hint not in cls.HINTS:
            raise ValueError(f"KeyMapper: hint {hint!r} for {name!r} must be one of {sorted(cls.HINTS)}")
        if leaf == 'num_batches_tracked':
            return None, None, True
        if leaf in ('running_mean', 'running_var'):
            return ('batch_stats', *path, leaf[len('running_'):]), None, True
        if leaf in ('bias', 'beta'):
            return ('params', *path, 'bias'), None, True
        if leaf == 'gamma' or (leaf == 'weight' and ndim == 1):
            return ('params', *path, 'scale'), None, True
        guess = False
        if leaf == 'weight' and ndim == 2 and hint is None:
            last = words[-1].lower() if words else ''
            if last in cls.EMBED_NAMES or last.split('_')[-1] in cls.EMBED_WORDS:
                if not mods[-1].isdigit():  # the name decides only for the module itself
                    return ('params', *path, 'embedding'), None, True
                guess = True  # time_embed.0: a layer of a container named like an embedding
        if leaf == 'weight' and ndim == 2 and hint == 'embedding':
            return ('params', *path, 'embedding'), None, True
        if leaf == 'weight' and 2 <= ndim <= 5:
            return ('params', *path, 'kernel'), tuple(range(2, ndim)) + (1, 0), 'guess' if guess else True
        return ('params', *path, leaf), None, False

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
    def _finish(arr, axes, bf16):
        if arr.dtype.kind == 'O':  # not a tensor (e.g. _extra_state): handed back as it was
            return arr.item() if arr.ndim == 0 else arr
        arr = arr.transpose(axes) if axes else arr
        return jnp.asarray(arr, dtype=jnp.bfloat16 if bf16 else None)

    @staticmethod
    def map_name(name, ndim=2, hints=None):
        """Flax path tuple, e.g. ('params', 'fc', 'kernel'), for a torch key and the rank of its
        value (None when the key is dropped)."""
        return KeyMapper._rule(name, ndim, hints)[0]

    @staticmethod
    def map_value(key, val, hints=None):
        """The torch value for `key`, converted (and transposed) for its Flax path."""
        arr, bf16 = KeyMapper._to_numpy(val)
        return KeyMapper._finish(arr, KeyMapper._rule(key, arr.ndim, hints)[1], bf16)

    @classmethod
    def from_torch(cls, state, target=None, hints=None):
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
        flat, unknown, guessed, clashes = {}, [], [], []
        for name, val in state.items():
            arr, bf16 = cls._to_numpy(val)
            path, axes, known = cls._rule(name, arr.ndim, hints)
            if path is None:
                continue
            if path[-1] == 'scale' and name.endswith('weight') and arr.shape == (1,) \
                    and name[:-len('weight')] + 'bias' not in state:
                path, arr = path[:-1] + ('negative_slope',), arr.reshape(())  # a norm of one value has a bias
            if path in flat:
                clashes.append(f"{flat[path][0]!r} and {name!r} -> {'/'.join(path)}")
            if not known:
                unknown.append(name)
            elif known == 'guess':
                guessed.append(name)
            flat[path] = (name, arr, axes, bf16)
        if clashes:
            raise ValueError('KeyMapper: several torch keys map to one Flax path: ' + '; '.join(clashes))
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
        variables = {}
        for path, (name, arr, axes, bf16) in flat.items():
            node = variables
            for seg in path[:-1]:
                node = node.setdefault(seg, {})
            node[path[-1]] = cls._finish(arr, axes, bf16)
        return variables

    @classmethod
    def _resolve(cls, flat, target):
        """Match every mapped path to the template `target` (model.init(...) or its 'params'):
        a template `embedding` wins over `kernel` (and vice versa), and `name_0` may be
        `name/layers_0` (a Flax nn.Sequential). Raises one ValueError listing every problem."""
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
        for path, (name, arr, axes, bf16) in flat.items():
            leaves = [(path[-1], axes)]
            if arr.ndim == 2 and path[-1] in ('kernel', 'embedding'):
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
            if arr.size == 1 and arr.ndim <= 1 and tmpl[new] in ((), (1,)):
                arr = arr.reshape(tmpl[new])  # a PReLU slope: torch (1,), Flax ()
            shape = arr.transpose(ax).shape if ax else arr.shape
            if shape != tmpl[new]:
                bad.append(f"{name} -> {'/'.join(new)}: got {shape}, template has {tmpl[new]}")
            out[new] = (name, arr, ax, bf16)
        missing = ['/'.join(p) for p in tmpl if p not in out]
        if bad or missing or unexpected:
            parts = [f'{len(bad)} shape mismatch(es): ' + '; '.join(bad)] if bad else []
            parts += [f'{len(missing)} missing from the checkpoint: ' + ', '.join(missing)] if missing else []
            parts += [f'{len(unexpected)} not in the target: ' + ', '.join(unexpected)] if unexpected else []
            raise ValueError('KeyMapper: the checkpoint does not fit the target. ' + ' | '.join(parts))
        return out
