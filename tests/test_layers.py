"""The package's layers: every import of an rnngrad module runs downward (rnngrad/__init__.py)."""

import ast
from pathlib import Path

import pytest

import rnngrad

PACKAGE = Path(rnngrad.__file__).parent
# Bottom to top; a module may import from its own layer and those below it, never above.
LAYERS = (
    "errors",
    "files",
    "numerics",
    "training",
    "summaries",
    "figures",
    "steps",
    "config",
    "workflow",
    "__main__",
)


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name under rnngrad ('rnngrad.figures.style' → 'figures')."""
    parts = module.split(".")
    if parts[0] != "rnngrad" or len(parts) == 1:
        return None  # not rnngrad's, or the package's lazy facade (rnngrad/__init__.py)
    return parts[1]


def imports(path: Path, *, package: Path):
    """(line, module) of every rnngrad import in a file, also those inside functions."""
    module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module
            if name == "rnngrad":  # `from rnngrad import errors`: the submodules named
                yield from ((node.lineno, f"rnngrad.{alias.name}") for alias in node.names)
            else:
                yield node.lineno, name


def upward_imports(files, *, package: Path = PACKAGE) -> list[str]:
    """One line for each import from a higher layer: file, line and the two layers."""
    found = []
    for path in files:
        own = layer_of(".".join(path.relative_to(package.parent).with_suffix("").parts))
        if own is None:
            continue
        for line, module in imports(path, package=package):
            other = layer_of(module)
            if other is None or other == own:
                continue
            if other not in LAYERS or own not in LAYERS:
                found.append(f"{path}:{line}: {own} imports {module}: a layer not in LAYERS")
            elif LAYERS.index(other) > LAYERS.index(own):
                found.append(f"{path}:{line}: {own} imports {module}: {other} is above {own}")
    return found


def test_every_import_runs_downward():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 40
    assert upward_imports(files) == []


def test_every_module_and_folder_has_a_layer():
    tops = {
        path.stem if path.is_file() else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }
    assert tops == set(LAYERS)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from rnngrad.figures import style\n", ":2: numerics imports rnngrad.figures: figures is"),
        ("def f():\n    import rnngrad.workflow.plan\n", ":3: numerics imports rnngrad.workflow."),
        ("from ..steps import plots\n", ":2: numerics imports rnngrad.steps: steps is above"),
        ("from rnngrad import config\n", ":2: numerics imports rnngrad.config: config is above"),
    ],
    ids=["module", "inside-a-function", "relative", "from-the-package"],
)
def test_an_upward_import_is_named_with_its_file_line_and_layers(tmp_path, source, expected):
    numerics = tmp_path / "rnngrad" / "numerics"
    numerics.mkdir(parents=True)
    (numerics / "bad.py").write_text("import numpy\n" + source)
    found = upward_imports([numerics / "bad.py"], package=tmp_path / "rnngrad")
    assert len(found) == 1
    assert f"{numerics / 'bad.py'}{expected}" in found[0]


def test_a_downward_import_passes(tmp_path):
    figures = tmp_path / "rnngrad" / "figures"
    figures.mkdir(parents=True)
    (figures / "good.py").write_text("from rnngrad.numerics import chain\nfrom . import style\n")
    assert upward_imports([figures / "good.py"], package=tmp_path / "rnngrad") == []
