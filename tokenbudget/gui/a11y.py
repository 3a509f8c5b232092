"""Labels tied to their fields (buddies).

A label's mnemonic then focuses its field, and screen readers read the label as its name.

``link_labels`` walks a dialog's form rows and box layouts once it is built and gives every
label that sits next to a field that field as its buddy (the field inside a wrapper, such as
an editor with an error message under it).
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

#: Widgets a label can name.
FIELD_TYPES = (
    QLineEdit,
    QAbstractSpinBox,
    QComboBox,
    QPlainTextEdit,
    QTextEdit,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractButton,
)


def focus_field(widget: QWidget | None) -> QWidget | None:
    """The field a label next to ``widget`` names: the widget, or the first field inside it."""
    if widget is None or isinstance(widget, QLabel):
        return None
    if isinstance(widget, FIELD_TYPES):
        return widget
    for child in widget.findChildren(QWidget):
        if isinstance(child, FIELD_TYPES):
            return child
    return None


def _layout_field(layout: QLayout | None) -> QWidget | None:
    if layout is None:
        return None
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None:
            continue
        found = focus_field(item.widget()) if item.widget() else _layout_field(item.layout())
        if found is not None:
            return found
    return None


def form_pairs(root: QWidget) -> list[tuple[QLabel, QWidget]]:
    """(label, field) pairs of ``root``: form rows, and a label followed by a field in a row."""
    pairs: list[tuple[QLabel, QWidget]] = []
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item is not None else None
            if not isinstance(label, QLabel) or not label.text() or field_item is None:
                continue
            field = (
                focus_field(field_item.widget())
                if field_item.widget() is not None
                else _layout_field(field_item.layout())
            )
            if field is not None:
                pairs.append((label, field))
    for box in root.findChildren(QBoxLayout):
        items = [box.itemAt(i) for i in range(box.count())]
        widgets = [item.widget() if item is not None else None for item in items]
        for first, second in pairwise(widgets):
            if (
                isinstance(first, QLabel)
                and first.text()
                and isinstance(second, FIELD_TYPES)
                and not isinstance(second, QAbstractButton)  # a button says what it does
            ):
                pairs.append((first, second))
    return pairs


def link_labels(root: QWidget) -> None:
    """Give every label next to a field that field as its buddy (unless it has one)."""
    for label, field in form_pairs(root):
        buddy = label.buddy()
        if buddy is None or focus_field(buddy) is not buddy:
            label.setBuddy(field)
