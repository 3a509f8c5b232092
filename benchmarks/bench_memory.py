"""Memory of the running app: the window's process and the counting process, RSS and PSS.

    python benchmarks/bench_memory.py [--tree CHECKOUT] [--idle-seconds 60] [--platform offscreen]

Each workload starts the app afresh (``tokenbudget.gui.app.run``, as ``tokenbudget`` does, in a
temporary home) and measures once the counts are in and the counting process's memory has
stopped changing:

- ``default``: the default models, a 10 KB prompt counted;
- ``all``: every model of the catalogue shown (every vocabulary in use), the same prompt;
  then ``all -> default``: back to the default models in the same process;
- ``idle``: the default models, then ``--idle-seconds`` of real idle (the status timer, live
  sync and, where the platform has one, the tray running), sampled, and then a simulated hour:
  the periodic work of an hour driven at once (60 status checks, 30 live-sync polls);
- ``paste``: the default models and a 10 MB text counted, then the 10 KB prompt again, then
  the same idle as ``idle`` (what a long text leaves behind). Not run unless asked for.

PSS (proportional set size) counts a page shared by both processes (a library mapped by both,
say) once between them; RSS counts it in each. The total is the sum of the two PSS figures.
``--tree`` measures another checkout's ``tokenbudget`` (for example ``/tmp/before``, an
export of main at 6b11785) with the same workloads.

Prints figures; asserts nothing. Target (issue 13): at most 200 MB PSS in total at idle.
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
from bench_gui import pss_mb, rss_mb, varied_text

WORKLOADS = ("default", "all", "idle", "paste")
#: Status checks and live-sync polls in an hour (``gui.shell.STATUS_INTERVAL_MS``,
#: ``gui.live_sync.POLL_MS``).
HOUR_STATUS, HOUR_POLLS = 60, 30


def _sample(ui_pid: int, child_pid: int | None) -> dict[str, float]:
    """RSS and PSS of the window's process and the counting process, in MB."""
    sample = {"ui_rss": rss_mb(ui_pid), "ui_pss": pss_mb(ui_pid)}
    if child_pid is not None:
        try:
            sample |= {"child_rss": rss_mb(child_pid), "child_pss": pss_mb(child_pid)}
        except OSError:
            child_pid = None
    if child_pid is None:
        sample |= {"child_rss": 0.0, "child_pss": 0.0}
    sample["total_pss"] = sample["ui_pss"] + sample["child_pss"]
    return sample


# -- the driver: runs inside the app's process ---------------------------------------------


def drive(workload: str, report: Path, idle_seconds: float) -> int:
    """Start the app, run ``workload`` in it, write the samples to ``report`` as JSON."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    import tokenbudget.gui.app as app_module

    shells: list[Any] = []

    class RecordedShell(app_module.Shell):  # type: ignore[misc, name-defined]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            shells.append(self)

    app_module.Shell = RecordedShell
    _app = QApplication(sys.argv[:1])  # the app that run() then uses
    results: dict[str, Any] = {}

    def wait(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    def until(ready: Any, timeout: float = 120.0) -> None:
        end = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > end:
                raise TimeoutError
            wait(0.05)

    def child_pid() -> int | None:
        hub_process = getattr(shells[0].window.coordinator.backend.hub, "process", None)
        return None if hub_process is None else hub_process.pid

    def settled() -> dict[str, float]:
        """Wait for the counts, then for the counting process's memory to stop changing."""
        coordinator = shells[0].window.coordinator
        until(lambda: coordinator.idle)
        previous, steady = -1.0, 0
        for _ in range(240):  # steady for 2 s: the counting process loads between counts
            pid = child_pid()
            now = rss_mb(pid) if pid is not None else 0.0
            steady = steady + 1 if abs(now - previous) < 0.3 else 0
            if steady >= 4:
                break
            previous = now
            wait(0.5)
        wait(1.0)
        return _sample(os.getpid(), child_pid())

    def count(text: str) -> None:
        window = shells[0].window
        window.editor.setPlainText(text)
        window.coordinator.flush()

    def run_workload() -> None:
        try:
            until(lambda: bool(shells) and shells[0].window.shown_models())
            wait(1.0)  # what the app starts behind the first paint
            shell = shells[0]
            window = shell.window
            defaults = window.shown_models()
            text = varied_text(10 * 1024)
            results["models"] = len(defaults)
            if workload == "paste":
                count(varied_text(10 * 1024 * 1024))
                results["10 MB text"] = settled()
                count(text)
                results["10 KB again"] = settled()
            elif workload == "all":
                everything = window.service.counting.models()
                window.set_shown_models(everything)
                count(text)
                results["all"] = settled()
                results["models_all"] = len(everything)
                results["vocabularies_all"] = len({m.counting.tokenizer for m in everything})
                window.set_shown_models(defaults)
                results["all -> default"] = settled()
            else:
                count(text)
                results["default"] = settled()
            if workload in ("idle", "paste"):
                samples = []
                start = time.monotonic()
                step = max(1.0, idle_seconds / 30)
                while time.monotonic() - start < idle_seconds:
                    wait(min(step, idle_seconds - (time.monotonic() - start)))
                    samples.append(_sample(os.getpid(), child_pid()))
                results["idle_samples"] = samples
                results[f"after {idle_seconds:.0f} s idle"] = settled()
                for _ in range(HOUR_STATUS):
                    shell.refresh_status()
                    wait(0.01)
                sync = shell.live_sync
                for _ in range(HOUR_POLLS if sync is not None else 0):
                    sync.sync_all()
                    wait(0.2)
                results["after a simulated hour"] = settled()
                results["live_sync"] = sync is not None
                results["tray"] = shell.tray is not None
        except Exception as exc:  # reported, and the app still quits
            results["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            report.write_text(json.dumps(results), encoding="utf-8")
            # Until the app's own loop has ended: this may run inside a loop that the app
            # spins before its main one (under xcb), and a quit there would be lost.
            quitter.timeout.connect(QApplication.quit)
            quitter.start(100)

    quitter = QTimer()

    QTimer.singleShot(0, run_workload)
    return app_module.run(sys.argv[:1])


# -- the parent: one fresh app per workload ------------------------------------------------


def measure(workload: str, tree: Path | None, platform: str, idle: float) -> dict[str, Any]:
    """Run one workload in a fresh app process; its samples."""
    with tempfile.TemporaryDirectory(prefix="tb-mem-") as tmp:
        env = {
            **os.environ,
            "TOKENBUDGET_HOME": str(Path(tmp) / "home"),
            "QT_QPA_PLATFORM": platform,
            "DBUS_SESSION_BUS_ADDRESS": "disabled:",
        }
        if tree is not None:
            env["PYTHONPATH"] = str(tree.resolve())
        report = Path(tmp) / "report.json"
        command = [sys.executable, __file__, "--drive", workload, "--report", str(report)]
        command += ["--idle-seconds", str(idle)]
        # Run from the temporary directory: ``python -m`` (the counting process of a checkout
        # before 6b11785's successors) puts the current directory first on the path.
        subprocess.run(
            command,
            env=env,
            cwd=tmp,
            check=False,
            timeout=idle + 600,
            capture_output=True,
            text=True,
        )
        if not report.exists():
            return {"error": "the app wrote no report"}
        result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
        return result


def _row(label: str, s: dict[str, float]) -> str:
    return (
        f"  {label:<26} {s['ui_rss']:7.0f} {s['ui_pss']:7.0f} {s['child_rss']:7.0f}"
        f" {s['child_pss']:7.0f} {s['total_pss']:8.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", type=Path, help="measure this checkout's tokenbudget")
    parser.add_argument("--platform", default="offscreen")
    parser.add_argument("--idle-seconds", type=float, default=150.0)
    parser.add_argument("--workloads", default="default,all,idle")
    parser.add_argument("--drive", choices=WORKLOADS, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write every sample here, by label")
    args = parser.parse_args()
    if args.drive:
        if args.tree is not None:
            sys.path.insert(0, str(args.tree.resolve()))
        sys.exit(drive(args.drive, args.report, args.idle_seconds))
    tree = args.tree
    code = str(tree.resolve()) if tree is not None else str(Path(__file__).resolve().parents[1])
    print(
        f"tokenbudget from {code}; python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}, platform {args.platform}"
    )
    print("== memory in MB (window process, counting process; PSS total of both)")
    print(f"  {'':<26} {'UI RSS':>7} {'UI PSS':>7} {'CP RSS':>7} {'CP PSS':>7} {'PSS sum':>8}")
    collected: dict[str, dict[str, float]] = {}
    for workload in args.workloads.split(","):
        result = measure(workload, tree, args.platform, args.idle_seconds)
        collected.update(
            {label: value for label, value in result.items() if isinstance(value, dict)}
        )
        if args.json is not None:
            args.json.write_text(json.dumps(collected, indent=1), encoding="utf-8")
        if "error" in result:
            print(f"  {workload}: {result['error']}")
        for label, value in result.items():
            if isinstance(value, dict):
                print(_row(label, value))
        if workload == "all" and "models_all" in result:
            print(
                f"  (all: {result['models_all']} models, "
                f"{result['vocabularies_all']} vocabularies; default: {result['models']} models)"
            )
        samples = result.get("idle_samples")
        if samples:
            totals = [s["total_pss"] for s in samples]
            print(
                f"  idle {args.idle_seconds:.0f} s, {len(samples)} samples: PSS total first "
                f"{totals[0]:.0f}, last {totals[-1]:.0f}, min {min(totals):.0f}, "
                f"max {max(totals):.0f} MB; live sync {'on' if result['live_sync'] else 'off'}, "
                f"tray {'on' if result['tray'] else 'off (no tray on this platform)'}"
            )


if __name__ == "__main__":
    main()
