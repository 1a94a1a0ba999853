"""Marking a query's words in a page's text and over its boxes (services.web.marking)."""

from __future__ import annotations

import pytest

from services.common.contracts.ingest import PageBox
from services.web.marking import Run, marked_boxes, marked_spans, query_words, runs


def test_words_are_folded_and_quoted_phrases_kept_whole() -> None:
    assert query_words('維修  "大堂 水牌" Ａ-1201') == ["大堂水牌", "维修", "a-1201"]


def test_a_simplified_word_marks_the_traditional_text_across_a_line_break() -> None:
    text = "關於大堂水\n牌更換的申請"
    spans = marked_spans(text, query_words("水牌"))
    assert runs(text, spans) == [Run("關於大堂", False), Run("水\n牌", True),
                                 Run("更換的申請", False)]


def marked(text: str, q: str) -> list[str]:
    """The pieces of ``text`` the query ``q`` marks, in order."""
    return [run.text for run in runs(text, marked_spans(text, query_words(q))) if run.marked]


def test_a_word_not_on_the_page_is_marked_by_its_pieces() -> None:
    assert marked("请更换大堂水牌", "广告水牌更换") == ["更换", "水牌"]


def test_a_word_is_marked_where_it_stands_as_one_not_across_two_words() -> None:
    """业主 on a page signed by the 物业主任 is marked where it means owner, as search's
    snippets mark it; where it stands only across two words, it is marked there."""
    page = "物业主任通知：请各位业主于周五前缴费。物業主任 王某\n業主委员会"
    assert marked(page, "业主") == ["业主", "業主"]
    assert marked("本通知由物业主任签发", "业主") == ["业主"]
    assert marked("本合同自签字之日起生效，经联合同意", "合同") == ["合同"]


def test_two_words_side_by_side_stay_two_marks() -> None:
    text = "A-1201 維修"
    assert [r for r in runs(text, marked_spans(text, query_words("a-1201 维修")))] == [
        Run("A-1201", True), Run(" ", False), Run("維修", True)]


def test_the_boxes_a_match_covers_are_chosen_by_their_place_in_the_text() -> None:
    boxes = [PageBox(text=char, start=index, left=index * 10, top=0, width=10, height=10)
             for index, char in enumerate("關於水牌")] + [
        PageBox(text="Room", start=4, left=50, top=20, width=40, height=10)]
    text = "關於水\n牌 Room"
    chosen = marked_boxes(boxes, marked_spans(text, query_words("水牌 room")))
    assert [box.text for box in chosen] == ["水", "牌", "Room"]


def test_a_quote_left_open_still_marks_its_words() -> None:
    assert marked("卫生间漏水，请维修", '"漏水') == ["漏水"]


def test_a_page_without_the_words_has_no_marks() -> None:
    assert marked_spans("物业费收据", query_words("漏水")) == []
    assert marked_spans("物业费收据", []) == []


@pytest.mark.parametrize(("text", "q", "shown"), [
    ("住户A-0301\n联系电话：138 1234 5678", "a0301 13812345678", ["A-0301", "138 1234 5678"]),
    ("管理处电话0755-8888-1234，或 138-1234-5678", "075588881234 13812345678",
     ["0755-8888-1234", "138-1234-5678"]),  # hyphens
    ("紧急联系人电话13812345678", "138 1234 5678", ["13812345678"]),  # pasted with spaces
    ("乙方身份证号：440301 19800101 123X", "44030119800101123x", ["440301 19800101 123X"]),
    ("登记日期：2023年12月8日；截止 2023-12-08", "2023/12/8", ["2023年12月8日", "2023-12-08"]),
    ("押金：¥23,600.00", "23600", ["23,600"]),
    ("车牌粤B·7K2Q9；车位 粤BD8812", "粤B7K2Q9 粤B·D8812", ["粤B·7K2Q9", "粤BD8812"]),
    ("住址：3栋2单元1201室；5棟1單元0903室", "3-2-1201 5栋1单元903",
     ["3栋2单元1201室", "5棟1單元0903室"]),
], ids=["spaced and unit code", "hyphenated", "plain", "ID number", "day", "amount", "plates",
        "flats"])
def test_a_number_or_unit_code_is_marked_as_the_page_writes_it(
        text: str, q: str, shown: list[str]) -> None:
    assert marked(text, q) == shown


@pytest.mark.parametrize(("text", "q", "shown"), [
    ("电邮 kwok.wm@example.com；kwok_wm@example.org", "Kwok", ["kwok", "kwok"]),
    ("电邮 wykwok@example.com；业主 Lee Kwokman", "kwok", []),
    ("住户 A-1201；电话13812345678", "201 12345678", []),
    ("Chan Tai Man", "tai", ["Tai"]),
    ("接待人：Mr. Wong", "Mr.Wong", ["Mr. Wong"]),
    ("接待人：Mr Wong", "Mr.Wong", ["Mr Wong"]),
    ("接待人：Mr.Wong", "Mr. Wong", ["Mr.Wong"]),
], ids=["parts of an e-mail", "inside a word", "inside a code or a number", "name",
        "a space after the full stop", "no full stop", "a full stop typed with a space"])
def test_letters_and_digits_are_marked_where_search_finds_them_whole_or_by_parts(
        text: str, q: str, shown: list[str]) -> None:
    assert marked(text, q) == shown


def test_the_pages_of_a_long_contract_are_marked_only_where_the_words_stand() -> None:
    """The document page marks every page to link those holding the words: of a 300-page
    contract, only the page holding them, and none without words. (Its cost, 0.15-0.3 s
    of CPU at every page turned before the places of letters inside words were read only
    on a page where a word stands, is measured, not timed here: tests do not time.)"""
    clause = "{}.{} 物业服务企业应当按照合同约定提供物业服务，业主应当按时交纳物业服务费用。\n"
    pages = ["".join(clause.format(page, line) for line in range(1, 29))
             for page in range(1, 301)]
    pages[86] += "第八十七条特别约定：地下车库渗漏由开发商负责修复"
    for q in ("", "车库渗漏"):
        words = query_words(q)
        marked = [number for number, text in enumerate(pages, 1) if marked_spans(text, words)]
        assert marked == ([87] if q else [])
