from decimal import Decimal as D

import pytest

from tokenbudget.core.errors import UnknownModelError
from tokenbudget.core.estimate import (
    ESTIMATORS,
    TextKind,
    classify_line,
    get_estimator,
    split_by_kind,
)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("The quick brown fox jumps over the lazy dog.", TextKind.PROSE),
        ("Please summarise the attached report in three bullet points.", TextKind.PROSE),
        ("def count(text: str) -> int:", TextKind.CODE),
        ("    return len(self._encoding.encode_ordinary(text))", TextKind.CODE),
        ('{"model": "gpt-5.5", "tokens": 12}', TextKind.CODE),
        ("const x = items.map((i) => i * 2);", TextKind.CODE),
        ("请用三句话总结这份报告的要点。", TextKind.CJK),
        ("この文章を要約してください。", TextKind.CJK),
        ("이 보고서를 요약해 주세요.", TextKind.CJK),
        ("", TextKind.PROSE),
    ],
)
def test_classify_line(line: str, kind: TextKind) -> None:
    assert classify_line(line) == kind


def test_fenced_blocks_are_code_even_when_they_read_like_prose() -> None:
    text = "Explain this:\n```\nhello there my friend\n```\nThanks a lot.\n"
    parts = split_by_kind(text)
    assert parts[TextKind.CODE] == "```\nhello there my friend\n```\n"
    assert parts[TextKind.PROSE] == "Explain this:\nThanks a lot.\n"
    assert parts[TextKind.CJK] == ""


def test_cjk_runs_inside_other_text_count_as_cjk() -> None:
    parts = split_by_kind("Translate 你好世界 into English\nx = 1  # 中文注释\n")
    assert parts[TextKind.CJK] == "你好世界中文注释"
    assert parts[TextKind.PROSE] == "Translate  into English\n"
    assert parts[TextKind.CODE] == "x = 1  # \n"


def test_split_keeps_every_character() -> None:
    text = "Intro line\ndef f():\n    return 1\n你好世界，今天天气很好\nend"
    parts = split_by_kind(text)
    assert sorted("".join(parts.values())) == sorted(text)


def fake_count(text: str) -> int:
    """A stand-in base tokenizer: one token per character."""
    return len(text)


def test_claude_estimate_scales_each_kind_by_its_ratio() -> None:
    est = get_estimator("claude")
    prose = "a" * 100 + "\n"  # 101 chars of prose
    code = "x = f(y);" * 10 + "\n"  # 91 chars of code
    cjk = "中" * 50 + "\n"  # 51 chars of CJK
    # The CJK line's line break is left over after its CJK run is taken: it counts as prose.
    expected = D(102) * D("1.06") + D(91) * D("1.24") + D(50) * D("1.35")
    assert est.estimate(prose + code + cjk, fake_count) == round(expected)


def test_uniform_estimator_counts_the_whole_text_once() -> None:
    calls: list[str] = []

    def counting(text: str) -> int:
        calls.append(text)
        return 40

    est = get_estimator("o200k-proxy")
    assert est.uniform
    assert est.estimate("some text\nmore text", counting) == 40
    assert calls == ["some text\nmore text"]


def test_empty_text_estimates_zero() -> None:
    for est in ESTIMATORS.values():
        assert est.estimate("", fake_count) == 0


def test_every_estimator_is_labelled_as_an_estimate() -> None:
    for est in ESTIMATORS.values():
        assert est.method.startswith("estimate:")
        assert est.calibrated == (not est.uniform)


def test_unknown_estimator() -> None:
    with pytest.raises(UnknownModelError):
        get_estimator("nope")


def test_estimates_need_the_chunking_rule_but_not_the_incremental_counter() -> None:
    # estimate and incremental once imported each other; the rule both use is in chunking.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tokenbudget.core import estimate\n"
        "assert estimate.get_estimator('claude').estimate('x = 1\\n中文\\nwords', len) > 0\n"
        "assert 'tokenbudget.core.chunking' in sys.modules\n"
        "assert 'tokenbudget.core.incremental' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
