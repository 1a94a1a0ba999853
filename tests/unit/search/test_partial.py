"""How a query finds partial matches (services.search.partial)."""

from __future__ import annotations

import pytest

from services.search.index.highlight import Highlighter
from services.search.partial import (
    FEW_FULL_MATCHES,
    MAX_PAIRS,
    MAX_PIECES,
    PartialMatch,
    minimum_pieces,
    partial_match,
    partial_page,
)
from services.search.query import SearchQuery, parse_terms


def partial_of(q: str) -> PartialMatch | None:
    return partial_match(parse_terms(q))


def pieces_of(q: str) -> list[str]:
    found = partial_of(q)
    assert found is not None
    return [piece.text for piece in found.pieces]


@pytest.mark.parametrize(("count", "minimum"), [
    (1, 1), (2, 2), (3, 2), (4, 2), (5, 2), (6, 3), (7, 3), (8, 4), (10, 4), (20, 8)])
def test_minimum_is_two_fifths_of_the_pieces_and_at_least_two(count: int, minimum: int) -> None:
    assert minimum_pieces(count) == minimum


def test_long_word_is_split_into_its_bigrams() -> None:
    assert pieces_of("中央空调改造") == ["中央", "央空", "空调", "调改", "改造"]


def test_three_word_description_needs_two_of_its_five_bigrams() -> None:
    assert partial_of("广告水牌更换") == PartialMatch(
        required=(), pieces=parse_terms("广告 告水 水牌 牌更 更换"), minimum=2,
        pairs=tuple(zip(parse_terms("广告 告水 水牌"), parse_terms("水牌 牌更 更换"),
                        strict=True)))


def test_short_word_has_no_partial_match() -> None:
    assert partial_of("中国人") is None


def test_two_words_have_no_partial_match() -> None:
    assert partial_of("投诉 噪音") is None


def test_words_separated_by_spaces_are_pieces_whole() -> None:
    found = partial_of("广告 水牌 更换")
    assert found is not None
    assert ([piece.text for piece in found.pieces], found.minimum, found.pairs) == (
        ["广告", "水牌", "更换"], 2, ())


def test_unit_code_stays_one_piece() -> None:
    assert pieces_of("A-1201卫生间漏水") == ["a-1201", "卫生", "生间", "间漏", "漏水"]


def test_ticket_number_stays_one_piece() -> None:
    assert pieces_of("WX2024-0315漏水报修") == ["wx2024-0315", "漏水", "水报", "报修"]


def test_unit_code_alone_has_no_partial_match() -> None:
    assert partial_of("A-1201") is None


def test_pieces_of_a_word_with_a_lone_character_match_single_characters() -> None:
    found = partial_of("A座12楼电梯")
    assert found is not None
    assert [(piece.text, piece.tokens) for piece in found.pieces] == [
        ("a座", ("a", "座")), ("12", ("12",)), ("楼电", ("楼", "电")),
        ("电梯", ("电", "梯"))]


@pytest.mark.parametrize("q", ["2024年5月18日", "2019年3月15日", "12月24日", "2019年3月"])
def test_a_date_written_in_words_is_one_piece_so_has_no_partial_match(q: str) -> None:
    assert partial_of(q) is None


def test_a_date_in_a_description_is_one_piece_found_however_it_is_written() -> None:
    found = partial_of("2024年5月18日停电检修")
    assert found is not None
    assert [(piece.text, piece.also) for piece in found.pieces] == [
        ("2024年5月18日", "20240518"), ("停电", None), ("电检", None), ("检修", None)]


def test_a_number_keeps_its_counter_in_its_piece() -> None:
    assert pieces_of("3栋2单元1201") == ["3栋", "2单元", "1201"]
    assert pieces_of("B区127号车位") == ["b区", "127", "号车", "车位"]


def test_a_lone_character_or_digit_is_no_piece() -> None:
    assert pieces_of("第3次维修记录") == ["次维", "维修", "修记", "记录"]


def test_quoted_phrase_is_required_not_split() -> None:
    found = partial_of('"华信科技" 大堂水牌更换')
    assert found is not None
    assert ([term.text for term in found.required], [piece.text for piece in found.pieces]) == (
        ["华信科技"], ["大堂", "堂水", "水牌", "牌更", "更换"])


def test_quoted_phrase_alone_has_no_partial_match() -> None:
    assert partial_of('"中央空调改造"') is None


def test_pieces_repeated_in_the_query_count_once() -> None:
    assert pieces_of("维修 空调维修") == ["维修", "空调", "调维"]


def test_other_script_gives_the_same_pieces() -> None:
    assert partial_of("中央空調改造") == partial_of("中央空调改造")


def test_neighbouring_pieces_are_paired_for_proximity() -> None:
    found = partial_of("中央空调改造")
    assert found is not None
    assert [(first.text, second.text) for first, second in found.pairs] == [
        ("中央", "空调"), ("央空", "调改"), ("空调", "改造")]


@pytest.mark.parametrize(("page", "size", "full", "window"), [
    (1, 20, 0, (0, 20)),
    (1, 20, 3, (0, 17)),
    (2, 20, 3, (17, 20)),
    (1, 2, 3, (0, 0)),
    (2, 2, 3, (0, 1)),
    (3, 2, 3, (1, 2)),
    (1, 20, FEW_FULL_MATCHES, None),
])
def test_partial_hits_fill_the_page_after_the_full_ones(
        page: int, size: int, full: int, window: tuple[int, int] | None) -> None:
    assert partial_page(SearchQuery(q="中央空调改造", page=page, size=size), full) == window


def test_partial_hit_marks_the_pieces_it_holds() -> None:
    found = partial_of("中央空调改造")
    assert found is not None
    assert Highlighter(found.marked).snippets("乙方負責中央空調末端改造工程") == [
        "乙方負責<mark>中央空調</mark>末端<mark>改造</mark>工程"]


def test_a_pasted_passage_is_matched_partially_by_its_first_pieces() -> None:
    found = partial_of("业主反映电梯运行时噪音很大夜间尤其明显影响休息要求尽快安排检修")
    assert found is not None
    assert (len(found.pieces), found.minimum, found.pieces[-1].text) == (
        MAX_PIECES, 10, "要求")


def test_a_query_of_many_pairs_is_ranked_without_proximity() -> None:
    found = partial_of("业主反映电梯运行时噪音很大夜间尤其明显")  # 18 pieces, 16 pairs
    assert found is not None
    assert (len(found.pieces), found.pairs) == (MAX_PAIRS + 6, ())
