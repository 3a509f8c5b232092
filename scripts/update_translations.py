"""Bring the translation catalogues up to date with the code, and build the ``.qm`` files.

    .venv/bin/python scripts/update_translations.py           # lupdate, then lrelease
    .venv/bin/python scripts/update_translations.py --release # lrelease only

``pyside6-lupdate`` reads every ``tokenbudget/gui/*.py`` and the core message catalogue
(``tokenbudget/core/message_texts.py``) and updates ``resources/i18n/tokenbudget_zh_CN.ts`` (every
string) and ``tokenbudget_en.ts`` (plural forms only). New strings arrive "unfinished":
translate them in Qt Linguist (``.venv/bin/pyside6-linguist``) or the ``.ts`` itself, see
``docs/translation.md``. ``pyside6-lrelease`` then writes the ``.qm`` files next to them, and
``resources/i18n/manifest.json`` pins them by sha256. The ``.qm`` files are committed; a test
rebuilds them from the ``.ts`` and checks they are identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
#: ``ts`` name -> whether lupdate keeps only the plural forms.
CATALOGUES = {"tokenbudget_zh_CN.ts": False, "tokenbudget_en.ts": True}
#: Helpers the code calls instead of ``tr`` (lupdate files their strings as ``tr``'s).
ALIASES = "tr+=_tr,tr+=_tr_charts,tr+=_tr_export"


def tool(name: str) -> str:
    """A Qt tool that PySide6 installs next to the interpreter."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6-Essentials")
    return found


def sources(root: Path = ROOT) -> list[str]:
    """The files lupdate reads, relative to ``root``."""
    files = sorted((root / "tokenbudget" / "gui").glob("*.py"))
    catalogue = root / "tokenbudget" / "core" / "message_texts.py"
    if catalogue.exists():
        files.append(catalogue)
    return [str(path.relative_to(root)) for path in files]


def lupdate(ts: Path, *, plural_only: bool, root: Path = ROOT) -> None:
    """Update ``ts`` with the strings in the code (vanished ones are dropped)."""
    args = [tool("pyside6-lupdate"), *sources(root), "-tr-function-alias", ALIASES]
    args += ["-locations", "none", "-no-obsolete", "-silent"]
    if plural_only:
        args.append("-pluralonly")
    language = ts.stem.removeprefix("tokenbudget_")
    args += ["-target-language", language, "-ts", str(ts)]
    subprocess.run(args, cwd=root, check=True)


def lrelease(ts: Path, qm: Path) -> None:
    """Compile ``ts`` to ``qm``."""
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def write_manifest() -> None:
    """Pin the ``.qm`` files (and their sources) by sha256, as every resource is."""
    files = []
    for path in sorted(I18N.glob("tokenbudget_*.qm")):
        files.append(
            {
                "file": path.name,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "source": f"built from {path.with_suffix('.ts').name} by "
                "scripts/update_translations.py (pyside6-lrelease)",
                "licence": "MIT",
            }
        )
    text = json.dumps({"schema": 1, "files": files}, indent=2, ensure_ascii=False) + "\n"
    (I18N / "manifest.json").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run lupdate (unless ``--release``), then lrelease, then pin the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="only build the .qm files")
    args = parser.parse_args(argv)
    I18N.mkdir(parents=True, exist_ok=True)
    for name, plural_only in CATALOGUES.items():
        ts = I18N / name
        if not args.release:
            lupdate(ts, plural_only=plural_only)
        lrelease(ts, ts.with_suffix(".qm"))
    write_manifest()
    return 0


if __name__ == "__main__":
    sys.exit(main())
