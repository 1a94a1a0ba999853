"""Removal of the spaces Tesseract puts between CJK characters, and the English-page test."""

import pytest

from services.ingest.extraction import remove_cjk_spaces
from services.ingest.extraction.cjk import is_mostly_english

SPACING_CASES = [
    ("维 修 申 请", "维修申请"),
    ("業主 維修 申請 單", "業主維修申請單"),
    ("申请 ， 请 尽快", "申请，请尽快"),
    ("检查 。", "检查。"),
    ("（ A-1201 ）", "（A-1201）"),
    ("电话 ： 13800138000", "电话：13800138000"),
    ("嚴重 , 請", "嚴重,請"),
    ("姓名 : 张伟", "姓名:张伟"),
    ("Room 1201 房间", "Room 1201 房间"),
    ("Room 1201 于 2023 年", "Room 1201 于 2023 年"),
    ("A-1201 室", "A-1201 室"),
    ("Please store water in advance.", "Please store water in advance."),
    ("Mr. Zhang, room 1201", "Mr. Zhang, room 1201"),
    ("维修\n申请", "维修\n申请"),
    ("维修 \n 申请", "维修 \n 申请"),
    ("维\t修", "维修"),
    ("さ く ら", "さくら"),
    ("𠀀 𠀁", "𠀀𠀁"),
    ("１２ 号", "１２号"),
    ("", ""),
]


@pytest.mark.parametrize(("recognised", "expected"), SPACING_CASES)
def test_spaces_between_cjk_characters_are_removed_and_latin_spaces_kept(
    recognised: str, expected: str
) -> None:
    assert remove_cjk_spaces(recognised) == expected


ENGLISH_CASES = [
    ("Notice to the residents of Building A: the water supply stops.", True),
    ("Notice to the residents 业 of Building A: the water supply stops.", True),
    ("业主维修申请单 Room 1201 于 2023 年登记受理", False),
    ("Room 1201", False),
    ("", False),
    ("维修 申请 Water supply stops on Monday morning 物业 管理处 通知 全体 业主", False),
]


@pytest.mark.parametrize(("recognised", "mostly_english"), ENGLISH_CASES)
def test_a_page_is_english_when_latin_words_outnumber_cjk_characters(
    recognised: str, mostly_english: bool
) -> None:
    assert is_mostly_english(recognised) is mostly_english
