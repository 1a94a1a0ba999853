"""A document kept at appraisal comes due again (R3) in real Chromium: the later sweep's
page shows each earlier appraisal — which sweep, who, decision, opinion, until when — and
says the last decision beside the appraisal form, which it does not fill in."""

from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import expect

from services.common.clock import COMPANY_ZONE
from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, office_fixture

office = office_fixture("reappraisal")


def test_a_document_due_again_shows_its_earlier_appraisal_beside_an_empty_form(
        office: Office) -> None:
    document = office.file(title="外墙渗水维修记录", category="repair", filed_at="2015-03-01")
    first = office.run(office.archive.approved, [document], "keep", keep_until="2031-01-01")
    office.clock.set(datetime(2031, 2, 1, 9, 0, tzinfo=COMPANY_ZONE))
    second = office.run(office.archive.sweep)

    zhou = office.open_as("zhou")
    zhou.goto(f"/ui/sweeps/{second['sweep_id']}")
    item = zhou.locator(f"#item-{document['document_id']}")
    earlier = item.get_by_role("region", name="以往鉴定")
    expect(earlier.get_by_role("link", name="2030年1月10日 开始的清理")).to_have_attribute(
        "href", f"/ui/sweeps/{first['sweep_id']}")
    expect(earlier).to_contain_text("保存至 2031年1月1日")
    expect(earlier.get_by_role("row").filter(has_text="qian")).to_contain_text("经鉴定，同意")
    form = item.get_by_role("group", name="我的鉴定")
    expect(form).to_have_accessible_description("上次鉴定（2030年1月10日 开始的清理）：继续保存。"
                                                "各鉴定人的意见见上方“以往鉴定”。本次请重新作出决定。")
    for decision in ("予以销毁", "继续保存", "下年重新鉴定"):
        expect(item.get_by_label(decision, exact=True)).not_to_be_checked()
    expect(item.get_by_label(re.compile("^鉴定意见（"))).to_have_value("")
    expect_no_serious_violations(zhou)
