"""Contract of partial matches (issue 13), on every index implementation.

A clerk describes a letter in other words; documents that hold every term of the query
come first (``match: all``), and, when they are few, documents that hold most of it
follow (``match: partial``). Every backend must find the same documents in the same
classes, so the assertions are on the exact set of each class; within a class each
backend ranks by its own scores, so only "in the top 5" is asserted there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest

from services.search.index.models import AccessFilter, SearchResult
from services.search.index.protocol import SearchIndex
from services.search.partial import FEW_FULL_MATCHES
from services.search.query import SearchQuery
from tests.contract.search.conftest import ORDINARY, SECRET, doc

SIGN_LETTER = dict(
    title="关于更换大堂水牌的申请", category="application", household="A-1203",
    archive_no="2024-application-A-1203-0002",
    body="尊敬的物业管理处：我司位于A座12楼，因公司更名，现申请更换大堂水牌及电梯厅楼层"
         "指示牌上的公司名称，新名称为深圳市华信科技有限公司。制作及安装费用由我司承担，"
         "请予批准。此致 敬礼！华信科技 2024年3月5日")
AIR_CONDITIONING_CONTRACT = dict(
    title="空調工程合同", category="contract", household=None,
    archive_no="2023-contract-0004",
    body="第三條 施工範圍：乙方負責本大廈中央空調末端改造工程，包括風機盤管更換、冷凍水管"
         "保溫修復及溫控面板更新。第四條 工期：自2023年7月1日起至8月31日止，逾期每日按"
         "合同總價千分之一支付違約金。", script="traditional")
LIFT_COMPLAINT = dict(
    title="投诉记录", category="complaint", household="B-0803",
    archive_no="2024-complaint-B-0803-0001",
    body="投诉人：B-0803业主陈女士。反映电梯运行时噪音很大，夜间尤其明显，影响休息，"
         "要求物业尽快安排保养单位检查维修。处理结果：已通知电梯公司于6月3日上门检修。")
LEAK_REPORT = dict(
    title="报修单", category="repair", household="A-1201",
    archive_no="2024-repair-A-1201-0003",
    body="报修单号WX2024-0315。A-1201室卫生间天花板漏水，疑为楼上排水管渗漏，"
         "请工程部派人上门查看，业主联系电话13812345678。")
FEE_NOTICE = dict(
    title="缴费通知", category="payment", household="C-0501",
    archive_no="2023-payment-C-0501-0009",
    body="贵户2023年第四季度物业管理费共计3,600元，请于12月31日前到客户服务中心缴纳，"
         "逾期将按日收取滞纳金。")
PARKING_FORM = dict(
    title="车位租用申请表", category="application", household="C-0502",
    archive_no="2024-application-C-0502-0001",
    body="申请人：刘先生。申请租用地下二层B区127号车位，车牌号粤B12345，租期一年，"
         "租金每月600元，自2024年5月1日起。")
CABINET: list[dict[str, Any]] = [SIGN_LETTER, AIR_CONDITIONING_CONTRACT, LIFT_COMPLAINT,
                                 LEAK_REPORT, FEE_NOTICE, PARKING_FORM]


def filed(letter: dict[str, Any], **changes: Any) -> Any:
    fields = {key: value for key, value in letter.items() if key != "script"}
    return doc(**{**fields, **changes})


async def cabinet(index: SearchIndex) -> dict[str, str]:
    """File the realistic cabinet; its document ids by title."""
    documents = [filed(letter) for letter in CABINET]
    await index.upsert(documents)
    return {document.title: document.document_id for document in documents}


async def search(index: SearchIndex, q: str, access: AccessFilter = SECRET,
                 **fields: Any) -> SearchResult:
    return await index.search(SearchQuery(q=q, **{"size": 100, **fields}), access)


def classes(result: SearchResult) -> dict[str, set[str]]:
    """The hits' ids by match class (both keys always present)."""
    out: dict[str, set[str]] = {"all": set(), "partial": set()}
    for hit in result.hits:
        out[hit.match].add(hit.document_id)
    return out


def ranked(result: SearchResult) -> list[str]:
    return [hit.document_id for hit in result.hits]


# -- descriptions in other words -----------------------------------------------------------


# A description of one letter finds only it, and only as a partial match.
OTHER_WORDS = [
    pytest.param("广告水牌更换", "关于更换大堂水牌的申请",  # the letter never says 广告
                 id="query_with_a_word_the_letter_does_not_use_finds_it"),
    pytest.param("中央空调改造", "空調工程合同",  # the contract says 中央空調末端改造
                 id="query_with_a_word_between_its_words_finds_the_clause"),
    pytest.param("维修电梯噪音", "投诉记录",  # the complaint: 电梯…噪音…维修
                 id="query_with_its_words_in_another_order_finds_the_complaint"),
    # The query in Traditional; the letter is Simplified.
    pytest.param("大堂水牌更換申請", "关于更换大堂水牌的申请",
                 id="query_in_the_other_script_finds_the_letter"),
    pytest.param("A-1201卫生间漏水维修", "报修单",
                 id="description_with_a_unit_code_finds_the_repair_form"),
    pytest.param("WX2024-0315漏水报修", "报修单",
                 id="description_with_a_ticket_number_finds_the_repair_form"),
]


@pytest.mark.parametrize(("q", "title"), OTHER_WORDS)
async def test_a_description_in_other_words_finds_the_letter_partially(
        index: SearchIndex, q: str, title: str) -> None:
    ids = await cabinet(index)
    result = await search(index, q)
    assert classes(result) == {"all": set(), "partial": {ids[title]}}


async def test_query_with_nothing_in_common_finds_nothing(index: SearchIndex) -> None:
    await cabinet(index)
    result = await search(index, "火星探测器发射计划")
    assert (result.total, result.hits, result.facets.category) == (0, [], {})


async def test_query_sharing_one_word_with_a_document_finds_nothing(index: SearchIndex) -> None:
    await cabinet(index)
    result = await search(index, "空调清洗服务报价")  # only 空调 (空調) is in the contract
    assert (result.total, result.hits) == (0, [])


async def test_short_word_is_never_matched_by_its_parts(index: SearchIndex) -> None:
    await index.upsert([doc(body="中国的外国人来访登记")])
    assert (await search(index, "中国人")).total == 0


# -- what a piece is: a date, a number with its counter ------------------------------------


DATED = {"notice": "通知：8栋将于2024年5月18日停电检修，请业主做好准备。",
         "iso": "检修记录 2024-05-18 8栋配电房",
         "same_day_other_year": "2023年5月18日 收到业主来函。",
         "same_month": "2024年5月20日 电梯年检。",
         "christmas_eve": "2018年12月24日 业主报修热水器。",
         "march": "2019年3月15日 报修卫生间漏水，2019年3月22日 上门检查。",
         "other": "2021年7月1日 缴纳物业管理费。"}


@pytest.mark.parametrize(("q", "titles"), [
    ("2024年5月18日", {"notice", "iso"}),
    ("12月24日", {"christmas_eve"}),
    ("2019年3月", {"march"}),
])
async def test_a_date_finds_only_the_documents_of_that_date(
        index: SearchIndex, q: str, titles: set[str]) -> None:
    # Every letter writes 年, 月 and 日 and most hold lone digits: none of them is a piece.
    documents = {title: doc(title=title, body=body) for title, body in DATED.items()}
    await index.upsert(list(documents.values()))
    result = await search(index, q)
    assert classes(result) == {"all": {documents[title].document_id for title in titles},
                               "partial": set()}


def unfiled(body: str) -> Any:
    """A letter of no household, so that only its text holds numbers."""
    letter = doc(body=body, household=None)
    return msgspec.structs.replace(
        letter, archive_no=f"2024-correspondence-{letter.document_id[:4]}")


async def test_an_address_does_not_find_other_buildings_by_their_counters(
        index: SearchIndex) -> None:
    ours = unfiled("住址：3栋2单元1201，业主张伟。")
    others = [unfiled(body) for body in ("住址：5栋3单元301", "住址：8栋1单元1502",
                                         "住址：12栋2单元1101")]
    same_unit_elsewhere = unfiled("住址：6栋2单元1201，业主李娜。")
    await index.upsert([ours, *others, same_unit_elsewhere])
    result = await search(index, "3栋2单元1201")
    assert classes(result) == {"all": {ours.document_id},
                               "partial": {same_unit_elsewhere.document_id}}


# -- order within the partial matches -----------------------------------------------------


async def test_partial_matches_holding_more_of_the_query_rank_first(index: SearchIndex) -> None:
    contract = filed(AIR_CONDITIONING_CONTRACT)
    others = [doc(body=body) for body in (
        "通知：本周六上午对中央空调进行清洗保养，届时暂停供冷。",
        "中央广场绿化改造工程将于下月开工，请业主注意出行安全。",
        "大堂改造期间，请从东侧门进出，空调暂停使用。",
        "空调外机移位申请：业主拟将外机移至北侧平台。",
    )]
    await index.upsert([*others, contract])
    result = await search(index, "中央空调改造")
    assert ranked(result)[0] == contract.document_id
    assert {hit.match for hit in result.hits} == {"partial"}


async def test_partial_match_whose_words_stand_together_ranks_first(index: SearchIndex) -> None:
    filler = "本月例会记录：各部门汇报工作进展，讨论下季度计划，并安排节假日值班。"
    together = doc(body="业主申请更换大堂水牌。" + filler)
    apart = doc(body="大堂水牌。" + filler + "申请更换")
    await index.upsert([apart, together])
    result = await search(index, "水牌更换")
    assert (ranked(result), result.hits[0].match) == (
        [together.document_id, apart.document_id], "partial")


# -- quoted phrases ------------------------------------------------------------------------


async def test_quoted_phrase_stays_exact(index: SearchIndex) -> None:
    await cabinet(index)
    assert (await search(index, '"中央空调改造"')).total == 0


async def test_quoted_phrase_found_whole_is_a_full_match(index: SearchIndex) -> None:
    ids = await cabinet(index)
    result = await search(index, "「更換大堂水牌」")
    assert classes(result) == {"all": {ids["关于更换大堂水牌的申请"]}, "partial": set()}


async def test_quoted_phrase_is_required_in_partial_matches(index: SearchIndex) -> None:
    ours = filed(SIGN_LETTER)
    theirs = filed(SIGN_LETTER, body=SIGN_LETTER["body"].replace("华信科技", "远航贸易"))
    await index.upsert([ours, theirs])
    result = await search(index, '"华信科技" 大堂水牌广告更换')
    assert classes(result) == {"all": set(), "partial": {ours.document_id}}


# -- the two classes -----------------------------------------------------------------------


async def test_full_matches_rank_above_partial_ones_whatever_the_scores(
        index: SearchIndex) -> None:
    # The partial match has the words in its title and over and over in a short body,
    # which outscores the full match's single mention in a long letter.
    partial = doc(title="中央空调末端改造", body="中央空调末端改造：中央空调、末端、改造。" * 3)
    full = doc(title="业主来函", body=LIFT_COMPLAINT["body"] + "另询问中央空调改造的进度。"
               + FEE_NOTICE["body"] * 3)
    await index.upsert([partial, full])
    result = await search(index, "中央空调改造")
    assert [(hit.document_id, hit.match) for hit in result.hits] == [
        (full.document_id, "all"), (partial.document_id, "partial")]


async def test_full_matches_come_first_when_sorted_by_newest(index: SearchIndex) -> None:
    partial = filed(AIR_CONDITIONING_CONTRACT, filed_at=date(2024, 9, 1))
    full = doc(body="请告知中央空调改造何时完工。", filed_at=date(2020, 1, 1))
    await index.upsert([partial, full])
    result = await search(index, "中央空调改造", sort="newest")
    assert [(hit.document_id, hit.match, hit.score) for hit in result.hits] == [
        (full.document_id, "all", None), (partial.document_id, "partial", None)]


async def test_pages_run_from_full_into_partial_matches(index: SearchIndex) -> None:
    full = [doc(body=f"第{n}次询问中央空调改造进度。") for n in range(3)]
    partial = [filed(AIR_CONDITIONING_CONTRACT), doc(body="中央空调末端设备改造完成。")]
    await index.upsert([*full, *partial])
    pages = [await search(index, "中央空调改造", size=2, page=page) for page in (1, 2, 3)]
    listed = [(hit.document_id, hit.match) for page in pages for hit in page.hits]
    assert ([page.total for page in pages], [match for _, match in listed]) == (
        [5, 5, 5], ["all", "all", "all", "partial", "partial"])
    assert {key for key, _ in listed} == {d.document_id for d in [*full, *partial]}


async def test_no_partial_matches_when_enough_documents_hold_every_word(
        index: SearchIndex) -> None:
    full = [doc(body=f"第{n}次询问中央空调改造进度。") for n in range(FEW_FULL_MATCHES)]
    await index.upsert([*full, filed(AIR_CONDITIONING_CONTRACT)])
    result = await search(index, "中央空调改造")
    assert (result.total, classes(result)) == (
        FEW_FULL_MATCHES, {"all": {d.document_id for d in full}, "partial": set()})


async def test_total_and_facets_count_both_classes(index: SearchIndex) -> None:
    await cabinet(index)
    await index.upsert([doc(body="请告知中央空调改造何时完工。", category="correspondence")])
    result = await search(index, "中央空调改造", size=1)
    assert (result.total, len(result.hits), result.facets.category) == (
        2, 1, {"contract": 1, "correspondence": 1})


async def test_partial_hit_marks_the_words_it_holds(index: SearchIndex) -> None:
    await cabinet(index)
    (hit,) = (await search(index, "中央空调改造")).hits
    assert "<mark>中央空調</mark>末端<mark>改造</mark>" in hit.highlights[0]


# -- clearance stays inside the query -------------------------------------------------------


async def test_partial_matches_never_reach_a_restricted_body(index: SearchIndex) -> None:
    await index.upsert([filed(AIR_CONDITIONING_CONTRACT, security="confidential"),
                        filed(SIGN_LETTER, personal_info=True, title="来函")])
    results = [await search(index, q) for q in ("中央空调改造", "广告水牌更换")]
    assert [result.total for result in results] == [0, 0]


async def test_partial_matches_never_reach_above_clearance(index: SearchIndex) -> None:
    await index.upsert([filed(AIR_CONDITIONING_CONTRACT, security="secret",
                              title="中央空调末端改造合同")])
    result = await search(index, "中央空调改造", ORDINARY)
    assert (result.total, result.facets.category) == (0, {})


async def test_restricted_document_is_found_partially_by_its_title(index: SearchIndex) -> None:
    contract = filed(AIR_CONDITIONING_CONTRACT, security="confidential",
                     title="中央空调末端改造合同")
    await index.upsert([contract])
    (hit,) = (await search(index, "中央空调改造")).hits
    assert (hit.document_id, hit.match, hit.highlights) == (contract.document_id, "partial", [])
