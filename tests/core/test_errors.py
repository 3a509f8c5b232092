"""One exception tree: every error class lives in core.errors and its docstring draws it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

from tokenbudget.core import errors

# Private control flow inside one function, never raised out of its module.
_PRIVATE = {"tokenbudget.core.chunking._PastRegionError"}


def _modules() -> list[str]:
    names = ["tokenbudget.cli", "tokenbudget.app"]
    for package in ("tokenbudget.cli", "tokenbudget.core"):
        path = importlib.import_module(package).__path__
        names += [m.name for m in pkgutil.walk_packages(path, package + ".")]
    return names


def test_every_exception_class_is_defined_in_core_errors() -> None:
    elsewhere = []
    for name in _modules():
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, BaseException) or cls.__module__ != name:
                continue
            if name == errors.__name__ or f"{name}.{cls_name}" in _PRIVATE:
                continue
            elsewhere.append(f"{name}.{cls_name}")
    assert elsewhere == []


def _tree() -> dict[str, str]:
    """Each class drawn in the docstring's tree, with the class it hangs under."""
    doc = errors.__doc__ or ""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in doc.splitlines():
        match = re.match(r"^(\s*[│ ]*(?:├── |└── )?)([A-Z]\w+)(?:\s|$)", line)
        if not match or not line.startswith("    "):
            continue
        depth, name = len(match.group(1)), match.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[name] = stack[-1][1] if stack else ""
        stack.append((depth, name))
    return parents


def test_the_docstring_draws_every_class_under_its_base() -> None:
    tree = _tree()
    defined = {
        name: cls
        for name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, BaseException) and cls.__module__ == errors.__name__
    }
    assert set(tree) == set(defined)
    for name, cls in defined.items():
        bases = [b.__name__ for b in cls.__bases__]
        if tree[name]:
            assert tree[name] in bases, f"{name} is drawn under {tree[name]}, derives from {bases}"
        else:
            assert name in ("TokenbudgetError", "UsageError"), name


def test_old_import_places_still_work() -> None:
    from tokenbudget.core import autostart, balances, plan_input, remote_count, secrets

    assert remote_count.AuthError is errors.AuthError
    assert remote_count.RemoteCountError is errors.RemoteCountError
    assert balances.BalanceError is errors.BalanceError
    assert secrets.SecretsError is errors.SecretsError
    assert secrets.NoKeyringError is errors.NoKeyringError
    assert autostart.AutostartError is errors.AutostartError
    assert plan_input.PlanInputError is errors.PlanInputError
