"""The dialog that installs tokenbudget as Claude Code's status line, only when asked.

It says what will change (one key of Claude Code's settings file, with a backup kept beside
it), shows the user's own status-line command that keeps running after ours, and installs or
uninstalls on a click (``service.limits``). A settings file that is not JSON is reported and
left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import LimitsService
from tokenbudget.core.types import StatusLinePlan
from tokenbudget.gui.a11y import link_labels
from tokenbudget.gui.formatting import error_text
from tokenbudget.gui.palette import Tone, tint


def _now() -> datetime:
    return datetime.now().astimezone()


class StatusLineDialog(QDialog):
    """Install or uninstall ``tokenbudget statusline`` in Claude Code's settings.

    Args:
        limits: The limits service (``service.limits``), which edits the file.
        parent: The owning window.
        settings_file: Claude Code's settings file (default: the one Claude Code reads).
        now: The clock (for the backup's name).
    """

    def __init__(
        self,
        limits: LimitsService,
        parent: QWidget | None = None,
        *,
        settings_file: Path | None = None,
        now: Callable[[], datetime] = _now,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Claude Code status line"))
        self.setMinimumWidth(560)  # room for the command on one or two lines
        self._limits = limits
        self._file = settings_file
        self._now = now
        self.about = QLabel(
            self.tr(
                "Claude Code can show a line from tokenbudget under its prompt after each "
                "message: the model, the context used, today's spend, the official 5-hour and "
                "weekly limits and your plan. It also stores those official limits here."
            )
        )
        self.change = QLabel()
        self.previous = QLabel()
        self.runs = QLabel(self.tr("Claude Code will run:"))
        self.command = QLabel()
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.command.setStyleSheet("font-family: monospace")
        self.state = QLabel()
        self.error = QLabel()
        tint(self.error, Tone.ERROR)
        for label in (self.about, self.change, self.previous, self.command, self.error):
            label.setWordWrap(True)
        self.install_button = QPushButton(self.tr("Install"))
        self.install_button.clicked.connect(self.install)
        self.uninstall_button = QPushButton(self.tr("Uninstall"))
        self.uninstall_button.clicked.connect(self.uninstall)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.install_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.uninstall_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.about, self.change, self.previous, self.runs, self.command, self.state):
            layout.addWidget(widget)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        link_labels(self)
        self.refresh()

    def refresh(self) -> StatusLinePlan | None:
        """Read the settings file again and show what installing would do."""
        try:
            plan = self._limits.statusline_plan(self._file)
        except TokenbudgetError as exc:
            self._show_error(error_text(exc))
            self.install_button.setEnabled(False)
            self.uninstall_button.setEnabled(False)
            return None
        self.change.setText(
            self.tr(
                'Installing sets the "statusLine" entry of {file} and changes nothing else; '
                "a copy of the file is kept beside it first."
            ).format(file=plan.settings_file)
            if plan.exists
            else self.tr('Installing creates {file} with only the "statusLine" entry.').format(
                file=plan.settings_file
            )
        )
        self.previous.setText(
            self.tr(
                "Your status line command is kept and still shows after ours: {command}"
            ).format(command=plan.previous_command)
            if plan.previous_command
            else self.tr("You have no status line of your own now.")
        )
        self.command.setText(plan.command)
        self.state.setText(
            self.tr("Installed. Uninstall puts back the status line you had before.")
            if plan.installed
            else self.tr("Not installed.")
        )
        self.install_button.setEnabled(not plan.installed)
        self.uninstall_button.setEnabled(plan.installed)
        return plan

    def install(self) -> None:
        """Install on the user's click."""
        try:
            self._limits.install_statusline(self._now(), self._file)
        except TokenbudgetError as exc:
            self._show_error(error_text(exc))
            return
        self.error.clear()
        self.refresh()

    def uninstall(self) -> None:
        """Put back the user's own status line on their click."""
        try:
            self._limits.uninstall_statusline(self._now(), self._file)
        except TokenbudgetError as exc:
            self._show_error(error_text(exc))
            return
        self.error.clear()
        self.refresh()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
