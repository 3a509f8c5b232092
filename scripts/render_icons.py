"""Render the app icons' PNG sizes from their SVGs and pin every file in the manifests.

    QT_QPA_PLATFORM=offscreen python scripts/render_icons.py

Writes resources/icons/tokenbudget-{size}.png (and the warning/over variants at tray sizes)
and resources/icons/manifest.json and resources/linux/manifest.json (sha256, source, licence
of each file). The SVGs are the sources; run this after changing one.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
LINUX = ROOT / "resources" / "linux"
APP_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
STATE_SIZES = (16, 22, 24, 32, 48, 64)
ORIGIN = "drawn for tokenbudget (original artwork, this repository)"


def render(svg: Path, size: int, out: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"could not write {out}")


def manifest(directory: Path, files: list[Path], generated: dict[str, str]) -> None:
    entries = []
    for path in sorted(files):
        entries.append(
            {
                "file": path.name,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "source": generated.get(path.name, ORIGIN),
                "licence": "MIT",
            }
        )
    (directory / "manifest.json").write_text(
        json.dumps({"schema": 1, "files": entries}, indent=2) + "\n", encoding="utf-8"
    )


def main() -> int:
    QGuiApplication(sys.argv[:1])
    generated: dict[str, str] = {}
    for name, sizes in (
        ("tokenbudget", APP_SIZES),
        ("tokenbudget-warning", STATE_SIZES),
        ("tokenbudget-over", STATE_SIZES),
    ):
        for size in sizes:
            out = ICONS / f"{name}-{size}.png"
            render(ICONS / f"{name}.svg", size, out)
            generated[out.name] = f"rendered from {name}.svg by scripts/render_icons.py"
    manifest(ICONS, [p for p in ICONS.iterdir() if p.suffix in {".svg", ".png"}], generated)
    linux = [p for p in LINUX.iterdir() if p.name != "manifest.json"]
    manifest(LINUX, linux, {p.name: "written for tokenbudget (this repository)" for p in linux})
    return 0


if __name__ == "__main__":
    sys.exit(main())
