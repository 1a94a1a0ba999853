"""Handovers (移交, O1), transfers out and catalogues (D3) in real Chromium (issue 18), each
person in a browser context of their own: the service centre's head draws up the handover
of a household's file from its page, refused first while it holds a secret document the
clerk handing over is not cleared for (he could never sign it); the clerk (a plain staff
account) signs in his own session, a wrong password refused first; the archivist who
receives finds it awaiting him in the list and signs; the transfer list downloads as PDF
and CSV and reads back with the archive numbers and both names; a document raised above
the clerk's clearance later reads （密） on his list. A transfer out is listed with its
BagIt bag, downloaded from the keyboard and validated by the ``bagit`` library. From the
catalogue page the archivist prints a floor's file catalogue and labels, the year's
catalogue of closed files (D3) and a household's item list; people whose roles do not
read these pages get the not-found page. axe-core on every page; the signing, the
transfers out and the catalogue page are saved as screenshots."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path
from typing import Any

import bagit
from playwright.sync_api import expect

from services.common.objectstore import original_key
from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import (
    Office,
    Person,
    documents_fixture,
    download,
    expect_not_found,
    nav_link,
    office_fixture,
    pdf_text,
    sign_after_a_wrong_password,
)
from tests.fixtures.app import PASSWORD

CENTRE = "第一客户服务中心"
MOVE_IN = "入住资料登记表"
REPAIR = "厨房漏水维修记录"
SECRET = "业主纠纷调解协议"


office = office_fixture("handovers", [
    Person("lin", "center_head", clearance="secret", department="customer_service"),
    Person("chen", "staff", clearance="ordinary", department="customer_service"),
])


documents = documents_fixture(
    move_in=dict(title=MOVE_IN, category="move_in", household="A-1301", filed_at="2016-02-01"),
    repair=dict(title=REPAIR, category="repair", household="A-1301", filed_at="2019-06-01"),
    secret=dict(title=SECRET, category="complaint", household="A-1301", filed_at="2020-03-01",
                security="secret"),
    elsewhere=dict(title="装修申请", category="decoration", household="B-0502",
                   filed_at="2018-05-01"),
)


def test_a_handover_is_drawn_up_signed_by_both_sides_and_its_list_read_back(
        office: Office, documents: dict[str, Any], screenshots: Path,
        tmp_path: Path) -> None:
    move_in, repair, secret = (documents[name] for name in ("move_in", "repair", "secret"))
    lin = office.open_as("lin")
    lin.goto("/ui/households/A-1301")
    lin.get_by_role("link", name="移交这一户的文件").click()
    form = lin.get_by_role("group", name="移交的文件（A-1301）")
    expect(form.get_by_role("checkbox")).to_have_count(3)
    expect_no_serious_violations(lin)
    lin.get_by_label("移交单位（客户服务中心）").fill(CENTRE)
    lin.get_by_label("移交人（用户名）").fill("chen")
    lin.get_by_label("接收人（档案管理员的用户名）").fill("li")
    lin.get_by_role("button", name="编制移交清单").click()
    # The registry refuses a receiver who is not an archivist; the form keeps what was typed.
    expect(lin.get_by_role("alert")).to_contain_text("接收人必须是档案管理员")
    expect(lin.get_by_label("移交单位（客户服务中心）")).to_have_value(CENTRE)
    lin.get_by_label("接收人（档案管理员的用户名）").fill("sun")
    lin.get_by_label("楼栋").fill("A")
    lin.get_by_role("button", name="编制移交清单").click()
    expect(lin.get_by_role("alert")).to_contain_text("全部填写")
    for label, value in (("档案室", "档案室"), ("柜", "C-03"), ("盒", "2030-01")):
        lin.get_by_label(label, exact=True).fill(value)
    lin.get_by_role("button", name="编制移交清单").click()
    # chen, cleared for ordinary, could never sign for the secret document.
    expect(lin.get_by_role("alert")).to_contain_text(
        "chen 的密级权限是“普通”，所选文件中有 1 份需要“绝密”密级权限，chen 无法签字。")
    lin.get_by_role("checkbox", name=re.compile(SECRET)).uncheck()
    lin.get_by_role("button", name="编制移交清单").click()
    expect(lin.get_by_role("status")).to_contain_text("移交清单已编制")
    handover_url = lin.url.split("?")[0]
    rows = lin.locator("table.transfer-list tbody tr")
    expect(rows).to_have_count(2)
    for document in (move_in, repair):
        expect(lin.locator("table.transfer-list")).to_contain_text(document["archive_no"])
    expect(lin.locator(".missing")).to_contain_text("还需要移交人 chen 签字")
    expect(lin.locator(".missing")).to_contain_text("还需要接收人 sun 签字")
    expect(lin.get_by_label("您的登录密码（签字确认）")).to_have_count(0)
    expect_no_serious_violations(lin)

    # O1: the clerk who hands over signs in his own session, with his own password.
    chen = office.open_as("chen")
    expect(nav_link(chen, "移交")).to_have_count(0)
    chen.goto(handover_url)
    sign_after_a_wrong_password(chen, "以移交人身份签字", unsigned="双方都还没有签字。")
    expect(chen.locator(".witnesses")).to_contain_text("移交人 chen 已签字")
    expect(chen.locator(".missing")).to_have_text("还需要接收人 sun 签字。")
    expect_no_serious_violations(chen)

    # The archivist finds it awaiting his signature in the list.
    sun = office.open_as("sun")
    nav_link(sun, "移交").click()
    line = sun.locator("table.loans tbody tr").filter(has_text=CENTRE)
    expect(line).to_contain_text("等待双方签字")
    expect(line).to_contain_text("接收人 sun 签字")
    expect(line).not_to_contain_text("移交人 chen 签字")
    expect(line).to_contain_text("2 份文件")
    expect_no_serious_violations(sun)
    line.get_by_role("link").click()
    sun.get_by_label("您的登录密码（签字确认）").fill(PASSWORD)
    sun.screenshot(path=screenshots / "handover-signing.png", full_page=True)
    sun.get_by_role("button", name="以接收人身份签字").click()
    expect(sun.get_by_role("status")).to_contain_text("双方都已签字，移交已完成")
    expect(sun.get_by_role("heading", level=1)).to_contain_text("已完成")
    expect(sun.locator(".missing")).to_have_count(0)
    expect_no_serious_violations(sun)

    text = pdf_text(download(sun, "移交清单（PDF）", tmp_path))
    for needed in (move_in["archive_no"], repair["archive_no"], "chen", "sun", CENTRE):
        assert needed in text, needed
    assert secret["archive_no"] not in text
    assert text.count(move_in["archive_no"]) == 2  # two copies, one for each side
    csv = download(sun, "移交清单（CSV）", tmp_path).read_text(encoding="utf-8-sig")
    for needed in (move_in["archive_no"], repair["archive_no"], MOVE_IN):
        assert needed in csv, needed

    # A document raised above chen's clearance since is counted on his list, not named.
    with office.archive.as_("wang") as client:
        raised = client.post(f"/registry/documents/{repair['document_id']}/corrections",
                             json={"changes": {"security": "secret"}, "reason": "涉及纠纷"})
    assert raised.status_code == 201, raised.text
    chen.goto(handover_url)
    expect(chen.locator("table.transfer-list")).to_contain_text("（密）")
    expect(chen.locator("table.transfer-list")).not_to_contain_text(REPAIR)
    expect(chen.locator("table.transfer-list")).not_to_contain_text(repair["archive_no"])
    expect(chen.get_by_text("其中 1 份文件的密级高于您的权限")).to_be_visible()

    # Someone neither reading handovers nor named in this one: the not-found page.
    li = office.open_as("li")
    expect_not_found(li, handover_url)
    expect_not_found(li, f"{handover_url}/transfer-list.pdf")
    expect_not_found(li, "/ui/handovers")
    expect_not_found(li, "/ui/handovers/new?household=A-1301")


def test_a_transfer_out_is_listed_with_its_bag_to_download(
        office: Office, documents: dict[str, Any], screenshots: Path, tmp_path: Path) -> None:
    with office.archive.as_("wang") as client:
        response = client.post("/registry/transfers", json={
            "recipient": "新物业公司", "reason": "业主委员会更换物业", "household": "B-0502"})
    assert response.status_code == 201, response.text
    transfer_id = response.json()["transfer_id"]
    wang = office.open_as("wang")
    nav_link(wang, "移交").click()
    transfers = wang.get_by_role("region", name="移出记录")
    expect(transfers).to_contain_text("新物业公司")
    expect(transfers).to_contain_text("已移出")
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "transfers.png", full_page=True)
    link = transfers.locator(f"#transfer-{transfer_id}").get_by_role("link", name="下载移出包")
    link.focus()  # reached and followed from the keyboard
    with wang.expect_download() as downloaded:
        wang.keyboard.press("Enter")
    assert downloaded.value.failure() is None
    assert downloaded.value.suggested_filename == f"transfer-{transfer_id}.tar"
    saved = tmp_path / downloaded.value.suggested_filename
    downloaded.value.save_as(saved)
    with tarfile.open(saved) as tar:
        tar.extractall(tmp_path, filter="data")
    bag = bagit.Bag(str(tmp_path / f"transfer-{transfer_id}"))
    bag.validate()
    elsewhere = documents["elsewhere"]
    [original] = [path for path in bag.entries
                  if path.startswith(f"data/{elsewhere['archive_no']}/original")]
    assert bag.entries[original]["sha256"] == elsewhere["sha256"]

    zhao = office.open_as("zhao")  # the director reads them, writes no bag
    nav_link(zhao, "移交").click()
    expect(zhao.get_by_role("region", name="移出记录")).to_contain_text("新物业公司")
    expect(zhao.get_by_role("link", name="下载移出包")).to_have_count(0)
    expect_not_found(zhao, f"/ui/handovers/transfers/{transfer_id}/bag.tar")


def test_a_bag_whose_original_is_not_the_catalogues_fails_to_download(office: Office
                                                                      ) -> None:
    document = office.file(title="维修验收单", household="B-0503")
    with office.archive.as_("wang") as client:
        response = client.post("/registry/transfers", json={
            "recipient": "业主", "reason": "业主自管", "documents": [document["document_id"]]})
    assert response.status_code == 201, response.text
    transfer_id = response.json()["transfer_id"]
    stored = office.archive.server.settings.data_dir / "objects" / "data" / original_key(
        document["sha256"])
    stored.chmod(0o644)  # one byte changed, as bit rot leaves it
    stored.write_bytes(stored.read_bytes().replace(b"%PDF", b"%PDX"))
    wang = office.open_as("wang")
    nav_link(wang, "移交").click()
    row = wang.get_by_role("region", name="移出记录").locator(f"#transfer-{transfer_id}")
    with wang.expect_download() as downloaded:
        row.get_by_role("link", name="下载移出包").click()
    assert downloaded.value.failure() is not None  # the browser says the download failed


def test_the_archivist_prints_a_floors_catalogue_and_labels(
        office: Office, documents: dict[str, Any], screenshots: Path,
        tmp_path: Path) -> None:
    with office.archive.as_("wang") as client:  # D3: the occupant moves out this year
        for path, body in (("occupants", {"occupant": "周敏", "moved_in": "2016-01-15"}),
                           ("move-out", {"moved_out": "2030-01-05"})):
            response = client.post(f"/registry/households/A-1301/{path}", json=body)
            assert response.status_code == 200, response.text
    sun = office.open_as("sun")
    nav_link(sun, "目录").click()
    closed = pdf_text(download(sun, "A 栋 13 层 2030 年闭卷目录（PDF）", tmp_path))
    assert "A-1301" in closed
    assert "周敏" in closed
    floor = sun.locator("#floor-A-13")
    expect(floor).to_contain_text("A 栋 13 层")
    expect_no_serious_violations(sun)
    sun.screenshot(path=screenshots / "catalogues.png", full_page=True)
    text = pdf_text(download(sun, "A 栋 13 层 案卷目录（PDF）", tmp_path))
    assert "A-1301" in text
    floor_labels = download(sun, "A 栋 13 层 卷夹标签（PDF）", tmp_path)
    assert "A-1301" in pdf_text(floor_labels)
    sun.get_by_label("户号（如 A-1201）").fill("A-1301")
    sun.get_by_role("button", name="查看").nth(1).click()
    items = pdf_text(download(sun, "A-1301 卷内目录（PDF）", tmp_path))
    for document in ("move_in", "repair", "secret"):
        assert documents[document]["archive_no"] in items, document
    office.file(title="入伙资料", household="A-1302")
    sun.goto("/ui/households/A-1301")
    items_again = pdf_text(download(sun, "卷内目录（PDF）", tmp_path))
    assert documents["repair"]["archive_no"] in items_again
    # The household's own folder label, not its floor's sheet.
    own_label = download(sun, "卷夹标签（PDF）", tmp_path)
    assert "A-1301" in pdf_text(own_label)
    assert "A-1302" not in pdf_text(own_label)
    # Each saved under a name of its own (both were labels.pdf).
    assert (floor_labels.name, own_label.name) == ("labels-folders-A-13.pdf",
                                                   "labels-folders-A-1301.pdf")
    sun.goto("/ui/catalogues?household=A-12")
    expect(sun.get_by_role("alert")).to_contain_text("户号的格式应当像 A-1201")
    expect_no_serious_violations(sun)

    # Catalogues are the archive's own: a service centre head gets the not-found page.
    lin = office.open_as("lin")
    expect(nav_link(lin, "目录")).to_have_count(0)
    expect_not_found(lin, "/ui/catalogues")
    expect_not_found(lin, "/ui/catalogues/print/floors/A/13/catalogue.pdf")
    expect_not_found(sun, "/ui/catalogues/print/households/A-1301")
    expect_not_found(sun, "/ui/catalogues/print/%2E%2E%2F%2E%2E%2Fusers")


def test_an_archivist_cancels_a_handover_from_the_keyboard(office: Office, screenshots: Path
                                                           ) -> None:
    document = office.file(title="装修验收单", household="B-0504")
    with office.archive.as_("lin") as client:
        response = client.post("/registry/handovers", json={
            "service_centre": CENTRE, "handed_over_by": "chen", "received_by": "sun",
            "documents": [document["document_id"]]})
    assert response.status_code == 201, response.text
    handover_id = response.json()["handover_id"]
    wang = office.open_as("wang")
    wang.goto(f"/ui/handovers/{handover_id}")
    summary = wang.locator("summary", has_text="取消移交")
    summary.focus()
    wang.keyboard.press("Enter")  # the <details> opens: what cancelling does, then the form
    expect(wang.get_by_text("取消后可以重新编制移交清单")).to_be_visible()
    wang.keyboard.press("Tab")
    expect(wang.get_by_label("取消原因（必填，例如：移交人已离职）")).to_be_focused()
    wang.keyboard.type("移交人已离职")
    wang.keyboard.press("Tab")
    expect(wang.get_by_role("button", name="确认取消这次移交")).to_be_focused()
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "handover-cancelling.png", full_page=True)
    wang.keyboard.press("Enter")
    expect(wang.get_by_role("status")).to_contain_text("移交已取消")
    expect(wang.get_by_role("heading", level=1)).to_contain_text("已取消")
    expect(wang.locator("dl.record")).to_contain_text("移交人已离职")
    expect(wang.get_by_role("button", name=re.compile("签字|取消"))).to_have_count(0)
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "handover-cancelled.png", full_page=True)
    nav_link(wang, "移交").click()
    line = wang.locator(f"#handover-{handover_id}")
    expect(line).to_contain_text("已取消")
    expect(line).not_to_contain_text("签字")
