"""Words (services.common.words): a text's words, a term's words, and whether a place in a
text stands as words, as the index and the snippets tell them."""

from __future__ import annotations

import threading
import time

import pytest

from services.common import words
from services.common.text import fold
from services.common.words import index_words, segmenter, stands_as_words, term_words


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("本通知由物业主任签发", {"物业", "主任"}, {"业主"}),
    ("物业主管负责落实", {"物业", "主管"}, {"业主"}),
    ("经联合同意", {"联合", "同意"}, {"合同"}),
    ("请各位业主缴费", {"业主"}, set()),
    ("业主委员会换届", {"业主", "委员会"}, set()),  # a longer word's words too
    ("漏水管道已更换", {"漏水", "管道"}, {"水管"}),
    # a scanned letter's lines end anywhere: a line break between characters joins them
    ("请各位业\n主于三日内缴费", {"业主"}, set()),
    ("请各位业 \r\n\u3000主于三日内缴费", {"业主"}, set()),
    ("本通知由物业主\n任签发", {"物业", "主任"}, {"业主"}),
    # the owner Mr Zhang, Mr Ren: not 业 + 主张 (to claim) or 主任 (director)
    ("A-1201室业主张先生来电投诉", {"业主", "先生"}, {"主张"}),
    ("业主任先生来电", {"业主"}, {"主任"}),
    ("物业主任张先生来电", {"物业", "主任"}, {"业主"}),
    ("业主张贴公告", {"业主", "张贴"}, set()),
])
def test_a_text_s_words(text: str, present: set[str], absent: set[str]) -> None:
    held = set(index_words(text).split())
    assert present <= held
    assert not absent & held


def test_traditional_text_has_the_words_of_its_simplified_form() -> None:
    assert set(index_words(fold("本通知由物業主任簽發")).split()) == set(
        index_words("本通知由物业主任签发").split())


def test_only_words_with_a_cjk_character_are_kept_each_once() -> None:
    assert index_words("a-1201 业主 业主 2024") == "业主"


@pytest.mark.parametrize(("term", "expected"), [
    ("业主", ("业主",)), ("厨房漏水", ("厨房", "漏水")), ("a-1201", ()), ("3栋", ()),
    ("维修 申请", ()),
])
def test_a_term_s_words(term: str, expected: tuple[str, ...]) -> None:
    assert term_words(term) == expected


@pytest.mark.parametrize(("text", "typed", "as_words"), [
    ("请各位业主缴费", "业主", True),
    ("本通知由物业主任签发", "业主", False),
    ("业主委员会换届", "业主", True),
    ("经联合同意", "合同", False),
    ("厨房漏水请修", "厨房漏水", True),
    ("业主，物业主任", "业主", True),  # the first place; the second is checked below
    ("请各位业\n主缴费", "业\n主", True),  # wrapped across a line break, as a snippet finds it
    ("请各位业主\n缴费", "业主", True),
    ("本通知由物\n业主任签发", "业主", False),
    ("本通知由物业主\n任签发", "业主", False),
    ("经联\n合同意", "合同", False),
])
def test_whether_a_place_stands_as_words(text: str, typed: str, as_words: bool) -> None:
    at = text.find(typed)
    assert stands_as_words(text, at, at + len(typed)) is as_words


def test_a_place_is_judged_within_its_own_run_of_characters() -> None:
    text = "业主，物业主任"
    at = text.rfind("业主")
    assert not stands_as_words(text, at, at + 2)


def test_the_dictionary_is_loaded_once_whatever_the_threads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(words, "_segmenter", None)
    made: list[object] = []
    threads = [threading.Thread(target=lambda: made.append(segmenter())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(one) for one in made}) == 1


def test_a_long_list_without_punctuation_is_judged_place_by_place_quickly() -> None:
    # A register a name a line, no punctuation: its lines run on across the line breaks,
    # but a place is judged by the lines near it, not by the whole text cut each time.
    text = "\n".join(f"业主张三签收物业主任李四{number}号" for number in range(20_000))
    segmenter()
    started = time.perf_counter()
    at, judged = text.find("业主"), []
    while at >= 0 and len(judged) < 200:
        judged.append(stands_as_words(text, at, at + 2))
        at = text.find("业主", at + 2)
    assert time.perf_counter() - started < 2  # 0.01 s; 20 s when the whole text was cut
    assert judged == [True, False] * 100  # 业主张三, then 物业主任
