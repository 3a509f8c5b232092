"""The rows of the model picker: roles, columns, the star delegate and the items of a row.

Item builders are a mixin of ``ModelPickerDialog``, so that their strings keep its
translation context.
"""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QCoreApplication,
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
)
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QStandardItem
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from tokenbudget.core.types import CURRENCIES, ModelInfo, Money, get_estimator
from tokenbudget.gui.formatting import format_int, format_money

#: The model id, on the first column of a model row.
MODEL_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: What the search matches, on the first column of every row.
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
#: Sort key of a row within its parent (see ``ModelPickerDialog._sort_key``).
SORT_ROLE = Qt.ItemDataRole.UserRole + 3
#: True or False on the star column of a model row.
FAVOURITE_ROLE = Qt.ItemDataRole.UserRole + 4
#: The provider's display name, on the first column of a provider row.
PROVIDER_ROLE = Qt.ItemDataRole.UserRole + 5

STAR, NO_STAR = "★", "☆"
_STAR_COLOUR = "#d69e00"
_PER_MILLION = 1_000_000
SORT_BAND = 1 << 24  # sort keys: band (favourite, shown at opening, other) * SORT_BAND + position

# Provider names are data from the core; these marks let lupdate collect them, and
# ``provider_label`` translates them at run time in the context "Providers".
_PROVIDER_NAMES = (
    QT_TRANSLATE_NOOP("Providers", "OpenAI"),
    QT_TRANSLATE_NOOP("Providers", "Anthropic"),
    QT_TRANSLATE_NOOP("Providers", "Google Gemini"),
    QT_TRANSLATE_NOOP("Providers", "DeepSeek"),
    QT_TRANSLATE_NOOP("Providers", "Alibaba Qwen"),
    QT_TRANSLATE_NOOP("Providers", "Zhipu GLM"),
    QT_TRANSLATE_NOOP("Providers", "Moonshot Kimi"),
    QT_TRANSLATE_NOOP("Providers", "MiniMax"),
    QT_TRANSLATE_NOOP("Providers", "Mistral"),
    QT_TRANSLATE_NOOP("Providers", "xAI"),
)


def provider_label(model: ModelInfo) -> str:
    """The provider's display name in the user's language."""
    return QCoreApplication.translate("Providers", model.provider_name)


def price_places(amount: Decimal, minimum: int) -> int:
    """Decimals to show a list price with: as many as it has, at least ``minimum``, at most 6.

    So $0.075 reads as such, not as $0.0750 or $0.08.
    """
    exponent = amount.normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) else 0
    return min(max(minimum, decimals), 6)


def search_pattern(text: str) -> QRegularExpression:
    """A case-insensitive pattern that matches when every word of ``text`` occurs."""
    words = text.split()
    pattern = "".join(f"(?=.*{QRegularExpression.escape(word)})" for word in words)
    return QRegularExpression(pattern, QRegularExpression.PatternOption.CaseInsensitiveOption)


class Column(IntEnum):
    """Columns of the tree."""

    MODEL = 0
    FAVOURITE = 1
    COUNTING = 2
    CONTEXT = 3
    INPUT = 4
    OUTPUT = 5


class StarDelegate(QStyledItemDelegate):
    """Toggles a favourite on a click or on Space, on cells that hold ``FAVOURITE_ROLE``."""

    def editorEvent(  # noqa: N802 (Qt override)
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Flip ``FAVOURITE_ROLE`` on a left click inside the cell or on Space."""
        current = index.data(FAVOURITE_ROLE)
        if current is not None:
            clicked = (
                isinstance(event, QMouseEvent)
                and event.type() == QEvent.Type.MouseButtonRelease
                and event.button() == Qt.MouseButton.LeftButton
                and option.rect.contains(event.position().toPoint())
            )
            pressed = (
                isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Select)
            )
            if clicked or pressed:
                return model.setData(index, not current, FAVOURITE_ROLE)
        return super().editorEvent(event, model, option, index)


class ItemsMixin:
    """The items of a row, for ``ModelPickerDialog``."""

    _locale: QLocale

    if TYPE_CHECKING:

        def tr(self, source: str, disambiguation: str | None = None, n: int = -1) -> str:
            """Provided by Qt (the dialog is a ``QWidget``)."""
            ...

    def _group_item(self, model: ModelInfo, position: int) -> QStandardItem:
        label = provider_label(model)
        item = QStandardItem(label)
        item.setData(label, PROVIDER_ROLE)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setData(f"{model.provider} {model.provider_name} {label}", SEARCH_ROLE)
        item.setData(position, SORT_ROLE)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        return item

    @staticmethod
    def _plain(text: str, tip: str = "", *, right: bool = False) -> QStandardItem:
        item = QStandardItem(text)
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        if tip:
            item.setToolTip(tip)
        if right:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    @staticmethod
    def _show_star(item: QStandardItem, favourite: bool) -> None:
        item.setData(favourite, FAVOURITE_ROLE)
        item.setText(STAR if favourite else NO_STAR)
        item.setForeground(QColor(_STAR_COLOUR) if favourite else QColor(Qt.GlobalColor.gray))

    def _counting_item(self, model: ModelInfo) -> QStandardItem:
        counting = model.counting
        if counting.estimator is None:
            tip = self.tr("Exact: the bundled {id} vocabulary").format(id=counting.tokenizer)
            return self._plain(self.tr("Exact"), tip)
        method = get_estimator(counting.estimator).method
        return self._plain(self.tr("Estimate"), method)

    def _context_item(self, model: ModelInfo) -> QStandardItem:
        if model.context_window is None:
            return self._plain("—", self.tr("Context window not published"), right=True)
        return self._plain(format_int(self._locale, model.context_window), right=True)

    def _price_item(self, model: ModelInfo, *, output: bool) -> QStandardItem:
        pricing = model.pricing
        if pricing is None:
            return self._plain("—", self.tr("No published price (not free)"), right=True)
        rate = (pricing.base.output if output else pricing.base.input) * _PER_MILLION
        places = price_places(rate, CURRENCIES.get(pricing.currency, 2))
        text = format_money(self._locale, Money(rate, pricing.currency), places)
        notes = [self.tr("Source: {source}").format(source=pricing.source or "—")]
        if pricing.checked is not None:
            checked = QDate(pricing.checked.year, pricing.checked.month, pricing.checked.day)
            notes.append(
                self.tr("Checked: {date}").format(
                    date=self._locale.toString(checked, QLocale.FormatType.ShortFormat)
                )
            )
        if pricing.tiers or pricing.long_context:
            text += "+"
            notes.append(self.tr("Base price; longer prompts are billed at higher rates"))
        return self._plain(text, "\n".join(notes), right=True)
