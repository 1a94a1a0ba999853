"""A category as staff type it: the spellings its catalogue name (D5) offers, its
alternatives written out and what its brackets hold; a name that could be several is
refused with those, by their catalogue names. A unit code, or part of one, typed to find
a household."""

from __future__ import annotations

import pytest

from services.common.names import (
    building_alone,
    building_named,
    category_named,
    department_named,
    floor_named,
    household_named,
    tidied_username,
    typed_items,
    unit_code_key,
    unit_in_words,
)


@pytest.mark.parametrize(("typed", "category"), [
    ("购房合同", "contract"),  # 购/租房合同: the part before the slash, written out
    ("租房合同", "contract"),
    ("购房", "contract"),
    ("维修记录", "repair"),  # 维修/报修记录
    ("迁入资料", "move_in"),  # 入住/迁入资料
    ("拜访记录", "visit"),  # 拜访/回访记录
    ("二装审批", "decoration"),  # what 装修工程文件(二装审批) holds
    ("装修工程文件（二装审批）", "decoration"),  # the catalogue's name, full-width brackets
    ("证件", "supplement"),  # an item 资料补充(证件、执照、铭牌) lists
    ("车位", "application"),  # of 申请单(门锁、电话、车位、水牌、加班)
    ("申请单", "application"),
])
def test_the_names_a_catalogue_name_offers_are_that_category(typed: str, category: str
                                                              ) -> None:
    assert category_named(typed) == category


def test_a_name_several_categories_could_have_lists_them_by_their_catalogue_names() -> None:
    with pytest.raises(ValueError, match="'资料' could be any of 客户单位资料、入住/迁入资料、"
                                         r"资料补充\(证件、执照、铭牌\)、联络资料"):
        category_named("资料")


def test_a_name_of_no_category_lists_every_catalogue_name_with_its_brackets() -> None:
    with pytest.raises(ValueError, match="none of the categories") as refused:
        category_named("房产证")
    assert "装修工程文件(二装审批)" in str(refused.value)
    assert "申请单(门锁、电话、车位、水牌、加班)" in str(refused.value)


@pytest.mark.parametrize(("typed", "key"), [
    ("a1201", "A1201"), ("A-1201", "A1201"), (" A 1201 ", "A1201"), ("Ａ－１２０１", "A1201"),
    ("A栋1201", "A1201"), ("B1座-0101", "B10101"), ("1201", "1201"), ("郑家豪", None),
    ("A栋 王", None), ("E0101室", "E0101"), ("A座1201号", "A1201"),
])
def test_a_unit_code_typed_any_way_is_its_letters_and_digits(typed: str, key: str | None
                                                              ) -> None:
    assert unit_code_key(typed) == key


@pytest.mark.parametrize("typed", ["Customer service", "CUSTOMER SERVICE", " customer Service ",
                                   "客服部", "customer_service"])
def test_a_usual_department_is_taken_by_the_name_its_page_shows_in_any_case(
        typed: str) -> None:
    assert department_named(typed, shown={"customer_service": "Customer service",
                                          "archive": "Archive room"}) == "customer_service"


@pytest.mark.parametrize("typed", ["archive\u200b", "\ufeff档案室", "檔案室",
                                   "\u3000archive\u3000"])
def test_a_department_pasted_with_invisible_characters_or_in_traditional_is_read(
        typed: str) -> None:
    """archive with a zero-width space after it was refused, quoting what looked right."""
    assert department_named(typed) == "archive"


def test_a_list_typed_in_one_field_is_read_without_what_cannot_be_seen() -> None:
    """An archive number pasted for a hold with a zero-width space after it was refused
    as one that does not exist, quoting what looked like the right number."""
    typed = "　2012-repair-A-1201-0001\u200b，2024-repair-A-1201-0002、\ufeffA-1201 "
    assert typed_items(typed) == [
        "2012-repair-A-1201-0001", "2024-repair-A-1201-0002", "A-1201"]


@pytest.mark.parametrize("typed", ["ｗａｎｇ", "WANG", "　wang　", "wa\u200bng", "Ｗａｎｇ"])
def test_a_username_typed_in_full_width_or_capitals_is_that_username(typed: str) -> None:
    """Typed with the input method left in full width, or with Caps Lock on, the sign-in
    page said only that the username or password was wrong."""
    assert tidied_username(typed) == "wang"


def test_a_name_shown_on_no_page_is_no_department() -> None:
    with pytest.raises(ValueError, match="not a department"):
        department_named("Customer Service")


@pytest.mark.parametrize(("typed", "code"), [
    ("a1201", "A-1201"), ("Ａ－１２０１", "A-1201"), ("A栋1201", "A-1201"),
    ("A座1201室", "A-1201"), ("A栋 1201", "A-1201"), ("A栋-1201", "A-1201"),
    ("B1座0101", "B1-0101"), ("E0101室", "E-0101"),
    ("3-0501", "3-0501"), ("3栋0501", "3-0501"), ("12栋-0101", "12-0101"),
])
def test_a_unit_code_in_words_is_filed_as_search_finds_it(typed: str, code: str) -> None:
    """The manifest, the command line and the forms read A栋1201 as the households search
    does (it was refused there while search found A-1201); a building's word parts the
    building from the floor as the hyphen does (B1座0101 is B1-0101, not ambiguous); a
    numbered building (3栋) is a building as a lettered one is."""
    assert household_named(typed) == code


@pytest.mark.parametrize(("typed", "code"), [
    ("A棟1201", "A-1201"), ("3號樓0501", "3-0501"), ("B座1201室", "B-1201"),
    ("A-12\u200b01", "A-1201"), ("\ufeffA-1201", "A-1201"), ("A\u2060-1201\u200d", "A-1201"),
    ("\u3000A栋1201\u3000", "A-1201"),
])
def test_a_unit_code_in_traditional_or_pasted_with_invisible_characters_is_read(
        typed: str, code: str) -> None:
    """A棟1201 (Traditional, as a Hong Kong owner's letter writes it) and a code pasted
    from a chat with a zero-width space inside were refused with a message quoting
    what looked like a good code."""
    assert household_named(typed) == code


@pytest.mark.parametrize(("typed", "building"), [
    ("12栋", "12"), ("A座", "A"), ("b1幢", "B1"), ("3号楼", "3"), ("Ａ栋", "A"),
    ("12棟", "12"), ("3號樓", "3"), ("A\u200b座", "A"),
    ("12楼", None), ("A栋1201", None), ("王栋", None), ("12", None),
])
def test_a_building_typed_alone_by_its_word_is_that_building(typed: str,
                                                              building: str | None) -> None:
    """12楼 is a floor as often as a building: not taken for one."""
    assert building_alone(typed) == building


@pytest.mark.parametrize(("typed", "floor"), [
    ("A/12", ("A", 12)), ("A栋12层", ("A", 12)), ("5栋8层", ("5", 8)), ("5栋/8", ("5", 8)),
    ("B1座5楼", ("B1", 5)), ("a 3", ("A", 3)), ("5/08", ("5", 8)),
])
def test_a_floor_is_read_as_staff_write_it(typed: str, floor: tuple[str, int]) -> None:
    assert floor_named(typed) == floor


@pytest.mark.parametrize("typed", ["A12", "A/x", "王/3", ""])
def test_what_names_no_floor_says_how_to_write_one(typed: str) -> None:
    with pytest.raises(ValueError, match=r"A/12|building like A"):
        floor_named(typed)


@pytest.mark.parametrize(("typed", "building"), [
    ("五栋", "5"), ("十二号楼", "12"), ("Ｂ座", "B"), ("b", "B"), ("building 3", "3"),
])
def test_a_building_is_read_as_staff_write_it(typed: str, building: str) -> None:
    assert building_named(typed) == building


@pytest.mark.parametrize("typed", ["五", "王栋", "B-1204", "甲十栋", "百十栋", "十甲号楼"])
def test_what_names_no_building_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a building"):
        building_named(typed)


@pytest.mark.parametrize(("typed", "code"), [
    ("3栋1104", "3-1104"), ("3号楼1104室", "3-1104"), ("三栋1104", "3-1104"),
    ("十二栋0101", "12-0101"), ("二十五幢0101", "25-0101"), ("b座402", "b-0402"),
    ("3栋501室", "3-0501"), ("a0301", "a-0301"), ("a301", "a-301"),
    ("1104室", None), ("零栋0101", None), ("A座", None), ("12楼", None), ("漏水", None),
])
def test_a_flat_in_the_words_of_an_address_is_searched_as_its_unit_code(
        typed: str, code: str | None) -> None:
    """Staff write an address, not a code: 3栋1104 is the household 3-1104, its building in
    Chinese numerals too (三栋); room 402 is floor 4's flat 02, B-0402 (D1)."""
    assert unit_in_words(typed) == code
