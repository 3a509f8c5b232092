"""The model picker: grouping, search, check boxes, favourites, defaults, result order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTranslator
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from tokenbudget.core import estimate
from tokenbudget.core.catalog import Catalog, Counting, ModelInfo, Pricing, Rates
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.model_picker import (
    FAVOURITE_ROLE,
    MODEL_ID_ROLE,
    NO_STAR,
    STAR,
    Column,
    ModelPickerDialog,
)

CHECKED, UNCHECKED, PARTIAL = (
    Qt.CheckState.Checked,
    Qt.CheckState.Unchecked,
    Qt.CheckState.PartiallyChecked,
)


def info(
    model_id: str,
    provider: str = "openai",
    name: str = "OpenAI",
    *,
    price: tuple[str, str] | None = ("2.5", "10"),
    currency: str = "USD",
    window: int | None = 1_000_000,
    estimator: str | None = None,
) -> ModelInfo:
    counting = (
        Counting(True, "o200k_base")
        if estimator is None
        else Counting(False, "o200k_base", estimator)
    )
    pricing = None
    if price is not None:
        per_token = Rates(D(price[0]) / 1_000_000, D(price[1]) / 1_000_000)
        pricing = Pricing(
            currency, per_token, source="https://example.com/prices", checked=date(2026, 1, 5)
        )
    return ModelInfo(model_id, provider, name, counting, window, None, pricing)


MODELS = [
    info("gpt-5.5"),
    info("gpt-5.4-mini", price=("0.075", "0.3")),
    info("o9-pro", window=None, price=None),
    info("claude-sonnet-4-6", "anthropic", "Anthropic", estimator="claude"),
    info("claude-haiku-4-5", "anthropic", "Anthropic", estimator="claude"),
    info("qwen-plus", "dashscope", "Alibaba Qwen", price=("0.8", "2"), currency="CNY"),
    info("qwen-mini", "dashscope", "Alibaba Qwen"),
]
IDS = [m.id for m in MODELS]


@pytest.fixture
def make_dialog(qtbot: QtBot) -> Callable[..., ModelPickerDialog]:
    def make(
        shown: list[str] | None = None,
        favourites: list[str] | None = None,
        models: list[ModelInfo] | None = None,
        **kwargs: object,
    ) -> ModelPickerDialog:
        dialog = ModelPickerDialog(
            models or MODELS,
            ["gpt-5.5", "qwen-plus"] if shown is None else shown,
            favourites or [],
            **kwargs,  # type: ignore[arg-type]
        )
        qtbot.addWidget(dialog)
        return dialog

    return make


def rows(dialog: ModelPickerDialog, parent: QModelIndex | None = None) -> Iterator[QModelIndex]:
    parent = parent or QModelIndex()
    for row in range(dialog.proxy.rowCount(parent)):
        yield dialog.proxy.index(row, 0, parent)


def visible_ids(dialog: ModelPickerDialog) -> list[str]:
    """Model ids in view order."""
    return [child.data(MODEL_ID_ROLE) for group in rows(dialog) for child in rows(dialog, group)]


def group_labels(dialog: ModelPickerDialog) -> list[str]:
    return [group.data() for group in rows(dialog)]


def group_state(dialog: ModelPickerDialog, row: int) -> Qt.CheckState:
    return Qt.CheckState(dialog.proxy.index(row, 0).data(Qt.ItemDataRole.CheckStateRole))


def cell(
    dialog: ModelPickerDialog,
    model_id: str,
    column: Column,
    role: int = Qt.ItemDataRole.DisplayRole,
) -> object:
    return dialog.index_of(model_id, column).data(role)


def test_models_are_grouped_by_provider_in_catalogue_order(
    make_dialog: Callable[..., ModelPickerDialog],
) -> None:
    dialog = make_dialog()
    assert group_labels(dialog) == ["OpenAI (1/3)", "Anthropic (0/2)", "Alibaba Qwen (1/2)"]
    assert visible_ids(dialog) == IDS  # the shown ones already come first here
    assert [group_state(dialog, row) for row in range(3)] == [PARTIAL, UNCHECKED, PARTIAL]
    assert dialog.summary.text() == "Shown: 2 of 7 models · Favourites: 0"


def test_columns_show_counting_context_and_prices(
    make_dialog: Callable[..., ModelPickerDialog],
) -> None:
    dialog = make_dialog()
    assert cell(dialog, "gpt-5.5", Column.COUNTING) == "Exact"
    assert cell(dialog, "claude-haiku-4-5", Column.COUNTING) == "Estimate"
    assert cell(dialog, "claude-haiku-4-5", Column.COUNTING, Qt.ItemDataRole.ToolTipRole) == (
        estimate.get_estimator("claude").method
    )
    assert "o200k_base" in str(
        cell(dialog, "gpt-5.5", Column.COUNTING, Qt.ItemDataRole.ToolTipRole)
    )
    assert cell(dialog, "gpt-5.5", Column.CONTEXT) == "1,000,000"
    assert cell(dialog, "o9-pro", Column.CONTEXT) == "—"
    assert (cell(dialog, "gpt-5.5", Column.INPUT), cell(dialog, "gpt-5.5", Column.OUTPUT)) == (
        "$2.50",
        "$10.00",
    )
    assert cell(dialog, "gpt-5.4-mini", Column.INPUT) == "$0.075"
    assert cell(dialog, "qwen-plus", Column.INPUT) == "¥0.80"
    assert cell(dialog, "o9-pro", Column.INPUT) == "—"
    assert "not free" in str(cell(dialog, "o9-pro", Column.INPUT, Qt.ItemDataRole.ToolTipRole))
    assert "example.com" in str(cell(dialog, "gpt-5.5", Column.INPUT, Qt.ItemDataRole.ToolTipRole))


def test_search_filters_as_you_type(
    make_dialog: Callable[..., ModelPickerDialog], qtbot: QtBot
) -> None:
    dialog = make_dialog()
    qtbot.keyClicks(dialog.search, "MINI")
    assert visible_ids(dialog) == ["gpt-5.4-mini", "qwen-mini"]
    assert group_labels(dialog) == ["OpenAI (1/3)", "Alibaba Qwen (1/2)"]
    assert all(dialog.tree.isExpanded(group) for group in rows(dialog))
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "openai mini")  # every word must match
    assert visible_ids(dialog) == ["gpt-5.4-mini"]
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "anthropic")  # a provider shows all of its models
    assert visible_ids(dialog) == ["claude-sonnet-4-6", "claude-haiku-4-5"]
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "nothing like it")
    assert visible_ids(dialog) == []
    dialog.search.clear()
    assert visible_ids(dialog) == IDS


class ChineseProviders(QTranslator):
    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None, not "": an empty string would be taken as the translation of everything
        return {"Alibaba Qwen": "阿里云通义"}.get(source) if context == "Providers" else None


def test_search_matches_translated_provider_names(
    make_dialog: Callable[..., ModelPickerDialog],
) -> None:
    translator = ChineseProviders()
    QCoreApplication.installTranslator(translator)
    try:
        dialog = make_dialog()
        dialog.set_search("通义")  # CJK goes in through setText, never keyClicks
        assert visible_ids(dialog) == ["qwen-plus", "qwen-mini"]
        assert group_labels(dialog) == ["阿里云通义 (1/2)"]
        dialog.set_search("alibaba plus")  # the English name still matches
        assert visible_ids(dialog) == ["qwen-plus"]
    finally:
        QCoreApplication.removeTranslator(translator)


def test_checking_a_model_updates_its_provider(
    make_dialog: Callable[..., ModelPickerDialog], qtbot: QtBot
) -> None:
    dialog = make_dialog()
    dialog.tree.setCurrentIndex(dialog.index_of("claude-haiku-4-5"))
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)
    assert (
        cell(dialog, "claude-haiku-4-5", Column.MODEL, Qt.ItemDataRole.CheckStateRole)
        == CHECKED.value
    )
    assert group_state(dialog, 1) == PARTIAL
    dialog.proxy.setData(
        dialog.index_of("claude-sonnet-4-6"), CHECKED.value, Qt.ItemDataRole.CheckStateRole
    )
    assert group_state(dialog, 1) == CHECKED
    assert group_labels(dialog)[1] == "Anthropic (2/2)"
    dialog.proxy.setData(
        dialog.index_of("gpt-5.5"), UNCHECKED.value, Qt.ItemDataRole.CheckStateRole
    )
    assert group_state(dialog, 0) == UNCHECKED
    assert dialog.shown_ids() == ["claude-sonnet-4-6", "claude-haiku-4-5", "qwen-plus"]


def test_checking_a_provider_sets_its_visible_models(
    make_dialog: Callable[..., ModelPickerDialog],
) -> None:
    dialog = make_dialog()
    openai = dialog.proxy.index(0, 0)
    dialog.proxy.setData(openai, CHECKED.value, Qt.ItemDataRole.CheckStateRole)
    assert dialog.shown_ids() == ["gpt-5.5", "gpt-5.4-mini", "o9-pro", "qwen-plus"]
    dialog.proxy.setData(openai, UNCHECKED.value, Qt.ItemDataRole.CheckStateRole)
    assert dialog.shown_ids() == ["qwen-plus"]
    dialog.set_search("mini")
    dialog.proxy.setData(dialog.proxy.index(0, 0), CHECKED.value, Qt.ItemDataRole.CheckStateRole)
    assert dialog.shown_ids() == ["gpt-5.4-mini", "qwen-plus"]  # only what the search shows
    assert group_state(dialog, 0) == PARTIAL


def test_favourite_star_toggles_on_click_and_sorts_first(
    make_dialog: Callable[..., ModelPickerDialog], qtbot: QtBot
) -> None:
    dialog = make_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    star = dialog.index_of("o9-pro", Column.FAVOURITE)
    assert star.data() == NO_STAR
    centre = dialog.tree.visualRect(star).center()
    qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert cell(dialog, "o9-pro", Column.FAVOURITE) == STAR
    assert cell(dialog, "o9-pro", Column.FAVOURITE, FAVOURITE_ROLE) is True
    assert visible_ids(dialog)[:3] == ["o9-pro", "gpt-5.5", "gpt-5.4-mini"]
    assert dialog.favourite_ids() == ["o9-pro"]
    assert dialog.shown_ids() == ["gpt-5.5", "qwen-plus"]  # a favourite is not thereby shown
    assert dialog.summary.text().endswith("Favourites: 1")


def test_favourite_star_toggles_with_the_keyboard(
    make_dialog: Callable[..., ModelPickerDialog], qtbot: QtBot
) -> None:
    dialog = make_dialog(favourites=["qwen-mini"])
    assert visible_ids(dialog)[-2:] == ["qwen-mini", "qwen-plus"]  # favourites first
    dialog.tree.setCurrentIndex(dialog.index_of("qwen-mini", Column.FAVOURITE))
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)
    assert dialog.favourite_ids() == []
    assert visible_ids(dialog)[-2:] == ["qwen-plus", "qwen-mini"]


def test_models_shown_at_opening_come_first_and_do_not_move(
    make_dialog: Callable[..., ModelPickerDialog],
) -> None:
    dialog = make_dialog(shown=["o9-pro", "claude-haiku-4-5"], favourites=["gpt-5.4-mini"])
    assert visible_ids(dialog) == [
        "gpt-5.4-mini", "o9-pro", "gpt-5.5",  # favourite, shown, other
        "claude-haiku-4-5", "claude-sonnet-4-6",
        "qwen-plus", "qwen-mini",
    ]  # fmt: skip
    dialog.proxy.setData(dialog.index_of("gpt-5.5"), CHECKED.value, Qt.ItemDataRole.CheckStateRole)
    assert visible_ids(dialog)[:3] == ["gpt-5.4-mini", "o9-pro", "gpt-5.5"]


def test_defaults_restores_the_catalogue_default_set(
    make_dialog: Callable[..., ModelPickerDialog], qtbot: QtBot
) -> None:
    dialog = make_dialog(default_ids=["qwen-mini", "gpt-5.5", "no-such-model"])
    none = dialog.none_button
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(none, Qt.MouseButton.LeftButton)
    assert dialog.shown_ids() == []
    assert not ok.isEnabled()
    defaults = dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
    qtbot.mouseClick(defaults, Qt.MouseButton.LeftButton)
    assert dialog.shown_ids() == ["gpt-5.5", "qwen-mini"]
    assert ok.isEnabled()
    assert [group_state(dialog, row) for row in range(3)] == [PARTIAL, UNCHECKED, PARTIAL]


def test_results_are_in_catalogue_order_and_unknown_ids_are_dropped(
    make_dialog: Callable[..., ModelPickerDialog], qtbot: QtBot
) -> None:
    dialog = make_dialog(
        shown=["qwen-mini", "removed-model", "claude-haiku-4-5", "gpt-5.5"],
        favourites=["qwen-plus", "gone", "gpt-5.4-mini"],
    )
    assert dialog.shown_ids() == ["gpt-5.5", "claude-haiku-4-5", "qwen-mini"]
    assert dialog.favourite_ids() == ["gpt-5.4-mini", "qwen-plus"]
    with qtbot.waitSignal(dialog.accepted):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(Service(TokenizerRegistry.bundled()).counting.models())


def test_the_real_catalogue_and_its_defaults(
    make_dialog: Callable[..., ModelPickerDialog], catalog: Catalog, qtmodeltester: object
) -> None:
    models = catalog.all()
    dialog = make_dialog(shown=[], models=models)
    assert dialog.shown_ids() == []
    dialog.restore_defaults()
    expected = {m.id for m in catalog.defaults(date.today())}
    assert dialog.shown_ids() == [m.id for m in models if m.id in expected]
    assert len(list(rows(dialog))) == len(catalog.providers())
    qtmodeltester.check(dialog.source)  # type: ignore[attr-defined]
    qtmodeltester.check(dialog.proxy)  # type: ignore[attr-defined]
    dialog.set_search("deepseek")
    qtmodeltester.check(dialog.proxy)  # type: ignore[attr-defined]


def test_a_retired_model_is_marked_listed_last_and_not_a_default(
    make_dialog: Callable[..., ModelPickerDialog],
) -> None:
    from dataclasses import replace

    gone = replace(info("gpt-4-turbo"), deprecated=date(2026, 1, 1))
    dialog = make_dialog(shown=[], models=[gone, *MODELS])
    openai = [child for child in rows(dialog, next(rows(dialog)))]
    assert openai[-1].data(MODEL_ID_ROLE) == "gpt-4-turbo"
    assert openai[-1].data() == "gpt-4-turbo (retired)"
    assert "Retired on" in openai[-1].data(Qt.ItemDataRole.ToolTipRole)
    dialog.search.setText("retired")
    assert visible_ids(dialog) == ["gpt-4-turbo"]
    assert "gpt-4-turbo" not in dialog._defaults
