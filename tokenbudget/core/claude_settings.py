"""Claude Code's ``settings.json``: installing and removing tokenbudget's status line.

Claude Code runs the ``statusLine`` command of its settings file after each message and shows
the command's first output line. ``install`` points that command at ``tokenbudget
statusline``; a command the user already had is kept by running it through ``--then``. What
was there before is remembered in a small record file of tokenbudget's own, so ``uninstall``
puts back exactly the previous ``statusLine`` (or removes ours when there was none).

Contracts:

* The settings file is only written when asked, after a timestamped copy of it is kept next to
  it (``settings.json.tokenbudget-<UTC time>.bak``), and by an atomic replace.
* A file that is not a JSON object is refused (``UserInputError``), never overwritten.
* Every other key is kept, in its order; the file is written as 2-space JSON.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tokenbudget.core import message_texts as mt
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.messages import message as msg

#: The key of Claude Code's settings that names the status-line command.
STATUS_KEY = "statusLine"
_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class StatusLinePlan:
    """What installing the status line would change (for the confirmation the user reads).

    Attributes:
        settings_file: The Claude Code settings file.
        exists: Whether the file exists yet (installing creates it when not).
        installed: Whether tokenbudget's status line is in it now.
        previous_command: The user's own status-line command that is (or would be) kept and
            run through ``--then``; None when there is none.
        command: The command that installing writes.
    """

    settings_file: Path
    exists: bool
    installed: bool
    previous_command: str | None
    command: str


def settings_file(environ: Mapping[str, str] | None = None) -> Path:
    """``$CLAUDE_CONFIG_DIR/settings.json`` when set, else ``~/.claude/settings.json``."""
    env = os.environ if environ is None else environ
    base = env.get("CLAUDE_CONFIG_DIR")
    if base:
        return Path(base).expanduser() / "settings.json"
    return Path.home() / ".claude" / "settings.json"


def executable() -> str:
    """The absolute path of the ``tokenbudget`` script (Claude Code runs it without our PATH)."""
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if argv0 and Path(argv0).name.startswith("tokenbudget") and Path(argv0).is_file():
        return str(Path(argv0).resolve())
    found = shutil.which("tokenbudget")
    if found:
        return str(Path(found).resolve())
    # Run as ``python -m tokenbudget``: the same interpreter, by module.
    return f"{shlex.quote(sys.executable)} -m tokenbudget"


def command_for(program: str, previous: str | None) -> str:
    """The status-line command: ``program statusline`` plus ``--then <previous>``, quoted."""
    quoted = program if " -m " in program else shlex.quote(program)
    command = f"{quoted} statusline"
    if previous:
        command += f" --then {shlex.quote(previous)}"
    return command


def is_ours(command: object) -> bool:
    """Whether a status-line command is tokenbudget's."""
    if not isinstance(command, str):
        return False
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    return len(words) >= 2 and "statusline" in words[:4] and "tokenbudget" in " ".join(words[:3])


def then_of(command: str) -> str | None:
    """The ``--then`` argument of one of our commands, if it has one."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    for i, word in enumerate(words):
        if word == "--then" and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--then="):
            return word.partition("=")[2]
    return None


def read_settings(path: Path) -> dict[str, Any]:
    """The settings object (empty when the file does not exist).

    Raises:
        UserInputError: when the file is not a JSON object (it is then left untouched).
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        why = str(exc.strerror or exc)
        raise UserInputError(msg(mt.CANNOT_READ_PATH, path=str(path), why=why)) from None
    if len(raw) > _MAX_BYTES:
        raise UserInputError(msg(mt.CLAUDE_SETTINGS_TOO_LARGE, path=str(path)))
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserInputError(
            msg(mt.CLAUDE_SETTINGS_NOT_JSON, path=str(path), why=str(exc))
        ) from None
    if not isinstance(data, dict):
        raise UserInputError(msg(mt.CLAUDE_SETTINGS_NOT_OBJECT, path=str(path)))
    return data


def _previous_of(data: Mapping[str, Any], record: Mapping[str, Any] | None) -> Any:
    """The statusLine the user had before ours (None when none)."""
    current = data.get(STATUS_KEY)
    if current is None:
        return None
    if isinstance(current, dict) and is_ours(current.get("command")):
        if record is not None and "previous" in record:
            return record["previous"]
        then = then_of(str(current["command"]))
        return {"type": "command", "command": then} if then else None
    return current


def _command_of(status_line: Any) -> str | None:
    if isinstance(status_line, dict) and isinstance(status_line.get("command"), str):
        return str(status_line["command"]) or None
    return None


def plan_install(path: Path, program: str, record_file: Path) -> StatusLinePlan:
    """What ``install`` would do to ``path`` (reads only)."""
    data = read_settings(path)
    record = _read_record(record_file, path)
    previous = _command_of(_previous_of(data, record))
    current = data.get(STATUS_KEY)
    return StatusLinePlan(
        settings_file=path,
        exists=path.exists(),
        installed=isinstance(current, dict) and is_ours(current.get("command")),
        previous_command=previous,
        command=command_for(program, previous),
    )


def install(path: Path, program: str, record_file: Path, *, now: datetime) -> StatusLinePlan:
    """Point Claude Code's status line at tokenbudget, keeping the user's command via --then.

    Returns:
        What was done (``installed`` is True).

    Raises:
        UserInputError: when the settings file is not a JSON object or cannot be written.
    """
    data = read_settings(path)
    record = _read_record(record_file, path)
    previous = _previous_of(data, record)
    command = command_for(program, _command_of(previous))
    updated = dict(data)
    updated[STATUS_KEY] = {"type": "command", "command": command, "padding": 0}
    _write_record(record_file, path, {"previous": previous, "command": command})
    _write_settings(path, updated, now)
    return StatusLinePlan(path, True, True, _command_of(previous), command)


def uninstall(path: Path, record_file: Path, *, now: datetime) -> bool:
    """Put back the ``statusLine`` the user had before ``install``.

    Returns:
        False when tokenbudget's status line was not installed (nothing changed).

    Raises:
        UserInputError: when the settings file is not a JSON object or cannot be written.
    """
    data = read_settings(path)
    current = data.get(STATUS_KEY)
    if not (isinstance(current, dict) and is_ours(current.get("command"))):
        return False
    previous = _previous_of(data, _read_record(record_file, path))
    updated = dict(data)
    if previous is None:
        del updated[STATUS_KEY]
    else:
        updated[STATUS_KEY] = previous
    _write_settings(path, updated, now)
    _write_record(record_file, path, None)
    return True


def _write_settings(path: Path, data: Mapping[str, Any], now: datetime) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
            backup = path.with_name(f"{path.name}.tokenbudget-{stamp}.bak")
            shutil.copy2(path, backup)
        _atomic_write(path, text)
    except OSError as exc:
        why = str(exc.strerror or exc)
        raise UserInputError(msg(mt.CANNOT_WRITE_PATH, path=str(path), why=why)) from None


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_record(record_file: Path, settings: Path) -> dict[str, Any] | None:
    """What ``install`` remembered for ``settings`` (None when nothing or unreadable)."""
    try:
        records = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = records.get(str(settings.absolute())) if isinstance(records, dict) else None
    return found if isinstance(found, dict) else None


def _write_record(record_file: Path, settings: Path, record: dict[str, Any] | None) -> None:
    try:
        records = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        records = {}
    if not isinstance(records, dict):
        records = {}
    key = str(settings.absolute())
    if record is None:
        records.pop(key, None)
    else:
        records[key] = record
    try:
        record_file.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(record_file, json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        why = str(exc.strerror or exc)
        raise UserInputError(msg(mt.CANNOT_WRITE_PATH, path=str(record_file), why=why)) from None
