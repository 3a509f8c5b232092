"""API keys: only in a keyring, never in plain text, never in a message or a file we write."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tokenbudget import cli
from tokenbudget.core.errors import NoKeyringError, SecretsError
from tokenbudget.core.secrets import KeyringStatus, KeyringStore, MemoryStore, mask

KEY = "sk-ant-test-4f9c2e1b7a6d5c3e"


class DictKeyring:
    """A keyring backend in memory (what the real ones look like to KeyringStore)."""

    priority = 1

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.values.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.values[(service, user)] = password

    def delete_password(self, service: str, user: str) -> None:
        del self.values[(service, user)]


def test_keys_are_stored_per_provider_under_the_tokenbudget_service() -> None:
    backend = DictKeyring()
    store = KeyringStore(backend)
    assert store.status().usable
    store.set("anthropic", f"  {KEY}\n")
    assert backend.values == {("tokenbudget", "anthropic"): KEY}
    assert store.get("anthropic") == KEY and store.get("openai") is None
    store.set("anthropic", "sk-replaced-000000")
    assert store.get("anthropic") == "sk-replaced-000000"
    assert store.delete("anthropic") and not store.delete("anthropic")


def test_bad_keys_and_providers_are_refused_without_echoing_the_key() -> None:
    store = MemoryStore()
    with pytest.raises(SecretsError, match="unknown provider"):
        store.set("nosuch", KEY)
    with pytest.raises(SecretsError) as exc:
        store.set("openai", KEY + " with spaces")
    assert KEY not in str(exc.value)
    with pytest.raises(SecretsError, match="empty"):
        store.set("openai", "   ")


def test_no_backend_is_a_clear_state_and_nothing_is_written() -> None:
    from keyring.backends import fail

    store = KeyringStore(fail.Keyring())
    status = store.status()
    assert not status.usable
    assert "no usable keyring" in status.message and "Secret Service" in status.message
    with pytest.raises(NoKeyringError):
        store.set("anthropic", KEY)
    assert store.get("anthropic") is None


def test_a_plaintext_file_backend_counts_as_no_keyring_unless_chosen() -> None:
    class PlaintextKeyring(DictKeyring):
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    assert not KeyringStore(PlaintextKeyring()).status().usable
    assert "plain file" in KeyringStore(PlaintextKeyring()).status().message
    assert KeyringStore(PlaintextKeyring(), allow_plaintext=True).status().usable


def test_masking_never_shows_the_whole_key() -> None:
    assert mask(KEY) == "sk-a…5c3e"
    assert KEY not in mask(KEY)
    assert mask("short") == "•••••"


def _cli(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    return cli.run(argv, out, err), out.getvalue(), err.getvalue()


def test_cli_keys_read_the_key_from_standard_input_and_never_print_it(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    import keyring

    backend = DictKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    code, out, err = _cli(["keys", "set", "anthropic"], KEY + "\n", monkeypatch)
    assert (code, err) == (0, "") and "Stored the Anthropic key" in out
    assert backend.values[("tokenbudget", "anthropic")] == KEY
    code, out, _ = _cli(["keys", "list"], "", monkeypatch)
    assert code == 0 and mask(KEY) in out and KEY not in out
    # A key given as an argument is refused: it would show in ps and the shell history.
    code, _, err = _cli(["keys", "set", "anthropic", KEY], "", monkeypatch)
    assert code == 2 and KEY not in err
    code, out, _ = _cli(["keys", "delete", "anthropic"], "", monkeypatch)
    assert code == 0 and "Deleted" in out and backend.values == {}
    # Nothing the app wrote contains the key.
    for path in isolated_home.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_cli_without_a_keyring_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    code, _, err = _cli(["keys", "set", "openai"], KEY + "\n", monkeypatch)
    assert code == 2 and "no usable keyring" in err and KEY not in err


REAL = "TOKENBUDGET_REAL_SECRET_SERVICE"


@pytest.mark.secret_service
def test_the_real_secret_service_keeps_a_key(tmp_path: Path) -> None:
    """Run by .ci/run inside dbus-run-session with an unlocked gnome-keyring-daemon.

    Elsewhere there is no Secret Service: the test is skipped, unless REAL is set, when it
    must run (CI sets it so that a missing daemon fails instead of skipping).
    """
    import keyring
    from keyring.backends import SecretService

    backend: Any = SecretService.Keyring()
    try:
        usable = backend.priority > 0 and bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))
    except Exception:  # the backend says it is unusable by raising
        usable = False
    if not usable:
        if os.environ.get(REAL):
            pytest.fail("no Secret Service reachable, though CI started one")
        pytest.skip("no Secret Service here (.ci/run starts one for this test)")
    keyring.set_keyring(backend)
    try:
        store = KeyringStore()
        status: KeyringStatus = store.status()
        assert status.usable and "SecretService" in status.backend
        store.set("openai", KEY)
        # Another process sees it: the key really is in the Secret Service.
        read = subprocess.run(
            [
                sys.executable,
                "-c",
                "import keyring; print(keyring.get_password('tokenbudget', 'openai'))",
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"},
        )
        assert read.stdout.strip() == KEY
        assert store.delete("openai") and store.get("openai") is None
    finally:
        keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[attr-defined]
