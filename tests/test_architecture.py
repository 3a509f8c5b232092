"""The core and the command line never import Qt (checked in a fresh interpreter)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

QT = ("PySide6", "shiboken6", "tokenbudget.gui")


@pytest.mark.parametrize(
    "module",
    ["tokenbudget.core.services", "tokenbudget.cli", "tokenbudget.app"],
)
def test_core_and_cli_do_not_import_qt(module: str) -> None:
    code = (
        "import sys, importlib, pkgutil, tokenbudget.core as core\n"
        f"importlib.import_module({module!r})\n"
        "for m in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('tokenbudget.core.' + m.name)\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({QT!r}))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_count_path_does_not_load_unneeded_libraries(tmp_path: Path) -> None:
    """Counting for one OpenAI model imports no Qt, keyring, HF tokenizers, SQLite or ledger.

    Counting (without ``--record``) needs no ledger: SQLite is not even imported.
    """
    code = (
        "import io, sys\n"
        "from tokenbudget import cli\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'hello world'))\n"
        "rc = cli.run(['count', '--model', 'gpt-5.5'], out=io.StringIO())\n"
        "assert rc == 0, rc\n"
        "heavy = ('PySide6', 'keyring', 'tokenizers', 'kitoken', 'sqlite3')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "bad += sorted(m for m in sys.modules if m.startswith('tokenbudget.core.ledger'))\n"
        "assert not bad, bad\n"
    )
    env = {"TOKENBUDGET_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_starting_the_command_line_loads_no_ledger_and_no_tokenizer() -> None:
    """Building the parser (every start) must not import SQLite, the ledger or a tokenizer."""
    code = (
        "import sys\n"
        "from tokenbudget import cli\n"
        "cli.build_parser()\n"
        "heavy = ('sqlite3', 'tiktoken', 'tokenizers', 'keyring', 'PySide6')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "bad += sorted(m for m in sys.modules if m in ('tokenbudget.core.ledger',"
        " 'tokenbudget.core.services', 'tokenbudget.cli.plans', 'tokenbudget.cli.count'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_module_of_the_cli_package_imports_the_package() -> None:
    """``tokenbudget.cli`` imports its parts; a part importing it back would be a cycle."""
    import ast

    package = Path(__file__).resolve().parent.parent / "tokenbudget" / "cli"
    for path in sorted(package.glob("*.py")):
        if path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path.name}: use absolute imports"
                assert node.module != "tokenbudget.cli", f"{path.name} imports the package"
                assert not (
                    node.module == "tokenbudget" and any(a.name == "cli" for a in node.names)
                ), f"{path.name} imports the package"
            elif isinstance(node, ast.Import):
                assert all(a.name != "tokenbudget.cli" for a in node.names), path.name


ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    """The contracts in pyproject.toml (core stays pure, no cycles) hold: ``lint-imports``."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "broken" not in result.stdout.split("Contracts:")[-1].split(",")[0]


def test_no_import_cycles_even_through_importlib_or_lazy_imports() -> None:
    """No cycle, counting function-level imports and ``importlib.import_module("...")``.

    grimp (under import-linter) does not see ``importlib`` calls; the cli package once had
    a cycle through one.
    """
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "house_metrics.py"), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["import_cycles"] == []


CLI_MODULES = [
    *sorted((ROOT / "tokenbudget" / "cli").glob("*.py")),
    ROOT / "tokenbudget" / "app.py",
    ROOT / "tokenbudget" / "__main__.py",
]
GUI_MODULES = sorted((ROOT / "tokenbudget" / "gui").glob("*.py"))
#: All of the core that the command line may import (``core.services`` is the one door).
CLI_MAY_IMPORT = {
    "tokenbudget.core.services",
    "tokenbudget.core.types",
    "tokenbudget.core.errors",
    "tokenbudget.core.messages",
}
#: The window also talks to the counting child process (its parent end).
GUI_MAY_IMPORT = CLI_MAY_IMPORT | {"tokenbudget.core.countproc"}
UI_MODULES = [(p, CLI_MAY_IMPORT) for p in CLI_MODULES] + [(p, GUI_MAY_IMPORT) for p in GUI_MODULES]
#: The services' private parts, which the user interfaces never hold.
PARTS = {"ledger", "catalog", "registry", "secrets", "_parts"}


def _ui_id(case: tuple[Path, set[str]]) -> str:
    return f"{case[0].parent.name}/{case[0].name}"


@pytest.mark.parametrize("case", UI_MODULES, ids=_ui_id)
def test_the_user_interfaces_import_only_services_types_and_errors_of_the_core(
    case: tuple[Path, set[str]],
) -> None:
    import ast

    path, allowed = case
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module == "tokenbudget.core":  # ``from tokenbudget.core import ledger``
                names = [f"tokenbudget.core.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name == "tokenbudget.core" or name.startswith("tokenbudget.core."):
                assert name in allowed, f"{path.name}:{node.lineno} imports {name}"


@pytest.mark.parametrize("case", UI_MODULES, ids=_ui_id)
def test_the_user_interfaces_never_reach_past_the_services(case: tuple[Path, set[str]]) -> None:
    """No ``service.ledger``, ``.catalog``, ``.registry``, ``.secrets`` or ``._parts``."""
    import ast

    path, _ = case
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute):
            assert node.attr not in PARTS, f"{path.name}:{node.lineno} uses .{node.attr}"


def test_the_service_hands_out_no_part() -> None:
    """The facade has services and flags, never the ledger, catalogue, vocabularies or keys."""
    from tokenbudget.core.services import Service

    public = {name for name in dir(Service) if not name.startswith("_")}
    assert not public & PARTS, public & PARTS


def test_the_types_the_user_interfaces_hold_load_no_sqlite_and_no_services() -> None:
    """``core.types`` is imported when the command line starts: what it needs stays light."""
    code = (
        "import sys\n"
        "from tokenbudget.core.types import (MAX_REQUESTS, MAX_ROWS, MAX_TOKENS, KEY_PROVIDERS,"
        " CountReport, HistoryFilter, ImportReport, Money, check_moment, from_micros)\n"
        "heavy = ('sqlite3', 'tiktoken', 'tokenizers', 'keyring', 'PySide6')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "bad += sorted(m for m in sys.modules if m.startswith(('tokenbudget.core.ledger',"
        " 'tokenbudget.core.services')))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_lazy_names_of_core_types_agree_with_their_imports() -> None:
    """``core.types``: the imports the type checker sees, ``_WHERE`` and ``__all__`` agree."""
    import ast
    import importlib

    from tokenbudget.core import types

    tree = ast.parse((ROOT / "tokenbudget" / "core" / "types.py").read_text(encoding="utf-8"))
    guarded = next(n for n in tree.body if isinstance(n, ast.If))  # ``if TYPE_CHECKING:``
    seen = {
        alias.asname or alias.name: (node.module, alias.name)
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert seen == types._WHERE
    assert sorted(types.__all__) == sorted(types._WHERE)
    for name, (module, attribute) in types._WHERE.items():
        assert getattr(types, name) is getattr(importlib.import_module(module), attribute)
    with pytest.raises(AttributeError):
        _ = types.no_such_name  # type: ignore[attr-defined]


def test_the_ui_contract_forbids_every_core_module_but_the_doors() -> None:
    """The import-linter contract names every core module the UIs may not import directly.

    A new core module must join the list, or lint-imports would let a UI import it.
    """
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (ui,) = [c for c in contracts if "tokenbudget.gui" in c.get("source_modules", [])]
    core = ROOT / "tokenbudget" / "core"
    children = {p.stem for p in core.glob("*.py") if p.stem != "__init__"}
    children |= {p.name for p in core.iterdir() if (p / "__init__.py").is_file()}
    doors = {m.rsplit(".", 1)[1] for m in GUI_MAY_IMPORT}
    expected = {f"tokenbudget.core.{name}" for name in children - doors}
    assert set(ui["forbidden_modules"]) == expected
