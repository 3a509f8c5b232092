"""Messages the core writes for people: an English template with named fields, and its id.

The core never translates (it never imports Qt). It says *which* message and *with what*: a
``Message`` is the English text (it *is* a ``str``, so the command line, logs and
``str(error)`` read it as before) that also carries its template from the catalogue below,
the template's Qt translation context, and the parameters that filled it. The GUI looks the
template up with ``QCoreApplication.translate(context, template)`` and fills the fields with
numbers, money and dates formatted for the user's locale (``tokenbudget.gui.formatting.render``).

Templates are marked with ``QT_TRANSLATE_NOOP("CoreMessages", text)``, a function of that name
that returns ``text``: ``pyside6-lupdate`` finds calls by name (the context must be written
out), so ``scripts/update_translations.py`` extracts them into the ``.ts`` catalogues with the
GUI's strings. An error raised with a ``Message`` keeps it: ``TokenbudgetError.message``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

#: The Qt translation context of the core's messages.
CONTEXT = "CoreMessages"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name lupdate reads)
    """Mark ``text`` for translation under ``context``; return it unchanged."""
    del context
    return text


def english(value: Any) -> str:
    """A field's value in the English text: whole numbers and decimals grouped (``1,000``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,f}"
    return str(value)


class Message(str):
    """English text that remembers the template and parameters it was made from.

    Attributes:
        template: The English template (``{name}`` fields), as marked in a catalogue.
        params: The fields' values: ``str``, ``int``, ``Decimal``, ``Money``, ``date``,
            ``datetime``, or another ``Message`` (rendered in turn).
        context: The template's translation context.
    """

    template: str
    params: Mapping[str, Any]
    context: str

    def __new__(
        cls, template: str, params: Mapping[str, Any] | None = None, context: str = CONTEXT
    ) -> Message:
        """``template`` filled with ``params`` (English), remembering both."""
        values = MappingProxyType(dict(params or {}))
        self = super().__new__(cls, template.format_map({k: english(v) for k, v in values.items()}))
        self.template = template
        self.params = values
        self.context = context
        return self

    @property
    def id(self) -> str:
        """``context/template``: the message's identity, the same in every language."""
        return f"{self.context}/{self.template}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, dict(self.params), self.context))


def message(template: str, /, **params: Any) -> Message:
    """A core message: ``message(NAME_TAKEN, name="Max")``."""
    return Message(template, params)


def text_of(error: BaseException) -> str:
    """An exception's text, keeping a ``Message`` it was raised with (``str()`` drops it)."""
    if error.args and isinstance(error.args[0], Message) and len(error.args) == 1:
        return error.args[0]
    return str(error)


def message_json(text: str) -> dict[str, Any] | None:
    """A ``Message`` as JSON (``{"t": template, "p": fields}``) for storage, else None.

    Fields that are text, whole numbers or messages are kept as they are; any other value
    (money, a date) is stored as its English text. Plain text has no JSON form: it is stored
    as it is and shown as it is.
    """
    if not isinstance(text, Message) or text.context != CONTEXT:
        return None
    params: dict[str, Any] = {}
    for key, value in text.params.items():
        nested = message_json(value) if isinstance(value, str) else None
        if nested is not None:
            params[key] = nested
        elif isinstance(value, int | str) and not isinstance(value, bool):
            params[key] = value if isinstance(value, int) else str(value)
        else:
            params[key] = english(value)
    return {"t": text.template, "p": params}


def message_from_json(data: object) -> Message | None:
    """The ``Message`` ``message_json`` stored, or None for anything it did not write."""
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        return None
    raw = data.get("p")
    if not isinstance(raw, dict):
        return None
    params: dict[str, Any] = {}
    for key, stored in raw.items():
        value = message_from_json(stored) if isinstance(stored, dict) else stored
        if not isinstance(key, str) or not isinstance(value, int | str) or isinstance(value, bool):
            return None
        params[key] = value
    try:
        return Message(data["t"], params)
    except (KeyError, IndexError, ValueError, AttributeError):
        return None
