"""A paper location as staff write it (D7): one reading of its parts, so one box is one
box whichever way it was typed, as recorded and as read back from storage."""

from __future__ import annotations

import msgspec
import pytest

from services.common.contracts.registry import PaperLocation
from services.common.names import tidied_location

BOX_3 = ("A", "档案室", "1", "3")


@pytest.mark.parametrize("typed", [
    ("A", "档案室", "1", "3"), ("A栋", "档案室", "1", "3"), ("a", " 档案室 ", "1柜", "3盒"),
    ("Ａ栋", "档案室", "cabinet 1", "box 3"), ("building a", "档案室", "第1柜", "03"),
    (" A ", "档案室", "１号柜", "3号盒")])
def test_a_location_s_parts_are_read_whichever_way_staff_wrote_them(
        typed: tuple[str, str, str, str]) -> None:
    assert tidied_location(*typed) == BOX_3


def test_a_part_of_another_kind_is_kept_as_written_without_its_word() -> None:
    assert tidied_location("档案楼", "二楼 档案室", "东墙柜", "B2") == (
        "档案楼", "二楼 档案室", "东墙", "B2")
    assert tidied_location("栋", "档案室", "柜", "盒") == ("栋", "档案室", "柜", "盒")


def test_a_location_is_tidied_when_decoded_and_when_read_back_from_storage() -> None:
    """A request's body and a row stored before this reading (JSON) give the same box."""
    decoded = msgspec.json.decode(
        '{"building": "A栋", "room": "档案室", "cabinet": "1柜", "box": "3盒"}'.encode(),
        type=PaperLocation)
    stored = msgspec.convert({"building": "a", "room": "档案室", "cabinet": "1", "box": "3"},
                             PaperLocation)
    assert decoded == stored == PaperLocation(building="A", room="档案室", cabinet="1",
                                              box="3")
