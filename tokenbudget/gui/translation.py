"""The interface language: which one, and the translators that give it.

The app's catalogues are ``resources/i18n/tokenbudget_<lang>.qm`` (built from the ``.ts``
sources by ``scripts/update_translations.py``); Qt's own (``qtbase_zh_CN.qm``, for the
standard buttons and dialogs) come with PySide6. English has a catalogue too: it holds only
the plural forms ("1 plan", "2 plans").

PySide6's ``self.tr`` looks a string up under the name of the object's own class, while
``pyside6-lupdate`` files it under the class the call is written in (a mixin, a base class)
or under no class at all (a module-level helper). ``AppTranslator`` bridges the two: a string
not found under the asked context is looked up under the class's bases, then under the empty
context.
"""

from __future__ import annotations

import argparse
import re
from functools import cache

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

from tokenbudget.core.services import i18n_dir

#: The languages the app has catalogues for (the ``language`` setting's choices, "system" aside).
LANGUAGES = ("en", "zh_CN")


def resolve_language(choice: str, system: QLocale | None = None) -> str:
    """The catalogue for a ``language`` setting: ``"en"`` or ``"zh_CN"``.

    ``"system"`` follows the system locale (``LANG``/``LC_ALL`` on Linux): any Chinese locale
    gets Simplified Chinese (the only Chinese catalogue), everything else English.
    """
    if choice in LANGUAGES:
        return choice
    locale = system if system is not None else QLocale.system()
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


@cache
def _class_named(name: str) -> type | None:
    """The app's Qt class called ``name`` (the context ``self.tr`` asks with), if any."""
    pending: list[type[object]] = [QObject]
    seen: set[type] = set()
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            if sub.__name__ == name and sub.__module__.startswith("tokenbudget."):
                return sub
            pending.append(sub)
    return None


def fallback_contexts(context: str) -> list[str]:
    """Where else a string asked for under ``context`` may be filed: bases, then no class."""
    cls = _class_named(context)
    names = [] if cls is None else [base.__name__ for base in cls.__mro__[1:]]
    return [*names, ""]


class AppTranslator(QTranslator):
    """One of the app's catalogues, with the look-up under base classes described above."""

    def translate(  # noqa: D102 (QTranslator's contract)
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        # None, not "": Qt takes an empty string for a translation into nothing.
        found = super().translate(context, source_text, disambiguation, n)
        if found:
            return str(found)
        if context:
            for other in fallback_contexts(context):
                found = super().translate(other, source_text, disambiguation, n)
                if found:
                    return str(found)
        return None


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the catalogues of ``language`` (``"en"`` or ``"zh_CN"``) on ``app``.

    Also makes ``language`` the default ``QLocale`` when it is not the system's, so numbers
    and dates read as the chosen language writes them. Returns the translators (the caller
    keeps them alive; ``uninstall`` removes them).
    """
    installed: list[QTranslator] = []
    ours = AppTranslator(app)
    if ours.load(f"tokenbudget_{language}", str(i18n_dir())):
        app.installTranslator(ours)
        installed.append(ours)
    if language != "en":
        qt = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{language}", qt_dir):
            app.installTranslator(qt)
            installed.append(qt)
    system = QLocale.system()
    if resolve_language("system", system) != language:
        QLocale.setDefault(QLocale(language if language != "en" else "en_US"))
    return installed


def button_text(text: str) -> str:
    """A menu text as a toolbar button shows it: no accelerator, Chinese ``(&O)`` included.

    Qt drops ``&`` and a trailing ``…`` itself, but leaves ``打开(O)``.
    """
    return (
        re.sub(r"\s*\(&\w\)", "", text)
        .replace("&&", "\0")
        .replace("&", "")
        .replace("\0", "&")
        .removesuffix("…")
    )


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """``--lang`` for the demo scripts: ``system`` (the default), ``en`` or ``zh_CN``."""
    parser.add_argument(
        "--lang",
        default="system",
        choices=("system", *LANGUAGES),
        help="interface language (default: the system's, as the app does)",
    )


def apply_language(app: QCoreApplication, choice: str) -> list[QTranslator]:
    """Install the catalogues for a ``language`` setting (or ``--lang``) on ``app``.

    On a bare machine (the "C" locale, as a screenshot box has) numbers and dates follow
    US English rather than C's ungrouped forms.
    """
    if QLocale().name() == "C":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    return install(app, resolve_language(choice))


def uninstall(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Remove translators that ``install`` put in (tests switch languages)."""
    for translator in translators:
        app.removeTranslator(translator)
