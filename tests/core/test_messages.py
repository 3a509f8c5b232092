"""Core messages: English text for the command line, template and fields for the GUI."""

from __future__ import annotations

import pickle

import pytest

from tokenbudget.core import message_texts as texts
from tokenbudget.core.errors import PlanInputError, UserInputError
from tokenbudget.core.messages import CONTEXT, Message, message, text_of
from tokenbudget.core.money import parse_decimal
from tokenbudget.core.plan_input import parse_plan


def test_a_message_is_its_english_text_and_keeps_its_template() -> None:
    m = message(texts.AT_MOST, what=message(texts.THRESHOLD), high=1000)
    assert m == "threshold must be at most 1,000"  # a str: the CLI prints it as it is
    assert isinstance(m, str)
    assert m.template == "{what} must be at most {high}"
    assert m.params["high"] == 1000
    assert m.params["what"].template == "threshold"
    assert m.id == f"{CONTEXT}/{{what}} must be at most {{high}}"
    again = pickle.loads(pickle.dumps(m))  # crosses the counting process's pipe
    assert again == m and again.template == m.template


def test_an_error_raised_with_a_message_keeps_it() -> None:
    with pytest.raises(UserInputError) as caught:
        parse_decimal("abc", message(texts.AMOUNT))
    assert str(caught.value) == "amount 'abc' is not a number"
    assert isinstance(caught.value.message, Message)
    assert caught.value.message.template == texts.NOT_A_NUMBER
    plain = UserInputError("no template")
    assert plain.message == "no template" and not isinstance(plain.message, Message)
    assert text_of(ValueError(message(texts.PLAN_NEEDS_NAME))).template == texts.PLAN_NEEDS_NAME


def test_plan_field_errors_are_messages() -> None:
    with pytest.raises(PlanInputError) as caught:
        parse_plan(
            {"name": "", "amount": "-1", "reset_day": "40", "start": "1999-01-01"},
        )
    errors = caught.value.errors
    assert {k: getattr(v, "template", None) for k, v in errors.items()} == {
        "name": texts.PLAN_NEEDS_NAME,
        "amount": texts.NOT_ABOVE_ZERO,
        "reset_day": texts.RESET_DAY_RANGE,
        "start": texts.MOMENT_OUT_OF_RANGE,
    }
    assert errors["start"] == "start must be between 2000 and 2099, not 1999-01-01"
