"""The translation catalogues: complete, in step with the code, and their ``.qm`` not stale."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
sys.path.insert(0, str(ROOT / "scripts"))
import update_translations  # noqa: E402

CATALOGUES = sorted(update_translations.CATALOGUES)
#: ``{name}`` fields, ``%n``/``%Ln`` and ``%1``-style arguments must survive translation.
PLACEHOLDER = re.compile(r"\{\w*\}|%L?n|%\d")


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) -> the ``<message>`` element."""
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found[(name, message.findtext("source") or "")] = message
    return found


def translations(message: ET.Element) -> list[str]:
    """The translation, or each plural form."""
    translation = message.find("translation")
    assert translation is not None
    forms = translation.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [translation.text or ""]


@pytest.mark.parametrize("name", CATALOGUES)
def test_the_committed_qm_is_built_from_the_committed_ts(name: str, tmp_path: Path) -> None:
    ts = I18N / name
    qm = tmp_path / ts.with_suffix(".qm").name
    update_translations.lrelease(ts, qm)
    assert qm.read_bytes() == ts.with_suffix(".qm").read_bytes(), (
        "stale .qm: run scripts/update_translations.py --release"
    )


def test_the_manifest_pins_every_qm() -> None:
    manifest = json.loads((I18N / "manifest.json").read_text("utf-8"))
    pinned = {f["file"]: f["sha256"] for f in manifest["files"]}
    shipped = {p.name for p in I18N.glob("*.qm")}
    assert set(pinned) == shipped == {Path(n).with_suffix(".qm").name for n in CATALOGUES}
    for file, sha in pinned.items():
        assert hashlib.sha256((I18N / file).read_bytes()).hexdigest() == sha


@pytest.mark.parametrize("name", CATALOGUES)
def test_the_ts_holds_exactly_the_strings_in_the_code(name: str, tmp_path: Path) -> None:
    """lupdate over the code changes nothing: no string missing, none left from old code."""
    fresh = tmp_path / name
    shutil.copy(I18N / name, fresh)
    update_translations.lupdate(fresh, plural_only=update_translations.CATALOGUES[name])
    before, after = messages(I18N / name), messages(fresh)
    assert sorted(set(after) - set(before)) == [], "new strings: run update_translations.py"
    assert sorted(set(before) - set(after)) == [], "strings no longer in the code"


@pytest.mark.parametrize("name", CATALOGUES)
def test_no_entry_is_unfinished_and_placeholders_are_kept(name: str) -> None:
    problems = []
    chinese = name != "tokenbudget_en.ts"
    for (context, source), message in messages(I18N / name).items():
        translation = message.find("translation")
        assert translation is not None
        if translation.get("type") in {"unfinished", "vanished", "obsolete"}:
            problems.append(f"{context}: {source!r} is {translation.get('type')}")
            continue
        wanted = set(PLACEHOLDER.findall(source))
        for form in translations(message):
            if not form:
                problems.append(f"{context}: {source!r} has an empty translation")
            elif set(PLACEHOLDER.findall(form)) - wanted:
                problems.append(f"{context}: {form!r} has a field the source has not")
            elif message.get("numerus") != "yes" and set(PLACEHOLDER.findall(form)) != wanted:
                problems.append(f"{context}: {form!r} drops a field of {source!r}")
            accelerator = "&" in source.replace("&&", "")
            if accelerator and chinese and not re.search(r"\(&\w\)", form):
                problems.append(f"{context}: {form!r} has no (&X) accelerator")
    assert problems == []


def test_english_plural_forms_say_one_and_many() -> None:
    english = messages(I18N / "tokenbudget_en.ts")
    assert english, "the English catalogue holds the plural forms"
    for (_context, source), message in english.items():
        assert message.get("numerus") == "yes"
        forms = translations(message)
        assert len(forms) == 2, source
        assert forms[1] == source, "the plural form is the source text"
    one = translations(english[("BudgetsView", "%n plans · as of {time}")])[0]
    assert one == "%n plan · as of {time}"


def test_chinese_keeps_the_glossary() -> None:
    """A few terms of docs/translation.md's glossary, the same wherever they appear."""
    chinese = messages(I18N / "tokenbudget_zh_CN.ts")
    text = "\n".join(t for m in chinese.values() for t in translations(m))
    assert "令牌" not in text and "词元" not in text  # "Token" stays "Token"
    assert "计划" not in text  # a plan is a 套餐
    for term in ("套餐", "预算", "上下文窗口", "输入", "输出", "缓存读取", "历史记录", "托盘"):
        assert term in text


def test_lupdate_extracts_every_core_message_template() -> None:
    """``QT_TRANSLATE_NOOP`` in the core is found by name, so every template is translated."""
    from tokenbudget.core import message_texts
    from tokenbudget.core.messages import CONTEXT

    templates = {
        value
        for name, value in vars(message_texts).items()
        if name.isupper() and isinstance(value, str)
    }
    assert len(templates) > 80
    chinese = messages(I18N / "tokenbudget_zh_CN.ts")
    missing = sorted(t for t in templates if (CONTEXT, t) not in chinese)
    assert missing == []
