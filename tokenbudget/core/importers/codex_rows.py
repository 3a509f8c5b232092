"""The rows of one Codex rollout, one at a time: what each adds to the spend (see ``codex``).

``RolloutReader`` advances a ``FileState`` by one parsed row and hands each record it
yields to a callback; ``wanted`` tells, without parsing, which lines can matter at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import PRECEDENCE_COPY, PRECEDENCE_ORIGINAL, NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_CODEX
from tokenbudget.core.importers.codex_state import FileState
from tokenbudget.core.importers.values import (
    checked_text,
    count,
    guess_provider,
    parse_time,
    project_value,
    usage_entry,
    uuid7_millis,
)
from tokenbudget.core.messages import message as msg

UNKNOWN_MODEL: Final = "unknown"
"""Model of usage logged before anything names one."""

COPY_BEFORE_MS: Final = 1000
"""A usage row stamped more than this before its file's thread was created is a copy."""

REPLAY_WINDOW_MS: Final = 2500
"""A replay is re-stamped at the fork's creation: a token count later than this is own."""

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

# Lines in the form Codex writes them: ``{"timestamp":"...",("ordinal":N,)"type":"<kind>",
# "payload":{"type":"<event>"...`` are told apart by these prefixes without a search of the
# whole line (most lines are large tool outputs); anything else is searched for the names.
_TIMESTAMP: Final = b'{"timestamp":"'
_TYPE: Final = b'"type":"'
_EVENT: Final = b'event_msg"'
_EVENT_TYPE: Final = b',"payload":{"type":"'
_KINDS: Final = (b'session_meta"', b'turn_context"', b'token_usage_record"')
_EVENTS: Final = (b'token_count"', b'task_started"', b'thread_settings_applied"')
_NAMES: Final = tuple(b'"' + name for name in _KINDS + _EVENTS)


def wanted(line: bytes) -> bool:
    """Whether a rollout line may be one the rules read (a cheap test, without parsing)."""
    if line.startswith(_TIMESTAMP):
        at = line.find(_TYPE, 14, 96)
        if at >= 0:
            at += 8
            if line.startswith(_EVENT, at):
                at += 10
                if line.startswith(_EVENT_TYPE, at):
                    return line.startswith(_EVENTS, at + 20)
            else:
                return line.startswith(_KINDS, at)
    return any(name in line for name in _NAMES)


def millis(at: datetime) -> int:
    """Unix milliseconds of an aware time, exactly as the ledger's ``to_us(at) // 1000``."""
    delta = at.astimezone(UTC) - _EPOCH
    return ((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds) // 1000


class LimitLog:
    """The newest ``rate_limits`` object logged per limit family and window slot."""

    def __init__(self) -> None:
        self._newest: dict[tuple[str, str], tuple[datetime, dict[str, Any]]] = {}

    def add(self, rate_limits: object, at: datetime) -> None:
        """Note one row's ``rate_limits`` (anything but an object is ignored)."""
        if not isinstance(rate_limits, dict):
            return
        family = str(rate_limits.get("limit_id"))
        for slot in ("primary", "secondary"):
            if isinstance(rate_limits.get(slot), dict):
                old = self._newest.get((family, slot))
                if old is None or at >= old[0]:
                    self._newest[family, slot] = (at, rate_limits)

    def observed(self) -> list[tuple[datetime, dict[str, Any]]]:
        """Each distinct newest object with the time it was logged."""
        seen: dict[int, tuple[datetime, dict[str, Any]]] = {}
        for at, limits in self._newest.values():
            seen[id(limits)] = (at, limits)
        return list(seen.values())


class RolloutReader:
    """Reads the rows of one rollout in order (the rules are in ``codex``'s docstring).

    Args:
        state: The file's state, advanced in place.
        fallback_id: The thread id from the file name (for a file without ``session_meta``).
        emit: Receives each record; None reads silently (only the state advances).
        limits: Receives the ``rate_limits`` of rows that are the file's own.
    """

    def __init__(
        self,
        state: FileState,
        fallback_id: str,
        emit: Callable[[NewEntry], None] | None,
        limits: LimitLog,
    ) -> None:
        self.state = state
        self._fallback_id = fallback_id
        self._emit = emit
        self._limits = limits

    def row(self, row: object) -> None:
        """Advance by one parsed row.

        Raises:
            ValueError: for a usage row that cannot be read (the caller reports its line).
        """
        if not isinstance(row, dict):
            return
        kind, payload = row.get("type"), row.get("payload")
        if not isinstance(payload, dict):
            return
        if kind == "event_msg":
            event = payload.get("type")
            if event == "token_count":
                self._token_count(payload, row.get("timestamp"))
            elif event == "task_started":
                self._turn_start(payload, row.get("timestamp"))
            elif event == "thread_settings_applied":
                applied = payload.get("thread_settings")
                if isinstance(applied, dict):
                    self._set_model(applied.get("model"))
        elif kind == "token_usage_record":
            self._record(payload, row.get("timestamp"))
        elif kind == "turn_context":
            self._turn_start(payload, row.get("timestamp"))
            self._set_model(payload.get("model"))
        elif kind == "session_meta":
            self._meta(payload, row.get("timestamp"))

    # -- headers, turns, models ---------------------------------------------------------------

    def _meta(self, payload: dict[str, Any], row_time: object) -> None:
        state = self.state
        meta_id = payload.get("id")
        if state.session is None:
            if not isinstance(meta_id, str) or not meta_id:
                return
            state.session = checked_text(meta_id, "session id")
            state.parent = _parent_of(payload)
            state.created_ms = _created_ms(meta_id, payload.get("timestamp"), row_time)
            state.replay = state.parent is not None
            state.project = project_value(payload.get("cwd"))
        elif isinstance(meta_id, str) and meta_id != state.session:
            state.replay = True  # another thread's header: its history follows

    def _set_model(self, model: object) -> None:
        if isinstance(model, str) and model.strip():
            self.state.model = checked_text(model, "model")

    def _turn_start(self, payload: dict[str, Any], row_time: object) -> None:
        """End a replay at a turn that provably started after the fork."""
        state = self.state
        if not state.replay or state.created_ms is None:
            return
        created = state.created_ms
        turn_ms = uuid7_millis(payload.get("turn_id"))
        started = payload.get("started_at")
        if turn_ms is not None:
            own = turn_ms >= created
        elif isinstance(started, int | float) and not isinstance(started, bool):
            own = started >= created // 1000
        else:  # a replay is re-stamped at the fork and may spill into the next second
            at = parse_time(row_time)
            own = at is not None and millis(at) > created + REPLAY_WINDOW_MS
        if own:
            state.replay = False

    def _copied(self, ms: int) -> bool:
        """Whether a usage row at ``ms`` is a copy of history (and ends a replay if not)."""
        state = self.state
        created = state.created_ms
        if created is not None and ms < created - COPY_BEFORE_MS:
            return True  # logged before this thread existed: another thread's row
        if state.replay:
            if created is not None and ms > created + REPLAY_WINDOW_MS:
                state.replay = False
                return False
            return True
        return False

    # -- usage ---------------------------------------------------------------------------------

    def _token_count(self, payload: dict[str, Any], row_time: object) -> None:
        info = payload.get("info")
        at = parse_time(row_time)
        if at is None:
            if isinstance(info, dict):
                raise ValueError(msg(mt.TOKEN_COUNT_NO_TIME))
            return
        ms = millis(at)
        copied = self._copied(ms)
        if not copied:
            self._limits.add(payload.get("rate_limits"), at)
        if not isinstance(info, dict):
            return
        usage = info.get("total_token_usage")
        if not isinstance(usage, dict):
            raise ValueError(msg(mt.TOKEN_COUNT_NO_TOTAL))
        inp = count(usage, "input_tokens")
        out = count(usage, "output_tokens")
        total = [
            inp,
            count(usage, "cached_input_tokens"),
            out,
            count(usage, "reasoning_output_tokens"),
            count(usage, "total_tokens") or inp + out,
        ]
        state = self.state
        before = state.total
        if before is not None and (
            total == before or any(new < old for new, old in zip(total, before, strict=True))
        ):
            return  # a re-emit, the synthetic row after a compaction, or a stale snapshot
        state.total = total
        if copied or state.records or self._emit is None:
            return
        step = total if before is None else [n - o for n, o in zip(total, before, strict=True)]
        cached = min(step[1], step[0])
        if step[0] == 0 and step[2] == 0:
            return
        self._emit(
            self._entry(
                at,
                state.model,
                TokenCounts(
                    input_tokens=step[0] - cached, cache_read_tokens=cached, output_tokens=step[2]
                ),
                f"t{ms}:{total[4]}",
                PRECEDENCE_ORIGINAL,
            )
        )

    def _record(self, payload: dict[str, Any], row_time: object) -> None:
        state = self.state
        state.records = True
        at = parse_time(row_time)
        if at is None:
            raise ValueError(msg(mt.TOKEN_USAGE_NO_TIME))
        usage = payload.get("usage")
        if not isinstance(usage, dict):
            raise ValueError(msg(mt.TOKEN_USAGE_NO_USAGE))
        inp = count(usage, "input_tokens")
        cached = min(count(usage, "cached_input_tokens"), inp)
        out = count(usage, "output_tokens")
        ms = millis(at)
        copied = self._copied(ms)
        if self._emit is None:
            return
        thread = payload.get("thread_id")
        if not isinstance(thread, str) or not thread:
            thread = state.session or self._fallback_id
        response = payload.get("response_id")
        if isinstance(response, str) and response:
            ref = f"r:{thread}:{response}"
        else:  # no id to key it by: its thread, time and size name it as well
            ref = f"r:{thread}:t{ms}:{count(usage, 'total_tokens') or inp + out}"
        attribution = payload.get("attribution")
        model = attribution.get("model") if isinstance(attribution, dict) else None
        if isinstance(model, str) and model.strip():
            model = checked_text(model, "model")
        else:
            model = state.model
        self._emit(
            self._entry(
                at,
                model,
                TokenCounts(input_tokens=inp - cached, cache_read_tokens=cached, output_tokens=out),
                ref,
                PRECEDENCE_COPY if copied else PRECEDENCE_ORIGINAL,
            )
        )

    def _entry(
        self, at: datetime, model: str | None, tokens: TokenCounts, ref: str, precedence: int
    ) -> NewEntry:
        model = model or UNKNOWN_MODEL
        entry = usage_entry(
            at=at,
            provider=guess_provider(model, "openai") or "openai",
            model=model,
            tokens=tokens,
            source=SOURCE_CODEX,
            source_ref=ref,
        )
        project = self.state.project
        if project is None and precedence == PRECEDENCE_ORIGINAL:
            return entry
        return NewEntry(
            entry.at, entry.provider, entry.model, entry.tokens, None, None, entry.source,
            entry.source_ref, project=project, precedence=precedence,
        )  # fmt: skip


def _created_ms(thread_id: str, stamp: object, row_time: object) -> int | None:
    """When a thread was created: the earlier of its UUIDv7 time and its header's timestamp.

    The two agree in what Codex writes; where they do not (an id minted elsewhere), the
    earlier one keeps rows of the thread itself from being taken for copies.
    """
    known = [uuid7_millis(thread_id)]
    at = parse_time(stamp)
    known.append(millis(at) if at else None)
    found = [ms for ms in known if ms is not None]
    if found:
        return min(found)
    at = parse_time(row_time)
    return millis(at) if at else None


def _parent_of(payload: dict[str, Any]) -> str | None:
    for key in ("forked_from_id", "parent_thread_id", "parent_session_id"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    source = payload.get("source")
    subagent = source.get("subagent") if isinstance(source, dict) else None
    spawn = subagent.get("thread_spawn") if isinstance(subagent, dict) else None
    parent = spawn.get("parent_thread_id") if isinstance(spawn, dict) else None
    return parent if isinstance(parent, str) and parent else None
