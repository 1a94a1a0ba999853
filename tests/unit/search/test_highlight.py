"""Highlighted snippets (services.search.index.highlight)."""

from __future__ import annotations

import pytest

from services.common.text import fold_mapped
from services.search.index.highlight import CONTEXT_AFTER, SNIPPETS_PER_HIT, Highlighter
from services.search.query import parse_terms
from services.search.synonyms import DEFAULT_SYNONYMS


def highlights(body: str, q: str) -> list[str]:
    return Highlighter(parse_terms(q)).snippets(body)


# Each body searched for the query gives exactly these snippets.
MARKED = [
    pytest.param("業主申請維修", "维修", ["業主申請<mark>維修</mark>"],
                 id="match_is_marked_in_the_original_script"),
    pytest.param("<b onclick='x'>维修", "维修",
                 ["&lt;b onclick=&#x27;x&#x27;&gt;<mark>维修</mark>"],
                 id="markup_in_the_body_is_escaped"),
    pytest.param("A<&>1201", "a-1201", ["<mark>A&lt;&amp;&gt;1201</mark>"],
                 id="markup_inside_a_match_is_escaped"),
    pytest.param("维修后再维修", "维修", ["<mark>维修</mark>后再<mark>维修</mark>"],
                 id="matches_close_together_share_one_snippet"),
    pytest.param("物业主任：请各位业主缴费", "业主", ["物业主任：请各位<mark>业主</mark>缴费"],
                 id="a_word_is_marked_where_it_stands_as_one_not_across_two_words"),
    pytest.param("物業主任：請各位業主繳費", "业主", ["物業主任：請各位<mark>業主</mark>繳費"],
                 id="traditional_words_are_told_apart_as_simplified"),
    pytest.param("本函由物业主任签发", "业主", ["本函由物<mark>业主</mark>任签发"],
                 id="a_word_only_across_two_words_is_marked_there"),
    pytest.param("经联合同意，合同生效", "合同", ["经联合同意，<mark>合同</mark>生效"],
                 id="a_word_after_its_characters_across_two_words_is_the_one_marked"),
    pytest.param("请提交维修 申请。", '"维修 申请"', ["请提交<mark>维修 申请</mark>。"],
                 id="phrase_is_marked_as_one_span"),
    pytest.param("A座电梯", "座", ["A<mark>座</mark>电梯"],
                 id="lone_character_term_marks_the_character"),
    pytest.param("㍻元年維修", "维修", ["㍻元年<mark>維修</mark>"],
                 id="match_after_an_expanding_character_maps_back"),
    pytest.param("业主\n\n  来电 维修", "维修", ["业主 来电 <mark>维修</mark>"],
                 id="whitespace_runs_collapse_to_one_space"),
    pytest.param("维修", "", [], id="blank_query_gives_no_snippets"),
    pytest.param("A-12010 与 A-1201", "a-1201", ["A-12010 与 <mark>A-1201</mark>"],
                 id="term_inside_a_longer_word_is_not_marked"),
    pytest.param("金额1,200元，另付200元", "200", ["金额1,200元，另付<mark>200</mark>元"],
                 id="number_joined_by_a_comma_is_not_split"),
    pytest.param("住户F 1704来电", "F-1704", ["住户<mark>F 1704</mark>来电"],
                 id="term_split_by_other_punctuation_is_still_marked"),
    pytest.param("消防，防安全", "消防安全", ["<mark>消防，防安全</mark>"],
                 id="bigrams_following_one_another_across_punctuation_are_marked_as_indexed"),
]


@pytest.mark.parametrize(("body", "q", "snippets"), MARKED)
def test_snippets_mark_the_query_in_the_body(body: str, q: str, snippets: list[str]) -> None:
    assert highlights(body, q) == snippets


def test_matches_far_apart_make_separate_elided_snippets() -> None:
    body = "维修" + "。" * 200 + "维修"
    snippets = highlights(body, "维修")
    assert (len(snippets), snippets[0].endswith("…"), snippets[1].startswith("…")) == (
        2, True, True)


def test_no_more_than_the_snippet_limit() -> None:
    body = ("。" * (CONTEXT_AFTER * 3)).join(["维修"] * 10)
    assert len(highlights(body, "维修")) == SNIPPETS_PER_HIT


def test_match_deep_in_a_long_body_is_found() -> None:
    body = "正文。" * 5000 + "维修"
    assert highlights(body, "维修")[0].endswith("<mark>维修</mark>")


def test_stored_folded_text_gives_the_same_snippets_as_folding_here() -> None:
    body = "㍻元年業主申請維修，ＷＸ２０１９-０４５６號"
    highlighter = Highlighter(parse_terms("维修 wx2019-0456"))
    assert highlighter.snippets(body, folded=fold_mapped(body)) == highlighter.snippets(body)


def test_length_changing_fold_maps_a_stored_match_back_to_the_original() -> None:
    body = "Straße ㍻ 維修"
    folded = fold_mapped(body)
    assert (folded.text, Highlighter(parse_terms("维修")).snippets(body, folded=folded)) == (
        "strasse 平成 维修", ["Straße ㍻ <mark>維修</mark>"])


def test_a_number_is_marked_as_the_body_writes_it() -> None:
    assert highlights("联系电话：138 1234 5678，请回电", "13812345678") == [
        "联系电话：<mark>138 1234 5678</mark>，请回电"]
    assert highlights("电话13812345678。", "138-1234-5678") == ["电话<mark>13812345678</mark>。"]
    assert "<mark>" not in "".join(highlights("电话 138 1234 56789", "13812345678"))


def test_a_synonym_is_not_marked_inside_a_longer_word_of_another_meaning() -> None:
    # 物业费 finds 管理费, not the parking fee's 停车管理费: its snippet must not say it did.
    highlighter = Highlighter(parse_terms("物业费", DEFAULT_SYNONYMS))

    assert highlighter.snippets("本月物业管理费已缴，停车管理费未缴，另有管理费欠款") == [
        "本月<mark>物业管理费</mark>已缴，停车管理费未缴，另有<mark>管理费</mark>欠款"]
