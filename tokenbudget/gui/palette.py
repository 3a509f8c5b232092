"""Colours that read on light and dark themes, picked from the application's palette.

Nothing here is a fixed light-theme colour: each role has a light and a dark variant, chosen
by the palette's window lightness, and a text colour is checked against the background it
sits on with the WCAG contrast formula (``contrast_ratio``). ``ThemeWatcher`` tells the
widgets that keep colours (models, painted widgets) when the palette or colour scheme changes
at run time, and re-tints labels marked with ``tint``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

#: The WCAG AA minimum for normal text.
MIN_CONTRAST = 4.5
#: The dynamic property that ``tint`` sets (the watcher re-tints these labels).
_TINT_PROPERTY = "tokenbudgetTint"


class Tone(Enum):
    """Text tones with a meaning (a label's colour)."""

    NORMAL = "normal"
    MUTED = "muted"
    ERROR = "error"
    WARNING = "warning"
    GOOD = "good"


@dataclass(frozen=True)
class Colours:
    """The colours of one theme.

    Attributes:
        dark: The theme is dark (its window colour is dark).
        base: Table and editor background.
        text: Text on ``base``.
        cheapest_bg: The cheapest row's background.
        cheapest_fg: Text on ``cheapest_bg``.
        muted: Secondary text (notes, loading rows) on the window and base.
        error: Error text and an over-window share.
        warning: Warning text.
        good: Positive text.
        bar_track: The empty part of a context bar.
        bar_fill: The used part of a context bar.
        bar_full: A context bar past 100 %.
    """

    dark: bool
    base: QColor
    text: QColor
    cheapest_bg: QColor
    cheapest_fg: QColor
    muted: QColor
    error: QColor
    warning: QColor
    good: QColor
    bar_track: QColor
    bar_fill: QColor
    bar_full: QColor

    def tone(self, tone: Tone) -> QColor:
        """The text colour of ``tone``."""
        return {
            Tone.NORMAL: self.text,
            Tone.MUTED: self.muted,
            Tone.ERROR: self.error,
            Tone.WARNING: self.warning,
            Tone.GOOD: self.good,
        }[tone]

    def text_pairs(self) -> dict[str, tuple[QColor, QColor]]:
        """Every (text, background) pair these colours produce, by name (the contrast tests)."""
        return {
            "cheapest": (self.cheapest_fg, self.cheapest_bg),
            "error-on-cheapest": (self.error, self.cheapest_bg),
            "muted-on-cheapest": (self.muted, self.cheapest_bg),
            "text": (self.text, self.base),
            "muted": (self.muted, self.base),
            "error": (self.error, self.base),
            "warning": (self.warning, self.base),
            "good": (self.good, self.base),
        }


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""
    a, b = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def is_dark(palette: QPalette) -> bool:
    """The palette is a dark theme: its window colour is darker than mid-grey."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def readable(preferred: QColor, background: QColor, dark: bool) -> QColor:
    """``preferred``, or the nearest step towards white (dark) or black (light) that reads."""
    colour = QColor(preferred)
    for _ in range(12):
        if contrast_ratio(colour, background) >= MIN_CONTRAST:
            return colour
        colour = colour.lighter(115) if dark else colour.darker(115)
    return QColor(Qt.GlobalColor.white if dark else Qt.GlobalColor.black)


def colours_for(palette: QPalette) -> Colours:
    """The colours for ``palette`` (light or dark variants, text checked against its ground)."""
    dark = is_dark(palette)
    base = palette.color(QPalette.ColorRole.Base)
    text = readable(palette.color(QPalette.ColorRole.Text), base, dark)
    if dark:
        cheapest_bg = QColor(28, 78, 48)
        tones = (QColor(190, 190, 190), QColor(255, 138, 128), QColor(255, 196, 90))
        good = QColor(120, 220, 140)
        track, fill, full = QColor(255, 255, 255, 40), QColor(96, 165, 250), QColor(248, 113, 113)
    else:
        cheapest_bg = QColor(214, 245, 221)
        tones = (QColor(90, 90, 90), QColor(185, 28, 28), QColor(146, 64, 14))
        good = QColor(21, 111, 48)
        track, fill, full = QColor(0, 0, 0, 28), QColor(59, 130, 246), QColor(220, 38, 38)
    cheapest_fg = readable(text, cheapest_bg, dark)
    muted, error, warning = tones
    # Each tone must read on the table and on the cheapest row.
    return Colours(
        dark=dark,
        base=base,
        text=text,
        cheapest_bg=cheapest_bg,
        cheapest_fg=cheapest_fg,
        muted=readable(readable(muted, base, dark), cheapest_bg, dark),
        error=readable(readable(error, base, dark), cheapest_bg, dark),
        warning=readable(warning, base, dark),
        good=readable(good, base, dark),
        bar_track=track,
        bar_fill=fill,
        bar_full=full,
    )


_cache: dict[int, Colours] = {}


def current() -> Colours:
    """The colours for the application's palette now (cached per palette)."""
    palette = QGuiApplication.palette()
    key = palette.cacheKey()
    found = _cache.get(key)
    if found is None:
        if len(_cache) > 8:
            _cache.clear()
        found = _cache[key] = colours_for(palette)
    return found


def tint(widget: QWidget, tone: Tone) -> None:
    """Colour ``widget``'s text with ``tone``; kept right when the theme changes."""
    widget.setProperty(_TINT_PROPERTY, tone.value)
    _apply_tint(widget, tone)


def _apply_tint(widget: QWidget, tone: Tone) -> None:
    palette = widget.palette()
    colour = (
        QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
        if tone is Tone.NORMAL
        else current().tone(tone)
    )
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    palette.setColor(QPalette.ColorRole.Text, colour)
    widget.setPalette(palette)


def retint_all() -> None:
    """Apply every ``tint`` again (after a palette change)."""
    for widget in QApplication.allWidgets():
        value = widget.property(_TINT_PROPERTY)
        if isinstance(value, str):
            _apply_tint(widget, Tone(value))


class _Probe(QWidget):
    """A widget never shown: Qt sends it the palette changes every widget gets."""

    def __init__(self, changed: Callable[[], None]) -> None:
        super().__init__()
        self._changed = changed

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Pass on a palette change (the application's or a style's)."""
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            self._changed()
        super().changeEvent(event)


class ThemeWatcher(QObject):
    """Emits ``changed`` when the application palette or the colour scheme changes.

    One per application (``watcher()``); it re-tints labels marked with ``tint`` first. It
    listens through a hidden widget rather than an application-wide event filter, which would
    call into Python for every event of every object.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._probe = _Probe(self._changed)
        self.destroyed.connect(self._probe.deleteLater)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: self._changed())

    def _changed(self) -> None:
        _cache.clear()
        retint_all()
        self.changed.emit()


_watcher: list[ThemeWatcher] = []


def watcher() -> ThemeWatcher:
    """The application's theme watcher (made on first use)."""
    app = QGuiApplication.instance()
    if not _watcher or _watcher[0].parent() is not app:
        _watcher.clear()
        _watcher.append(ThemeWatcher(app))
    return _watcher[0]
