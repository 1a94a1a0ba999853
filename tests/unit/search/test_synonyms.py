"""Synonyms: the other spellings of a search word, and the company's groups read from a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.config import load_settings
from services.common.errors import ConfigError
from services.search.bootstrap import open_index
from services.search.index.tantivy_index import TantivyIndex
from services.search.partial import partial_match
from services.search.query import parse_terms
from services.search.synonyms import (
    DEFAULT_GROUPS,
    DEFAULT_SYNONYMS,
    MAX_SPELLINGS,
    Synonyms,
    configured_synonyms,
)


def test_a_word_of_a_group_is_spelled_with_each_other_word() -> None:
    assert DEFAULT_SYNONYMS.others("漏水") == ("渗水", "渗漏")
    assert DEFAULT_SYNONYMS.others("厨房漏水") == ("厨房渗水", "厨房渗漏")
    assert DEFAULT_SYNONYMS.others("厨房") == ()


def test_the_longest_word_of_the_groups_is_replaced_where_two_begin_at_one_place() -> None:
    # 物业管理费 holds 管理费: it is replaced whole, never as 物业 + a synonym of 管理费.
    assert DEFAULT_SYNONYMS.others("物业管理费") == ("物业费", "管理费")


def test_one_word_is_replaced_before_two_and_the_spellings_are_few() -> None:
    spellings = DEFAULT_SYNONYMS.others("业主漏水维修")

    def kept(spelling: str) -> int:
        return sum(word in spelling for word in ("业主", "漏水", "维修"))

    # 3 + 2 + 1 with one word replaced, then the first with two.
    assert spellings[:3] == ("房主漏水维修", "屋主漏水维修", "产权人漏水维修")
    assert [kept(spelling) for spelling in spellings] == [2] * 6 + [1] * 2
    assert len(spellings) == MAX_SPELLINGS


def test_the_groups_are_folded_as_the_index_folds_text() -> None:
    # A Traditional group and a Traditional query meet the Simplified forms.
    synonyms = Synonyms([("升降機", "電梯")])

    assert synonyms.others("电梯") == ("升降机",)
    assert [term.text for term in parse_terms("電梯保養", synonyms)[0].synonyms] == ["升降机保养"]


def test_a_quoted_phrase_gets_no_synonyms() -> None:
    (quoted, word) = parse_terms('"漏水" 渗水', DEFAULT_SYNONYMS)

    assert quoted.synonyms == ()
    assert [term.text for term in word.synonyms] == ["漏水", "渗漏"]


def test_a_word_in_two_groups_finds_the_words_of_both() -> None:
    synonyms = Synonyms([("维修", "修理"), ("维修", "检修")])

    assert synonyms.others("维修") == ("修理", "检修")


def test_the_default_groups_hold_no_word_twice() -> None:
    words = [word for group in DEFAULT_GROUPS for word in group]

    assert len(words) == len(set(words))


def test_the_company_s_file_is_read_with_its_comments_and_separators(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("# 本公司的同义词\n水浸 水淹\n\n车库，停车场、地库  # 地下\n", encoding="utf-8")

    synonyms = Synonyms.from_file(path)

    assert synonyms.others("水淹") == ("水浸",)
    assert synonyms.others("地库") == ("车库", "停车场")
    assert synonyms.others("漏水") == ()


def test_an_empty_file_means_no_synonyms(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("# none\n", encoding="utf-8")

    assert len(Synonyms.from_file(path)) == 0


@pytest.mark.parametrize(("content", "said"), [
    ("水浸 水淹\n漏水\n", ":2: a group needs two words or more"),
    ("水浸 ！！\n", ":1: '！！' holds no letter"),
])
def test_a_wrong_line_is_named(tmp_path: Path, content: str, said: str) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(ConfigError, match=said):
        Synonyms.from_file(path)


def test_a_file_that_cannot_be_read_says_what_it_must_be(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_bytes("水浸 水淹".encode("gb18030"))

    with pytest.raises(ConfigError, match=r"ARCHIVE_SYNONYMS_FILE: cannot read .* UTF-8"):
        configured_synonyms(path)
    with pytest.raises(ConfigError, match="cannot read"):
        configured_synonyms(tmp_path / "missing.txt")


def test_the_search_service_matches_the_configured_groups(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("水浸 水淹\n", encoding="utf-8")
    configured = load_settings({"ARCHIVE_DATA_DIR": str(tmp_path / "data"),
                                "ARCHIVE_SYNONYMS_FILE": str(path)}, env_file=None)
    default = load_settings({"ARCHIVE_DATA_DIR": str(tmp_path / "data")}, env_file=None)

    index, default_index = open_index(configured), open_index(default)

    assert isinstance(index, TantivyIndex)
    assert isinstance(default_index, TantivyIndex)
    assert index.synonyms.others("水浸") == ("水淹",)
    assert default_index.synonyms is DEFAULT_SYNONYMS


def test_a_description_s_pieces_are_found_by_the_synonyms_of_the_word_they_stand_in() -> None:
    terms = parse_terms("入住产权人", DEFAULT_SYNONYMS)
    found = partial_match(terms, DEFAULT_SYNONYMS)

    assert found is not None
    synonyms = {piece.text: [synonym.text for synonym in piece.synonyms]
                for piece in found.pieces}
    # 产权人's pieces count for a letter writing 业主 as for one writing 产权人.
    assert synonyms == {"入住": [], "住产": [],
                        "产权": ["业主", "房主", "屋主"], "权人": ["业主", "房主", "屋主"]}
    # A piece that is a group's word whole is matched with its synonyms as a term is.
    leak = partial_match(parse_terms("阳台漏水严重", DEFAULT_SYNONYMS), DEFAULT_SYNONYMS)
    assert leak is not None
    assert [synonym.text for synonym in leak.pieces[2].synonyms] == ["渗水", "渗漏"]


def test_a_group_names_the_longer_words_in_which_its_words_mean_something_else() -> None:
    synonyms = Synonyms([("物业费", "管理费", "-停车管理费", "-管理费用")])

    assert synonyms.others("物业费") == ("管理费",)
    assert synonyms.excepted("管理费") == ("停车管理费", "管理费用")
    # Not those the search word stands in itself: 停车物业费 is after the parking fee.
    assert synonyms.excepted("停车管理费") == ("管理费用",)
    assert [unless.text for unless in parse_terms("物业费", synonyms)[0].synonyms[0].unless] \
        == ["停车管理费", "管理费用"]


def test_the_company_s_file_names_the_longer_words_after_a_dash(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("合同 合约 -联合同 －结合同\n", encoding="utf-8")

    synonyms = Synonyms.from_file(path)

    assert synonyms.others("合约") == ("合同",)
    assert synonyms.excepted("合同") == ("联合同", "结合同")


@pytest.mark.parametrize("line", ["漏水 -渗漏水\n", "漏水 渗水 -\n"])
def test_a_line_of_one_word_and_its_exceptions_is_named(tmp_path: Path, line: str) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text(line, encoding="utf-8")

    with pytest.raises(ConfigError, match=":1: "):
        Synonyms.from_file(path)


def test_a_group_of_one_word_and_its_exceptions_says_those_do_not_count(
        tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("合同 -联合同\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"two words or more, .* besides those after a '-'"):
        Synonyms.from_file(path)
