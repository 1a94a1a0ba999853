"""Contract of the search index, run against every implementation (``index`` in conftest).

The same documents must match the same queries everywhere, so every assertion is on
exact sets of document ids.
"""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import Conflict, DependencyUnavailable
from services.search.index.models import ANALYSIS, AccessFilter
from services.search.index.protocol import INDEX_MISSING, SearchIndex
from services.search.query import SearchQuery
from tests.contract.search.conftest import (
    BACKENDS,
    ORDINARY,
    SECRET,
    IndexOpener,
    Storage,
    doc,
    found,
)


# -- Chinese text --------------------------------------------------------------------------
async def test_a_word_wrapped_across_lines_is_found(index: SearchIndex) -> None:
    # A scanned page wraps wherever the margin falls: 大堂 split over two lines.
    letter = doc(body="关于更换大\n堂水牌的申请\n本公司拟于下月更换一楼大\n堂的广告水牌。")
    await index.upsert([letter, doc(body="大门\n堂食")])
    assert await found(index, "更换大堂水牌") == {letter.document_id}
    assert await found(index, '"更换大堂水牌"') == {letter.document_id}
    result = await index.search(SearchQuery(q="大堂水牌"), SECRET)
    assert result.hits[0].highlights[0].count("<mark>") == 1
    assert "大 堂水牌" in result.hits[0].highlights[0]


# The query finds the letter and not its near neighbour.
NEIGHBOURS = [
    pytest.param("業主申請維修門鎖", "缴纳物业费", "维修",
                 id="simplified_query_finds_traditional_text"),
    pytest.param("业主申请维修门锁", "繳納物業費", "維修",
                 id="traditional_query_finds_simplified_text"),
    pytest.param("工单 wx2019-0456 已处理", "工单 WX2020-0001", "ＷＸ２０１９－０４５６",
                 id="full_width_and_upper_case_query_finds_half_width_text"),
    pytest.param("维修A座十二层电梯", "B座十二层", "A座",
                 id="mixed_term_with_lone_character_matches"),
    pytest.param("紧急联系人 王先生 电话13812345678", "电话13812345679", "13812345678",
                 id="phone_number_query_matches"),
    pytest.param("报修单号WX2019-0456，已派单", "报修单号WX2019-0457", "WX2019-0456",
                 id="ticket_number_query_matches"),
    pytest.param("维修申请", "维修", "维修 || 申请* ( ~",
                 id="query_syntax_characters_are_plain_text"),
    # The false positive of Tantivy's ngram tokenizer: 中国人 matched 中国…外国人.
    pytest.param("我是中国人", "中国的外国人", "中国人", id="term_matches_only_adjacent_bigrams"),
    pytest.param("提交 维修 申请 一份", "申请 维修", '"维修 申请"',
                 id="quoted_phrase_keeps_its_words_in_order"),
    pytest.param("厨房水管爆裂，已关总阀", "水管老化，墙面爆裂", '"水管 爆裂"',
                 id="quoted_phrase_typed_with_a_blank_finds_its_words_written_together"),
    pytest.param("爆裂水管已更换", "厨房水管爆裂，已关总阀", '“爆裂　水管”',
                 id="quoted_phrase_typed_with_a_blank_keeps_its_words_in_order"),
]


@pytest.mark.parametrize(("body", "neighbour", "query"), NEIGHBOURS)
async def test_query_finds_the_letter_not_its_neighbour(index: SearchIndex, body: str,
                                                        neighbour: str, query: str) -> None:
    letter = doc(body=body)
    await index.upsert([letter, doc(body=neighbour)])
    assert await found(index, query) == {letter.document_id}


async def test_chinese_words_match_after_folding_regression_paperless_12860(
    index: SearchIndex,
) -> None:
    # Paperless-ngx #12860: an ASCII-folding analyzer silently dropped every CJK match.
    letters = [doc(body="空调漏水，请尽快派人检修"), doc(body="停车位申请已批准"),
               doc(body="Elevator 电梯 noise 噪音 complaint")]
    await index.upsert(letters)
    assert await found(index, "漏水") == {letters[0].document_id}
    assert await found(index, "停车位") == {letters[1].document_id}
    assert await found(index, "噪音") == {letters[2].document_id}


async def test_single_character_query_matches_inside_words(index: SearchIndex) -> None:
    letters = [doc(body="请维修门锁"), doc(body="申请车位"), doc(body="缴费")]
    await index.upsert(letters)
    assert await found(index, "修") == {letters[0].document_id}


async def test_unit_code_query_matches_the_code(index: SearchIndex) -> None:
    letter = doc(body="住户A-1201反映漏水", household=None, archive_no="2024-policy-0001")
    await index.upsert([letter, doc(body="住户B-1201反映漏水", household=None,
                                    archive_no="2024-policy-0002")])
    assert await found(index, "A-1201") == {letter.document_id}


async def test_unit_code_query_needs_its_parts_together(index: SearchIndex) -> None:
    apart = doc(body="A座 1201室", household=None, archive_no="2024-policy-0003")
    await index.upsert([apart])
    assert await found(index, "A-1201") == set()


async def test_household_code_finds_its_documents_by_identifier(index: SearchIndex) -> None:
    own = doc(title="缴费通知", household="C-0302", archive_no="2024-payment-C-0302-0001")
    await index.upsert([own, doc(title="缴费通知", household="C-0303",
                                 archive_no="2024-payment-C-0303-0001")])
    assert await found(index, "C-0302") == {own.document_id}


async def test_a_unit_code_typed_without_its_hyphen_finds_the_household(
        index: SearchIndex) -> None:
    own = doc(title="缴费通知", household="C-0302", archive_no="2024-payment-C-0302-0001")
    letter = doc(body="住户C-0302反映漏水", household=None, archive_no="2024-policy-0009")
    await index.upsert([own, letter, doc(title="缴费通知", household="C-0303",
                                         archive_no="2024-payment-C-0303-0001")])
    assert await found(index, "c0302") == {own.document_id, letter.document_id}
    assert await found(index, "C0302 漏水") == {letter.document_id}
    result = await index.search(SearchQuery(q="c0302 漏水"), SECRET)
    assert "<mark>C-0302</mark>" in result.hits[0].highlights[0]


async def test_a_unit_typed_with_the_words_of_an_address_finds_the_household(
        index: SearchIndex) -> None:
    numbered = doc(title="缴费通知", household="3-1104", archive_no="2024-payment-3-1104-0001")
    lettered = doc(title="装修申请", household="B-0402", archive_no="2024-decoration-B-0402-0001")
    letter = doc(body="住户3-1104反映漏水", household=None, archive_no="2024-policy-0009")
    await index.upsert([numbered, lettered, letter,
                        doc(title="缴费通知", household="3-1105",
                            archive_no="2024-payment-3-1105-0001"),
                        doc(title="装修申请", household="B-0403",
                            archive_no="2024-decoration-B-0403-0001")])
    for q in ("3栋1104", "3棟1104室", "3号楼1104", "3幢1104", "三栋1104"):
        assert await _fully_found(index, q) == {numbered.document_id, letter.document_id}, q
    for q in ("B座402", "b栋402室", "B402室", "B座0402", "402室"):
        assert await _fully_found(index, q) == {lettered.document_id}, q
    assert await _fully_found(index, "1104室") == {numbered.document_id, letter.document_id}
    result = await index.search(SearchQuery(q="3栋1104室 漏水"), SECRET)
    assert "<mark>3-1104</mark>" in result.hits[0].highlights[0]


async def test_a_flat_typed_with_its_entrance_also_finds_its_household_after_the_letters(
        index: SearchIndex) -> None:
    # The entrance is not part of a unit code (D1): 3栋2单元1502 is the household 3-1502.
    letter = doc(body="投诉：3栋2单元1502室卫生间漏水", household=None,
                 archive_no="2024-policy-0009")
    receipt = doc(title="电费分摊确认单", household="3-1502",
                  archive_no="2024-payment-3-1502-0001")
    await index.upsert([letter, receipt,
                        doc(body="1栋2单元1502室阳台封窗", household="1-1502",
                            archive_no="2024-decoration-1-1502-0001"),
                        doc(title="电费分摊确认单", household="3-1402",
                            archive_no="2024-payment-3-1402-0001")])
    for q in ("3栋2单元1502", "3棟2單元1502室", "3-2-1502", "3-2-1502室", "3栋2-1502",
              "3#2-1502", "三栋二单元1502"):
        result = await index.search(SearchQuery(q=q, size=100), SECRET)
        assert [hit.document_id for hit in result.hits if hit.match == "all"] == [
            letter.document_id, receipt.document_id], q
    assert await _fully_found(index, '"3栋2单元1502"') == {letter.document_id}


async def test_separate_terms_match_anywhere_in_the_document(index: SearchIndex) -> None:
    together = doc(body="我是中国人")
    apart = doc(body="中国的外国人")
    await index.upsert([together, apart, doc(body="外国友人")])
    assert await found(index, "中国 国人") == {together.document_id, apart.document_id}


async def test_phrase_does_not_run_from_the_title_into_the_body(index: SearchIndex) -> None:
    await index.upsert([doc(title="业主来函", body="维修申请")])
    assert (await found(index, '"来函 维修"'), await found(index, "维修")) == (
        set(), await found(index, "来函"))


# -- what people type otherwise than the page writes it ------------------------------------


async def _fully_found(index: SearchIndex, q: str) -> set[str]:
    result = await index.search(SearchQuery(q=q, size=100), SECRET)
    return {hit.document_id for hit in result.hits if hit.match == "all"}


TYPED_FORMS = [
    pytest.param("業主 Owner：Kwok Wing-yan", "业主：Lee Kwokman", ["Kwok", "Owner", "owner kwok"],
                 id="a_word_after_a_full_width_colon"),
    pytest.param("来访事由：Delivery：Furniture", "来访事由：送货", ["Delivery", "Furniture"],
                 id="words_between_colons"),
    pytest.param("接待人：Mr.Wong 电邮 wykwok@example.com", "接待人：Ms Wong",
                 ["Mr.Wong", "mr wong", "Mr. Wong", "example.com", "wykwok@example.com"],
                 id="a_word_joined_by_a_full_stop_and_its_parts"),
    pytest.param("接待人：Mr. Wong", "接待人：Ms. Wong",
                 ["Mr.Wong", "MR.WONG", "Mr. Wong", "mr wong"],
                 id="a_word_typed_with_a_full_stop_finds_it_written_with_a_space_after"),
    pytest.param("电邮 kwok.wm@example.com；chan_tm@example.org",
                 "电邮 wykwok@example.com；chantm@example.org",
                 ["kwok", "wm", "Kwok WM", "chan", "tm", "chan_tm", "kwok.wm@example.com",
                  "chan_tm@example.org"],
                 id="an_e_mail_address_by_the_parts_of_its_name"),
    pytest.param("例如 e.g. 押金 12.50 元，网站 www.example.com",
                 "例如 eg 押金 1250 元 12.5，网站 www.example.org",
                 ["e.g.", "12.50", "example.com", "www.example.com"],
                 id="abbreviations_amounts_and_domains_and_a_domain_inside_a_longer_one"),
    pytest.param("月租金¥12,500.00，押金：¥23,600.00", "月租金¥12,600.00 编号1,2,500",
                 ["12,500", "12500", "¥12,500", "12,500.00", "23600", "¥23,600"],
                 id="an_amount_without_its_cents_or_thousands_separators"),
    pytest.param("押金3500元已收，另收人民币12,800元", "押金3600元已收，另收人民币12,900元",
                 ["3,500", "¥3,500.00", "3500.00元", "¥3500", "12800元", "¥12,800.00", "12,800"],
                 id="an_amount_typed_with_its_currency_or_cents_finds_it_written_without"),
    pytest.param("月租金¥12,500.00", "月租金¥12,600.00", ["12500元", "12,500元", "人民幣12500元"],
                 id="an_amount_typed_with_its_yuan_finds_it_written_with_its_currency"),
    pytest.param("手机13812345678，座机075588881234，身份证44030119800101123X",
                 "手机13812345679，座机075588881235，身份证44030119800101124X 订单5678123",
                 ["5678", "1234", "123X", "尾号5678", "后四位：123X"],
                 id="a_number_written_without_groups_by_its_last_four_digits"),
    pytest.param("访客车牌粤B·7K2Q9，另一辆粤BD8812", "车牌粤B·7K2Q8",
                 ["粤B7K2Q9", "粤B·7K2Q9", "7K2Q9", "B7K2Q9", "粤BD8812", "粤B·D8812"],
                 id="a_licence_plate_with_or_without_its_dot"),
    pytest.param("住址：3栋2单元1201室；5棟1單元0903室", "3栋2单元1202室 1栋5单元0903室",
                 ["3-2-1201", "3栋2单元1201", "5-1-0903", "5-1-903", "5栋1单元903"],
                 id="a_flat_as_people_say_it"),
    pytest.param("住址：5栋1单元903室", "住址：5栋1单元904室；1栋5单元0903室",
                 ["5-1-0903", "5栋1单元0903室", "5-1-903"],
                 id="a_flat_typed_with_a_0_the_page_does_not_write"),
]


@pytest.mark.parametrize(("body", "neighbour", "typed"), TYPED_FORMS)
async def test_a_page_is_found_by_what_people_type_for_it(
        index: SearchIndex, body: str, neighbour: str, typed: list[str]) -> None:
    page = doc(body=body)
    await index.upsert([page, doc(body=neighbour)])
    for q in typed:
        assert await _fully_found(index, q) == {page.document_id}, q


async def test_a_name_found_by_its_parts_is_marked_where_the_page_writes_it(
        index: SearchIndex) -> None:
    await index.upsert([doc(body="接待人：Mr. Wong，电邮 kwok_wm@example.com")])
    result = await index.search(SearchQuery(q="Mr.Wong kwok"), SECRET)
    assert "<mark>Mr. Wong</mark>" in result.hits[0].highlights[0]
    assert "<mark>kwok</mark>_wm@" in result.hits[0].highlights[0]


async def test_a_hit_carries_its_documents_language(index: SearchIndex) -> None:
    await index.upsert([doc(body="衛生間漏水", language="chi_tra"), doc(body="卫生间漏水")])
    result = await index.search(SearchQuery(q="漏水"), SECRET)
    assert sorted(str(hit.language) for hit in result.hits) == ["None", "chi_tra"]


async def test_a_plate_typed_with_its_dot_finds_a_page_writing_it_without(
        index: SearchIndex) -> None:
    page = doc(body="停车登记：粤B5M3K7")
    await index.upsert([page, doc(body="停车登记：粤B5M3K8")])
    assert await _fully_found(index, "粤B·5M3K7") == {page.document_id}


async def test_a_building_typed_together_with_the_words_after_it_finds_them_apart(
        index: SearchIndex) -> None:
    notice = doc(title="E栋 停水通知", body="因管道维修，E栋 停水半天。")
    await index.upsert([notice, doc(body="F栋 停水通知"), doc(body="E栋 停电通知")])
    for q in ("E栋停水", "E栋 停水", "e棟停水"):
        assert await _fully_found(index, q) == {notice.document_id}, q


async def test_a_unit_code_typed_on_into_the_words_finds_its_household_s_letters(
        index: SearchIndex) -> None:
    # The code is the file's (the household), the words the letter's: never side by side.
    leak = doc(household="B-0803", body="主卧天花板漏水，墙角发霉")
    await index.upsert([leak, doc(household="B-0804", body="厨房漏水"),
                        doc(household="B-0803", body="门禁卡补办")])
    for q in ("B-0803漏水", "漏水B-0803", "b-0803 漏水"):
        assert await _fully_found(index, q) == {leak.document_id}, q


async def test_an_amount_typed_without_its_cents_is_marked_where_the_page_writes_it(
        index: SearchIndex) -> None:
    await index.upsert([doc(body="押金：¥23,600.00，已收讫")])
    result = await index.search(SearchQuery(q="23600"), SECRET)
    assert "¥<mark>23,600</mark>.00" in result.hits[0].highlights[0]


# -- numbers written in groups --------------------------------------------------------------


async def test_a_number_is_found_written_with_or_without_its_groups(index: SearchIndex) -> None:
    spaced = doc(body="联系电话：138 1234 5678，请回电")
    plain = doc(body="紧急联系人电话13812345678")
    hyphens = doc(body="管理处电话0755-8888-1234")
    other = doc(body="电话139 1234 5678")
    await index.upsert([spaced, plain, hyphens, other])
    both = {spaced.document_id, plain.document_id}
    assert await found(index, "13812345678") == both
    assert await found(index, "138-1234-5678") == both
    assert await found(index, "138 1234 5678") == both  # pasted with its spaces
    assert await found(index, "075588881234") == {hyphens.document_id}
    # The groups are still words of their own.
    assert await found(index, "1234") == {spaced.document_id, hyphens.document_id,
                                          other.document_id}


async def test_a_landline_with_its_area_code_in_brackets_is_found_however_it_is_typed(
        index: SearchIndex) -> None:
    brackets = doc(body="如有疑问请致电(0755)8888-1234。")
    full_width = doc(body="咨询电话：（0755）8888 1234")
    other = doc(body="咨询电话：(0755)8888-1235")
    await index.upsert([brackets, full_width, other])
    for typed in ("075588881234", "0755-88881234", "0755-8888-1234", "(0755)8888-1234",
                  "（0755）8888-1234", "(0755) 8888 1234", "88881234"):
        assert await found(index, typed) == {brackets.document_id, full_width.document_id}, \
            typed


async def test_an_id_number_is_found_with_or_without_its_groups_and_check_letter(
        index: SearchIndex) -> None:
    grouped = doc(body="乙方身份证号：440301 19800101 123X")
    plain = doc(body="身份证号码44030119800101123x")
    other = doc(body="身份证号：440301 19800101 1234")
    await index.upsert([grouped, plain, other])
    both = {grouped.document_id, plain.document_id}
    assert await found(index, "44030119800101123X") == both
    assert await found(index, "440301 19800101 123X") == both  # pasted with its spaces
    assert await found(index, "440301-19800101-123x") == both


async def test_a_day_is_found_however_it_is_written(index: SearchIndex) -> None:
    chinese = doc(body="登记日期：2023年12月8日")
    iso = doc(body="报修时间 2023-12-08 上午")
    dotted = doc(body="截止2023.12.8")
    other = doc(body="登记日期：2023年12月9日")
    await index.upsert([chinese, iso, dotted, other])
    every = {chinese.document_id, iso.document_id, dotted.document_id}
    for typed in ("2023-12-08", "2023/12/8", "2023.12.8", "2023年12月8日", "20231208"):
        result = await index.search(SearchQuery(q=typed, size=100), SECRET)
        assert {hit.document_id for hit in result.hits if hit.match == "all"} == every, typed
    result = await index.search(SearchQuery(q="2023/12/8"), SECRET)
    marked = {hit.document_id: hit.highlights[0] for hit in result.hits}
    assert "<mark>2023年12月8日</mark>" in marked[chinese.document_id]
    assert "<mark>2023-12-08</mark>" in marked[iso.document_id]


async def test_a_month_is_found_however_it_or_a_day_of_it_is_written(
        index: SearchIndex) -> None:
    day_in_words = doc(body="施工期2019年5月18日起六十天")
    day_iso = doc(body="报修时间 2019-05-06 上午")
    day_slashed = doc(body="2019/5/30竣工验收")
    month_iso = doc(body="截至2019-05，尚欠物业费")
    month_in_numerals = doc(body="登记于二〇一九年五月。")
    others = [doc(body="截至2019-06，尚欠"), doc(body="2019年4月18日"),
              doc(body="二〇一九年六月"), doc(body="押金¥2019.05"), doc(body="二〇一〇年一月")]
    await index.upsert([day_in_words, day_iso, day_slashed, month_iso, month_in_numerals,
                        *others])
    every = {page.document_id for page in (day_in_words, day_iso, day_slashed, month_iso,
                                           month_in_numerals)}
    for typed in ("2019年5月", "2019-05", "2019/5", "二〇一九年五月", "二〇一九年五月份"):
        assert await found(index, typed) == every, typed
    result = await index.search(SearchQuery(q="2019年5月"), SECRET)
    marked = {hit.document_id: hit.highlights[0] for hit in result.hits}
    assert "<mark>2019-05</mark>" in marked[month_iso.document_id]
    assert "<mark>二〇一九年五月</mark>" in marked[month_in_numerals.document_id]


async def test_a_day_in_chinese_numerals_is_found_however_it_is_written(
        index: SearchIndex) -> None:
    numerals = doc(body="二〇一九年五月十八日")
    iso = doc(body="报修时间 2019-05-18 上午")
    await index.upsert([numerals, iso, doc(body="二〇一九年五月十九日"), doc(body="2019-05-19")])
    for typed in ("二〇一九年五月十八日", "2019-05-18", "2019年5月18号"):
        assert await found(index, typed) == {numerals.document_id, iso.document_id}, typed


async def test_each_of_two_numbers_on_a_line_is_found(index: SearchIndex) -> None:
    letter = doc(body="业主 138 1234 5678 139 8765 4321")
    await index.upsert([letter])
    assert await found(index, "13987654321") == {letter.document_id}
    assert await found(index, "13812345678") == {letter.document_id}


async def test_a_number_wrapped_across_lines_is_found_by_its_digits(index: SearchIndex) -> None:
    letter = doc(body="…致电 138 1234\n5678，确认上门时间")
    await index.upsert([letter, doc(body="电话 138 1234\n5679")])
    for typed in ("13812345678", "138-1234-5678", "138 1234 5678"):
        assert await found(index, typed) == {letter.document_id}, typed
    result = await index.search(SearchQuery(q="13812345678"), SECRET)
    assert "<mark>138 1234 5678</mark>" in result.hits[0].highlights[0]


async def test_a_local_number_wrapped_after_a_phone_cue_is_found_by_its_digits(
        index: SearchIndex) -> None:
    letter = doc(body="聯繫電話：8765\n4321，週一至週五")
    await index.upsert([letter, doc(body="编号8765\n4321室")])  # no cue: two numbers
    assert await found(index, "87654321") == {letter.document_id}
    for typed in ("8765-4321", "8765 4321"):  # also the groups side by side, in both
        assert letter.document_id in await found(index, typed), typed
    result = await index.search(SearchQuery(q="87654321"), SECRET)
    assert "<mark>8765 4321</mark>" in result.hits[0].highlights[0]


async def test_a_year_ending_a_line_is_not_joined_to_a_number_starting_the_next(
        index: SearchIndex) -> None:
    await index.upsert([doc(body="维修截至2024\n1201室已完工")])
    assert (await found(index, "20241201"), await found(index, "2024-12-01")) == (set(), set())


async def test_short_digit_groups_are_not_joined(index: SearchIndex) -> None:
    await index.upsert([doc(body="第 12 34 号")])
    assert await found(index, "1234") == set()


async def test_a_phrase_does_not_reach_the_joined_number(index: SearchIndex) -> None:
    await index.upsert([doc(title="来电记录", body="电话138 1234 5678")])
    assert await found(index, '"5678 13812345678"') == set()
    assert await found(index, '"来电记录 13812345678"') == set()


async def test_a_number_in_a_restricted_body_is_found_only_on_loan(index: SearchIndex) -> None:
    lent = doc(body="业主电话138 1234 5678", security="confidential")
    await index.upsert([lent])
    on_loan = AccessFilter(clearance="confidential", full_text_ids=frozenset({lent.document_id}))
    assert await found(index, "13812345678", SECRET) == set()
    assert await found(index, "13812345678", on_loan) == {lent.document_id}


async def test_the_number_is_marked_as_the_document_writes_it(index: SearchIndex) -> None:
    await index.upsert([doc(body="联系电话：138 1234 5678，请回电")])
    result = await index.search(SearchQuery(q="13812345678"), SECRET)
    assert "<mark>138 1234 5678</mark>" in result.hits[0].highlights[0]


# -- filters, sorting, pages, facets -----------------------------------------------------


async def test_household_filter_keeps_that_household(index: SearchIndex) -> None:
    mine = doc(body="漏水", household="A-1201")
    await index.upsert([mine, doc(body="漏水", household="A-1202"),
                        doc(body="漏水", household=None)])
    assert await found(index, "漏水", household="A-1201") == {mine.document_id}


async def test_building_filter_keeps_that_buildings_households(index: SearchIndex) -> None:
    """A manager's every decoration approval of building B: not B1's, nor A's, nor a
    company document's; with clearance inside the query, counted in total and facets."""
    upper = doc(title="装修申请", household="B-1204", category="decoration")
    lower = doc(title="装修申请", household="B-0402", category="decoration")
    basement = doc(title="装修申请", household="B1-0101", category="decoration")
    confidential = doc(title="装修申请", household="B-0403", category="decoration",
                       security="confidential")
    await index.upsert([upper, lower, basement, confidential,
                        doc(title="装修申请", household="AB-0101", category="decoration"),
                        doc(title="装修申请", household="A-1204", category="decoration"),
                        doc(title="装修申请 B-1204", household=None, category="policy"),
                        doc(title="缴费通知", household="B-1204", category="payment")])
    assert await found(index, "", ORDINARY, building="B", category="decoration") == {
        upper.document_id, lower.document_id}
    result = await index.search(SearchQuery(q="装修", building="B"), ORDINARY)
    assert (result.total, result.facets.household) == (2, {"B-0402": 1, "B-1204": 1})
    assert await found(index, "装修", SECRET, building="B") == {
        upper.document_id, lower.document_id, confidential.document_id}
    assert await found(index, "", ORDINARY, building="B1") == {basement.document_id}


async def test_category_filter_keeps_that_category(index: SearchIndex) -> None:
    repair = doc(body="漏水", category="repair")
    await index.upsert([repair, doc(body="漏水", category="complaint")])
    assert await found(index, "漏水", category="repair") == {repair.document_id}


async def test_year_filter_keeps_that_year(index: SearchIndex) -> None:
    old = doc(filed_at=date(2019, 12, 31))
    await index.upsert([old, doc(filed_at=date(2020, 1, 1))])
    assert await found(index, year=2019) == {old.document_id}


async def test_date_range_filter_includes_both_ends(index: SearchIndex) -> None:
    first, last = doc(filed_at=date(2021, 1, 1)), doc(filed_at=date(2021, 6, 30))
    await index.upsert([first, last, doc(filed_at=date(2020, 12, 31)),
                        doc(filed_at=date(2021, 7, 1))])
    assert await found(index, filed_from=date(2021, 1, 1), filed_to=date(2021, 6, 30)) == {
        first.document_id, last.document_id}


async def test_security_filter_keeps_that_level(index: SearchIndex) -> None:
    confidential = doc(security="confidential")
    await index.upsert([confidential, doc(security="ordinary")])
    assert await found(index, security="confidential") == {confidential.document_id}


async def test_sort_newest_lists_latest_filing_first(index: SearchIndex) -> None:
    letters = [doc(body="漏水", filed_at=date(2020, 5, day)) for day in (3, 1, 2)]
    await index.upsert(letters)
    result = await index.search(SearchQuery(q="漏水", sort="newest"), SECRET)
    assert [hit.filed_at.day for hit in result.hits] == [3, 2, 1]


async def test_documents_filed_the_same_day_come_newest_archive_number_first(
        index: SearchIndex) -> None:
    slips = [doc(body="漏水", archive_no=f"2024-repair-F-0101-{number:04d}", category="repair")
             for number in (9, 25, 6, 14, 1)]
    await index.upsert(slips)
    for q in ("漏水", ""):
        result = await index.search(SearchQuery(q=q, household="A-1201", sort="newest"), SECRET)
        assert [hit.archive_no[-4:] for hit in result.hits] == ["0025", "0014", "0009", "0006",
                                                                "0001"], q


async def test_hits_scored_alike_come_newest_first_on_every_page(index: SearchIndex) -> None:
    """The cabinet holds the same letter for many households (the same complaint in the
    same words): scored alike, they are listed newest first, then by archive number, as
    sorting by newest lists them, on both engines alike and however the pages cut them."""
    days = [date(2019, 3, 7), date(2024, 1, 2), date(2012, 5, 30), date(2021, 8, 19),
            date(2016, 11, 4), date(2024, 1, 2), date(2010, 2, 14)]
    letters = [doc(body="卫生间天花板漏水，至今未修复。", filed_at=day,
                   archive_no=f"{day.year}-complaint-A-1201-{number:04d}")
               for number, day in enumerate(days, start=1)]
    await index.upsert([*letters, doc(body="卫生间天花板漏水，楼上漏水，至今未修复。请尽快处理。")])
    newest = [letter.document_id for letter in
              sorted(letters, key=lambda letter: (letter.filed_at, letter.archive_no),
                     reverse=True)]
    result = await index.search(SearchQuery(q="天花板漏水", size=100), SECRET)
    alike = [hit.document_id for hit in result.hits if hit.document_id in newest]
    assert alike == newest
    paged = [hit.document_id for page in (1, 2, 3, 4)
             for hit in (await index.search(SearchQuery(q="天花板漏水", page=page, size=2),
                                            SECRET)).hits]
    assert [document_id for document_id in paged if document_id in newest] == newest


async def test_pages_split_the_hits_without_overlap(index: SearchIndex) -> None:
    letters = [doc(body="漏水", filed_at=date(2020, 1, day)) for day in range(1, 8)]
    await index.upsert(letters)
    pages = [await index.search(SearchQuery(q="漏水", sort="newest", page=page, size=3), SECRET)
             for page in (1, 2, 3)]
    ids = [hit.document_id for page in pages for hit in page.hits]
    assert ([len(page.hits) for page in pages], sorted(ids), pages[2].total) == (
        [3, 3, 1], sorted(d.document_id for d in letters), 7)


async def test_facets_count_categories_households_and_years(index: SearchIndex) -> None:
    await index.upsert([
        doc(body="漏水", category="repair", household="A-1201", filed_at=date(2023, 1, 1)),
        doc(body="漏水", category="repair", household="A-1202", filed_at=date(2024, 1, 1)),
        doc(body="漏水", category="complaint", household=None, filed_at=date(2024, 2, 1)),
        doc(body="缴费", category="payment"),
    ])
    facets = (await index.search(SearchQuery(q="漏水"), SECRET)).facets
    assert (facets.category, facets.household, facets.year) == (
        {"repair": 2, "complaint": 1}, {"A-1201": 1, "A-1202": 1}, {"2023": 1, "2024": 2})


async def test_facets_count_every_match_not_only_the_page(index: SearchIndex) -> None:
    await index.upsert([doc(body="漏水", category="repair"), doc(body="漏水", category="repair"),
                        doc(body="漏水", category="complaint", filed_at=date(2023, 5, 1))])
    result = await index.search(SearchQuery(q="漏水", size=1), SECRET)
    assert (len(result.hits), result.facets.category, result.facets.year) == (
        1, {"repair": 2, "complaint": 1}, {"2024": 2, "2023": 1})


async def test_facets_are_ordered_most_documents_first(index: SearchIndex) -> None:
    await index.upsert([doc(body="漏水", household="B-0101"), doc(body="漏水", household="A-0101"),
                        doc(body="漏水", household="C-0101"), doc(body="漏水", household="C-0101")])
    orders = [list((await index.search(SearchQuery(q="漏水", size=size), SECRET))
                   .facets.household.items()) for size in (1, 20)]  # a page of some, of all
    assert orders == [[("C-0101", 2), ("A-0101", 1), ("B-0101", 1)]] * 2


async def test_empty_query_lists_everything_visible_newest_first(index: SearchIndex) -> None:
    older, newer = doc(filed_at=date(2020, 1, 1)), doc(filed_at=date(2022, 1, 1))
    await index.upsert([older, newer, doc(security="secret")])
    result = await index.search(SearchQuery(), ORDINARY)
    assert [hit.document_id for hit in result.hits] == [newer.document_id, older.document_id]


async def test_household_documents_are_listed_newest_first(index: SearchIndex) -> None:
    letters = [doc(household="B-0801", filed_at=date(2020, month, 1)) for month in (2, 9, 5)]
    await index.upsert([*letters, doc(household="B-0802")])
    result = await index.search(SearchQuery(household="B-0801", sort="newest"), SECRET)
    assert [hit.filed_at.month for hit in result.hits] == [9, 5, 2]


# -- clearance and restricted documents ----------------------------------------------------


async def test_documents_above_clearance_are_not_found(index: SearchIndex) -> None:
    ordinary = doc(title="漏水报告")
    await index.upsert([ordinary, doc(title="漏水报告", security="confidential")])
    assert await found(index, "漏水", ORDINARY) == {ordinary.document_id}


async def test_totals_never_count_documents_above_clearance(index: SearchIndex) -> None:
    await index.upsert([doc(title="漏水"), doc(title="漏水", security="confidential"),
                        doc(title="漏水", security="secret")])
    result = await index.search(SearchQuery(q="漏水"), AccessFilter(clearance="confidential"))
    assert result.total == 2


async def test_facets_never_count_documents_above_clearance(index: SearchIndex) -> None:
    await index.upsert([
        doc(title="漏水", category="repair", household="A-1201"),
        doc(title="漏水", category="complaint", household="D-0101", security="secret",
            filed_at=date(2019, 1, 1)),
    ])
    facets = (await index.search(SearchQuery(q="漏水"), ORDINARY)).facets
    assert (facets.category, facets.household, facets.year) == (
        {"repair": 1}, {"A-1201": 1}, {"2024": 1})


async def test_restricted_document_is_not_found_by_body_text(index: SearchIndex) -> None:
    await index.upsert([doc(title="来函", body="业主欠费三个月", security="confidential")])
    assert await found(index, "欠费", SECRET) == set()


async def test_personal_info_document_is_not_found_by_body_text(index: SearchIndex) -> None:
    await index.upsert([doc(title="身份证复印件", body="身份证号码110101199001011234",
                            personal_info=True)])
    assert await found(index, "110101199001011234", SECRET) == set()


async def test_restricted_document_is_found_by_title(index: SearchIndex) -> None:
    letter = doc(title="欠费催缴函", body="业主欠费三个月", security="confidential")
    await index.upsert([letter])
    assert await found(index, "催缴", SECRET) == {letter.document_id}


async def test_restricted_document_shows_no_body_snippet(index: SearchIndex) -> None:
    await index.upsert([doc(title="欠费催缴函", body="欠费三个月，催缴无果", security="secret")])
    result = await index.search(SearchQuery(q="催缴"), SECRET)
    assert [hit.highlights for hit in result.hits] == [[]]


async def test_restricted_document_on_loan_is_found_by_body_text(index: SearchIndex) -> None:
    lent = doc(body="业主欠费三个月", security="confidential")
    await index.upsert([lent, doc(body="业主欠费两个月", security="confidential")])
    access = AccessFilter(clearance="confidential", full_text_ids=frozenset({lent.document_id}))
    assert await found(index, "欠费", access) == {lent.document_id}


async def test_document_on_loan_above_clearance_stays_invisible(index: SearchIndex) -> None:
    lent = doc(title="欠费催缴函", body="业主欠费三个月", security="secret")
    await index.upsert([lent])
    access = AccessFilter(clearance="ordinary", full_text_ids=frozenset({lent.document_id}))
    result = await index.search(SearchQuery(q="欠费"), access)
    assert (result.total, result.hits) == (0, [])
    assert result.facets.category == {}


# -- highlights ----------------------------------------------------------------------------


async def test_highlights_show_the_original_script(index: SearchIndex) -> None:
    await index.upsert([doc(body="業主申請維修門鎖")])
    result = await index.search(SearchQuery(q="维修"), SECRET)
    assert result.hits[0].highlights == ["業主申請<mark>維修</mark>門鎖"]


async def test_highlights_escape_markup_in_the_text(index: SearchIndex) -> None:
    await index.upsert([doc(body='维修<script>alert("x")</script>')])
    result = await index.search(SearchQuery(q="维修"), SECRET)
    assert result.hits[0].highlights == [
        "<mark>维修</mark>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"]


async def test_hit_carries_catalogue_fields_as_filed(index: SearchIndex) -> None:
    letter = doc(title="維修申請", household="A-1201", category="repair",
                 archive_no="2024-repair-A-1201-0007", filed_at=date(2024, 5, 6))
    await index.upsert([letter])
    hit = (await index.search(SearchQuery(q="维修"), SECRET)).hits[0]
    assert (hit.document_id, hit.archive_no, hit.title, hit.household, hit.category,
            hit.filed_at) == (letter.document_id, "2024-repair-A-1201-0007", "維修申請",
                              "A-1201", "repair", date(2024, 5, 6))


# -- versions, deletes, rebuild ------------------------------------------------------------


async def test_upsert_is_found_as_soon_as_it_returns(index: SearchIndex) -> None:
    letter = doc(body="新到信函")
    await index.upsert([letter])
    assert await found(index, "信函") == {letter.document_id}


async def test_older_version_does_not_overwrite_newer(index: SearchIndex) -> None:
    await index.upsert([doc(document_id="d-1", body="更正后", version=5)])
    await index.upsert([doc(document_id="d-1", body="更正前", version=4)])
    assert (await found(index, "更正后"), await found(index, "更正前")) == ({"d-1"}, set())


async def test_newer_version_replaces_older(index: SearchIndex) -> None:
    await index.upsert([doc(document_id="d-2", body="更正前", version=4)])
    await index.upsert([doc(document_id="d-2", body="更正后", version=5)])
    assert (await found(index, "更正后"), await found(index, "更正前")) == ({"d-2"}, set())


async def test_same_upsert_twice_keeps_one_document(index: SearchIndex) -> None:
    letter = doc(version=3)
    await index.upsert([letter])
    await index.upsert([letter])
    assert await index.count() == 1


async def test_deleted_document_is_not_found(index: SearchIndex) -> None:
    letter, kept = doc(body="销毁"), doc(body="销毁")
    await index.upsert([letter, kept])
    await index.delete([letter.document_id], version=2)
    assert (await found(index, "销毁"), await index.count()) == ({kept.document_id}, 1)


async def test_older_upsert_after_delete_does_not_revive(index: SearchIndex) -> None:
    await index.delete(["d-3"], version=9)
    await index.upsert([doc(document_id="d-3", body="已销毁", version=8)])
    assert (await found(index, "销毁"), await index.count()) == (set(), 0)


async def test_older_delete_is_ignored(index: SearchIndex) -> None:
    await index.upsert([doc(document_id="d-4", body="保留", version=7)])
    await index.delete(["d-4"], version=6)
    assert await found(index, "保留") == {"d-4"}


async def test_rebuild_keeps_serving_the_old_documents_until_commit(index: SearchIndex) -> None:
    old = doc(body="旧索引")
    await index.upsert([old])
    rebuild = await index.start_rebuild()
    await rebuild.upsert([doc(body="新索引")])
    assert await found(index, "索引") == {old.document_id}
    await rebuild.abort()


async def test_rebuild_commit_leaves_exactly_the_new_set(index: SearchIndex) -> None:
    await index.upsert([doc(body="旧索引"), doc(body="旧索引")])
    rebuild = await index.start_rebuild()
    fresh = [doc(body="新索引"), doc(title="新索引", security="secret")]
    await rebuild.upsert(fresh)
    await rebuild.commit()
    assert (await found(index, "索引"), await index.count()) == (
        {d.document_id for d in fresh}, 2)


async def test_write_during_rebuild_survives_the_swap(index: SearchIndex) -> None:
    rebuild = await index.start_rebuild()
    await rebuild.upsert([doc(document_id="d-5", body="重建", version=1)])
    late = doc(body="重建期间归档", version=2)
    await index.upsert([late])
    await rebuild.commit()
    assert await found(index, "重建") == {"d-5", late.document_id}


async def test_a_new_index_is_made_by_this_versions_analysis(index: SearchIndex) -> None:
    assert not await index.outdated()


async def test_an_index_made_by_an_earlier_analysis_is_outdated_until_rebuilt(
        open_index: IndexOpener) -> None:
    earlier = open_index(analysis=ANALYSIS - 1)
    await earlier.ensure()
    await earlier.upsert([doc(body="升级前归档")])
    await earlier.close()
    upgraded = open_index()
    await upgraded.ensure()
    assert await upgraded.outdated()
    assert await found(upgraded, "升级前") != set()  # it still answers meanwhile
    rebuild = await upgraded.start_rebuild()
    await rebuild.upsert([doc(body="升级后重建")])
    await rebuild.commit()
    assert not await upgraded.outdated()


async def test_aborted_rebuild_leaves_the_live_index(index: SearchIndex) -> None:
    live = doc(body="现行")
    await index.upsert([live])
    rebuild = await index.start_rebuild()
    await rebuild.upsert([doc(body="现行")])
    await rebuild.abort()
    assert await found(index, "现行") == {live.document_id}


async def test_second_rebuild_while_one_is_open_conflicts(index: SearchIndex) -> None:
    rebuild = await index.start_rebuild()
    with pytest.raises(Conflict):
        await index.start_rebuild()
    await rebuild.abort()


async def test_committed_rebuild_refuses_further_writes(index: SearchIndex) -> None:
    rebuild = await index.start_rebuild()
    await rebuild.commit()
    with pytest.raises(Conflict):
        await rebuild.upsert([doc()])


async def test_check_reports_how_many_documents_are_held(index: SearchIndex) -> None:
    await index.upsert([doc(), doc()])
    await index.delete([doc().document_id], version=1)
    assert "documents: 2;" in await index.check()


async def test_held_counts_an_index_there_and_makes_none(open_index: IndexOpener) -> None:
    """A restore asks before it fills an index: one not there yet holds none and is
    not made by the asking; one there counts what it holds."""
    assert await open_index().held() == 0
    live = open_index()
    await live.ensure()
    assert await open_index().held() == 0
    await live.upsert([doc(), doc()])
    assert await open_index().held() == 2  # beside the live index, its writer open


# -- an index lost while the archive runs --------------------------------------------------


async def test_a_lost_index_is_reported_missing_by_readiness_searches_and_writes(
        index: SearchIndex, storage: Storage) -> None:
    await index.upsert([doc(body="停水")])
    await storage.lose()
    refusals = []
    for call in (index.check, lambda: found(index, "停水"), index.count,
                 lambda: index.upsert([doc(body="停电")])):
        with pytest.raises(DependencyUnavailable) as refused:
            await call()
        refusals.append((refused.value.code, "archive reindex" in refused.value.detail))
    assert refusals == [(INDEX_MISSING, True)] * 4
    assert ("does not exist on Elasticsearch" in refused.value.detail
            or "was deleted while the archive ran" in refused.value.detail)


async def test_ensure_makes_a_lost_index_again(index: SearchIndex, storage: Storage) -> None:
    await index.upsert([doc(body="停水")])
    await storage.lose()
    with pytest.raises(DependencyUnavailable):
        await index.upsert([doc(body="停电")])  # made nothing in the alias's place
    await index.ensure()
    letter = doc(body="停水")
    await index.upsert([letter])
    assert (await found(index, "停水"), await index.count()) == ({letter.document_id}, 1)
    assert "documents: 1;" in await index.check()


async def test_a_rebuild_replaces_a_lost_index(index: SearchIndex, storage: Storage) -> None:
    await index.upsert([doc(body="停水")])
    await storage.lose()
    rebuild = await index.start_rebuild()
    letters = [doc(body="停水"), doc(body="停水")]
    await rebuild.upsert(letters)
    await rebuild.commit()
    assert await found(index, "停水") == {letter.document_id for letter in letters}
    assert "documents: 2;" in await index.check()


# -- what a lost alias leaves behind (Elasticsearch) ----------------------------------------


alias_only = pytest.mark.parametrize(
    "storage", [backend for backend in BACKENDS if backend != "tantivy"], indirect=True)
"""Tantivy has no alias: a lost generation goes with its directory."""


@alias_only
async def test_a_rebuild_deletes_the_index_whose_alias_was_removed_and_no_other(
        index: SearchIndex, storage: Storage) -> None:
    await index.upsert([doc(body="停水")])
    (left_behind,) = await storage.indices()
    await storage.remove_alias()
    foreign = {f"{storage.alias}-vault", f"{storage.alias}-v1-kept"}  # not <alias>-v<N>
    async with storage.client() as client:
        for name in foreign:
            await client.indices.create(index=name)
    rebuild = await index.start_rebuild()
    letter = doc(body="停水")
    await rebuild.upsert([letter])
    await rebuild.commit()
    indices = await storage.indices()
    live = {name for name, aliases in indices.items() if storage.alias in aliases}
    assert (set(indices) - live, left_behind in live) == (foreign, False)
    assert await found(index, "停水") == {letter.document_id}


@alias_only
async def test_the_index_whose_alias_was_removed_stays_until_the_new_one_is_complete(
        index: SearchIndex, storage: Storage) -> None:
    kept = doc(body="停水")
    await index.upsert([kept])
    (left_behind,) = await storage.indices()
    await storage.remove_alias()
    await index.ensure()  # as the feed consumer does, then fills it from the feed
    assert left_behind in await storage.indices()
    await index.upsert([kept])
    await index.drop_replaced()  # as the consumer does once it has caught up
    (live,) = await storage.indices()
    assert live != left_behind
    assert await found(index, "停水") == {kept.document_id}
