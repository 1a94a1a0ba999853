"""Each line of a PP-OCR page in its own script (``ppocr.script``), on fixed readings: what
the recogniser read at each place, and how likely it found the counterpart there."""

from collections.abc import Sequence

from services.ingest.extraction.ppocr.recognition import Reading
from services.ingest.extraction.ppocr.script import in_line_scripts, script_variants

# A small dictionary, laid out as the recogniser's: the CTC blank first, a space last.
CHARACTERS = ("", *"紧緊急联聯系人郭伟偉明经經办辦何静靜住户戶登记記表",
              *"请請物业業管理处處人员員上门門检檢查陽台臺端：", *"务務于於据據果结結须須",
              " ")
VARIANTS = script_variants(CHARACTERS)
INDEX = {character: number for number, character in enumerate(CHARACTERS)}


def reading(text: str, *, counterpart: float = 1e-5, doubtful: str = "") -> Reading:
    """``text`` read with 0.99 at each place; its counterpart found at ``counterpart`` (as
    on print: 1e-5, 11.5 nats less likely), or at 0.4 for the characters in ``doubtful``."""
    classes = tuple(INDEX[character] for character in text)
    return Reading(
        characters=tuple(text), classes=classes, probabilities=(0.99,) * len(text),
        steps=tuple((2 * place, 2 * place + 1) for place in range(len(text))),
        step_count=2 * len(text),
        counterpart_probabilities=tuple(
            (0.4 if character in doubtful else counterpart) if number in VARIANTS.counterparts
            else None for character, number in zip(text, classes, strict=True)))


def texts(readings: Sequence[Reading]) -> list[str]:
    return ["".join(line.characters) for line in readings]


def test_a_page_that_prints_both_scripts_keeps_each_line_in_its_own() -> None:
    lines = ["住戶登記表", "請檢查門", "紧急联系人：郭伟明", "经办：何静"]
    kept, script = in_line_scripts([reading(line) for line in lines], VARIANTS, CHARACTERS)
    assert texts(kept) == lines
    assert script == "chi_sim"


def test_a_line_that_leans_the_other_way_only_a_little_takes_the_pages_script() -> None:
    # Brush-written Simplified lines come back whole in Traditional, but less surely than
    # print (6.7 nats a character at most on the bench's pages; here 4.6).
    lines = [reading("紧急联系人：郭伟明"), reading("經辦：何靜", counterpart=0.01)]
    kept, script = in_line_scripts(lines, VARIANTS, CHARACTERS)
    assert texts(kept) == ["紧急联系人：郭伟明", "经办：何静"]
    assert script == "chi_sim"


def test_characters_the_recogniser_read_in_the_other_script_join_their_lines_script() -> None:
    # On brush-written pages the model reads a Simplified line's 业 员 门 as 業 員 門 now
    # and then, less surely than the rest of the line.
    read = reading("请物業管理处人員上門检查", doubtful="業員門")
    kept, script = in_line_scripts([read], VARIANTS, CHARACTERS)
    assert texts(kept) == ["请物业管理处人员上门检查"]
    assert kept[0].probabilities[2] == 0.4
    assert script == "chi_sim"


def test_tai_stays_tai_on_a_traditional_line() -> None:
    kept, script = in_line_scripts([reading("請檢查陽台：台端")], VARIANTS, CHARACTERS)
    assert texts(kept) == ["請檢查陽台：台端"]
    assert script == "chi_tra"


def test_characters_both_scripts_write_still_count_towards_the_pages_script() -> None:
    # A brush-written Simplified page read mostly as Traditional, though not surely; the
    # 于 and 据 it was sure of (not 於 and 據) tip it back, as on one of the bench's pages.
    lines = [reading("業務處業務處", doubtful="業務處"), reading("于据")]
    kept, script = in_line_scripts(lines, VARIANTS, CHARACTERS)
    assert texts(kept) == ["业务处业务处", "于据"]
    assert script == "chi_sim"


def test_a_character_with_one_form_in_the_lines_script_takes_it() -> None:
    read = reading("处理结果須", doubtful="須")
    kept, _ = in_line_scripts([read], VARIANTS, CHARACTERS)
    assert texts(kept) == ["处理结果须"]


def test_a_character_with_several_forms_in_the_lines_script_stays_as_read() -> None:
    # 须 is 須 (must) or 鬚 (beard) in Traditional: which one, the word tells, not the glyph.
    read = reading("處理結果须", doubtful="须")
    kept, script = in_line_scripts([read], VARIANTS, CHARACTERS)
    assert texts(kept) == ["處理結果须"]
    assert script == "chi_tra"
