"""The Chinese model is chosen from what the page says, without a hint.

Real Tesseract on generated papers (letters, forms, contracts, notices; long, short, and
sparse ones with only a few one-script characters), scanned at 200 and 300 dpi with
noise and a slight turn, as grey PNG, colour JPEG, grey TIFF and colour scanned PDF, in
each script. The rule itself is tested on fixed readings (``ScriptedEngine``), and the
benchmark (``bench/findability.py``) counts the choice over a larger corpus.
"""

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from services.ingest.extraction import (
    ExtractionLimits,
    OcrLanguage,
    OcrReading,
    PageImage,
    PageText,
    TesseractEngine,
    WordBox,
    extract_document,
)
from services.ingest.extraction.language import LanguageChooser
from tests.support.documents import Length, paper
from tests.support.rendering import (
    Script,
    render_page,
    scanned,
    write_jpeg,
    write_png,
    write_scanned_pdf,
    write_tiff,
)
from tests.unit.ingest.engines import ScriptedEngine

MODEL: dict[Script, OcrLanguage] = {"simplified": "chi_sim", "traditional": "chi_tra"}
Writer = Callable[[Path, list[Image.Image]], Path]
FORMATS: dict[str, tuple[Writer, bool]] = {
    # format: (writer, scanned in colour)
    "png": (lambda path, pages: write_png(path, pages[0]), False),
    "jpeg": (lambda path, pages: write_jpeg(path, pages[0]), True),
    "tiff": (write_tiff, False),
    "pdf": (write_scanned_pdf, True),
}
LENGTHS: tuple[Length, ...] = ("long", "short", "sparse")
CASES = [(script, kind, dpi) for script in MODEL for kind in FORMATS for dpi in (200, 300)]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory
              ) -> Callable[[Script, str, int], list[PageText]]:
    directory = tmp_path_factory.mktemp("scripts")
    results: dict[tuple[Script, str, int], list[PageText]] = {}

    def extract(script: Script, kind: str, dpi: int) -> list[PageText]:
        if (script, kind, dpi) not in results:
            rng = random.Random(f"{script}-{kind}-{dpi}")
            writer, colour = FORMATS[kind]
            count = 2 if kind == "tiff" else 1
            length = LENGTHS[CASES.index((script, kind, dpi)) % len(LENGTHS)]
            pages = [scanned(render_page(paper(rng, script=script, length=length).lines,
                                         script=script, dpi=dpi), rng, colour=colour)
                     for _ in range(count)]
            path = writer(directory / f"{script}-{dpi}.{kind}", pages)
            results[script, kind, dpi] = list(extract_document(
                path, limits=ExtractionLimits(), engine=TesseractEngine()))
        return results[script, kind, dpi]

    return extract


@pytest.mark.ocr
@pytest.mark.parametrize(("script", "kind", "dpi"), CASES)
def test_scan_is_read_with_its_own_scripts_model(
    extracted: Callable[[Script, str, int], list[PageText]], script: Script, kind: str,
    dpi: int,
) -> None:
    assert [page.language for page in extracted(script, kind, dpi)] == [MODEL[script]] * (
        2 if kind == "tiff" else 1)


def _reading(text: str, confidence: float) -> OcrReading:
    words = tuple(WordBox(text=word, confidence=confidence, left=0, top=0, width=1, height=1)
                  for word in text.split())
    return OcrReading(text=text, words=words)


PAGE = PageImage(pixels=Image.new("L", (8, 8), 255), dpi=300)


def _choose(simplified: OcrReading, traditional: OcrReading
            ) -> tuple[OcrLanguage, list[OcrLanguage]]:
    engine = ScriptedEngine({"chi_sim": simplified, "chi_tra": traditional})
    language, _ = LanguageChooser(engine, hint=None, timeout_s=10).read(PAGE)
    return language, engine.languages


def test_page_without_one_script_characters_is_read_once_and_the_choice_waits() -> None:
    shared = _reading("本合同一式 2024年5月18日 上午十一 大堂", 90)
    engine = ScriptedEngine({"chi_sim": shared, "chi_tra": shared})
    chooser = LanguageChooser(engine, hint=None, timeout_s=10)
    assert chooser.read(PAGE)[0] == "chi_sim"
    assert (engine.languages, chooser.chinese) == (["chi_sim"], None)


def test_characters_chi_sim_missed_outweigh_its_slightly_higher_confidence() -> None:
    # chi_sim missed 麗, 說, 壞 (read 惠, 褒, 款) and is 4 points more confident.
    simplified = _reading("客户 林兰惠 情况褒明 门锁已损款 请尽快维修", 90)
    traditional = _reading("客戶 林蘭麗 情況說明 門鎖已損壞 請盡快維修", 86)
    assert _choose(simplified, traditional) == ("chi_tra", ["chi_sim", "chi_tra"])


def test_two_missed_characters_do_not_outweigh_a_much_higher_confidence() -> None:
    # A Simplified page where chi_sim misread 关 and 借 (天, 音) and chi_tra read 關 and 紳:
    # chi_sim's 5 points more confidence keep it (measured on a bench cabinet page).
    simplified = _reading("天于档案借阅管理规定 音阅期限不超过七日", 92)
    traditional = _reading("關於檔案借閱管理規定 紳閱期限不超過七日", 87)
    assert _choose(simplified, traditional)[0] == "chi_sim"


def test_page_with_nothing_missed_is_traditional_only_if_clearly_more_confident() -> None:
    simplified = _reading("本合同一式两份 明日上午十点消防演习", 92)
    assert _choose(simplified, _reading("本合同一式兩份 明日上午十點消防演習", 92.8))[0] == (
        "chi_sim")
    assert _choose(simplified, _reading("本合同一式兩份 明日上午十點消防演習", 95))[0] == (
        "chi_tra")

