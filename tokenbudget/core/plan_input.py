"""Turning what a user typed into a ``Plan``, with one clear message per bad field.

The command line and the plan dialog both use this, so a value is accepted or refused the
same way everywhere. All fields are strings as typed; empty means "not set".

Rolling windows can be given two ways. ``windows`` is the text form
(``5h:tokens=1000000,requests=200; 7d:requests=900``) and, alone, replaces every window.
The dialog instead has one field per cap of the two usual windows (``window_5h_tokens``,
``window_5h_requests``, ``window_7d_tokens``, ``window_7d_requests``) so that each gets
its own message; when any of those is given, ``windows`` holds only the *other* windows,
and a field that is not given keeps the ``base`` plan's value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from tokenbudget.core import message_texts as texts
from tokenbudget.core.errors import PlanInputError, UnknownProviderError, UserInputError
from tokenbudget.core.limits import (
    MAX_REQUESTS,
    MAX_TOKENS,
    MAX_WINDOW_HOURS,
    check_amount,
    check_moment,
)
from tokenbudget.core.messages import message, text_of
from tokenbudget.core.money import CURRENCIES, from_micros, parse_decimal, to_micros
from tokenbudget.core.plans import DEFAULT_THRESHOLDS, Plan, PlanKind, WindowCap
from tokenbudget.core.providers import resolve_provider

FIELDS = (
    "name",
    "kind",
    "currency",
    "amount",
    "providers",
    "models",
    "reset_day",
    "timezone",
    "monthly_tokens",
    "windows",
    "thresholds",
    "low_balance",
    "start",
    "window_5h_tokens",
    "window_5h_requests",
    "window_7d_tokens",
    "window_7d_requests",
    "active",
)

#: The fields of the two usual windows: field name to (window hours, what it caps).
WINDOW_FIELDS: Mapping[str, tuple[int, str]] = {
    "window_5h_tokens": (5, "tokens"),
    "window_5h_requests": (5, "requests"),
    "window_7d_tokens": (168, "tokens"),
    "window_7d_requests": (168, "requests"),
}
_FIXED_HOURS = (5, 168)

_COMMON: tuple[str, ...] = ("name", "kind", "currency", "amount", "providers", "models")
_COMMON += ("thresholds", "start", "active")
_MONTHLY = ("reset_day", "timezone")
_SUBSCRIPTION = ("monthly_tokens", "windows", *WINDOW_FIELDS)

#: The fields that apply to each kind of plan (the others must be empty).
KIND_FIELDS: Mapping[PlanKind, frozenset[str]] = {
    PlanKind.BUDGET: frozenset((*_COMMON, *_MONTHLY)),
    PlanKind.SUBSCRIPTION: frozenset((*_COMMON, *_MONTHLY, *_SUBSCRIPTION)),
    PlanKind.PREPAID: frozenset((*_COMMON, "low_balance")),
}

_YES = ("yes", "true", "1", "on")
_NO = ("no", "false", "0", "off")

_WINDOW = re.compile(r"^\s*(\d+)\s*([hd])\s*:(.*)$", re.IGNORECASE)


def _positive_int(text: str, what: str, high: int = MAX_TOKENS) -> int:
    try:
        value = int(text.replace(",", "").replace("_", "").strip())
    except ValueError:
        raise ValueError(message(texts.NOT_WHOLE, what=what)) from None
    if value <= 0:
        raise ValueError(message(texts.NOT_ABOVE_ZERO, what=what))
    if value > high:
        raise ValueError(message(texts.AT_MOST, what=what, high=high))
    return value


def _money(text: str, what: str, *, allow_zero: bool = False) -> int:
    try:
        value = parse_decimal(text, what)
    except UserInputError as exc:
        raise ValueError(exc.message) from None
    try:
        check_amount(value, what, allow_zero=allow_zero)
    except UserInputError as exc:
        raise ValueError(exc.message) from None
    return to_micros(value)


def parse_windows(text: str) -> tuple[WindowCap, ...]:
    """Parse ``5h:tokens=1000000,requests=200; 7d:requests=900``.

    Raises:
        ValueError: with a message saying what is wrong.
    """
    windows: list[WindowCap] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _WINDOW.match(part)
        if not match:
            raise ValueError(message(texts.WINDOW_SYNTAX, part=part))
        hours = int(match.group(1)) * (24 if match.group(2).lower() == "d" else 1)
        if hours <= 0:
            raise ValueError(message(texts.WINDOW_TOO_SHORT))
        if hours > MAX_WINDOW_HOURS:
            # Longer windows reach before year 1 in the status maths (OverflowError).
            raise ValueError(message(texts.WINDOW_TOO_LONG, days=MAX_WINDOW_HOURS // 24))
        caps: dict[str, int] = {}
        for item in filter(None, (i.strip() for i in match.group(3).split(","))):
            key, _, value = item.partition("=")
            key = key.strip().lower()
            if key not in ("tokens", "requests"):
                raise ValueError(message(texts.WINDOW_CAPS_WHAT, key=key, part=part))
            caps[key] = _positive_int(
                value,
                message(texts.WINDOW_CAP, key=key, window=f"{match.group(1)}{match.group(2)}"),
                MAX_TOKENS if key == "tokens" else MAX_REQUESTS,
            )
        if not caps:
            raise ValueError(message(texts.WINDOW_CAPS_NOTHING, part=part))
        windows.append(WindowCap(hours, caps.get("tokens"), caps.get("requests")))
    return tuple(windows)


def format_windows(windows: tuple[WindowCap, ...]) -> str:
    """The text form ``parse_windows`` reads."""
    parts = []
    for w in windows:
        span = f"{w.hours // 24}d" if w.hours % 24 == 0 else f"{w.hours}h"
        caps = [f"tokens={w.max_tokens}"] if w.max_tokens else []
        caps += [f"requests={w.max_requests}"] if w.max_requests else []
        parts.append(f"{span}:{','.join(caps)}")
    return "; ".join(parts)


def _window_cap_value(text: str, field: str) -> int | None:
    if not text:
        return None
    hours, what = WINDOW_FIELDS[field]
    return _positive_int(
        text,
        message(
            {
                (5, "tokens"): texts.FIVE_HOUR_TOKEN_CAP,
                (5, "requests"): texts.FIVE_HOUR_REQUEST_CAP,
                (168, "tokens"): texts.WEEKLY_TOKEN_CAP,
            }.get((hours, what), texts.WEEKLY_REQUEST_CAP)
        ),
        MAX_TOKENS if what == "tokens" else MAX_REQUESTS,
    )


def _merge_windows(
    given: Mapping[str, str], base: tuple[WindowCap, ...], errors: dict[str, str]
) -> tuple[WindowCap, ...]:
    """The windows when some of ``WINDOW_FIELDS`` are given (see the module docstring)."""
    caps: dict[tuple[int, str], int | None] = {}
    for window in base:
        if window.hours in _FIXED_HOURS:
            caps.setdefault((window.hours, "tokens"), window.max_tokens)
            caps.setdefault((window.hours, "requests"), window.max_requests)
    for field, key in WINDOW_FIELDS.items():
        if field in given:
            try:
                caps[key] = _window_cap_value(given[field], field)
            except ValueError as exc:
                errors[field] = text_of(exc)
    others = tuple(w for w in base if w.hours not in _FIXED_HOURS)
    if "windows" in given:
        try:
            others = parse_windows(given["windows"])
        except ValueError as exc:
            errors["windows"] = text_of(exc)
        else:
            if any(w.hours in _FIXED_HOURS for w in others):
                errors["windows"] = message(texts.FIXED_WINDOWS_OWN_FIELDS)
    fixed = tuple(
        WindowCap(hours, caps.get((hours, "tokens")), caps.get((hours, "requests")))
        for hours in _FIXED_HOURS
        if caps.get((hours, "tokens")) or caps.get((hours, "requests"))
    )
    return fixed + others


def plan_fields(plan: Plan) -> dict[str, str]:
    """Every field of ``plan`` as the text ``parse_plan`` reads back into the same plan.

    Windows of 5 hours and 7 days go to their own fields, the others to ``windows``.
    """
    caps = {
        (w.hours, what): value
        for w in plan.windows
        if w.hours in _FIXED_HOURS
        for what, value in (("tokens", w.max_tokens), ("requests", w.max_requests))
    }
    fields = {
        "name": plan.name,
        "kind": plan.kind.value,
        "currency": plan.currency,
        "amount": _decimal_text(plan.amount_micros),
        "providers": ", ".join(plan.providers),
        "models": ", ".join(plan.models),
        "reset_day": str(plan.reset_day),
        "timezone": plan.timezone,
        "monthly_tokens": "" if plan.monthly_token_cap is None else str(plan.monthly_token_cap),
        "windows": format_windows(tuple(w for w in plan.windows if w.hours not in _FIXED_HOURS)),
        "thresholds": ", ".join(str(t) for t in plan.thresholds),
        "low_balance": ""
        if plan.low_balance_micros is None
        else _decimal_text(plan.low_balance_micros),
        "start": "" if plan.start is None else plan.start.isoformat(),
        "active": "yes" if plan.active else "no",
    }
    for field, key in WINDOW_FIELDS.items():
        value = caps.get(key)
        fields[field] = "" if value is None else str(value)
    return fields


def time_zones() -> list[str]:
    """The IANA time zone names this system knows, sorted (``UTC`` first)."""
    return list(_time_zones())


@functools.cache
def _time_zones() -> tuple[str, ...]:
    # Scanning the time zone database takes tens of milliseconds; it does not change.
    return ("UTC", *sorted(z for z in available_timezones() if z != "UTC"))


def _decimal_text(micros: int) -> str:
    """``50``, ``20.5``: an exact amount without exponent or trailing zeros."""
    return f"{from_micros(micros).normalize():f}"


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def _providers_value(text: str) -> tuple[str, ...]:
    try:  # ids and aliases ("claude", "qwen") become ids; a typo gets "did you mean"
        return tuple(dict.fromkeys(resolve_provider(p).id for p in _split(text)))
    except UnknownProviderError as exc:
        raise ValueError(exc.message) from None


def _name_value(text: str) -> str:
    if not text:
        raise ValueError(message(texts.PLAN_NEEDS_NAME))
    if len(text) > 80:
        raise ValueError(message(texts.NAME_TOO_LONG))
    return text


def _kind_value(text: str) -> PlanKind:
    try:
        return PlanKind(text.lower())
    except ValueError:
        raise ValueError(message(texts.KIND_CHOICES)) from None


def _currency_value(text: str) -> str:
    if text.upper() not in CURRENCIES:
        known = ", ".join(sorted(CURRENCIES))
        raise ValueError(message(texts.UNKNOWN_CURRENCY, text=text, known=known))
    return text.upper()


def _reset_value(text: str) -> int:
    day = _positive_int(text, message(texts.RESET_DAY))
    if day > 31:
        raise ValueError(message(texts.RESET_DAY_RANGE))
    return day


def _zone_value(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(message(texts.UNKNOWN_TIME_ZONE, text=text)) from None
    return text


def _thresholds_value(text: str) -> tuple[int, ...]:
    values = tuple(sorted({_positive_int(t, message(texts.THRESHOLD)) for t in _split(text)}))
    if not values:
        raise ValueError(message(texts.NO_THRESHOLD))
    if values[-1] > 1000:
        raise ValueError(message(texts.THRESHOLDS_ARE_PERCENT))
    return values


def _active_value(text: str) -> bool:
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    raise ValueError(message(texts.ACTIVE_YES_NO))


def _name_check(name: str, taken: Collection[str]) -> str | None:
    folded = name.casefold()
    if any(folded == other.casefold() for other in taken):
        return message(texts.PLAN_NAME_TAKEN, name=name)
    return None


def _start_value(text: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(message(texts.START_FORMAT)) from None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return check_moment(value, message(texts.START))
    except UserInputError as exc:
        raise ValueError(exc.message) from None


def parse_plan(
    fields: Mapping[str, str], *, base: Plan | None = None, taken: Collection[str] = ()
) -> Plan:
    """Build a plan from typed fields; with ``base``, only the given fields change.

    Args:
        fields: Field name (see ``FIELDS``) to the text typed; empty means "not set".
        base: The plan being edited, if any.
        taken: Names of the other plans; the name must differ from each (ignoring case).

    Raises:
        PlanInputError: listing every invalid field with its message.
    """
    errors: dict[str, str] = {}
    given = {k: v.strip() for k, v in fields.items() if v is not None}
    unknown = set(given) - set(FIELDS)
    if unknown:
        raise PlanInputError({k: message(texts.UNKNOWN_FIELD) for k in sorted(unknown)})

    def field(name: str, parse, default):  # type: ignore[no-untyped-def]
        if name not in given:
            return default
        try:
            return parse(given[name])
        except (ValueError, KeyError) as exc:
            errors[name] = text_of(exc) if isinstance(exc, ValueError) else str(exc).strip("'\"")
            return default

    plan = base or Plan(name="", kind=PlanKind.BUDGET, currency="USD", amount_micros=0)
    plan = replace(
        plan,
        name=field("name", _name_value, plan.name),
        kind=field("kind", _kind_value, plan.kind),
        currency=field("currency", _currency_value, plan.currency),
        amount_micros=field(
            "amount", lambda t: _money(t, message(texts.AMOUNT)) if t else 0, plan.amount_micros
        ),
        providers=field("providers", _providers_value, plan.providers),
        models=field("models", _split, plan.models),
        reset_day=field("reset_day", _reset_value, plan.reset_day),
        timezone=field("timezone", _zone_value, plan.timezone),
        monthly_token_cap=field(
            "monthly_tokens",
            lambda t: _positive_int(t, message(texts.MONTHLY_TOKEN_CAP)) if t else None,
            plan.monthly_token_cap,
        ),
        windows=_merge_windows(given, plan.windows, errors)
        if any(f in given for f in WINDOW_FIELDS)
        else field("windows", parse_windows, plan.windows),
        thresholds=field("thresholds", _thresholds_value, plan.thresholds or DEFAULT_THRESHOLDS),
        low_balance_micros=field(
            "low_balance",
            lambda t: _money(t, message(texts.LOW_BALANCE), allow_zero=True) if t else None,
            plan.low_balance_micros,
        ),
        start=field("start", _start_value, plan.start),
        active=field("active", _active_value, plan.active),
    )
    if "name" not in errors and not plan.name:
        errors["name"] = message(texts.PLAN_NEEDS_NAME)
    clash = _name_check(plan.name, taken)
    if "name" not in errors and clash:
        errors["name"] = clash
    if "amount" not in errors and plan.amount_micros <= 0:
        errors["amount"] = {
            PlanKind.BUDGET: message(texts.SET_BUDGET),
            PlanKind.SUBSCRIPTION: message(texts.SET_FEE),
            PlanKind.PREPAID: message(texts.SET_TOPPED_UP),
        }[plan.kind]
    if plan.kind is not PlanKind.SUBSCRIPTION:
        # Blame the window fields that set a cap, and ``windows`` for any other window.
        blamed = [f for f in WINDOW_FIELDS if given.get(f)] if plan.windows else []
        if plan.windows and (not blamed or any(w.hours not in _FIXED_HOURS for w in plan.windows)):
            blamed.append("windows")
        if plan.monthly_token_cap:
            blamed.append("monthly_tokens")
        for key in blamed:
            errors.setdefault(key, message(texts.CAPS_FOR_SUBSCRIPTIONS))
    if (
        plan.kind is not PlanKind.PREPAID
        and plan.low_balance_micros is not None
        and "low_balance" not in errors
    ):
        errors["low_balance"] = message(texts.LOW_BALANCE_FOR_PREPAID)
    if errors:
        raise PlanInputError(errors)
    return plan
