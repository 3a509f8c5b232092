"""The history view's changes to the ledger: add, edit and delete entries, undo and redo them.

Each change is made at once, then pushed on a ``QUndoStack`` as a ``LedgerCommand`` that can
revert it and make it again (Ctrl+Z, Ctrl+Shift+Z, and the Undo button).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QTableView, QWidget

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import Service
from tokenbudget.core.types import SOURCE_MANUAL, Entry, NewEntry, TokenCounts
from tokenbudget.gui.entry_dialog import EntryDialog
from tokenbudget.gui.formatting import error_text, format_int
from tokenbudget.gui.history_model import HistoryModel

#: At most this many entries are deleted at once (each is kept in memory for undo).
MAX_DELETE = 10_000


class _Change(Protocol):
    def apply_change(
        self, command: QUndoCommand, change: Callable[[], object], *, undoing: bool
    ) -> None: ...


class LedgerCommand(QUndoCommand):
    """A change already made to the ledger, that undo reverts and redo makes again.

    If the ledger refuses either (an entry recorded since took a deleted one's id, say),
    the view says why and the command leaves the stack.
    """

    def __init__(
        self,
        view: _Change,
        text: str,
        again: Callable[[], object],
        revert: Callable[[], object],
    ) -> None:
        super().__init__(text)
        self._view = view
        self._again = again
        self._revert = revert
        self._pushed = False

    def redo(self) -> None:
        """Make the change again (not when first pushed: it was made before)."""
        if not self._pushed:
            self._pushed = True
            return
        self._view.apply_change(self, self._again, undoing=False)

    def undo(self) -> None:
        """Revert the change."""
        self._view.apply_change(self, self._revert, undoing=True)


class EditsMixin:
    """Selection, edit, delete and undo for ``HistoryView`` (a ``QWidget``).

    The view provides the attributes declared here, and ``show_message`` and ``refresh``.
    """

    service: Service
    model: HistoryModel
    table: QTableView
    undo_stack: QUndoStack
    undo_action: QAction
    edit_action: QAction
    delete_action: QAction
    changed: SignalInstance

    def show_message(self, text: str, error: bool = False) -> None:  # pragma: no cover
        """Provided by the view."""
        raise NotImplementedError

    def refresh(self) -> None:  # pragma: no cover
        """Provided by the view."""
        raise NotImplementedError

    def _tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        assert isinstance(self, QObject)
        return self.tr(text, disambiguation, n)

    def _selected_rows(self) -> list[int]:
        rows: set[int] = set()
        selection = self.table.selectionModel().selection()
        for i in range(selection.count()):
            span = selection.at(i)
            rows.update(range(span.top(), span.bottom() + 1))
        return sorted(rows)

    def selected_entries(self, limit: int | None = None) -> list[Entry]:
        """The selected entries, in table order (at most ``limit`` rows are looked at)."""
        rows = self._selected_rows()
        if limit is not None:
            rows = rows[:limit]
        entries = [self.model.entry(row) for row in rows]
        return [e for e in entries if e is not None]

    def _selection_changed(self) -> None:
        count = len(self._selected_rows())
        self.edit_action.setEnabled(count == 1)
        self.delete_action.setEnabled(count > 0)

    def edit_selected(self) -> None:
        """Edit the selected entry in a dialog; the change can be undone."""
        chosen = self.selected_entries(limit=2)
        if len(chosen) != 1:
            return
        before = chosen[0]
        try:
            plans = self.service.plans.all()
        except TokenbudgetError as exc:
            self.show_message(error_text(exc), True)
            return
        assert isinstance(self, QWidget)
        dialog = EntryDialog(before, plans=plans, entries=self.service.entries, parent=self)
        if dialog.exec() != EntryDialog.DialogCode.Accepted:
            return
        after = dialog.edited()
        if after is not None and after != before:
            self.save_edit(before, after)

    def add_entry(self) -> None:
        """Record spend by hand in the entry dialog; the new entry can be undone."""
        try:
            plans = self.service.plans.all()
        except TokenbudgetError as exc:
            self.show_message(error_text(exc), True)
            return
        assert isinstance(self, QWidget)
        blank = Entry(
            at=datetime.now(UTC).replace(microsecond=0),
            provider="custom",
            model="",
            tokens=TokenCounts(),
            cost_micros=None,
            currency=None,
            source=SOURCE_MANUAL,
        )
        dialog = EntryDialog(blank, plans=plans, entries=self.service.entries, parent=self)
        dialog.setWindowTitle(self._tr("Add an entry"))
        dialog.cost.setPlaceholderText(self._tr("empty: priced from the catalogue"))
        if dialog.exec() != EntryDialog.DialogCode.Accepted:
            return
        made = dialog.edited()
        if made is not None:
            self.save_new(made)

    def save_new(self, made: NewEntry) -> None:
        """Record ``made`` (priced from the catalogue when it has no cost), undoably."""
        new = NewEntry(
            at=made.at,
            provider=made.provider,
            model=made.model,
            tokens=made.tokens,
            cost_micros=made.cost_micros,
            currency=made.currency,
            source=SOURCE_MANUAL,
            note=made.note,
            plan_id=made.plan_id,
        )
        try:
            entries = self.service.entries
            entry = entries.record(new)
        except TokenbudgetError as exc:
            self.show_message(self._tr("Not saved: {why}").format(why=error_text(exc)), True)
            return
        command = LedgerCommand(
            self,
            self._tr("Add entry {id}").format(id=entry.id),
            lambda: entries.restore([entry]),
            lambda: entries.delete([entry.id]),
        )
        self.undo_stack.push(command)
        self._after_change(self._tr("Added entry {id}.").format(id=entry.id))

    def save_edit(self, before: Entry, after: Entry) -> None:
        """Store ``after`` in place of ``before``, as a step that can be undone."""
        try:
            entries = self.service.entries
            entries.update(after)
        except TokenbudgetError as exc:
            self.show_message(self._tr("Not saved: {why}").format(why=error_text(exc)), True)
            return
        command = LedgerCommand(
            self,
            self._tr("Edit entry {id}").format(id=before.id),
            lambda: entries.update(after),
            lambda: entries.update(before),
        )
        self.undo_stack.push(command)
        self._after_change(self._tr("Saved entry {id}.").format(id=before.id))

    def delete_selected(self) -> None:
        """Delete the selected entries, as a step that can be undone."""
        rows = self._selected_rows()
        if not rows:
            return
        if len(rows) > MAX_DELETE:
            self.show_message(
                self._tr("Select at most {count} entries to delete at once.").format(
                    count=format_int(self.model.locale, MAX_DELETE)
                ),
                True,
            )
            return
        ids = [e.id for e in self.selected_entries()]
        try:
            entries = self.service.entries
            removed = entries.delete(ids)
        except TokenbudgetError as exc:
            self.show_message(self._tr("Not deleted: {why}").format(why=error_text(exc)), True)
            return
        command = LedgerCommand(
            self,
            self._tr("Delete %n entries", "", len(removed)),
            lambda: entries.delete(ids),
            lambda: entries.restore(removed),
        )
        self.undo_stack.push(command)
        keys = self.undo_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self._after_change(
            self._tr("Deleted %n entries. Undo with {keys}.", "", len(removed)).format(keys=keys)
        )

    def apply_change(
        self, command: QUndoCommand, change: Callable[[], object], *, undoing: bool
    ) -> None:
        """Run an undo or redo step on the ledger; on failure, say why and drop the step."""
        try:
            change()
        except TokenbudgetError as exc:
            command.setObsolete(True)  # the stack removes it: it cannot be done any more
            failed = (
                self._tr("Could not undo “{what}”: {why}")
                if undoing
                else self._tr("Could not redo “{what}”: {why}")
            )
            self.show_message(failed.format(what=command.text(), why=error_text(exc)), True)
            self.refresh()
            return
        done = self._tr("Undone: {what}.") if undoing else self._tr("Redone: {what}.")
        self._after_change(done.format(what=command.text()))

    def _after_change(self, message: str) -> None:
        self.show_message(message)
        self.model.reread()
        self.refresh()
        self.changed.emit()
