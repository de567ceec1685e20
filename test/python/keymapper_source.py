"""The KeyMapper class of each flavour as the tool injects it: keymapper_flax.py and
keymapper_reference.py as they are; nnx as src/core/preamble-source.ts composes it
(keymapper_nnx.py's docstring, the flax class's code after its docstring, then keymapper_nnx.py's
methods; the imports of both)."""
from pathlib import Path

PYTHON = Path(__file__).resolve().parents[2] / "src" / "python"


def _split(text):
    at = text.index("class KeyMapper")
    imports = [line.strip() for line in text[:at].splitlines() if line.strip()]
    body = text[at:].rstrip() + "\n"
    close = body.index('"""', body.index('"""') + 3)
    head = body.index("\n", close) + 1
    return imports, body[:head], body[head:]


def compose():
    flax_imports, _, flax_rest = _split((PYTHON / "keymapper_flax.py").read_text())
    nnx_imports, nnx_head, nnx_rest = _split((PYTHON / "keymapper_nnx.py").read_text())
    imports = flax_imports + [i for i in nnx_imports if i not in flax_imports]
    return "\n".join(imports) + "\n\n\n" + nnx_head + flax_rest + nnx_rest


def load(flavour):
    """The KeyMapper class of `flavour` (flax, reference or nnx)."""
    if flavour == "nnx":
        source, name = compose(), "keymapper_nnx (composed)"
    else:
        path = PYTHON / f"keymapper_{flavour}.py"
        source, name = path.read_text(), str(path)
    ns = {"__name__": f"keymapper_{flavour}"}
    exec(compile(source, name, "exec"), ns)
    return ns["KeyMapper"]
