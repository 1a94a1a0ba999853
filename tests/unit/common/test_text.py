"""Folding and tokenisation of Chinese text (services.common.text)."""

from __future__ import annotations

import pytest

from services.common.text import (
    analysable,
    fold,
    fold_mapped,
    has_lone_cjk,
    parts_apart,
    token_spans,
    tokens,
    within_words,
)
from services.common.text_keys import (
    MIN_WRAPPED_NUMBER_DIGITS,
    chinese_number,
    day_key,
    digits_of,
    index_keys,
    joined_digits,
    key_spans,
    number_spans,
    typed_flat,
    typed_key,
)


def test_fold_converts_traditional_to_simplified() -> None:
    assert fold("維修申請，請於三日內處理") == "维修申请,请于三日内处理"


def test_fold_makes_hong_kong_variant_forms_simplified_too() -> None:
    # Letters printed in Hong Kong write 衞 (衛), 敍 (敘), 粧 (妝), 衹 (只).
    assert fold("衞生間漏水") == fold("衛生間漏水") == "卫生间漏水"
    assert fold("敍述 化粧 衹有") == "叙述 化妆 只有"


def test_fold_leaves_simplified_text_as_it_is() -> None:
    simplified = "著作权 什么 衬衫 着急 里面 干净 台风"
    assert fold(simplified) == simplified


def test_fold_turns_full_width_into_half_width() -> None:
    assert fold("ＡＢＣ－１２０１（急）") == "abc-1201(急)"


def test_fold_casefolds_latin_letters() -> None:
    assert fold("WX2019 Straße") == "wx2019 strasse"


def test_fold_keeps_chinese_text_aligned_with_the_original() -> None:
    text = "業主來電：頭髮卡住了排水管，請派人維修。電話１３８１２３４５６７８"
    assert fold_mapped(text).source_starts is None


def test_folded_offsets_map_back_across_expanding_characters() -> None:
    original = "㍻元年 維修"
    folded = fold_mapped(original)
    start = folded.text.index("维修")
    begin, end = folded.source_span(start, start + 2)
    assert original[begin:end] == "維修"


def test_cjk_run_becomes_overlapping_bigrams() -> None:
    assert tokens("中國人民") == ["中国", "国人", "人民"]


def test_lone_cjk_character_becomes_a_unigram() -> None:
    assert tokens("A座1201室") == ["a", "座", "1201", "室"]


def test_unit_code_splits_at_the_hyphen() -> None:
    assert tokens("A-1201") == ["a", "1201"]


def test_ticket_number_keeps_letters_with_their_digits() -> None:
    assert tokens("WX2019-0456") == ["wx2019", "0456"]


def test_numbers_with_separators_stay_one_token() -> None:
    assert tokens("押金1,200.50元") == ["押金", "1,200.50", "元"]


def test_punctuation_and_spaces_only_separate_tokens() -> None:
    assert tokens("「维修」！ —— (急)") == ["维修", "急"]


def test_tokens_match_the_elasticsearch_cjk_analyzer() -> None:
    # Expected tokens as osmem-server's `cjk` analyzer (stopwords off) produced them, and
    # the parts of a_b after it (``analysable`` writes them out for Elasticsearch).
    text = "中国人A-1201 WX2019-0456 the a 13812345678 3.5元 1,200.50 don't a_b 维修A座十二层"
    assert tokens(text) == [
        "中国", "国人", "a", "1201", "wx2019", "0456", "the", "a", "13812345678", "3.5", "元",
        "1,200.50", "don't", "a_b", "a", "b", "维修", "a", "座十", "十二", "二层",
    ]


def test_unigram_tokens_split_every_cjk_character() -> None:
    assert tokens("维修A座", unigrams=True) == ["维", "修", "a", "座"]


def test_token_spans_point_into_the_folded_text() -> None:
    folded = fold("請修 A-1201")
    assert [(s.text, folded[s.start:s.end]) for s in token_spans(folded)] == [
        ("请修", "请修"), ("a", "a"), ("1201", "1201")]


def test_lone_cjk_is_detected_next_to_latin_letters() -> None:
    assert (has_lone_cjk("a座"), has_lone_cjk("维修"), has_lone_cjk("a-1201")) == (
        True, False, False)


def test_a_line_break_inside_a_cjk_run_is_layout_not_a_word_boundary() -> None:
    assert tokens("更换大\n堂水牌") == ["更换", "换大", "大堂", "堂水", "水牌"]
    assert tokens("更换大 \r\n　堂", unigrams=True) == ["更", "换", "大", "堂"]


def test_a_line_break_still_ends_a_word_of_letters_or_digits() -> None:
    assert tokens("A-12\n01 电话\n13812345678") == ["a", "12", "01", "电话", "13812345678"]
    assert tokens("维修\nWX2019") == ["维修", "wx2019"]


def test_spans_across_a_line_break_cover_both_characters() -> None:
    folded = "请更换大\n堂水牌"
    assert [(s.text, folded[s.start:s.end]) for s in token_spans(folded)][2:4] == [
        ("换大", "换大"), ("大堂", "大\n堂")]


def test_analysable_text_is_the_tokens_runs_apart_without_breaks_inside_cjk_runs() -> None:
    assert analysable("更换大\n堂水牌\na-1201\n 维修") == "更换大堂水牌 a 1201 维修"
    assert analysable("业主 owner:kwok 接待人:mr.wong a·b kwok_wm") == (
        "业主 owner kwok 接待人 mr.wong mr wong a b kwok_wm kwok wm")


def _numbers(text: str) -> list[tuple[str, str]]:
    folded = fold(text)
    return [(span.text, folded[span.start:span.end]) for span in number_spans(folded)]


def test_a_number_written_in_groups_is_also_its_joined_digits() -> None:
    assert ("13812345678", "138 1234 5678") in _numbers("联系电话：138 1234 5678。")
    assert ("075588881234", "0755-8888-1234") in _numbers("电话0755-8888-1234")
    assert ("13812345678", "138 1234 5678") in _numbers("１３８ １２３４ ５６７８")  # full width


@pytest.mark.parametrize(("written", "grouped"), [
    ("(0755)8888-1234", "0755-8888-1234"), ("（0755）8888-1234", "0755-8888-1234"),
    ("(0755) 8888 1234", "0755 8888 1234"), ("(0755)88881234", "0755-88881234")])
def test_a_landline_with_its_area_code_in_brackets_has_the_keys_of_its_grouped_form(
        written: str, grouped: str) -> None:
    assert index_keys(fold(f"请致电{written}。")) == index_keys(grouped)
    assert ("075588881234", fold(written)[1:]) in _numbers(f"请致电{written}。")


@pytest.mark.parametrize("written", [
    "2023年12月8日", "2023 年 12 月 8 号", "2023-12-08", "2023/12/8", "2023.12.8",
    "２０２３年１２月８日"])
def test_a_day_as_people_write_it_is_one_key_its_iso_digits(written: str) -> None:
    assert _numbers(f"登记日期：{written}。")[0] == ("20231208", fold(written))
    assert day_key(fold(written)) == "20231208"


@pytest.mark.parametrize("text", ["2023-13-40", "2023.12.80元", "v2019.1.2.3", "12/8/2023"])
def test_what_is_no_day_year_first_is_no_day_key(text: str) -> None:
    assert day_key(fold(text)) is None
    assert _numbers("金额2023.12.80元，版本v2019.1.2.3，12/8/2023") == []


def test_an_id_number_in_groups_keeps_its_check_letter() -> None:
    assert ("44030119800101123x", "440301 19800101 123x") in _numbers(
        "身份证号 440301 19800101 123X")
    assert ("44030119800101123x", "4403 0119 8001 0112 3x") in _numbers("4403 0119 8001 0112 3X")
    assert [key for key, _ in _numbers("编号 1234 5678x")] == []  # x ends only an ID number
    assert joined_digits(("440301", "19800101", "123x")) == "44030119800101123x"
    assert joined_digits(("12x", "3456789")) is None


def test_every_run_of_groups_is_a_key_so_two_numbers_on_a_line_are_each_found() -> None:
    keys = index_keys("138 1234 5678 139 8765 4321")
    assert {"13812345678", "13987654321"} <= set(keys)
    assert len(keys) == len(set(keys))


def test_groups_are_not_joined_across_other_words_or_into_short_numbers() -> None:
    assert _numbers("2023年9月1日 12 34") == [("20230901", "2023年9月1日")]  # a day (below)
    assert _numbers("a1380 1234 5678") == [("12345678", "1234 5678")]  # a1380 is one word
    assert _numbers("1,200 3400") == []


def test_a_number_wrapped_across_lines_is_joined_as_if_the_line_did_not_break() -> None:
    assert ("13812345678", "138 1234\n5678") in _numbers("…致电 138 1234\n5678，确认上门时间")
    assert ("13812345678", "138 \r\n 1234 5678") in _numbers("致电138 \r\n 1234 5678")
    assert ("075588881234", "0755-\n8888-1234") in _numbers("电话0755-\n8888-1234")
    assert ("075588881234", "0755)\n8888 1234") in _numbers("请致电(0755)\n8888 1234")


@pytest.mark.parametrize("text", ["截至2024\n1201室", "截至2024\n3月", "第138\n1234号",
                                  "12\n34\n56\n78"])
def test_short_runs_are_not_joined_across_a_line_break(text: str) -> None:
    assert _numbers(text) == []


@pytest.mark.parametrize(("text", "wrapped"), [
    ("联系电话：8765\n4321，周一至周五", "8765\n4321"), ("聯繫電話：8765\n4321", "8765\n4321"),
    ("请致电 8765-\n4321", "8765-\n4321"), ("傳真 876\r\n5432", "876\r\n5432"),
    ("联络人座机：8765 \n 4321", "8765 \n 4321"), ("聯絡電話號碼： 8765\n4321", "8765\n4321"),
    ("TEL. 8765\n4321", "8765\n4321"), ("Phone No.: 8765\n4321", "8765\n4321")])
def test_a_local_number_wrapped_after_a_phone_cue_is_joined(text: str, wrapped: str) -> None:
    assert (wrapped.translate({ord(c): None for c in " -\r\n"}), wrapped) in _numbers(text)


@pytest.mark.parametrize("text", [
    "联系人于2024\n1201室入住", "电话费 3500\n1200元", "联系电话：\n2024\n1201室",
    "联絡電話已更新。截至2024\n1201室", "hotel 2024\n1201", "电话 138 2024\n1201室",
    "金额 3500\n元", "電話費 3500\n1200元"])
def test_a_short_wrapped_run_without_a_phone_cue_just_before_its_first_group_is_not_joined(
        text: str) -> None:
    assert [(key, written) for key, written in _numbers(text)
            if "\n" in written and len(key) < MIN_WRAPPED_NUMBER_DIGITS] == []


def test_a_query_term_of_digit_groups_is_a_number() -> None:
    assert digits_of(("138", "1234", "5678")) == "13812345678"
    assert (digits_of(("13812345678",)), digits_of(("12", "34")),
            digits_of(("a", "1234567"))) == (None, None, None)


# -- what people type otherwise than the page writes it ------------------------------------


@pytest.mark.parametrize(("text", "words"), [
    ("業主 Owner：Kwok Wing-yan", ["owner", "kwok"]),
    ("访客姓名 Name：Chan Tai Man", ["name", "chan"]),
    ("来访事由：Delivery：Furniture", ["delivery", "furniture"]),
    ("Ref:AB12", ["ref", "ab12"])])
def test_a_colon_separates_a_label_from_its_value(text: str, words: list[str]) -> None:
    assert set(words) <= set(tokens(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("接待人：Mr.Wong", ["接待", "待人", "mr.wong", "mr", "wong"]),
    ("e.g. U.S.", ["e.g", "e", "g", "u.s", "u", "s"]),
    ("wykwok@example.com", ["wykwok", "example.com", "example", "com"]),
    ("kwok_wm@example.com", ["kwok_wm", "kwok", "wm", "example.com", "example", "com"]),
    ("v1.2 a_1 12.50", ["v1.2", "a_1", "12.50"])])
def test_a_word_joined_by_full_stops_or_underscores_is_a_token_and_so_is_each_part(
        text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_the_parts_of_a_dotted_word_point_into_the_text() -> None:
    folded = fold("Mr.Wong先生")
    assert [(s.text, folded[s.start:s.end]) for s in token_spans(folded)][:3] == [
        ("mr.wong", "mr.wong"), ("mr", "mr"), ("wong", "wong")]


def _inside(text: str) -> set[str]:
    """Each place ``within_words`` gives, as the two letters it stands between."""
    folded = fold(text)
    return {folded[at - 1 : at + 1] for at in within_words(folded)}


def test_a_word_is_found_whole_or_by_its_parts_never_inside_them() -> None:
    assert _inside("wykwok@example.com") == {"wy", "yk", "kw", "wo", "ok", "ex", "xa", "am",
                                              "mp", "pl", "le", "co", "om"}
    assert _inside("kwok.wm kwok_wm A-1201") == {"kw", "wo", "ok", "wm", "12", "20", "01"}
    assert _inside("维修 Mr. Wong") == {"mr", "wo", "on", "ng"}
    assert _inside("维修") == set()


@pytest.mark.parametrize(("typed", "apart"), [
    ("mr.wong", "mr wong"), ("kwok_wm@example.com", "kwok wm@example com"),
    ("e.g.", "e g."), ("12.50", None), ("wong", None), ("mr. wong", None)])
def test_a_word_joined_by_full_stops_or_underscores_is_also_its_parts_apart(
        typed: str, apart: str | None) -> None:
    assert parts_apart(typed) == apart


def test_digits_joined_by_full_stops_or_commas_are_not_split_into_parts() -> None:
    assert tokens("1,200.50 v1.2 12:30") == ["1,200.50", "v1.2", "12", "30"]


def _keys(text: str) -> list[tuple[str, str]]:
    folded = fold(text)
    return [(span.text, folded[span.start:span.end]) for span in key_spans(folded)]


@pytest.mark.parametrize(("text", "keys"), [
    ("金额¥12,500.00", [("12,500", "12,500"), ("12500", "12,500")]),
    ("押金：￥23,600.00元", [("23,600", "23,600"), ("23600", "23,600")]),
    ("共计 1,234,567.89", [("1,234,567", "1,234,567"), ("1234567", "1,234,567")]),
    ("租金 12,500 元", [("12,500", "12,500"), ("12500", "12,500")]),
    ("¥12500.00", [("12500", "12500")]), ("8000.00元", [("8000", "8000")])])
def test_an_amount_is_also_its_whole_part_with_and_without_thousands_separators(
        text: str, keys: list[tuple[str, str]]) -> None:
    assert _keys(text) == keys


@pytest.mark.parametrize("text", [
    "第1,2,3项", "1,23,456", "12,5000", "3.50", "版本 2.10", "1,234,5", "12,500,00"])
def test_what_is_no_amount_has_no_amount_key(text: str) -> None:
    assert _keys(text) == []


@pytest.mark.parametrize(("text", "plate"), [
    ("车牌粤B·7K2Q9", "粤b·7k2q9"), ("粵BD8812", "粤bd8812"), ("粤B 5M3K7登记", "粤b 5m3k7"),
    ("京A・12345", "京a・12345")])
def test_a_licence_plate_is_also_its_joined_key(text: str, plate: str) -> None:
    key = plate.translate({ord(c): None for c in "·・ "})
    assert _keys(text) == [(key, plate)]
    assert tokens(key) == [key[0], key[1:]]


@pytest.mark.parametrize("text", ["粤B·HELLO", "粤B·1234", "粤B·1234567", "粤公安"])
def test_what_is_no_licence_plate_has_no_plate_key(text: str) -> None:
    assert _keys(text) == []


@pytest.mark.parametrize(("text", "keys"), [
    ("3栋2单元1201室", ["3-2-1201"]), ("3棟2單元1201", ["3-2-1201"]),
    ("5栋1单元0903室", ["5-1-0903", "5-1-903"]), ("A座 2 单元 0101", ["a-2-0101", "a-2-101"]),
    ("12幢02单元1501室", ["12-02-1501", "12-2-1501"])])
def test_a_flat_in_words_is_also_its_hyphenated_key(text: str, keys: list[str]) -> None:
    assert [key for key, _ in _keys(text)] == keys


@pytest.mark.parametrize("text", ["3栋1201室", "2单元1201室", "3栋2单元12室", "13栋2单元12011",
                                  "3栋二单元1201室"])
def test_what_is_no_flat_in_words_has_no_flat_key(text: str) -> None:
    assert _keys(text) == []


@pytest.mark.parametrize(("typed", "key"), [
    ("粤b·7k2q9", "粤b7k2q9"), ("粤b 7k2q9", "粤b7k2q9"), ("粤b7k2q9", None),
    ("5栋1单元903", "5-1-903"), ("5栋1单元0903室", "5-1-903"), ("3栋2单元1201", "3-2-1201"),
    ("3-2-1201室", "3-2-1201"), ("3栋2-1201", "3-2-1201"), ("3#2-1201", "3-2-1201"),
    ("三栋二单元1201", "3-2-1201"), ("5-1-0903", "5-1-903"),
    ("e栋停水", None), ("3-2-1201", None), ("12500", None), ("138-1234-5678", None)])
def test_a_search_word_that_is_a_plate_or_a_flat_is_matched_as_its_key(
        typed: str, key: str | None) -> None:
    assert typed_key(typed) == key


@pytest.mark.parametrize(("typed", "unit_code"), [
    ("3栋2单元1201", "3-1201"), ("5-1-903室", "5-0903"), ("a座1单元0402", "a-0402"),
    ("十二栋二单元1501", "12-1501")])
def test_a_flat_typed_with_its_entrance_is_of_the_household_without_it(
        typed: str, unit_code: str) -> None:
    flat = typed_flat(typed)
    assert flat is not None
    assert flat.unit_code == unit_code


def test_keys_come_each_once() -> None:
    assert index_keys(fold("¥12,500.00 ¥12,500.00 粤B·7K2Q9 粤B7K2Q9")) == [
        "12,500", "12500", "粤b7k2q9"]


@pytest.mark.parametrize(("written", "value"), [
    ("五", 5), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31), ("九十九", 99),
    ("零", None), ("〇", None), ("十零", None), ("", None), ("甲", None), ("甲十", None),
    ("十甲", None), ("百十", None), ("一百", None), ("二二", None),
])
def test_a_number_in_chinese_numerals_is_read_or_none(written: str, value: int | None) -> None:
    """One reader for days, months and buildings said in Chinese numerals; what is not
    one is None, never an error (a building typed 甲十栋 was a KeyError)."""
    assert chinese_number(written) == value
