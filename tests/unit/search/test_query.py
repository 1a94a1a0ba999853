"""Search query validation and parsing (services.search.query)."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest

from services.common.errors import ValidationFailed
from services.search.query import MAX_PAGE_SIZE, MAX_QUERY_CHARS, SearchQuery, parse_terms


def refusal_code(**fields: Any) -> str:
    with pytest.raises(ValidationFailed) as refused:
        SearchQuery(**fields)
    return refused.value.code


def test_overlong_query_is_refused() -> None:
    assert refusal_code(q="维" * (MAX_QUERY_CHARS + 1)) == "query_too_long"


def test_query_of_the_maximum_length_is_accepted() -> None:
    assert SearchQuery(q="维" * MAX_QUERY_CHARS).q


def test_unclosed_quote_is_refused() -> None:
    assert refusal_code(q='"维修 申请') == "unbalanced_query"


def test_stray_closing_chinese_quote_is_refused() -> None:
    assert refusal_code(q="维修」") == "unbalanced_query"


def test_query_without_searchable_characters_is_refused() -> None:
    assert refusal_code(q="?? -- ()") == "query_without_terms"


def test_page_size_over_the_limit_is_refused() -> None:
    assert refusal_code(size=MAX_PAGE_SIZE + 1) == "page_size_out_of_range"


def test_page_size_zero_is_refused() -> None:
    assert refusal_code(size=0) == "page_size_out_of_range"


def test_page_zero_is_refused() -> None:
    assert refusal_code(page=0) == "page_out_of_range"


def test_page_beyond_the_result_window_is_refused() -> None:
    assert refusal_code(page=101, size=100) == "page_out_of_range"


def test_reversed_date_range_is_refused() -> None:
    assert refusal_code(filed_from=date(2024, 2, 1), filed_to=date(2024, 1, 1)) == (
        "invalid_date_range")


def test_malformed_household_is_refused() -> None:
    assert refusal_code(household="1201; DROP") == "invalid_household"


def test_malformed_building_is_refused() -> None:
    assert refusal_code(building="B栋") == "invalid_building"


def test_decoding_query_parameters_raises_the_domain_error() -> None:
    with pytest.raises(ValidationFailed):
        msgspec.convert({"q": "x", "size": "500"}, SearchQuery, strict=False)


def test_blank_query_has_no_terms() -> None:
    assert parse_terms("   ") == ()


def test_words_separated_by_spaces_are_separate_terms() -> None:
    assert [t.bigrams for t in parse_terms("中国 國人")] == [("中国",), ("国人",)]


def test_quoted_words_are_one_phrase_term() -> None:
    assert [(t.bigrams, t.quoted) for t in parse_terms('"维修 申请" 急件')] == [
        (("维修", "申请"), True), (("急件",), False)]


def test_chinese_corner_quotes_mark_a_phrase() -> None:
    assert [t.text for t in parse_terms("「維修 申請」")] == ["维修 申请"]


def test_term_with_a_lone_character_is_matched_by_unigrams() -> None:
    (term,) = parse_terms("A座")
    assert (term.lone_cjk, term.tokens) == (True, ("a", "座"))


def test_operators_are_ordinary_text() -> None:
    assert [t.tokens for t in parse_terms("维修 AND -申请 title:x*")] == [
        ("维修",), ("and",), ("申请",), ("title", "x")]  # a colon separates, as in the text


@pytest.mark.parametrize(("typed", "also"), [
    ("138-1234-5678", "13812345678"),  # a number in groups: also its digits
    ("138 1234 5678", "13812345678"),  # a phone number pasted with its spaces: one term
    ("0755 8888 1234", "075588881234"),
    ("(0755)8888-1234", "075588881234"),  # a landline's area code in brackets: a group
    ("（0755）8888-1234", "075588881234"),
    ("(0755) 8888 1234", "075588881234"),
    ("440301 19800101 123X", "44030119800101123x"),  # an ID number: its check letter too
    ("4403-0119-8001-0112-3x", "44030119800101123x"),
    ("2023/12/8", "20231208"),  # a day: its ISO digits, however it is written
    ("2023年12月8日", "20231208"),
    ("2023-12-08", "20231208"),
    ("2019年5月", "2019m05"),  # a month: its key, however it is written
    ("2019-05", "2019m05"),
    ("二〇一九年五月", "2019m05"),
    ("二〇一九年五月十八日", "20190518"),  # a day in Chinese numerals: its ISO digits
    ("¥3,500.00", "3500"),  # an amount: its whole yuan
    ("3500元", "3500"),
    ("3,500", "3500"),
    ("3栋1104室", "3-1104"),  # a flat in an address's words: its unit code
    ("三栋1104", "3-1104"),
    ("B座402", "b-0402"),
    ("1104室", "1104"),  # a room alone: its digits as unit codes write them
    ("402室", "0402"),
    ("尾号5678", "5678"),  # a number's last four, asked in words: those digits
    ("a0301", "a-0301"),  # a unit code without its hyphen: also the code
    ("Ａ０３０１", "a-0301"),
    ("粤B·7K2Q9", "粤b7k2q9"),  # a plate typed with its dot: also joined
    ("5栋1单元0903", "5-1-903"),  # a flat in words: also as said
    ("E栋停水", "e栋 停水"),  # a building typed on into the words after it: also apart
    ("3楼大堂", "3楼 大堂"),
    ("Mr.Wong", "mr wong"),  # a word joined by a full stop: also its parts apart (Mr. Wong)
    ("kwok_wm@example.com", "kwok wm@example com"),
    ("12.50", None),
    ("停水", None),
    ("E栋", None),
    ("13812345678", None),
    ("A-0301", None),
    ("b10101", None),  # ambiguous: B1-0101 or B-10101
    ("维修", None),
])
def test_a_term_written_another_way_is_also_matched_that_way(typed: str, also: str | None
                                                             ) -> None:
    [term] = parse_terms(typed)
    assert term.also == also


def test_digit_words_that_make_no_phone_number_stay_words_of_their_own() -> None:
    assert [term.text for term in parse_terms("2019 2020 1234")] == ["2019", "2020", "1234"]
