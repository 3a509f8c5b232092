"""The history view with 1,000,000 ledger entries: open time, search, totals and scrolling.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_history.py [--entries 1000000] [--keep DIR]

Builds (once, kept in ``DIR`` with ``--keep``) a ledger of a year of varied entries: eight
providers, notes on 3 % of them (some Chinese), prompt previews on the estimates. Then it
prints figures and asserts nothing:

* the ledger queries behind the view: counts, totals, searches, a page of rows;
* opening the view (import, construct, first paint, first rows painted) with the real
  worker thread, as the app does, and the charts' arrival;
* a search typed into the view, until its rows are painted;
* scrolling: page-down steps, jumps to the middle and the end through the scroll bar, a
  drag of the scroll bar's thumb over the whole range, each step with its repaint; and the
  longest gap of a 10 ms heartbeat timer while the event loop scrolls.

Times are with the database in the OS page cache (a second run of the same file).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from seeding import add_timed, report_seeded, use_home

#: provider, model, source, currency, weight
MIX = [
    ("anthropic", "claude-sonnet-4-6", "claude-code", "USD", 30),
    ("anthropic", "claude-opus-4-7", "claude-code", "USD", 8),
    ("openai", "gpt-5.5", "codex", "USD", 20),
    ("openai", "gpt-5.4-mini", "estimate", "USD", 8),
    ("gemini", "gemini-2.5-flash", "gemini-cli", "USD", 10),
    ("deepseek", "deepseek-v4-flash", "manual", "CNY", 10),
    ("dashscope", "qwen-plus", "estimate", "CNY", 8),
    ("zai", "glm-5.3", "csv", "CNY", 4),
    ("mistral", "my-finetune", "manual", None, 2),
]
NOTES = [
    "refactor the parser",
    "fix flaky test in billing",
    "release notes draft",
    "总结会议记录",
    "翻译产品说明书",
    "code review for PR",
    "数据清洗脚本",
    "customer email reply",
]
#: Where the coding tools ran (their entries name a project; the others none).
PROJECTS = [f"/home/dev/code/project-{i:02d}" for i in range(12)] + ["/home/li/项目/商城"]
PROMPTS = [
    "Summarise this article in three sentences and list three keywords: ",
    "请用三句话总结这篇文章，并列出三个关键词：",
    "Translate the following paragraph into French, keeping the tone: ",
    "Write unit tests for the function below, covering edge cases: ",
    "把下面的产品说明翻译成英文，保持专业语气：",
    "Explain why this SQL query is slow and how to index it: ",
]


def seed(ledger, count: int, now: datetime) -> float:  # type: ignore[no-untyped-def]
    """Add ``count`` entries over the year before ``now``; returns seconds taken."""
    from tokenbudget.core.entries import NewEntry, TokenCounts
    from tokenbudget.core.plan_input import parse_plan

    plan = ledger.add_plan(
        parse_plan({"name": "Claude Max", "kind": "subscription", "amount": "200"}), now=now
    )
    ledger.add_plan(
        parse_plan(
            {"name": "OpenAI API", "kind": "budget", "amount": "300", "providers": "openai"}
        ),
        now=now,
    )
    rng = random.Random(42)
    weights = [m[4] for m in MIX]
    span = 365 * 86_400

    def rows():  # type: ignore[no-untyped-def]
        for i in range(count):
            provider, model, source, currency, _ = rng.choices(MIX, weights)[0]
            at = now - timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(10**6))
            tokens = TokenCounts(
                rng.randrange(20_000),
                rng.randrange(50_000) if provider == "anthropic" else 0,
                rng.randrange(2_000) if provider == "anthropic" else 0,
                0,
                rng.randrange(4_000),
            )
            note = None
            if rng.random() < 0.03:
                note = f"{rng.choice(NOTES)} #{rng.randrange(500)}"
            prompt = None
            if source == "estimate":
                prompt = rng.choice(PROMPTS) + f"item {rng.randrange(100_000)} " * 8
            yield NewEntry(
                at=at,
                provider=provider,
                model=model,
                tokens=tokens,
                cost_micros=None if currency is None else rng.randrange(1, 200_000),
                currency=currency,
                source=source,
                source_ref=f"r{i}" if source in ("claude-code", "codex", "gemini-cli") else None,
                note=note,
                prompt_text=prompt[:200] if prompt else None,
                plan_id=plan.id if provider == "anthropic" and rng.random() < 0.5 else None,
                project=rng.choice(PROJECTS)
                if source in ("claude-code", "codex", "gemini-cli")
                else None,
            )

    return add_timed(ledger, rows())


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, float, Any]:
    """Median and max milliseconds of ``fn`` (after one warm-up call), and its last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), result


def line(label: str, median: float, most: float | None = None, extra: str = "") -> None:
    tail = "" if most is None else f" (max {most:.1f})"
    print(f"  {label:<46} {median:8.1f} ms{tail}{extra}")


def ledger_figures(db_path: Path) -> None:
    from tokenbudget.core.history_query import build_row_map
    from tokenbudget.core.ledger import HistoryFilter, Ledger

    start = time.perf_counter()
    ledger = Ledger.open(db_path)
    print(f"ledger: {ledger.count():,} entries; text index: {ledger.text_index}")
    line("open the ledger", (time.perf_counter() - start) * 1000)
    month = datetime.now().astimezone().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    cases = [
        ("count, all", ledger.count),
        ("totals, all", ledger.totals),
        ("totals, one provider", lambda: ledger.totals(HistoryFilter(providers=("openai",)))),
        ("totals, one source", lambda: ledger.totals(HistoryFilter(sources=("codex",)))),
        ("totals, this month (local)", lambda: ledger.totals(HistoryFilter(since=month))),
        (
            "totals, plan + 90 days",
            lambda: ledger.totals(HistoryFilter(plan_id=1, since=month - timedelta(days=90))),
        ),
        (
            "distinct providers, models, sources",
            lambda: [ledger.distinct(c) for c in ("provider", "model", "source")],
        ),
    ]
    print("totals and counts (rollup for whole days, entries for the edges):")
    for label, fn in cases:
        median, most, _ = timed(fn)
        line(label, median, most)
    print("projects (no rollup: the entries_project_at index; 13 projects):")
    one = HistoryFilter(projects=("/home/li/项目/商城",))
    recent = HistoryFilter(projects=one.projects, since=month - timedelta(days=90))
    from tokenbudget.core.charts_data import spend_report
    from tokenbudget.core.money import ExchangeRates

    everything = HistoryFilter()

    def report(by: str, flt: HistoryFilter = everything) -> object:
        return spend_report(ledger, by, flt, tz=None, rates=ExchangeRates(), currency="USD")

    for label, fn in (
        ("list the projects", ledger.projects),
        (f"count, one project ({ledger.count(one):,} entries)", lambda: ledger.count(one)),
        ("totals, one project", lambda: ledger.totals(one)),
        ("totals, one project + 90 days", lambda: ledger.totals(recent)),
        ("row map, one project", lambda: build_row_map(ledger, one)),
        ("report by project, all entries", lambda: report("project")),
        ("report by project, this month", lambda: report("project", HistoryFilter(since=month))),
        ("report by model, all entries", lambda: report("model")),
        ("report by local day, all entries", lambda: report("day")),
        ("report by local day, one project", lambda: report("day", one)),
    ):
        median, most, _ = timed(fn)
        line(label, median, most)
    print("text search (FTS5 trigram index; count / totals / row map of the matches):")
    for query in ("parser", "refactor the parser", "会议", "录", "item 5", "e"):
        flt = HistoryFilter(text=query)
        c_med, _, count = timed(lambda flt=flt: ledger.count(flt), 3)
        t_med, _, _ = timed(lambda flt=flt: ledger.totals(flt), 3)
        m_med, _, _ = timed(lambda flt=flt: build_row_map(ledger, flt), 3)
        print(
            f"  {query!r:<22} {count:>8,} matches: count {c_med:6.1f} ms, "
            f"totals {t_med:6.1f} ms, row map {m_med:6.1f} ms"
        )
    print("a page of 100 rows (row map + covering index + rows by id):")
    for label, flt in (
        ("no filter", HistoryFilter()),
        ("one provider", HistoryFilter(providers=("openai",))),
        ("one source (not in a covering index)", HistoryFilter(sources=("estimate",))),
        ("one project", HistoryFilter(projects=("/home/li/项目/商城",))),
        ("search 'parser'", HistoryFilter(text="parser")),
    ):
        row_map = build_row_map(ledger, flt)
        for where, row in (
            ("top", 0),
            ("middle", row_map.total // 2),
            ("end", row_map.total - 100),
        ):
            median, most, _ = timed(lambda m=row_map, r=row: m.fetch(ledger, r, 100), 9)
            line(f"{label}, {where}", median, most)
    ledger.close()


class Heartbeat:
    """A 10 ms timer; the longest gap between its ticks is how long the UI was blocked."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.gaps = []
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps, default=0.0) * 1000

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now


def view_figures() -> None:
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from tokenbudget.core.money import ExchangeRate
    from tokenbudget.core.services import Service

    service = Service()
    service.settings.set_exchange_rate(ExchangeRate("CNY", Decimal("7.1"), datetime.now().date()))
    service.entries.count()  # the ledger opened, as the app has it open before the view

    start = time.perf_counter()
    from tokenbudget.gui.history_view import HistoryView

    imported = time.perf_counter()

    class Paints(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = Paints()
    built = time.perf_counter()
    view = HistoryView(service)
    view.table.viewport().installEventFilter(paints)
    view.resize(1280, 800)
    view.show()
    constructed = time.perf_counter()
    first_paint = rows_painted = None
    while rows_painted is None:
        app.processEvents()
        now = time.perf_counter()
        if paints.count and first_paint is None:
            first_paint = now
        if view.model.rowCount() and paints.count and first_paint is not None:
            seen = paints.count
            view.table.viewport().repaint()
            if paints.count > seen:
                rows_painted = time.perf_counter()
        if now - built > 30:
            raise SystemExit("the view did not show its rows within 30 s")
    assert first_paint is not None
    print(f"opening the view ({view.model.rowCount():,} rows, real worker thread, offscreen):")
    line("import tokenbudget.gui.history_view", (imported - start) * 1000)
    line("construct + show", (constructed - built) * 1000)
    line("construct + first paint", (first_paint - built) * 1000)
    line("construct + first rows painted", (rows_painted - built) * 1000)
    line("import + construct + first rows painted", (rows_painted - start) * 1000)
    beat = Heartbeat()
    beat.start()
    charts_at = None
    while charts_at is None:
        app.processEvents()
        if view.chart is not None and view.chart.daily.heights():
            charts_at = time.perf_counter()
        if time.perf_counter() - built > 60:
            break
    longest = beat.stop()
    if charts_at is not None:
        line(
            "charts drawn",
            (charts_at - built) * 1000,
            extra=f"; longest UI gap meanwhile {longest:.0f} ms",
        )
    print(f"  pages read to paint the first screen: {view.model.page_loads}")

    def settle(until: Callable[[], bool], limit: float = 30.0) -> float:
        """Run the event loop (sleeping between events, as the app does) until ``until()``."""
        from PySide6.QtCore import QEventLoop, QTimer

        began = time.perf_counter()
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(1)
        poll.timeout.connect(
            lambda: loop.quit() if until() or time.perf_counter() - began > limit else None
        )
        poll.start()
        loop.exec()
        poll.stop()
        view.table.viewport().repaint()
        return (time.perf_counter() - began) * 1000

    print("a search typed into the view, until its rows are painted:")
    done: list[int] = []
    view.loaded.connect(lambda: done.append(1))
    for query in ("parser", "会议", "item 5", "e", ""):
        done.clear()
        beat.start()
        began = time.perf_counter()
        view.search.setText(query)
        view.apply_filter()  # as when the debounce timer fires
        settle(lambda: bool(done))
        took = (time.perf_counter() - began) * 1000
        longest = beat.stop()
        label = repr(query) if query else "(cleared)"
        print(
            f"  {label:<12} {view.model.rowCount():>9,} rows {took:8.1f} ms; longest UI gap {longest:.0f} ms"
        )

    table = view.table
    bar = table.verticalScrollBar()
    table.setFocus()

    def step(action: Callable[[], None]) -> float:
        """One scroll step until its repaint is done (the repaint the step asked for)."""
        began = time.perf_counter()
        seen = paints.count
        action()
        app.processEvents()  # the update the scroll posted is painted here
        if paints.count == seen:
            table.viewport().repaint()
        return (time.perf_counter() - began) * 1000

    print(f"scrolling {view.model.rowCount():,} rows (each step until it is painted):")
    loads = view.model.page_loads
    downs = [step(lambda: QTest.keyClick(table, Qt.Key.Key_PageDown)) for _ in range(100)]
    line("page down, 100 times: per step", statistics.median(downs), max(downs))
    middle = step(lambda: bar.setValue(bar.maximum() // 2))
    line("jump to the middle (scroll bar)", middle)
    end = step(lambda: bar.setValue(bar.maximum()))
    line("jump to the end (scroll bar)", end)
    top = step(lambda: bar.setValue(0))
    line("jump back to the top", top)
    drag = [
        step(lambda v=v: bar.setValue(v)) for v in (bar.maximum() * i // 200 for i in range(201))
    ]
    line(
        "drag the thumb over the whole range, 201 steps: per step",
        statistics.median(drag),
        max(drag),
    )
    print(f"  pages read meanwhile: {view.model.page_loads - loads}")

    # The event loop scrolls (a step every 16 ms, as a held key or a drag would) while the
    # heartbeat measures how long the UI thread is ever busy.
    from PySide6.QtCore import QTimer

    positions = iter(
        [bar.maximum() * i // 300 for i in range(301)]
        + [bar.maximum() // 3, bar.maximum(), 0, bar.maximum() // 2]
    )
    driver = QTimer()
    driver.setInterval(16)
    finished: list[int] = []

    def drive() -> None:
        value = next(positions, None)
        if value is None:
            driver.stop()
            finished.append(1)
        else:
            bar.setValue(value)

    driver.timeout.connect(drive)
    import gc

    pauses: list[float] = []
    began_gc: list[float] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began_gc[:] = [time.perf_counter()]
        elif began_gc:
            pauses.append((time.perf_counter() - began_gc[0]) * 1000)

    gc.callbacks.append(collected)
    beat.start()
    driver.start()
    settle(lambda: bool(finished), 60)
    longest = beat.stop()
    gc.callbacks.remove(collected)
    ticks = len(beat.gaps)
    print(
        f"  heartbeat while the event loop scrolls (305 positions): longest gap "
        f"{longest:.0f} ms over {ticks} ticks; 95th percentile "
        f"{statistics.quantiles([g * 1000 for g in beat.gaps], n=20)[-1]:.0f} ms; "
        f"garbage collections meanwhile: {len(pauses)}, longest {max(pauses, default=0):.0f} ms"
    )
    view.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="reuse/keep the seeded database in this folder")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--no-view", action="store_true", help="only the ledger figures")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("DBUS_SESSION_BUS_ADDRESS", "disabled:")

    use_home(args.keep, "tb-hist-")
    from tokenbudget.core import paths
    from tokenbudget.core.ledger import Ledger

    db_path = paths.ledger_file()
    if not db_path.exists():
        with Ledger.open(db_path) as ledger:
            seconds = seed(ledger, args.entries, datetime.now(UTC))
        report_seeded(args.entries, seconds, db_path)
    if args.seed_only:
        return
    ledger_figures(db_path)
    if not args.no_view:
        view_figures()


if __name__ == "__main__":
    main()
