"""Spend by project: the project filter, reports by project, model, provider or local day.

The seven entries of ``project_entries`` (three projects, two sharing the short name ``api``,
one entry without a project), with hand-summed figures.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from project_entries import ENTRIES, A, B, C, at, entry

from tokenbudget.core.charts_data import daily_spend, spend_report
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.history_filter import NO_PROJECT, Report, Totals
from tokenbudget.core.history_query import build_row_map, offset_spans
from tokenbudget.core.importers.base import ImportResult
from tokenbudget.core.ledger import HistoryFilter, Ledger, from_us, to_us
from tokenbudget.core.money import ExchangeRate, ExchangeRates
from tokenbudget.core.services import Service

RATES = ExchangeRates.of([ExchangeRate("CNY", Decimal("7"), date(2026, 11, 1))])
NO_RATES = ExchangeRates.of([])
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    path: Path = tmp_path_factory.mktemp("report") / "ledger.sqlite3"
    with Ledger.open(path) as opened:
        opened.add_entries(ENTRIES)
        yield opened


def figures(totals: Totals) -> tuple[Any, ...]:
    t = totals.tokens
    return (
        totals.entries,
        totals.requests,
        (t.input_tokens, t.cache_read_tokens, t.cache_write_5m_tokens, t.cache_write_1h_tokens),
        t.output_tokens,
        totals.cost_micros,
        totals.unpriced,
    )


def rows(report: Report) -> list[tuple[str | None, str, tuple[Any, ...]]]:
    return [(r.key, r.label, figures(r.totals)) for r in report.rows]


# -- the project filter ------------------------------------------------------------------


def test_projects_lists_every_project_an_entry_names(ledger: Ledger) -> None:
    assert ledger.projects() == sorted([A, B, C])


def test_a_project_filter_counts_and_sums_exactly_that_projects_entries(ledger: Ledger) -> None:
    flt = HistoryFilter(projects=(A,))
    assert ledger.count(flt) == 3
    assert figures(ledger.totals(flt)) == (
        3,
        3,
        (600, 10, 5, 7),
        90,
        {"USD": 3_500_000, "CNY": 7_000_000},
        0,
    )
    assert [e.at for e in ledger.history(flt)] == [
        at("2026-11-02T08:00"),
        at("2026-11-01T23:30"),
        at("2026-11-01T10:00"),
    ]


def test_a_project_filter_with_a_period_of_whole_and_partial_days(ledger: Ledger) -> None:
    # 2026-11-02 is a whole UTC day (the rollup would answer it, but knows no project) and
    # the edges cut 11-01 and 11-03.
    flt = HistoryFilter(since=at("2026-11-01T12:00"), until=at("2026-11-03T01:30"), projects=(B,))
    assert ledger.count(flt) == 2
    assert figures(ledger.totals(flt)) == (2, 4, (60, 0, 0, 0), 6, {"USD": 4_000_000}, 1)


def test_projects_combine_with_the_other_filters(ledger: Ledger) -> None:
    assert ledger.count(HistoryFilter(projects=(A, C))) == 4
    assert ledger.totals(HistoryFilter(projects=(A,), providers=("openai",))).cost_micros == {
        "USD": 1_000_000
    }
    searched = HistoryFilter(projects=(A,), text="checkout")
    assert [e.model for e in ledger.history(searched)] == ["claude-sonnet-4-6"]
    assert ledger.count(HistoryFilter(projects=(B,), text="checkout")) == 0


def test_the_row_map_of_a_project_holds_its_rows_newest_first(ledger: Ledger) -> None:
    flt = HistoryFilter(since=at("2026-11-01T05:00"), projects=(A,))
    row_map = build_row_map(ledger, flt)
    assert row_map.total == 3
    assert row_map.ids is None  # day buckets, read through the project index
    got = row_map.fetch(ledger, 0, 10)
    assert [e.model for e in got if e is not None] == [
        "deepseek-v4-flash",
        "claude-sonnet-4-6",
        "gpt-5.5",
    ]
    assert [e.model for e in row_map.fetch(ledger, 1, 1) if e] == ["claude-sonnet-4-6"]


def test_the_charts_follow_a_project_filter(ledger: Ledger) -> None:
    series = daily_spend(
        ledger,
        HistoryFilter(projects=(A,)),
        date(2026, 11, 18),
        tz=UTC,
        rates=RATES,
        currency="USD",
    )
    assert series.providers == ("anthropic", "deepseek", "openai")  # a tie goes by name
    assert series.values["anthropic"][:3] == (Decimal("2.5"), Decimal(0), Decimal(0))
    assert series.values["openai"][:3] == (Decimal(1), Decimal(0), Decimal(0))
    assert series.values["deepseek"][:3] == (Decimal(0), Decimal(1), Decimal(0))
    assert sum(series.total(i) for i in range(len(series.starts))) == Decimal("4.5")


# -- reports -------------------------------------------------------------------------------


def test_by_project_largest_first_shared_short_names_shown_as_paths(ledger: Ledger) -> None:
    report = spend_report(ledger, "project", HistoryFilter(), tz=UTC, rates=RATES, currency="USD")
    assert rows(report) == [
        (A, "商城", (3, 3, (600, 10, 5, 7), 90, {"USD": 3_500_000, "CNY": 7_000_000}, 0)),
        (B, B, (2, 4, (60, 0, 0, 0), 6, {"USD": 4_000_000}, 1)),
        (C, C, (1, 1, (5, 0, 0, 0), 5, {"USD": 3_000_000}, 0)),
        (None, NO_PROJECT, (1, 1, (1, 0, 0, 0), 1, {"USD": 250_000}, 0)),
    ]
    assert figures(report.totals) == (
        7,
        9,
        (666, 10, 5, 7),
        102,
        {"USD": 10_750_000, "CNY": 7_000_000},
        1,
    )


def test_an_amount_without_a_rate_orders_after_the_converted_ones(ledger: Ledger) -> None:
    report = spend_report(
        ledger, "project", HistoryFilter(), tz=UTC, rates=NO_RATES, currency="USD"
    )
    # Without a CNY rate A counts $3.50 for the order: B's $4.00 comes first.
    assert [r.key for r in report.rows] == [B, A, C, None]


def test_by_provider_and_model(ledger: Ledger) -> None:
    by_provider = spend_report(
        ledger, "provider", HistoryFilter(), tz=UTC, rates=RATES, currency="USD"
    )
    assert [(r.key, r.totals.entries, r.totals.cost_micros) for r in by_provider.rows] == [
        ("openai", 4, {"USD": 8_250_000}),
        ("anthropic", 1, {"USD": 2_500_000}),
        ("deepseek", 1, {"CNY": 7_000_000}),
        ("custom", 1, {}),
    ]
    assert by_provider.rows[3].totals.unpriced == 1
    by_model = spend_report(ledger, "model", HistoryFilter(), tz=UTC, rates=RATES, currency="USD")
    assert [(r.key, r.totals.cost_micros) for r in by_model.rows] == [
        ("gpt-5.5", {"USD": 5_250_000}),
        ("gpt-5.4-mini", {"USD": 3_000_000}),
        ("claude-sonnet-4-6", {"USD": 2_500_000}),
        ("deepseek-v4-flash", {"CNY": 7_000_000}),
        ("my-model", {}),
    ]


def test_by_provider_over_whole_days_from_the_rollup_and_cut_days_from_entries(
    ledger: Ledger,
) -> None:
    flt = HistoryFilter(since=at("2026-11-01T12:00"), until=at("2026-11-03T01:30"))
    report = spend_report(ledger, "provider", flt, tz=UTC, rates=RATES, currency="USD")
    assert [(r.key, figures(r.totals)) for r in report.rows] == [
        ("openai", (1, 3, (50, 0, 0, 0), 5, {"USD": 4_000_000}, 0)),
        ("anthropic", (1, 1, (200, 0, 0, 7), 30, {"USD": 2_500_000}, 0)),
        ("deepseek", (1, 1, (300, 0, 0, 0), 40, {"CNY": 7_000_000}, 0)),
        ("custom", (1, 1, (10, 0, 0, 0), 1, {}, 1)),
    ]


@pytest.mark.parametrize(
    ("tz", "want"),
    [
        (
            UTC,
            [
                ("2026-11-01", 2, {"USD": 3_500_000}),
                ("2026-11-02", 2, {"USD": 4_000_000, "CNY": 7_000_000}),
                ("2026-11-03", 2, {"USD": 250_000}),
                ("2026-11-04", 1, {"USD": 3_000_000}),
            ],
        ),
        (
            SHANGHAI,  # UTC+8: 23:30 UTC on the 1st is the morning of the 2nd
            [
                ("2026-11-01", 1, {"USD": 1_000_000}),
                ("2026-11-02", 3, {"USD": 6_500_000, "CNY": 7_000_000}),
                ("2026-11-03", 2, {"USD": 250_000}),
                ("2026-11-04", 1, {"USD": 3_000_000}),
            ],
        ),
        (
            ZoneInfo("America/New_York"),  # summer time ends at 06:00 UTC on 2026-11-01
            [
                ("2026-11-01", 2, {"USD": 3_500_000}),
                ("2026-11-02", 4, {"USD": 4_250_000, "CNY": 7_000_000}),
                ("2026-11-03", 1, {"USD": 3_000_000}),
            ],
        ),
    ],
    ids=str,
)
def test_by_local_day_in_date_order(
    ledger: Ledger, tz: Any, want: list[tuple[str, int, Mapping[str, int]]]
) -> None:
    report = spend_report(ledger, "day", HistoryFilter(), tz=tz, rates=RATES, currency="USD")
    assert [(r.key, r.totals.entries, r.totals.cost_micros) for r in report.rows] == want
    assert report.totals.entries == 7


def test_a_report_follows_the_whole_filter(ledger: Ledger) -> None:
    flt = HistoryFilter(since=at("2026-11-02T00:00"), projects=(A, B))
    report = spend_report(ledger, "project", flt, tz=UTC, rates=RATES, currency="USD")
    # C is not in this report: B's short name is no longer shared.
    assert [(r.label, r.totals.entries, r.totals.cost_micros) for r in report.rows] == [
        ("api", 2, {"USD": 4_000_000}),
        ("商城", 1, {"CNY": 7_000_000}),
    ]


def test_an_unknown_grouping_is_one_clear_line(ledger: Ledger) -> None:
    with pytest.raises(
        UserInputError,
        match=r"^a report cannot be grouped by 'week' \(choose project, model, provider, device, day\)$",
    ):
        spend_report(ledger, "week", HistoryFilter(), tz=UTC, rates=RATES, currency="USD")


# -- the service: finding a project, reports with the user's rates -------------------------


@pytest.fixture
def filled(service: Service) -> Service:
    service.entries.record_many(ENTRIES)
    service.settings.set_exchange_rate(ExchangeRate("CNY", Decimal("7"), date(2026, 11, 1)))
    return service


def test_the_service_reports_with_the_users_rates(filled: Service) -> None:
    report = filled.entries.report("project", HistoryFilter(), tz=UTC)
    assert [r.key for r in report.rows] == [A, B, C, None]
    assert filled.entries.report("day", HistoryFilter(projects=(B,)), tz=SHANGHAI).rows[0].key == (
        "2026-11-02"
    )
    with pytest.raises(UserInputError, match="cannot be grouped by 'week'"):
        filled.entries.report("week")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        (A, A),
        ("商城", A),
        ("/work/api/", B),  # a trailing separator
        ("/work/api/src/deep", B),  # a folder inside it
        ("/srv/other/api", C),
    ],
)
def test_a_project_is_found_by_path_or_unambiguous_short_name(
    filled: Service, typed: str, found: str
) -> None:
    assert filled.entries.find_project(typed) == found


def test_a_short_name_is_matched_ignoring_case_when_nothing_matches_exactly(
    service: Service,
) -> None:
    service.entries.record_many(
        [entry("2026-11-01T10:00", "openai/m", "/x/Shop", (1, 0, 0, 0, 1), (1, "USD"))]
    )
    assert service.entries.find_project("shop") == "/x/Shop"


def test_the_current_folder_names_its_project(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "shop"
    (repo / ".git").mkdir(parents=True)
    (repo / "src").mkdir()
    service.entries.record_many(
        [entry("2026-11-01T10:00", "openai/m", str(repo), (1, 0, 0, 0, 1), (1, "USD"))]
    )
    monkeypatch.chdir(repo / "src")
    assert service.entries.find_project(".") == str(repo)
    assert service.entries.find_project("..") == str(repo)


def test_an_ambiguous_short_name_is_refused_naming_the_paths(filled: Service) -> None:
    with pytest.raises(UserInputError) as info:
        filled.entries.find_project("api")
    assert str(info.value) == (
        "'api' names 2 projects (/srv/other/api, /work/api); give the project's path"
    )


def test_an_unknown_project_is_refused_naming_the_known_ones(filled: Service) -> None:
    with pytest.raises(UserInputError) as info:
        filled.entries.find_project("nope")
    assert str(info.value) == "no project 'nope' in the ledger (projects: api, 商城)"


def test_with_no_project_yet_it_says_so(service: Service) -> None:
    with pytest.raises(UserInputError, match=r"\(projects: none yet\)$"):
        service.entries.find_project("nope")


# -- import --rescan -----------------------------------------------------------------------


class Replayer:
    """An importer of two fixed records that, as the real ones, skips what its state read."""

    def __init__(self, name: str, project: str | None) -> None:
        self.name = name
        self.project = project
        self.scans = 0

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        return []

    def reads(self, path: Path) -> bool:
        return True

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Any = None
    ) -> ImportResult:
        self.scans += 1
        if state.get("read"):
            return ImportResult([], [], dict(state))
        records = [
            NewEntry(
                at=at(f"2026-11-0{n}T10:00"),
                provider="anthropic",
                model="claude-sonnet-4-6",
                tokens=TokenCounts(1000, 0, 0, 0, 100 * n),
                cost_micros=None,  # priced by the service, as imports are
                currency=None,
                source=self.name,
                source_ref=f"msg_{n}",
                project=self.project,
            )
            for n in (1, 2)
        ]
        return ImportResult(records, [], {"read": True}, files_read=1)


NOW = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.mark.parametrize("source", ["claude-code", "codex"])
def test_rescan_gives_old_entries_their_project_and_adds_nothing(
    service: Service, source: str
) -> None:
    service.imports.run(Replayer(source, None), now=NOW)  # before projects were recorded
    assert service.entries.count() == 2
    assert service.entries.projects() == []
    again = Replayer(source, A)
    service.imports.run(again, now=NOW)  # an ordinary import reads nothing new
    assert service.entries.projects() == []
    report = service.imports.run(again, now=NOW, rescan=True)
    assert report.records == 2
    assert service.entries.count() == 2
    # The same records again (claude-code keeps the stored one on a tie): the project is
    # filled all the same, and the costs priced the first time stay.
    got = service.entries.history(HistoryFilter(projects=(A,)))
    assert [(e.source_ref, e.project, e.tokens.output_tokens) for e in got] == [
        ("msg_2", A, 200),
        ("msg_1", A, 100),
    ]
    assert all(e.cost_micros for e in got)
    assert service.entries.totals().entries == 2


def test_rescan_brings_back_an_entry_deleted_by_hand(service: Service) -> None:
    importer = Replayer("codex", A)
    service.imports.run(importer, now=NOW)
    assert service.entries.projects() == [A]  # pricing an imported record keeps its project
    (newest, _) = service.entries.history()
    service.entries.delete([newest.id])
    service.imports.run(importer, now=NOW)
    assert service.entries.count() == 1
    service.imports.run(importer, now=NOW, rescan=True)
    assert service.entries.count() == 2


# -- local days: the zone's offset per span of time ----------------------------------------


def test_offset_spans_cut_at_the_exact_second_the_offset_changes() -> None:
    new_york = ZoneInfo("America/New_York")
    spans = offset_spans(to_us(at("2026-01-01T00:00")), to_us(at("2026-12-31T00:00")), new_york)
    hour = 3_600_000_000
    assert spans == [
        (None, to_us(at("2026-03-08T07:00")), -5 * hour),  # 2 a.m. local: summer time
        (to_us(at("2026-03-08T07:00")), to_us(at("2026-11-01T06:00")), -4 * hour),
        (to_us(at("2026-11-01T06:00")), None, -5 * hour),
    ]
    assert offset_spans(0, to_us(at("2026-12-31T00:00")), UTC) == [(None, None, 0)]
    kathmandu = offset_spans(
        to_us(at("2026-01-01T00:00")), to_us(at("2026-02-01T00:00")), ZoneInfo("Asia/Kathmandu")
    )
    assert kathmandu == [(None, None, (5 * 60 + 45) * 60_000_000)]


@pytest.mark.parametrize(
    "zone", ["America/New_York", "Europe/London", "Asia/Kathmandu", "Australia/Lord_Howe", "UTC"]
)
def test_local_days_match_each_entrys_own_local_date(tmp_path: Path, zone: str) -> None:
    import random

    tz = ZoneInfo(zone)
    rng = random.Random(zone)
    start = to_us(at("2025-01-01T00:00"))
    times = [start + rng.randrange(2 * 365 * 86_400) * 1_000_000 for _ in range(2000)]
    # Around each change of offset too, where a day is cut in two.
    for low, _, _ in offset_spans(start, start + 2 * 365 * 86_400_000_000, tz)[1:]:
        assert low is not None
        times += [low - 1, low, low + 1]
    times += [-1, -86_400_000_001]  # before 1970: days are rounded down, not toward zero
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger:
        ledger.add_entries(
            [
                NewEntry(
                    at=from_us(t),
                    provider="p",
                    model="m",
                    tokens=TokenCounts(1, 0, 0, 0, 0),
                    cost_micros=1,
                    currency="USD",
                    source="manual",
                )
                for t in times
            ],
            want_ids=False,
        )
        report = spend_report(ledger, "day", HistoryFilter(), tz=tz, rates=RATES, currency="USD")
    want: dict[str, int] = {}
    for t in times:
        day = from_us(t).astimezone(tz).date().isoformat()
        want[day] = want.get(day, 0) + 1
    assert [(r.key, r.totals.entries) for r in report.rows] == sorted(want.items())
