"""Choose how much of a query a partial match must hold, by measuring descriptive queries.

    .venv/bin/python bench/partial_match.py                       # 20 000 letters, Tantivy
    .venv/bin/python bench/partial_match.py --docs 5000 --backends tantivy,osmem
    .venv/bin/python bench/partial_match.py --shares 30,40,50,60

Forty documents of the archive's categories (letters, forms, contracts, notices; a few
in Traditional script) are hidden among ``--docs`` synthetic letters of
``bench/search_index.py`` (same vocabulary: 漏水, 维修, 装修, 噪音, 电梯, 停车位…), and
each is looked for with three queries written the way a clerk describes a document: a
word it does not use (``广告水牌更换`` for 更换大堂水牌), a word missing in between
(``中央空调改造`` for 中央空調末端改造), words in another order, the other script, other
words for the same thing. Twenty queries about nothing the archive holds (``火星探测器
发射计划``), and twenty in the archive's own words about things it does not hold
(``业主申请篮球场开放时间``), measure what is found where nothing should be.

For each share of pieces a partial match must hold (``--shares``, percent; the rule is
``services.search.partial.minimum_pieces``: at least two pieces and that share, rounded
up) it reports recall@5 and MRR of the descriptive queries, how many of them find
nothing, how many hits they get, how many unrelated queries find anything, and the
protocol search's latency. Share 100 needs every piece: no partial matches, as before.
The share is set on the module for each run, which is the one thing this script changes
in the code it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import opencc

from bench.search_index import letters, percentiles
from services.search import partial
from services.search.index.elasticsearch_index import ElasticsearchIndex
from services.search.index.models import AccessFilter, IndexedDocument
from services.search.index.protocol import SearchIndex
from services.search.index.tantivy_index import TantivyIndex
from services.search.query import SearchQuery

ACCESS = AccessFilter(clearance="confidential")

# (category, title, body, queries as a clerk would type them)
TARGETS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("application", "水牌更换申请",
     "尊敬的物业管理处：我司因更名，现申请更换大堂水牌及楼层指示牌，费用由我司承担"
     "。",
     ("广告水牌更换", "水牌更换申请", "大堂水牌更換")),
    ("contract", "空調工程合同",
     "第三條 施工範圍：乙方負責本大廈中央空調末端改造工程，包括風機盤管更換及溫控"
     "面板更新。",
     ("中央空调改造", "空调改造合同", "风机盘管更换工程")),
    ("complaint", "投诉记录",
     "业主反映电梯运行时噪音很大，夜间尤其明显，要求尽快安排检修。",
     ("电梯噪音投诉", "维修电梯噪音", "夜间电梯异响")),
    ("repair", "报修单",
     "A-1201室卫生间天花板漏水，疑为楼上排水管渗漏，请工程部派人查看。",
     ("卫生间天花漏水", "楼上渗漏卫生间", "天花板漏水维修")),
    ("application", "车位续租申请",
     "本人租用的地下二层B区127号车位将于5月到期，申请续租一年。",
     ("车位续租申请", "停车位续租", "地下车位租期延长")),
    ("application", "门禁卡补办",
     "本人门禁卡不慎遗失，申请补办一张，工本费50元已缴纳。",
     ("门禁卡遗失补办", "补办门卡申请", "门禁卡丢失")),
    ("decoration", "押金退还申请",
     "C-0501室装修工程已完工并通过验收，申请退还装修押金5,000元。",
     ("退还装修押金", "装修保证金退款", "押金退还申请")),
    ("payment", "物业费减免申请",
     "因房屋长期空置，申请减免2023年度物业管理费的百分之五十。",
     ("空置房物业费减免", "物业管理费减半申请", "減免物業費")),
    ("engineering", "外墙维修报告",
     "南立面外墙瓷砖出现大面积空鼓和脱落，存在高空坠物隐患，需尽快维修。",
     ("外墙瓷砖脱落维修", "外墙砖掉落", "高空坠物外墙")),
    ("violation_arrears", "整改通知",
     "二楼消防通道被杂物堵塞，经多次劝告仍未清理，特此发出整改通知。",
     ("消防通道杂物整改", "堵塞消防通道通知", "楼道堆放杂物")),
    ("application", "外机移位申请",
     "业主申请将空调外机由南侧阳台移至北侧设备平台，施工期间做好安全防护。",
     ("空调外机移位申请", "外机安装位置调整", "空調外機移至平台")),
    ("correspondence", "赔偿协议",
     "因1502室地暖管道渗水，导致1402室天花板及墙面受损，双方协商由1502"
     "室赔偿维修费用3,200元。",
     ("楼上渗水赔偿协议", "地暖漏水赔偿", "渗水损失赔偿费用")),
    ("complaint", "投诉记录",
     "业主投诉邻居饲养的大型犬夜间吠叫扰民，且在电梯内未拴绳。",
     ("邻居狗叫扰民投诉", "宠物狗电梯不拴绳", "犬只吠叫扰民")),
    ("complaint", "保洁投诉",
     "本周垃圾清运车辆未按时到达，地下室垃圾房异味严重，请督促保洁公司整改。",
     ("垃圾清运不及时", "垃圾房异味投诉", "保洁公司清运延误")),
    ("engineering", "事故报告",
     "凌晨3时，地下室消防水管爆裂，造成车库大面积积水，工程部已关闭阀门抢修。",
     ("地下室水管爆裂", "车库积水抢修", "消防水管破裂")),
    ("decoration", "阳台封闭申请",
     "业主申请封闭南侧阳台，采用断桥铝合金窗，外观颜色与大楼保持一致，请审批。",
     ("阳台封闭申请审批", "封阳台铝合金窗", "陽台封閉")),
    ("contract", "租赁合同",
     "甲乙双方同意续签A座1801室租赁合同，租期自2024年1月1日至2026年"
     "12月31日，月租金18,000元。",
     ("租赁合同续签", "续签租约A座", "1801租赁合同续期")),
    ("application", "物品放行申请",
     "本人因搬家需搬出沙发、衣柜等大件家具，申请办理物品放行条，时间为周六上午。",
     ("搬家物品放行条", "家具搬出放行申请", "搬出大件物品")),
    ("application", "加班空调申请",
     "我司因项目需要，申请本周六、周日加班使用空调，时间为9时至18时，费用按规定"
     "缴纳。",
     ("周末加班空调申请", "加班使用空调费用", "週末加班空調")),
    ("engineering", "车库整改建议",
     "地下一层车位划线不清，部分车辆跨线停放，建议重新划线并增加指引标识。",
     ("车位重新划线", "地库停车线模糊", "车位标线不清")),
    ("repair", "电梯故障记录",
     "3号电梯于6月12日发生困人故障，维保单位15分钟内到场救援，无人员受伤。",
     ("电梯困人事故", "电梯故障救援记录", "3号电梯困人")),
    ("complaint", "投诉记录",
     "业主投诉1305室装修施工在中午休息时间使用电钻，噪音扰民。",
     ("装修电钻噪音投诉", "午休时间装修扰民", "裝修噪音")),
    ("repair", "报修单",
     "一楼大堂信报箱多个箱门损坏无法上锁，业主担心信件丢失，请尽快更换。",
     ("信箱门损坏更换", "大堂信报箱维修", "信报箱锁坏了")),
    ("emergency_contact", "紧急联系人变更",
     "业主申请将紧急联系人由张伟变更为李娜，联系电话13912345678。",
     ("更改紧急联系人", "紧急联系人电话变更", "緊急聯絡人變更")),
    ("application", "防盗门更换申请",
     "业主申请更换入户防盗门，门的款式和颜色需与楼层其他住户统一。",
     ("入户门更换申请", "防盗门款式统一", "更換防盜門")),
    ("repair", "维修记录",
     "1105室厨房插座漏电导致频繁跳闸，电工检查后更换了漏电保护开关。",
     ("厨房跳闸漏电维修", "插座漏电保护开关更换", "频繁跳闸")),
    ("complaint", "投诉记录",
     "高区住户反映早晚用水高峰期水压不足，热水器无法正常启动。",
     ("高层水压低投诉", "用水高峰水压不足", "热水器水压")),
    ("application", "绿化修剪申请",
     "小区中庭树木枝叶过密，遮挡低层住户采光，请安排园林工人修剪。",
     ("树木遮挡采光修剪", "绿化修剪申请", "树枝挡光")),
    ("policy", "业主大会决议",
     "经业主大会表决，同意在北门入口处安装智能快递柜，场地使用费归全体业主所有。",
     ("快递柜安装表决", "智能快递柜场地费", "安裝快遞櫃")),
    ("payment", "押金退还申请",
     "业主遗失装修押金收据，申请凭身份证明办理押金退还手续。",
     ("押金收据丢失", "收据遗失退押金", "无收据退押金")),
    ("decoration", "装修审批",
     "业主申请对1208室进行二次装修，拆除非承重墙，施工图纸已附，请工程部审核。",
     ("拆墙装修审批", "非承重墙拆除申请", "二次装修图纸审核")),
    ("policy", "安全管理规定",
     "为消除火灾隐患，严禁电动自行车进入电梯及在楼道内充电，违者将予以劝离。",
     ("电动车楼道充电禁止", "电瓶车进电梯", "禁止電動車充電")),
    ("repair", "报修单",
     "台风过后，2306室卧室窗户玻璃出现裂纹，业主要求物业协助联系厂家更换。",
     ("台风窗户玻璃破裂", "卧室玻璃裂纹更换", "窗玻璃裂了")),
    ("policy", "收费标准通知",
     "经物价部门核准，自2025年1月1日起，住宅物业服务费调整为每月每平方米3."
     "5元。",
     ("物业费涨价通知", "物业服务费标准调整", "收费标准调整")),
    ("move_in", "入住登记",
     "业主办理入住手续，已提交购房合同、身份证复印件及入住登记表，领取钥匙三把。",
     ("入住手续钥匙领取", "交房资料登记", "辦理入住")),
    ("application", "监控调取申请",
     "业主申请调取5月20日晚上8时至9时地下车库监控录像，用于查找车辆刮擦责任人"
     "。",
     ("调取监控录像车辆刮蹭", "车库监控查看申请", "查看錄像")),
    ("repair", "报修单",
     "因外墙渗水，1702室客厅墙面出现霉斑，墙纸起泡脱落，要求物业修缮外墙防水。",
     ("墙面发霉外墙渗水", "外墙防水修缮", "墙纸起泡")),
    ("policy", "停水通知",
     "因市政管网维修，本小区将于7月8日9时至17时停止供水，请住户提前储水。",
     ("停水通知市政维修", "小区停止供水", "临时停水储水")),
    ("visit", "回访记录",
     "客服人员于3月15日回访1101室业主，了解维修服务满意度，业主表示满意。",
     ("维修回访满意度", "客服回访记录", "業主滿意度回訪")),
    ("violation_arrears", "违建通知",
     "顶楼业主在屋面违规搭建阳光房，经城管部门认定需限期拆除。",
     ("屋顶违建阳光房拆除", "违规搭建限期拆除", "天台加建")),
]
TRADITIONAL_TARGETS = {5, 12, 27}
"""Targets filed in Traditional script, besides the contract written so."""
UNRELATED = [
    "火星探测器发射计划", "股票基金理财产品", "篮球比赛门票预订", "高考志愿填报指南",
    "机票改签退票手续", "餐厅菜单价格", "钢琴考级报名", "医院挂号预约", "婚礼摄影套餐",
    "旅游签证办理", "手机屏幕碎了维修", "咖啡豆烘焙", "足球联赛赛程", "大学图书馆借书",
    "天气预报台风路径", "股东大会决议公告", "外卖配送超时", "围棋比赛冠军", "疫苗接种证明",
    "驾照考试科目二",
]
OFF_TOPIC = [
    "业主申请篮球场开放时间", "物业通知游泳池开放", "申请使用会议室投影仪", "物业公司年会节目安排",
    "业主委员会选举投票结果", "小区儿童游乐场设施", "业主申请养蜂许可", "物业管理处招聘保安",
    "关于开展业主书法比赛的通知", "业主反映邻居种菜", "物业费发票抬头更正", "申请在大堂举办婚礼",
    "业主捐赠图书角", "小区中秋晚会报名", "业主投诉外卖员乱停车", "物业服务中心搬迁通知",
    "申请安装太阳能热水器", "业主询问学区划分", "物业通知灭蚊消杀", "业主要求增设母婴室",
]
"""Queries in the archive's own words (业主, 申请, 物业, 通知) about things it does not hold:
what they find is what a low share lets common words drag in."""


def targets() -> list[IndexedDocument]:
    to_traditional = opencc.OpenCC("s2t")
    out = []
    for number, (category, title, body, _) in enumerate(TARGETS):
        if number in TRADITIONAL_TARGETS:
            title, body = to_traditional.convert(title), to_traditional.convert(body)
        out.append(IndexedDocument(
            document_id=f"target-{number:03d}", archive_no=f"2024-{category}-{number:05d}",
            title=title, body=body, household=None, category=category,  # type: ignore[arg-type]
            filed_at=date(2024, 1, 1 + number % 28), security="ordinary",
            personal_info=False, version=10_000_000 + number))
    return out


async def measure(index: SearchIndex, share: int) -> dict[str, float]:
    partial.PARTIAL_SHARE_PERCENT = share
    ranks: list[int | None] = []
    totals: list[int] = []
    latencies: list[float] = []
    for number, (_, _, _, queries) in enumerate(TARGETS):
        wanted = f"target-{number:03d}"
        for q in queries:
            started = time.perf_counter()
            result = await index.search(SearchQuery(q=q, size=5), ACCESS)
            latencies.append((time.perf_counter() - started) * 1000)
            ids = [hit.document_id for hit in result.hits]
            ranks.append(ids.index(wanted) + 1 if wanted in ids else None)
            totals.append(result.total)
    unrelated = [(await index.search(SearchQuery(q=q, size=5), ACCESS)).total
                 for q in UNRELATED]
    off_topic = [(await index.search(SearchQuery(q=q, size=5), ACCESS)).total
                 for q in OFF_TOPIC]
    p50, p95 = percentiles(latencies)
    found = [rank for rank in ranks if rank is not None]
    return {
        "recall@5": len(found) / len(ranks),
        "mrr": sum(1 / rank for rank in found) / len(ranks),
        "no result": sum(1 for total in totals if total == 0) / len(ranks),
        "hits median": statistics.median(totals),
        "unrelated with hits": sum(1 for total in unrelated if total) / len(unrelated),
        "off-topic with hits": sum(1 for total in off_topic if total) / len(off_topic),
        "off-topic hits median": statistics.median(off_topic),
        "p50": p50, "p95": p95,
    }


async def run(index: SearchIndex, docs: list[IndexedDocument], shares: list[int]
              ) -> list[tuple[int, dict[str, float]]]:
    await index.ensure()
    for start in range(0, len(docs), 1000):
        await index.upsert(docs[start : start + 1000])
    rows = [(share, await measure(index, share)) for share in shares]
    await index.close()
    return rows


async def run_backend(backend: str, docs: list[IndexedDocument], shares: list[int]
                      ) -> list[tuple[int, dict[str, float]]]:
    if backend == "tantivy":
        with tempfile.TemporaryDirectory(prefix="bench-partial-") as directory:
            return await run(TantivyIndex(Path(directory)), docs, shares)
    if backend == "osmem":
        from osmem_server import OsmemServer

        from tests.fixtures.elasticsearch import osmem_client

        with OsmemServer.start(addr="127.0.0.1:0") as server:
            index = ElasticsearchIndex(osmem_client(server.url), alias="bench-partial")
            return await run(index, docs, shares)
    raise SystemExit(f"unknown backend {backend!r}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000, help="synthetic letters around them")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--shares", default="100,25,34,40,50,60",
                        help="comma-separated percentages to compare (100: every piece, "
                             "i.e. no partial matches, as before)")
    parser.add_argument("--backends", default="tantivy", help="comma-separated: tantivy, osmem")
    args = parser.parse_args()
    docs = letters(args.docs, args.seed) + targets()
    shares = [int(share) for share in args.shares.split(",")]
    queries = sum(len(queries) for *_, queries in TARGETS)
    print(f"{len(TARGETS)} documents looked for with {queries} descriptive queries among "
          f"{args.docs} letters; {len(UNRELATED)} unrelated and {len(OFF_TOPIC)} off-topic "
          "queries\n")
    print("| backend | share % | recall@5 | MRR | no result | hits (median) "
          "| unrelated queries with hits | off-topic queries with hits | off-topic hits (median) "
          "| p50 ms | p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in args.backends.split(","):
        for share, row in await run_backend(backend, docs, shares):
            print(f"| {backend} | {share} | {row['recall@5']:.3f} | {row['mrr']:.3f} | "
                  f"{row['no result']:.1%} | {row['hits median']:.0f} | "
                  f"{row['unrelated with hits']:.0%} | {row['off-topic with hits']:.0%} | "
                  f"{row['off-topic hits median']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())
