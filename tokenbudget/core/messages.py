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
