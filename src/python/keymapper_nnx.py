import collections


class KeyMapper:
    """Load a PyTorch state_dict into a Flax NNX module in place, as torch's load_state_dict does.

        KeyMapper.load_into(model, state_dict)                                # strict, as torch
        missing, unexpected = KeyMapper.load_into(model, state_dict, strict=False)
        KeyMapper.load_into(model, state_dict, hints={'h.*.attn.c_attn': 'linear_t'})

    It returns torch's (missing_keys, unexpected_keys), in torch key names. strict=True raises one
    RuntimeError listing every missing and unexpected key; a value whose shape fits no orientation of
    the module's variable raises whatever strict says. Either way the error comes before anything is
    changed: the module is never left half-loaded. Values take the dtype of the module's variables.

    Torch keys land on the module's own state (nnx.Param and nnx.BatchStat): `layers.0.weight` is
    ('layers', 0, 'kernel') (an nnx.List or a list attribute; ('layers', 'layers', 0, ...) for an
    nnx.Sequential), running_mean/running_var are BatchNorm's mean/var, num_batches_tracked is
    dropped. The module says what each layer is: X.weight goes to X's kernel (a Linear transposed; a
    Conv's axes (2, ..., n-1, 1, 0); an nnx.ConvTranspose's the same with transpose_kernel=True, else
    (*k, in, out) spatially flipped), embedding, scale or negative_slope, whichever X has; an
    nnx.MultiHeadAttention takes its head count from the module; nn.LSTM/GRU/RNN layer k goes to the
    cell of X_l{k} (X_l{k}_reverse), X[k], X (one layer) or their forward_rnn/backward_rnn
    (nnx.Bidirectional): nnx.LSTMCell, OptimizedLSTMCell, GRUCell (whose hidden n gate has no bias:
    torch's bias_hh n part must be zero) or SimpleCell. Weight norm is fused first. hints: as
    from_torch's; only 'linear_t' (Hugging Face's Conv1D, an (in, out) weight) changes anything here,
    since the module tells the rest ('attention:H' is checked against it).

    from_torch (Linen variables) and the layer rules are here too: see their docstrings.
    """

    # ---------------------------------------------------------------------------------- nnx

    LoadResult = collections.namedtuple('LoadResult', ['missing_keys', 'unexpected_keys'])
    TORCH_LEAVES = {'kernel': 'weight', 'embedding': 'weight', 'scale': 'weight', 'negative_slope': 'weight',
                    'mean': 'running_mean', 'var': 'running_var'}

    @staticmethod
    def _nnx_paths(mods):
        """Candidate NNX module paths for torch module segments: an item is an integer segment, or
        one under `layers` (nnx.Sequential), or Linen's `name_k`."""
        paths = [()]
        for j, seg in enumerate(mods):
            if not seg.isdigit():
                paths = [p + (seg,) for p in paths]
                continue
            k = int(seg)
            nxt = [p + (k,) for p in paths] + [p + ('layers', k) for p in paths]
            nxt += [p[:-1] + (f'{p[-1]}_{k}',) for p in paths if p and isinstance(p[-1], str)]
            paths = nxt if j else nxt + [('layers_' + seg,)]
        return paths

    @classmethod
    def _nnx_cell(cls, mods, suffix, kind, modules, cells):
        """The NNX cell module path for torch's recurrent layer `suffix` (_l0, _l1_reverse, '' for a cell)."""
        reverse = suffix.endswith('_reverse')
        k = int(suffix[2:].split('_')[0]) if suffix else 0
        side = ('backward_rnn',) if reverse else ('forward_rnn',)
        tails = [()] if kind == 'cell' else []
        tails += [('cell',)]
        found = []
        for base in cls._nnx_paths(mods):
            named = base[:-1] + (base[-1] + suffix,) if base and isinstance(base[-1], str) and suffix else None
            options = [named + ('cell',)] if named else []
            options += [base + (k,) + s + ('cell',) for s in ([side] if reverse else [(), side])]
            if k == 0:
                options += [base + s + ('cell',) for s in ([side] if reverse else [(), side])]
            options += [base + t for t in tails] if not reverse and k == 0 else []
            found += [p for p in options if isinstance(modules.get(p), cells)]
        return found[0] if found else None

    @classmethod
    def _nnx_recurrent(cls, cell, params, torch_name):
        """The cell's (sub path, array) pairs from `recurrent`'s Linen names, or a problem string."""
        from flax import nnx

        def fused(side, leaf, gates):  # the gates' arrays side by side: one Linear for all of them
            return np.concatenate([params[(side + g, leaf)] for g in gates], axis=-1)

        if isinstance(cell, nnx.LSTMCell) and ('ii', 'kernel') in params:
            return {(('if_' if a == 'if' else a), b): v for (a, b), v in params.items()}
        if isinstance(cell, nnx.OptimizedLSTMCell) and ('ii', 'kernel') in params:
            return {('dense_i', 'kernel'): fused('i', 'kernel', 'ifgo'),
                    ('dense_h', 'kernel'): fused('h', 'kernel', 'ifgo'), ('dense_h', 'bias'): fused('h', 'bias', 'ifgo')}
        if isinstance(cell, nnx.GRUCell) and ('ir', 'kernel') in params:
            out = {('dense_i', 'kernel'): fused('i', 'kernel', 'rzn'), ('dense_i', 'bias'): fused('i', 'bias', 'rzn'),
                   ('dense_h', 'kernel'): fused('h', 'kernel', 'rzn')}
            hn = params[('hn', 'bias')]
            if getattr(cell.dense_h, 'bias', None) is not None:
                out[('dense_h', 'bias')] = np.concatenate([np.zeros_like(hn), np.zeros_like(hn), hn])
            elif np.any(hn != 0):
                return f'{torch_name}: nnx.GRUCell has no bias for its hidden n gate and the bias_hh n part is not zero'
            return out
        if isinstance(cell, nnx.SimpleCell) and ('i', 'kernel') in params:
            return {('dense_i', 'kernel'): params[('i', 'kernel')], ('dense_i', 'bias'): params[('i', 'bias')],
                    ('dense_h', 'kernel'): params[('h', 'kernel')]}
        return f'{torch_name}: the weights do not fit the module\'s {type(cell).__name__}'

    @classmethod
    def _nnx_leaf(cls, name, arr, sub, path, variables, hints, used, roots):
        """(variable path, array) for one plain torch key, None to drop it, or a problem string; the
        path is absent from `variables` when the module has no place for the key."""
        from flax import nnx
        *mods, leaf = name.split('.')
        if leaf == 'num_batches_tracked':
            return None
        if leaf in ('running_mean', 'running_var'):
            return path + (leaf[len('running_'):],), arr
        if leaf in ('bias', 'beta'):
            return path + ('bias',), arr
        if leaf == 'gamma':
            return path + ('scale',), arr
        if leaf != 'weight':
            return path + (leaf,), arr
        hint = cls._hint(mods, hints, name, used, roots)
        if arr.ndim == 1:
            slope = path + ('negative_slope',) in variables and path + ('scale',) not in variables
            return path + ('negative_slope' if slope else 'scale',), arr
        if arr.ndim == 2 and path + ('embedding',) in variables:
            return path + ('embedding',), arr
        if arr.ndim == 2:
            if hint == 'linear_t':
                return path + ('kernel',), cls.linear_t(arr)
            kernel = variables.get(path + ('kernel',))
            if kernel is not None and tuple(kernel.shape) != arr.shape[::-1] and tuple(kernel.shape) == arr.shape:
                return (f"{name}: a {arr.shape} weight for a kernel of the same shape: pass "
                        f"hints={{{'.'.join(mods)!r}: 'linear_t'}} if it is an (in, out) Linear (Hugging Face's Conv1D)")
            return path + ('kernel',), arr.T
        if 3 <= arr.ndim <= 5:
            flip = hint == 'conv_transpose' or (isinstance(sub, nnx.ConvTranspose) and not sub.transpose_kernel)
            axes = tuple(range(2, arr.ndim)) + (1, 0)
            return path + ('kernel',), cls._layout(arr, 'conv_transpose' if flip else axes)
        return path + (leaf,), arr

    @staticmethod
    def _torch_module(path, modules):
        """torch's module path for an NNX module path: an nnx.Sequential's own `layers` left out."""
        from flax import nnx
        return [str(seg) for j, seg in enumerate(path)
                if not (seg == 'layers' and isinstance(modules.get(path[:j]), nnx.Sequential))]

    @classmethod
    def _torch_names(cls, path, modules):
        """torch's keys for a module variable nothing loaded (what is missing, in torch's names)."""
        from flax import nnx
        cells = (nnx.LSTMCell, nnx.OptimizedLSTMCell, nnx.GRUCell, nnx.SimpleCell)
        at = next((j for j in range(len(path)) if isinstance(modules.get(path[:j]), cells)), None)
        if at is not None:  # weight_ih_l0, bias_hh_l1_reverse... of the torch layer the cell holds
            first, leaf = path[at], path[-1]
            kinds = ['weight_ih' if str(first).startswith('i') or first == 'dense_i' else 'weight_hh'] \
                if leaf == 'kernel' else ['bias_ih', 'bias_hh']
            base, suffix = path[:at], ''
            if at and path[at - 1] == 'cell':  # inside an nnx.RNN: a layer of nn.LSTM/GRU/RNN
                base, reverse, layer = path[:at - 1], False, 0
                if base and base[-1] in ('forward_rnn', 'backward_rnn'):
                    base, reverse = base[:-1], base[-1] == 'backward_rnn'
                last = base[-1] if base and isinstance(base[-1], str) else ''
                named = re.fullmatch(r'(.+)_l(\d+)(_reverse)?', last)
                if base and isinstance(base[-1], int):
                    base, layer = base[:-1], base[-1]
                elif named:
                    base, layer = base[:-1] + (named.group(1),), int(named.group(2))
                    reverse = reverse or bool(named.group(3))
                suffix = f"_l{layer}{'_reverse' if reverse else ''}"
            return ['.'.join(cls._torch_module(base, modules) + [kind + suffix]) for kind in kinds]
        mha = next((j for j in range(len(path)) if isinstance(modules.get(path[:j]), nnx.MultiHeadAttention)), None)
        if mha is not None:
            kind = 'weight' if path[-1] == 'kernel' else 'bias'
            leaf = ['out_proj', kind] if path[mha] == 'out' else ['in_proj_' + kind]
            return ['.'.join(cls._torch_module(path[:mha], modules) + leaf)]
        return ['.'.join(cls._torch_module(path[:-1], modules) + [cls.TORCH_LEAVES.get(path[-1], str(path[-1]))])]

    @classmethod
    def load_into(cls, module, state_dict, strict=True, hints=None):
        from flax import nnx
        if not isinstance(module, nnx.Module):
            raise TypeError(f'KeyMapper.load_into loads into a flax.nnx.Module, not {type(module).__name__} '
                            '(for Flax Linen: variables = KeyMapper.from_torch(state_dict))')
        state = cls._state(state_dict)
        cls._check_hints(hints)
        arrays = cls._fuse_weight_norm({name: cls._to_numpy(val) for name, val in state.items()})
        modules, variables = {}, {}
        for path, node in nnx.iter_graph(module):
            if isinstance(node, nnx.Module):
                modules[tuple(path)] = node
            elif isinstance(node, (nnx.Param, nnx.BatchStat)):
                variables[tuple(path)] = node
        cells = (nnx.LSTMCell, nnx.OptimizedLSTMCell, nnx.GRUCell, nnx.SimpleCell)
        roots = {name.split('.')[0] for name in arrays if '.' in name}
        plan, unexpected, problems, used, consumed = {}, [], [], set(), set()

        def place(vpath, torch_name, arr):
            var = variables.get(vpath)
            if var is None:
                unexpected.append(torch_name)
                return
            shape = tuple(var.shape)
            if arr.shape != shape and arr.size == 1 and int(np.prod(shape)) == 1:
                arr = arr.reshape(shape)  # PReLU: torch (1,), NNX ()
            if arr.shape != shape:
                problems.append(f"size mismatch for {torch_name}: got {arr.shape} for {'/'.join(map(str, vpath))}, "
                                f'the module has {shape}')
            elif vpath in plan:
                problems.append(f"{plan[vpath][0]} and {torch_name} both load {'/'.join(map(str, vpath))}")
            else:
                plan[vpath] = (torch_name, arr)

        def find(mods):
            return next((p for p in cls._nnx_paths(mods) if p in modules), None)

        for mods, kind, leaves in cls._layers(arrays):
            get = {leaf: arrays[name][0] for leaf, name in leaves.items()}
            if kind == 'attention':
                path = find(mods)
                sub = modules.get(path)
                if not isinstance(sub, nnx.MultiHeadAttention):
                    continue  # its keys go one by one below (and are unexpected)
                hint = cls._hint(mods, hints, used=used, roots=roots)
                if hint and hint.startswith('attention:') and int(hint.split(':')[1]) != sub.num_heads:
                    problems.append(f"{'.'.join(mods)}: hint {hint!r} but the module has {sub.num_heads} heads")
                consumed.update(leaves.values())
                try:
                    mapped = cls.attention(get, sub.num_heads)
                except ValueError as err:
                    problems.append(f"{'.'.join(mods)}: {err}")
                    continue
                for (proj, leaf), arr in mapped.items():
                    if proj == 'out':
                        torch_name = leaves['out_proj.' + ('weight' if leaf == 'kernel' else 'bias')]
                    elif leaf == 'bias':
                        torch_name = leaves['in_proj_bias']
                    else:
                        torch_name = leaves.get('in_proj_weight') or leaves[proj[0] + '_proj_weight']
                    place(path + (proj, leaf), torch_name, arr)
                continue
            if any('_hr' in leaf for leaf in leaves):
                continue  # LSTM(proj_size=...): no NNX cell has a projection
            for suffix in sorted({leaf[len('weight_ih'):] for leaf in leaves if leaf.startswith('weight_ih')}):
                names = [leaves[p + suffix] for p in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')
                         if p + suffix in leaves]
                cell_path = cls._nnx_cell(mods, suffix, kind, modules, cells)
                if cell_path is None or 'weight_hh' + suffix not in get:
                    continue
                consumed.update(names)
                try:
                    params = cls.recurrent(get['weight_ih' + suffix], get['weight_hh' + suffix],
                                           get.get('bias_ih' + suffix), get.get('bias_hh' + suffix))
                except ValueError as err:
                    problems.append(f'{names[0]}: {err}')
                    continue
                mapped = cls._nnx_recurrent(modules[cell_path], params, names[0])
                if isinstance(mapped, str):
                    problems.append(mapped)
                    continue
                for sub_path, arr in mapped.items():
                    place(cell_path + sub_path, names[0], arr)
        for name, (arr, _) in arrays.items():
            if name in consumed:
                continue
            *mods, leaf = name.split('.')
            path = find(mods)
            if path is None:
                if leaf != 'num_batches_tracked':
                    unexpected.append(name)
                continue
            got = cls._nnx_leaf(name, arr, modules[path], path, variables, hints, used, roots)
            if isinstance(got, str):
                problems.append(got)
            elif got is not None:
                place(got[0], name, got[1])
        missing = list(dict.fromkeys(n for p in variables if p not in plan for n in cls._torch_names(p, modules)))
        unused = [k for k in (hints or {}) if k not in used]
        if unused:
            warnings.warn(f"KeyMapper: {len(unused)} hint(s) matched no module of the state dict: {', '.join(unused)}",
                          stacklevel=2)
        if problems or (strict and (missing or unexpected)):
            listed = [('Missing', missing), ('Unexpected', unexpected)] if strict else []
            parts = [f"{what} key(s) in state_dict: {', '.join(repr(k) for k in keys)}." for what, keys in listed if keys]
            parts += problems
            raise RuntimeError(f'Error(s) in loading state_dict for {type(module).__name__} (nothing was loaded):\n\t'
                               + '\n\t'.join(parts))
        for vpath, (torch_name, arr) in plan.items():
            var = variables[vpath]
            value = jnp.asarray(arr, dtype=var.dtype)
            if hasattr(var, 'set_value'):  # flax 0.12; before it, .value was the way
                var.set_value(value)
            else:
                var.value = value
        return cls.LoadResult(missing, unexpected)
