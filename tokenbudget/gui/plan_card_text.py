"""The words and figures of a plan card, formatted for the user's locale (``PlanCardWidget``).

A mixin, so that every string keeps the card's translation context: ``self`` is the card.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QLocale, QTime
from PySide6.QtGui import QColor

from tokenbudget.core.types import (
    CONVERTED_MARK,
    CapBar,
    CapStatus,
    Countdown,
    Level,
    Measure,
    Money,
    OfficialRow,
    PlanCard,
    PlanKind,
    from_micros,
)
from tokenbudget.gui import palette
from tokenbudget.gui.formatting import format_decimal, format_int, format_money, format_percent

#: Accent colours by level (bar chunk, card edge, level chip text).
COLORS = {
    Level.NORMAL: QColor(59, 130, 246),
    Level.WARNING: QColor(217, 119, 6),
    Level.OVER: QColor(220, 38, 38),
}
PAUSED_COLOR = QColor(156, 163, 175)
#: The figures under the bars, in the order shown (``PlanCardWidget.stats`` keys).
STAT_KEYS = ("fee", "value", "spent", "remaining", "burn", "projected", "reach")
CHIP_BACKGROUNDS = {
    Level.WARNING: QColor(254, 243, 199),
    Level.OVER: QColor(254, 226, 226),
}


class CardTextMixin:
    """Text for ``PlanCardWidget``: subtitles, captions, the figures and the notes."""

    _locale: QLocale
    _year: int

    if TYPE_CHECKING:

        def tr(self, source: str, disambiguation: str | None = None, n: int = -1) -> str:
            """Provided by Qt (the card is a ``QWidget``)."""
            ...

    def _subtitle(self, card: PlanCard) -> str:
        plan = card.status.plan
        kind = {
            PlanKind.BUDGET: self.tr("Monthly budget"),
            PlanKind.SUBSCRIPTION: self.tr("Subscription"),
            PlanKind.PREPAID: self.tr("Prepaid balance"),
        }[plan.kind]
        parts = [kind]
        if card.last_day is None:
            parts.append(self.tr("since {day}").format(day=self._day(card.first_day)))
        else:
            parts.append(
                self.tr("{first} – {last}").format(
                    first=self._day(card.first_day), last=self._day(card.last_day)
                )
            )
        if card.period_resets_in is not None:
            parts.append(
                self.tr("resets in {time}").format(time=self._countdown(card.period_resets_in))
            )
        scope = ", ".join(plan.providers) or self.tr("all providers")
        if plan.models:
            scope += " (" + ", ".join(plan.models) + ")"
        parts.append(scope)
        return " · ".join(parts)

    def _bar_caption(self, bar: CapBar, card: PlanCard) -> str:
        """For rolling windows: when the window frees up, and when it fills at this rate."""
        if bar.cap.window_hours is None:
            return ""
        parts = []
        if bar.resets_in is None:
            parts.append(self.tr("nothing used in this window"))
        else:
            parts.append(self.tr("resets in {time}").format(time=self._countdown(bar.resets_in)))
        if bar.reached_at is not None:
            when = self._when(bar.reached_at, card.status.now, already=bar.already_reached)
            if bar.already_reached:
                parts.append(self.tr("cap passed {when}").format(when=when))
            else:
                parts.append(self.tr("full {when} at this rate").format(when=when))
        return " · ".join(parts)

    def _bar_amount(self, bar: CapBar, card: PlanCard) -> str:
        """``850 of 1,000``; a prepaid balance: ``¥6.40 of ¥50.00 · ¥43.60 left``."""
        cap = bar.cap
        text = self.tr("{used} of {limit}").format(
            used=self._measure(cap.used, cap, card), limit=self._measure(cap.limit, cap, card)
        )
        if card.status.plan.kind is PlanKind.PREPAID and bar.remaining >= 0:
            text += " · " + self.tr("{amount} left").format(
                amount=self._measure(bar.remaining, cap, card)
            )
        return text

    # -- official limits -----------------------------------------------------------------

    def _official_title(self, row: OfficialRow) -> str:
        """``Weekly window · official (Claude Code)``."""
        hours = row.window.window_hours
        if hours == 5:
            window = self.tr("5-hour window")
        elif hours == 168:
            window = self.tr("Weekly window")
        elif hours is not None and hours % 24 == 0:
            window = self.tr("%n-day window", "", hours // 24)
        elif hours is not None:
            window = self.tr("%n-hour window", "", hours)
        else:
            window = row.window.snapshot.window
        tool = {"claude-code": "Claude Code", "codex": "Codex"}.get(
            row.window.snapshot.source, row.window.snapshot.source
        )
        return self.tr("{window} · {tool}").format(window=window, tool=tool)

    def _official_line(self, row: OfficialRow, card: PlanCard) -> str:
        """``official: 42 % · reset 18:00 · seen 3 min ago`` (or the stale form)."""
        percent = self._percent(row.basis_points)
        now = card.status.now
        reset = "" if row.resets_at is None else self._moment(row.resets_at, now)
        if row.stale:
            line = self.tr("official: {percent} before the {reset} reset · stale").format(
                percent=percent, reset=reset
            )
        else:
            line = self.tr("official: {percent}").format(percent=percent)
            if reset:
                line += " · " + self.tr("reset {time}").format(time=reset)
        return line + " · " + self.tr("seen {ago}").format(ago=self._ago(row))

    def _estimate_line(self, row: OfficialRow) -> str:
        """``estimated from logs: 37 %``, or empty without a cap of that length."""
        if row.estimate is None:
            return ""
        return self.tr("estimated from logs: {percent}").format(
            percent=self._percent(row.estimate.basis_points)
        )

    def _ago(self, row: OfficialRow) -> str:
        ago = row.seen_ago
        if ago.total_minutes == 0:
            return self.tr("just now")
        return self.tr("{time} ago").format(time=self._countdown(ago))

    def _moment(self, at: datetime, now: datetime) -> str:
        """``18:00`` today, ``18:00 tomorrow``, else ``5 Dec 18:00`` (local time)."""
        local, today = at.astimezone(), now.astimezone().date()
        clock = self._locale.toString(
            QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat
        )
        days = (local.date() - today).days
        if days == 0:
            return clock
        if days == 1:
            return self.tr("{time} tomorrow").format(time=clock)
        return self.tr("{day} {time}").format(day=self._day(local.date()), time=clock)

    def _stat_rows(self, card: PlanCard) -> list[tuple[str, str, str, QColor | None]]:
        plan = card.status.plan
        over = palette.current().error  # text: the theme's readable error colour
        rows: list[tuple[str, str, str, QColor | None]] = []
        if card.value is not None:
            rows.append(
                (
                    "fee",
                    self.tr("Fee"),
                    self.tr("{fee} a month").format(fee=self._money(card.limit)),
                    None,
                )
            )
            ratio = card.value.ratio
            text = self.tr("API-equivalent value {value} vs fee {fee}").format(
                value=self._money(card.value.api_equivalent), fee=self._money(card.value.fee)
            )
            if ratio is not None:
                text += " " + self.tr("({ratio}×)").format(
                    ratio=format_decimal(self._locale, ratio, 2)
                )
            rows.append(("value", "", text, None))
        else:
            spent = self.tr("{spent} of {limit}").format(
                spent=self._money(card.spent), limit=self._money(card.limit)
            )
            rows.append(("spent", self.tr("Spent"), spent, None))
        if card.remaining is not None:
            if card.remaining.amount < 0:
                over_by = Money(
                    -card.remaining.amount, card.remaining.currency, card.remaining.converted
                )
                text = self.tr("none: over by {amount}").format(amount=self._money(over_by))
                rows.append(("remaining", self.tr("Remaining"), text, over))
            else:
                rows.append(("remaining", self.tr("Remaining"), self._money(card.remaining), None))
        burn = self.tr("{amount} a day").format(amount=self._money(card.burn_per_day))
        if plan.kind is PlanKind.SUBSCRIPTION:
            burn = self.tr("{amount} a day at API prices").format(
                amount=self._money(card.burn_per_day)
            )
        if card.too_early:
            burn = self.tr("too early to project")
        rows.append(("burn", self.tr("Burn rate"), burn, None))
        if card.projected is not None and card.last_day is not None:
            title = self.tr("By {day}").format(day=self._day(card.last_day))
            text = self._money(card.projected)
            color = None
            if card.projected_basis_points is not None:
                text += " " + self.tr("({percent} of budget)").format(
                    percent=self._percent(card.projected_basis_points)
                )
                if card.projected_basis_points >= 10_000:
                    color = over
            elif plan.kind is PlanKind.SUBSCRIPTION:
                text += " " + self.tr("at API prices")
            rows.append(("projected", title, text, color))
        if card.bars:
            title = (
                self.tr("Balance runs out")
                if plan.kind is PlanKind.PREPAID
                else self.tr("Cap reached")
            )
            if card.reach is not None and card.reach.already:
                title = (
                    self.tr("Balance ran out")
                    if plan.kind is PlanKind.PREPAID
                    else self.tr("Cap passed")
                )
            text, color = self._reach_text(card)
            rows.append(("reach", title, text, color))
        return rows

    def _reach_text(self, card: PlanCard) -> tuple[str, QColor | None]:
        reach = card.reach
        if reach is None and card.too_early:
            return self.tr("too early to project"), None
        if reach is None:
            return self.tr("not at this rate"), None
        text = self._when(reach.at, card.status.now, already=reach.already)
        if len(card.bars) > 1:
            text += " " + self.tr("({cap})").format(
                cap=self._cap_title(reach.cap, card.status.plan.kind)
            )
        return text, palette.current().error if reach.already else None

    def _notes(self, card: PlanCard) -> list[str]:
        status = card.status
        notes = []
        if status.unpriced_entries:
            notes.append(
                self.tr("%n unpriced entries are not in the spend.", "", status.unpriced_entries)
            )
        if status.converted_entries:
            notes.append(
                self.tr(
                    "{mark} %n entries converted with exchange rates.",
                    "",
                    status.converted_entries,
                ).format(mark=CONVERTED_MARK)
            )
        if card.paused:
            notes.append(self.tr("Paused: not counted in status or alerts."))
        return notes

    # -- formatting ----------------------------------------------------------------------

    def _cap_title(self, cap: CapStatus, kind: PlanKind) -> str:
        if cap.measure is Measure.MONEY:
            return self.tr("Spent") if kind is PlanKind.PREPAID else self.tr("Budget")
        what = self.tr("tokens") if cap.measure is Measure.TOKENS else self.tr("requests")
        hours = cap.window_hours
        if hours is None:
            return self.tr("Monthly {what}").format(what=what)
        if hours == 5:
            window = self.tr("5-hour window")
        elif hours == 168:
            window = self.tr("Weekly window")
        elif hours % 24 == 0:
            window = self.tr("%n-day window", "", hours // 24)
        else:
            window = self.tr("%n-hour window", "", hours)
        return self.tr("{window}, {what}").format(window=window, what=what)

    def _measure(self, value: int, cap: CapStatus, card: PlanCard) -> str:
        if cap.measure is Measure.MONEY:
            return self._money(Money(from_micros(value), card.status.plan.currency))
        return format_int(self._locale, value)

    def _money(self, money: Money) -> str:
        return format_money(self._locale, money)

    def _percent(self, basis_points: int, *, exact: bool = False) -> str:
        value = Decimal(basis_points) / 100
        if not exact:
            value = Decimal(basis_points // 100)
        return format_percent(self._locale, value, 2 if exact else 0)

    def _countdown(self, left: Countdown) -> str:
        if left.days:
            return self.tr("{days} d {hours} h").format(days=left.days, hours=left.hours)
        if left.hours:
            return self.tr("{hours} h {minutes} min").format(hours=left.hours, minutes=left.minutes)
        return self.tr("{minutes} min").format(minutes=left.minutes)

    def _day(self, day: date) -> str:
        qdate = QDate(day.year, day.month, day.day)
        pattern = self.tr("d MMM") if day.year == self._year else self.tr("d MMM yyyy")
        return self._locale.toString(qdate, pattern)

    def _when(self, at: datetime, now: datetime, *, already: bool) -> str:
        """``around 16:40 today``, ``around 23 Nov``, ``at 14:02 today``, ``on 20 Nov``.

        In local time; a time of day when it is today, tomorrow or yesterday, else a day.
        """
        local, today = at.astimezone(), now.astimezone().date()
        clock = self._locale.toString(
            QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat
        )
        days = (local.date() - today).days
        if already:
            if days == 0:
                return self.tr("at {time} today").format(time=clock)
            if days == -1:
                return self.tr("at {time} yesterday").format(time=clock)
            return self.tr("on {day}").format(day=self._day(local.date()))
        if days == 0:
            return self.tr("around {time} today").format(time=clock)
        if days == 1:
            return self.tr("around {time} tomorrow").format(time=clock)
        return self.tr("around {day}").format(day=self._day(local.date()))
