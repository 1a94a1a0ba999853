"""Which characters belong to one script only (from OpenCC's tables), and where two readings
of a page disagree about them."""

import random

import pytest

from services.ingest.extraction.cjk import (
    ScriptEvidence,
    other_script_forms,
    script_evidence,
    unambiguous_forms,
)
from services.ingest.extraction.language import missed_script_characters
from tests.support.documents import in_script, paper


@pytest.mark.parametrize("char", list("发说门业书点请两"))
def test_character_written_only_in_simplified_counts_as_simplified(char: str) -> None:
    assert script_evidence(char) == ScriptEvidence(simplified=1, traditional=0)


@pytest.mark.parametrize("char", list("發說門業書點請兩裡衛"))
def test_character_written_only_in_traditional_counts_as_traditional(char: str) -> None:
    assert script_evidence(char) == ScriptEvidence(simplified=0, traditional=1)


# 后 干 里 台 只 面: Simplified forms that are Traditional words too (皇后, 若干, 公里, 台灣);
# 於 乾: Traditional forms that Simplified keeps (乾坤); 户 温: how Hong Kong writes 戶 溫.
@pytest.mark.parametrize("char", list("后干里台只面於乾户温大工一A1"))
def test_character_both_scripts_write_counts_for_neither(char: str) -> None:
    assert script_evidence(char) == ScriptEvidence(simplified=0, traditional=0)


@pytest.mark.parametrize(("char", "form"),
                         [("门", "門"), ("門", "门"), ("联", "聯"), ("伟", "偉"), ("靜", "静"),
                          ("發", "发"), ("須", "须"), ("個", "个"), ("並", "并"), ("後", "后")])
def test_a_one_script_character_with_one_form_in_the_other_has_that_form(
    char: str, form: str
) -> None:
    assert unambiguous_forms()[char] == form


# 发 须 个 并 尽 复: one Simplified character for two or three Traditional ones (發 髮,
# 須 鬚, 個 箇, 並 併, 盡 儘, 復 複 覆); 儘: 尽 or 侭; 台 干 了 系 后 里 於 于: both
# scripts write them (陽台, 若干, 皇后, 公里).
@pytest.mark.parametrize("char", list("发须个并尽复儘台干了系后里於于"))
def test_a_character_without_one_form_in_the_other_script_has_none(char: str) -> None:
    assert char not in unambiguous_forms()


# The recogniser's evidence for a page's script also weighs characters both scripts write
# whose usual other form differs (于 for 於, 据 for 據), not those written alike.
@pytest.mark.parametrize(("char", "forms"),
                         [("于", ("於",)), ("据", ("據",)), ("发", ("發", "髮")), ("门", ("門",))])
def test_a_simplified_character_usually_written_otherwise_has_its_traditional_forms(
    char: str, forms: tuple[str, ...]
) -> None:
    traditional_forms, _ = other_script_forms()
    assert traditional_forms[char] == forms


# 面 系 只 大: Traditional usually writes them alike; 台 户: as Taiwan and Hong Kong write 臺 戶.
@pytest.mark.parametrize("char", list("面系只大台户"))
def test_a_character_usually_written_alike_in_both_scripts_has_no_other_forms(char: str) -> None:
    traditional_forms, simplified_forms = other_script_forms()
    assert char not in traditional_forms
    assert char not in simplified_forms


def test_generated_papers_show_only_their_own_script() -> None:
    rng = random.Random(13)
    for number in range(100):
        script = "simplified" if number % 2 else "traditional"
        document = paper(rng, script=script, length=("long", "short", "sparse")[number % 3])
        evidence = script_evidence(document.text)
        own, other = ((evidence.simplified, evidence.traditional) if script == "simplified"
                      else (evidence.traditional, evidence.simplified))
        differs = in_script(document.text, "traditional", rng) != document.text
        assert other == 0, document.text
        assert own > 0 or (script == "simplified" and not differs), document.text


def test_readings_that_agree_once_folded_show_no_missed_characters() -> None:
    assert missed_script_characters("业主维修申请单", "業主維修申請單") == ScriptEvidence(0, 0)


def test_characters_chi_sim_could_not_read_as_simplified_count_for_traditional() -> None:
    # chi_sim on a Traditional page: 麗 read as 惠, 說 as 褒; chi_tra read them.
    missed = missed_script_characters("客户林兰惠 情况褒明", "客戶林蘭麗 情況說明")
    assert missed == ScriptEvidence(simplified=0, traditional=2)


def test_characters_chi_tra_could_not_read_as_traditional_count_for_simplified() -> None:
    # chi_tra on a Simplified page: 点 read as 占 (not 點), 书 as 卡 (not 書).
    missed = missed_script_characters("上午十点 书面答复", "上午十占 卡面答覆")
    assert missed == ScriptEvidence(simplified=2, traditional=0)


def test_spaces_and_width_do_not_make_readings_disagree() -> None:
    assert missed_script_characters("维 修 ， 申请", "維修,申 請") == ScriptEvidence(0, 0)
