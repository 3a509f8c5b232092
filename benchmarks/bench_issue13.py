"""Issue 13's whole table, before and after, in one run.

    python benchmarks/bench_issue13.py [--before fc4a9d9] [--runs 5] [--starts 7]
        [--idle-seconds 150] [--one-line-limit 60]

Each side is installed from its own sources into a fresh virtual environment (``pip install``,
as a user would), then measured there with this checkout's benchmark scripts, one side after the
other on the same machine:

- install size of the venv, ``tokenbudget count`` of a 10 KB file (median time, peak RSS) and
  Gemma 3's load (``bench_vocab.py``);
- first paint against a bare PySide6 window, keystroke-to-update in a 1 MB document, the UI
  heartbeat while a 10 MB paste and a 2.2 MB single line go in (``bench_gui.py``);
- RSS and PSS of the window's process and the counting process with the default models,
  with every model shown, and after an idle period (``bench_memory.py``).

"Before" defaults to ``fc4a9d9``, the last commit before issue 13's work; "after" is this
working tree's tracked files as they are now. The table at the end puts both beside the
issue's targets. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vocab import (
    cold_count,
    export_revision,
    export_working_tree,
    install,
    install_size,
    load_times,
)

HERE = Path(__file__).resolve().parent


def measure(
    name: str, source: Path, work: Path, args: argparse.Namespace
) -> dict[str, float | None]:
    """Install ``source`` into a venv under ``work`` and take every figure of the table."""
    venv = work / "venv"
    start = time.perf_counter()
    install(source, venv)
    print(f"\n==== {name} (installed in {time.perf_counter() - start:.0f} s)", flush=True)
    figures: dict[str, float | None] = {"install_mb": install_size(venv)}
    figures["count_ms"], figures["count_peak_mb"] = cold_count(venv, work, args.runs)
    gemma = load_times(venv, work, ["gemma3"])["gemma3"]
    figures["gemma_ms"], figures["gemma_peak_mb"] = gemma
    python = str(venv / "bin" / "python")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DBUS_SESSION_BUS_ADDRESS": "disabled:"}

    def figures_of(script: str, *options: str) -> Any:
        """Run ``script`` in the side's venv; the figures it wrote with ``--json``, or None."""
        out = work / f"{script}.json"
        command = [python, str(HERE / script), *options, "--json", str(out)]
        subprocess.run(command, cwd=work, env=env, check=False)
        return json.loads(out.read_text("utf-8")) if out.exists() else None

    gui = figures_of(
        "bench_gui.py", "--starts", str(args.starts), "--one-line-limit", str(args.one_line_limit)
    )
    if gui is not None:
        figures.update(gui)
    memory = figures_of("bench_memory.py", "--idle-seconds", str(args.idle_seconds))
    if memory is not None:
        for label, sample in memory.items():
            # "default", "all", "all -> default", "after N s idle", "after a simulated hour"
            workload = "idle" if label.endswith(" idle") else label
            for key, value in sample.items():
                figures[f"mem_{workload}_{key}"] = value
    return figures


def _cell(value: Any, unit: str, places: int = 0) -> str:
    if value is None:
        return "not measured"
    return f"{value:,.{places}f}{unit}"


def table(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Print the issue's rows, before and after, beside its targets."""

    def memory(side: dict[str, Any], workload: str) -> str:
        ui, child = side.get(f"mem_{workload}_ui_pss"), side.get(f"mem_{workload}_child_pss")
        if ui is None:
            return "not measured"
        total = ui + (child or 0.0)
        return f"{ui:.0f} + {child or 0:.0f} = {total:.0f} MB PSS"

    def paint(side: dict[str, Any]) -> str:
        if side.get("paint_ratio") is None:
            return "not measured"
        return (
            f"{side['paint_ratio']:.2f}x ({side['first_paint_ms']:.0f} against "
            f"{side['bare_paint_ms']:.0f} ms)"
        )

    def heartbeat(side: dict[str, Any], key: str) -> str:
        gap, took = side.get(f"{key}_gap_ms"), side.get(f"{key}_s")
        if gap is None:
            return "not measured"
        done = f"in after {took:.1f} s" if took is not None else "NOT in (stopped waiting)"
        return f"longest gap {gap:.0f} ms, {done}"

    rows = [
        (
            "`tokenbudget count` 10 KB, default models",
            lambda s: (
                f"{_cell(s.get('count_ms'), ' ms')}, {_cell(s.get('count_peak_mb'), ' MB')} peak"
            ),
            "<= 800 ms median, <= 200 MB peak",
        ),
        (
            "Gemma 3 load",
            lambda s: (
                f"{_cell(s.get('gemma_ms'), ' ms')}, {_cell(s.get('gemma_peak_mb'), ' MB')} peak"
            ),
            "tens of ms",
        ),
        ("Idle memory, default models", lambda s: memory(s, "default"), "<= 200 MB PSS in total"),
        ("Memory, every model shown", lambda s: memory(s, "all"), "(reported)"),
        ("Memory after the idle period", lambda s: memory(s, "idle"), "<= 200 MB PSS in total"),
        (
            "Memory after a simulated hour",
            lambda s: memory(s, "after a simulated hour"),
            "<= 200 MB PSS in total",
        ),
        ("First paint against a bare window", paint, "<= 1.5x"),
        (
            "Keystroke in a 1 MB document (median)",
            lambda s: (
                f"{_cell(s.get('keystroke_ms'), ' ms', 1)}; after a 10 MB text "
                f"{_cell(s.get('keystroke_after_10mb_ms'), ' ms', 1)}"
            ),
            "<= 16 ms",
        ),
        ("10 MB paste", lambda s: heartbeat(s, "paste10"), "no gap over 50 ms"),
        (
            "Opening a 2.2 MB single line",
            lambda s: heartbeat(s, "one_line_open"),
            "no gap over 50 ms",
        ),
        (
            "Pasting a 2.2 MB single line",
            lambda s: heartbeat(s, "one_line_paste"),
            "no gap over 50 ms",
        ),
        ("Install size (fresh venv)", lambda s: _cell(s.get("install_mb"), " MB"), "<= 350 MB"),
    ]
    print("\n| Measure | Before | After | Target |\n|---|---|---|---|")
    for title, show, target in rows:
        print(f"| {title} | {show(before)} | {show(after)} | {target} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="fc4a9d9", help="git revision measured as 'before'")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--starts", type=int, default=7)
    parser.add_argument("--idle-seconds", type=float, default=150.0)
    parser.add_argument("--one-line-limit", type=float, default=60.0)
    parser.add_argument("--json", type=Path, help="also write both sides' figures here")
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="tb-bench-13-") as tmp:
        root = Path(tmp)
        (root / "before").mkdir()
        (root / "after").mkdir()
        before_src = export_revision(args.before, root / "before-src")
        after_src = export_working_tree(root / "after-src")
        before = measure(f"before: {args.before}", before_src, root / "before", args)
        after = measure("after: this working tree", after_src, root / "after", args)
    table(before, after)
    if args.json is not None:
        args.json.write_text(json.dumps({"before": before, "after": after}, indent=1), "utf-8")


if __name__ == "__main__":
    main()
