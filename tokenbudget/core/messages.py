"""Messages the core writes for people: an English template with named fields, and its id.

The core never translates (it never imports Qt). It says *which* message and *with what*: a
``Message`` holds a template from the catalogue below (its Qt translation context and its
English text, which together are its id) and the parameters that fill it. The command line
prints ``str(message)``, the English text; the GUI looks the template up with
``QCoreApplication.translate(message.context, message.text)`` and fills the fields with numbers,
money and dates formatted for the user's locale (``tokenbudget.gui.formatting.render``).

Templates are marked with ``QT_TRANSLATE_NOOP(context, text)``, a function of that name that
returns ``text``: ``pyside6-lupdate`` finds calls by name, so ``scripts/update_translations.py``
extracts them into the ``.ts`` catalogues with the GUI's strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: The Qt translation context of the core's messages.
CONTEXT = "CoreMessages"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name lupdate reads)
    """Mark ``text`` for translation under ``context``; return it unchanged."""
    del context
    return text


@dataclass(frozen=True)
class Message:
    """One message for a person: which template, and the values of its fields.

    Attributes:
        text: The English template (``{name}`` fields), as marked in a catalogue.
        params: The fields' values: ``str``, ``int``, ``Decimal``, ``Money``, ``date``,
            ``datetime``, or another ``Message`` (rendered in turn).
        context: The template's translation context.
    """

    text: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    context: str = CONTEXT

    @property
    def id(self) -> str:
        """``context/text``: the template's identity, the same in every language."""
        return f"{self.context}/{self.text}"

    def __str__(self) -> str:
        """The English text (the command line's)."""
        return self.text.format_map({k: str(v) for k, v in self.params.items()})


def message(text: str, /, **params: Any) -> Message:
    """A core message: ``message(PLAN_NAME_TAKEN, name="Max")``."""
    return Message(text, MappingProxyType(dict(params)))


def plain(text: str) -> Message:
    """English text that has no template (a third party's error): shown as it is."""
    return Message("{text}", MappingProxyType({"text": text}))
