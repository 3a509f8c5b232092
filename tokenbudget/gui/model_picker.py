"""Choose the models of the estimate table, and mark favourites.

A tree grouped by provider, over a ``QStandardItemModel`` behind a ``QSortFilterProxyModel``:

- the search box filters as you type: every word must occur in the model id, its aliases or
  the provider's key, English name or translated name (case-insensitive); a provider that
  matches shows all of its models;
- the check box of a model says whether it is shown; a provider's check box is tri-state and
  sets all of its models that the search leaves visible;
- the star column marks favourites (click, or Space). Within a provider, favourites come
  first, then the models that were shown when the dialog opened, then the rest, each in
  catalogue order; checking a box never moves a row.

Nothing here writes settings: the caller reads ``shown_ids()`` and ``favourite_ids()`` after
the dialog is accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from PySide6.QtCore import (
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.types import ModelInfo, default_models
from tokenbudget.gui.formatting import format_int
from tokenbudget.gui.geometry import fit_to_screen
from tokenbudget.gui.model_picker_items import (
    FAVOURITE_ROLE,
    MODEL_ID_ROLE,
    NO_STAR,
    PROVIDER_ROLE,
    SEARCH_ROLE,
    SORT_BAND,
    SORT_ROLE,
    STAR,
    Column,
    ItemsMixin,
    StarDelegate,
    price_places,
    provider_label,
    search_pattern,
)

__all__ = [
    "FAVOURITE_ROLE",
    "MODEL_ID_ROLE",
    "NO_STAR",
    "PROVIDER_ROLE",
    "SEARCH_ROLE",
    "SORT_ROLE",
    "STAR",
    "Column",
    "ModelPickerDialog",
    "StarDelegate",
    "price_places",
    "provider_label",
    "search_pattern",
]


class ModelPickerDialog(ItemsMixin, QDialog):
    """Choose which models the estimate table shows, and which are favourites.

    Args:
        models: The catalogue's models, in catalogue order (the order of the results).
        shown_ids: Ids of the models shown now (unknown ids are dropped).
        favourite_ids: Ids of the favourite models.
        default_ids: What the "Restore Defaults" button selects; the catalogue's default set
            (as of today) when None.
        parent: The parent widget.
    """

    def __init__(
        self,
        models: Sequence[ModelInfo],
        shown_ids: Iterable[str],
        favourite_ids: Iterable[str] = (),
        *,
        default_ids: Iterable[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Choose models"))
        self._models = list(models)
        self._positions = {m.id: position for position, m in enumerate(self._models)}
        self._today = date.today()
        self._retired = frozenset(m.id for m in self._models if m.retired(self._today))
        if default_ids is None:
            default_ids = [m.id for m in default_models(self._models, self._today)]
        self._defaults = frozenset(default_ids)
        self._locale = QLocale()
        self._checks: dict[str, QStandardItem] = {}
        self._stars: dict[str, QStandardItem] = {}
        self._groups: dict[str, QStandardItem] = {}
        self._updating = False

        self.source = QStandardItemModel(0, len(Column), self)
        self._set_headers()
        self._opened_with = set(shown_ids)
        self._fill(self._opened_with, set(favourite_ids))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterKeyColumn(Column.MODEL)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.sort(Column.MODEL)
        self._build_widgets()
        self.source.itemChanged.connect(self._on_item_changed)
        self._expand_chosen()
        self._update_summary()

    # Public API -----------------------------------------------------------------------------

    def shown_ids(self) -> list[str]:
        """Ids of the checked models, in catalogue order."""
        checked = Qt.CheckState.Checked
        return [m.id for m in self._models if self._checks[m.id].checkState() == checked]

    def favourite_ids(self) -> list[str]:
        """Ids of the favourite models, in catalogue order."""
        return [m.id for m in self._models if self._stars[m.id].data(FAVOURITE_ROLE)]

    def set_search(self, text: str) -> None:
        """Filter the tree (what typing in the search box does)."""
        self.search.setText(text)

    def set_shown(self, model_ids: Iterable[str]) -> None:
        """Check exactly the models in ``model_ids``."""
        wanted = set(model_ids)
        self._updating = True
        try:
            for model_id, item in self._checks.items():
                item.setCheckState(
                    Qt.CheckState.Checked if model_id in wanted else Qt.CheckState.Unchecked
                )
            for group in self._groups.values():
                self._refresh_group(group)
        finally:
            self._updating = False
        self._update_summary()

    def restore_defaults(self) -> None:
        """Check the default model set."""
        self.set_shown(self._defaults)

    def select_none(self) -> None:
        """Uncheck every model (hidden by the search or not)."""
        self.set_shown(())

    def index_of(self, model_id: str, column: Column = Column.MODEL) -> QModelIndex:
        """The proxy (view) index of a model's cell; invalid when the search hides it."""
        item = self._checks[model_id]
        source = item.index().siblingAtColumn(column)
        return self.proxy.mapFromSource(source)

    # Building -------------------------------------------------------------------------------

    def _set_headers(self) -> None:
        labels = {
            Column.MODEL: (self.tr("Model"), self.tr("Checked models are shown in the table")),
            Column.FAVOURITE: (STAR, self.tr("Favourite: listed first; click to toggle")),
            Column.COUNTING: (self.tr("Counting"), self.tr("Exact vocabulary or an estimate")),
            Column.CONTEXT: (self.tr("Context"), self.tr("Context window in tokens")),
            Column.INPUT: (self.tr("Input / 1M"), self.tr("Price per million input tokens")),
            Column.OUTPUT: (self.tr("Output / 1M"), self.tr("Price per million output tokens")),
        }
        for column, (text, tip) in labels.items():
            self.source.setHeaderData(column, Qt.Orientation.Horizontal, text)
            self.source.setHeaderData(
                column, Qt.Orientation.Horizontal, tip, Qt.ItemDataRole.ToolTipRole
            )

    def _fill(self, shown: set[str], favourites: set[str]) -> None:
        root = self.source.invisibleRootItem()
        for position, model in enumerate(self._models):
            group = self._groups.get(model.provider)
            if group is None:
                group = self._group_item(model, position)
                self._groups[model.provider] = group
                root.appendRow([group] + [self._plain("") for _ in range(len(Column) - 1)])
            group.appendRow(
                self._model_row(model, position, model.id in shown, model.id in favourites)
            )
        for group in self._groups.values():
            self._refresh_group(group)

    def _model_row(
        self, model: ModelInfo, position: int, shown: bool, favourite: bool
    ) -> list[QStandardItem]:
        check = self._plain(model.id, ", ".join(model.aliases))
        retired = model.retired(self._today)
        if retired:
            assert model.deprecated is not None
            when = QDate(model.deprecated.year, model.deprecated.month, model.deprecated.day)
            check.setText(self.tr("{model} (retired)").format(model=model.id))
            check.setToolTip(
                self.tr(
                    "Retired on {date}: the provider no longer serves it. It stays in the "
                    "catalogue to price recorded spend."
                ).format(date=self._locale.toString(when, QLocale.FormatType.ShortFormat))
            )
            check.setForeground(self.palette().placeholderText())
        check.setFlags(check.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        check.setCheckState(Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)
        check.setData(model.id, MODEL_ID_ROLE)
        check.setData(
            " ".join(
                (
                    model.id,
                    *model.aliases,
                    model.provider,
                    model.provider_name,
                    provider_label(model),
                    *(("retired", self.tr("retired")) if retired else ()),
                )
            ),
            SEARCH_ROLE,
        )
        check.setData(self._sort_key(model.id, favourite), SORT_ROLE)
        star = self._plain("", self.tr("Favourite: listed first; click to toggle"))
        star.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        self._show_star(star, favourite)
        self._checks[model.id] = check
        self._stars[model.id] = star
        return [
            check,
            star,
            self._counting_item(model),
            self._context_item(model),
            self._price_item(model, output=False),
            self._price_item(model, output=True),
        ]

    def _sort_key(self, model_id: str, favourite: bool) -> int:
        band = 0 if favourite else 1 if model_id in self._opened_with else 2
        if band == 2 and model_id in self._retired:
            band = 3  # retired models last: kept to price past spend, rarely chosen
        return band * SORT_BAND + self._positions[model_id]

    def _build_widgets(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search models or providers"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.search.installEventFilter(self)

        self.tree = QTreeView()
        self.tree.setAccessibleName(self.tr("Models by provider"))
        self.tree.setModel(self.proxy)
        self.tree.setItemDelegateForColumn(Column.FAVOURITE, StarDelegate(self.tree))
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.MODEL, QHeaderView.ResizeMode.Stretch)

        self.summary = QLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        defaults = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.setToolTip(self.tr("Show the default set of models"))
        defaults.clicked.connect(self.restore_defaults)
        self.none_button = self.buttons.addButton(
            self.tr("Select &none"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.none_button.clicked.connect(self.select_none)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        fit_to_screen(self, QSize(880, 600))

    # Reactions ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """Down in the search box moves on to the tree."""
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            self.tree.setFocus()
            if not self.tree.currentIndex().isValid():
                self.tree.setCurrentIndex(self.proxy.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    def _on_search(self, text: str) -> None:
        self.proxy.setFilterRegularExpression(search_pattern(text))
        if text.strip():
            self.tree.expandAll()
        else:
            self._expand_chosen()

    def _expand_chosen(self) -> None:
        """Expand the providers with a shown or favourite model; collapse the others."""
        for group in self._groups.values():
            index = self.proxy.mapFromSource(group.index())
            chosen = any(
                group.child(row, Column.MODEL).checkState() != Qt.CheckState.Unchecked
                or group.child(row, Column.FAVOURITE).data(FAVOURITE_ROLE)
                for row in range(group.rowCount())
            )
            self.tree.setExpanded(index, chosen)

    def _on_item_changed(self, item: QStandardItem) -> None:
        if self._updating:
            return
        self._updating = True
        try:
            if item.column() == Column.FAVOURITE and item.data(FAVOURITE_ROLE) is not None:
                self._favourite_changed(item)
            elif item.column() == Column.MODEL and item.hasChildren():
                self._group_toggled(item)
            elif item.column() == Column.MODEL and item.parent() is not None:
                self._refresh_group(item.parent())
        finally:
            self._updating = False
        self._update_summary()

    def _favourite_changed(self, star: QStandardItem) -> None:
        favourite = bool(star.data(FAVOURITE_ROLE))
        self._show_star(star, favourite)
        check = star.parent().child(star.row(), Column.MODEL)
        check.setData(self._sort_key(str(check.data(MODEL_ID_ROLE)), favourite), SORT_ROLE)
        self.tree.scrollTo(self.proxy.mapFromSource(star.index()))

    def _group_toggled(self, group: QStandardItem) -> None:
        state = group.checkState()
        if state != Qt.CheckState.PartiallyChecked:
            for row in range(group.rowCount()):
                child = group.child(row, Column.MODEL)
                if self.proxy.mapFromSource(child.index()).isValid():  # visible in the search
                    child.setCheckState(state)
        self._refresh_group(group)

    def _refresh_group(self, group: QStandardItem) -> None:
        """Set a provider's check state and label from its models."""
        states = [group.child(row, Column.MODEL).checkState() for row in range(group.rowCount())]
        checked = states.count(Qt.CheckState.Checked)
        if checked == len(states):
            group.setCheckState(Qt.CheckState.Checked)
        elif checked == 0:
            group.setCheckState(Qt.CheckState.Unchecked)
        else:
            group.setCheckState(Qt.CheckState.PartiallyChecked)
        group.setText(
            self.tr("{provider} ({shown}/{total})").format(
                provider=group.data(PROVIDER_ROLE),
                shown=format_int(self._locale, checked),
                total=format_int(self._locale, len(states)),
            )
        )

    def _update_summary(self) -> None:
        shown = len(self.shown_ids())
        self.summary.setText(
            self.tr("Shown: {shown} of {total} models · Favourites: {favourites}").format(
                shown=format_int(self._locale, shown),
                total=format_int(self._locale, len(self._models)),
                favourites=format_int(self._locale, len(self.favourite_ids())),
            )
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(shown > 0)
        ok.setToolTip("" if shown else self.tr("Choose at least one model"))
