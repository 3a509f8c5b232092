"""Reading the values of official limit windows, as the tools log them.

Kept apart from ``official_limits`` (its dataclasses) so that the status line, which runs
after every message, can read Claude Code's figures without loading them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Final

_MAX_PERCENT: Final = Decimal(100_000)
_PLACES: Final = Decimal("0.0001")


def percent(value: object) -> Decimal | None:
    """A logged percentage (0 to 100,000, four places at most), or None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or number > _MAX_PERCENT:
        return None
    # Floats such as 12.499999999 come from the tools' own arithmetic: 4 places are plenty.
    return number.quantize(_PLACES).normalize()


def epoch(value: object) -> datetime | None:
    """Unix seconds (or milliseconds, told apart by size) or an ISO string, as UTC."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        if not 0 < seconds < 32_503_680_000:  # before year 3000
            return None
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.replace(".", "", 1).isdigit():
            return epoch(float(text))
        try:
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return None
