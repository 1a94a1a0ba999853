"""The digitising page (``/ui/ingest``) in real Chromium: an archivist uploads a batch of
ten files with a manifest, sees each file's progress move live, one corrupt PDF fail and
one row with a wrong household refused, each with its reason in plain words; the batch's
summary; and the batch still there after closing the tab while it is read, and after
leaving the page and coming back.

The scans are small one-line pages (Tesseract reads each in about a second). axe-core on
the page; its screenshot is saved, at a desktop's width and a phone's."""

from __future__ import annotations

import base64
import csv
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.conftest import VIEWPORT
from tests.browser.office import Office, office_fixture
from tests.browser.phone import PHONE, expect_fits_a_phone
from tests.e2e.retention.support import START
from tests.support.rendering import render_page, write_png

pytestmark = pytest.mark.ocr

SCANS = 8
"""Enough for the counts to move while the batch is followed (a second a scan)."""
FILES = SCANS + 2
FINISH_TIMEOUT_S = 240


def _upload(wang: Page) -> None:
    """Send the form (上传); the page becomes the batch's."""
    wang.get_by_role("button", name="上传").click()
    wang.wait_for_url(re.compile(r"/ui/ingest\?batch="))


def _wait_until_finished(wang: Page) -> None:
    """The batch's summary says every file is done with (全部处理完毕)."""
    expect(wang.locator("#batch-summary")).to_contain_text("全部处理完毕",
                                                           timeout=FINISH_TIMEOUT_S * 1000)


office = office_fixture("ingest", ocr_engine="tesseract")


@pytest.fixture(scope="module")
def batch_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """``SCANS`` one-line scans, a corrupt PDF and a scan whose row names a wrong
    household, with the manifest describing all ``FILES``, in GBK as Excel on a Chinese
    desktop saves it."""
    folder = tmp_path_factory.mktemp("batch")
    rows, paths = [], []
    for number in range(1, SCANS + 1):
        path = write_png(folder / f"repair-{number:02d}.png",
                         render_page([f"业主报修记录第{number}号：卫生间漏水"]))
        paths.append(path)
        rows.append([path.name, f"A-{1200 + number}", "repair", f"报修记录 {number}",
                     "2024-05-18", "ordinary"])
    corrupt = folder / "damaged.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog" + os.urandom(100))
    paths.append(corrupt)
    rows.append([corrupt.name, "B-0301", "correspondence", "来函", "2024-06-01", "ordinary"])
    wrong = write_png(folder / "wrong-household.png", render_page(["投诉记录：噪音扰民"]))
    paths.append(wrong)
    rows.append([wrong.name, "12楼01", "complaint", "投诉记录", "2024-06-02", "ordinary"])
    manifest = folder / "manifest.csv"
    with manifest.open("w", encoding="gbk", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["path", "household", "category", "title", "filed_at", "security"])
        writer.writerows(rows)
    return manifest, paths


def _status_lines_at_narrowest(page: Page, row: Locator) -> int:
    """How many lines ``row``'s status takes at the narrowest window that still shows the
    batch as a table: one word beside a long explanation, not 未/接/收 down the column."""
    page.set_viewport_size({"width": 840, "height": 800})
    lines: int = row.get_by_role("cell").nth(1).evaluate(
        "cell => { const words = document.createRange(); words.selectNodeContents(cell);"
        " return new Set([...words.getClientRects()].map(r => r.top)).size; }")
    page.set_viewport_size(VIEWPORT)
    return lines


def _summary(page: Page) -> str:
    return page.locator("#batch-summary").inner_text().strip()


def test_a_batch_with_a_manifest_is_followed_live_and_kept(
        office: Office, batch_files: tuple[Path, list[Path]], screenshots: Path) -> None:
    manifest, paths = batch_files
    wang = office.open_as("wang")
    wang.get_by_role("navigation", name="主导航").get_by_role("link", name="数字化").click()
    expect(wang.get_by_role("heading", name="数字化", exact=True)).to_be_visible()
    expect_no_serious_violations(wang)

    wang.get_by_label("文件（可多选）").set_input_files(paths)
    wang.get_by_label("清单（CSV，可选）").set_input_files(manifest)
    _upload(wang)

    seen = [_summary(wang)]
    states = set(wang.locator("tbody tr td:nth-child(2)").all_inner_texts())
    # Closing the tab loses nothing: the jobs are the server's; a new tab shows the batch.
    wang.close()
    wang = office.contexts[-1].new_page()
    wang.goto("/ui/ingest")
    assert wang.url.endswith("/ui/ingest")
    expect(wang.locator("#batch-summary")).to_contain_text(f"{FILES} 个文件")
    deadline = FINISH_TIMEOUT_S * 1000
    while "全部处理完毕" not in seen[-1] and deadline > 0:
        wang.wait_for_timeout(250)  # htmx swaps the batch in every second
        deadline -= 250
        if (summary := _summary(wang)) != seen[-1]:
            seen.append(summary)
            states.update(wang.locator("tbody tr td:nth-child(2)").all_inner_texts())
    assert "全部处理完毕" in seen[-1], seen
    assert len(seen) >= 3, seen  # the counts moved while the files were read
    assert "处理中 0" not in seen[0]
    # Each file's own state moved too: waiting, then read, page by page.
    assert "排队中" in states or any(state.startswith("正在识别") for state in states), states
    assert "完成" in states, states

    expect(wang.locator("#batch-summary")).to_contain_text(
        f"{FILES} 个文件：完成 {SCANS}，失败或未接收 2，重复 0，处理中 0")
    expect(wang.locator("#batch-summary")).to_contain_text(f"共 {SCANS} 页")
    failed = wang.get_by_role("row", name=re.compile("damaged.pdf"))
    expect(failed).to_contain_text("失败")
    expect(failed).to_contain_text("文件已损坏或不完整")
    refused = wang.get_by_role("row", name=re.compile("wrong-household.png"))
    expect(refused).to_contain_text("未接收")
    assert _status_lines_at_narrowest(wang, refused) == 1
    expect(refused).to_contain_text("户号格式不对")
    done = wang.get_by_role("row", name=re.compile("repair-07.png"))
    expect(done).to_contain_text("完成")
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "ingest.png", full_page=True)
    wang.set_viewport_size(PHONE)
    expect_fits_a_phone(wang)
    wang.screenshot(path=screenshots / "phone-ingest.png", full_page=True)
    wang.set_viewport_size(VIEWPORT)

    done.get_by_role("link", name="查看文件").click()
    expect(wang.get_by_role("heading", name=re.compile("报修记录 7"))).to_be_visible()

    wang.get_by_role("navigation", name="主导航").get_by_role("link", name="数字化").click()
    expect(wang.locator("#batch-summary")).to_contain_text(f"完成 {SCANS}，失败或未接收 2")
    expect(wang.get_by_role("row", name=re.compile("damaged.pdf"))).to_contain_text("失败")


def test_files_without_a_manifest_take_the_defaults_and_a_duplicate_is_shown(
        office: Office, batch_files: tuple[Path, list[Path]]) -> None:
    _, paths = batch_files
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    fresh = write_png(paths[0].parent / "visit.png", render_page(["回访记录：业主满意"]))
    wang.get_by_label("文件（可多选）").set_input_files([fresh, paths[0]])
    # The filing date is the archive's today (its clock), not the host's.
    expect(wang.get_by_label("归档日期")).to_have_value(START.date().isoformat())
    # repair-01.png is filed as A-1201's repair of 2024-05-18: the same details (its title,
    # taken from the file name, is not compared) make it a duplicate.
    wang.get_by_label("户号").fill("A-1201")
    wang.get_by_label("类别").select_option("repair")
    wang.get_by_label("归档日期").fill("2024-05-18")
    _upload(wang)

    _wait_until_finished(wang)
    expect(wang.get_by_role("row", name=re.compile("repair-01.png"))).to_contain_text("重复")
    expect(wang.get_by_role("row", name=re.compile("visit.png"))).to_contain_text("完成")
    earlier = wang.get_by_role("heading", name="其他最近的批次")
    expect(earlier).to_be_visible()
    expect(wang.locator(".batches li")).to_contain_text(
        f"{FILES} 个文件：完成 {SCANS}，失败或未接收 2")


def test_a_batch_that_cannot_reach_the_server_says_so_until_it_answers_again(
        office: Office, batch_files: tuple[Path, list[Path]]) -> None:
    _, paths = batch_files
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    fresh = [write_png(paths[0].parent / f"notice-{n}.png", render_page([f"停水通知第{n}号"]))
             for n in (1, 2)]
    wang.get_by_label("文件（可多选）").set_input_files(fresh)
    wang.get_by_label("类别").select_option("policy")
    progress = re.compile(r"/ui/ingest/batches/[^/?]+$")
    wang.route(progress, lambda route: route.abort())  # the server away, as a restart is
    _upload(wang)
    unreachable = wang.get_by_role("status").filter(has_text="暂时连接不上服务器")
    expect(unreachable).to_contain_text("页面会继续尝试")
    wang.unroute(progress)
    expect(unreachable).to_have_count(0)
    _wait_until_finished(wang)


def test_a_file_filed_with_other_details_is_refused_naming_them_with_its_document(
        office: Office, batch_files: tuple[Path, list[Path]]) -> None:
    _, paths = batch_files
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    wang.get_by_label("文件（可多选）").set_input_files([paths[1]])  # filed as A-1202's repair
    wang.get_by_label("户号").fill("C-0502")
    wang.get_by_label("类别").select_option("visit")
    _upload(wang)

    refused = wang.get_by_role("row", name=re.compile("repair-02.png"))
    expect(refused).to_contain_text("未接收")
    assert _status_lines_at_narrowest(wang, refused) == 1
    expect(refused).to_contain_text("与已归档的不同：户号、类别")
    expect(refused).not_to_contain_text("重复")
    refused.get_by_role("link", name="查看已归档的文件").click()
    expect(wang.get_by_role("heading", name=re.compile("报修记录 2"))).to_be_visible()


def test_a_manifest_that_is_no_text_is_refused_saying_how_to_save_it(
        office: Office, batch_files: tuple[Path, list[Path]], tmp_path: Path) -> None:
    _, paths = batch_files
    garbled = tmp_path / "清单.csv"
    garbled.write_bytes(b"path,household,category,title,filed_at,security\n\x80\xff\xfe,\x00\n")
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    wang.get_by_label("文件（可多选）").set_input_files(paths[:1])
    wang.get_by_label("清单（CSV，可选）").set_input_files(garbled)
    wang.get_by_role("button", name="上传").click()
    expect(wang.get_by_text("清单既不是 UTF-8 也不是 GBK 编码的文字")).to_be_visible()
    assert "batch=" not in wang.url  # nothing was uploaded


def _batches(office: Office) -> int:
    with office.archive.as_("wang") as client:
        return len(client.get("/ingest/batches").json())


def test_a_mistyped_default_location_stops_the_form_before_any_file_is_sent(
        office: Office, batch_files: tuple[Path, list[Path]]) -> None:
    _, paths = batch_files
    batches = _batches(office)
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    wang.get_by_label("文件（可多选）").set_input_files(paths[:3])
    wang.get_by_label("户号").fill("C-0503")
    wang.get_by_label("类别").select_option("visit")
    location = wang.get_by_label("纸质原件位置")
    location.fill("C栋/档案室/2/5")
    assert location.evaluate("field => field.validity.valid")  # the pattern compiles
    location.fill("C栋 档案室 2柜 5盒")  # as labels print a box
    assert location.evaluate("field => field.validity.valid")
    location.fill("C栋/档案室 2/5")
    wang.get_by_role("button", name="上传").click()
    # The browser holds the form with the rule's words; the files stay chosen.
    assert location.evaluate("field => field.validity.patternMismatch")
    expect(location).to_have_attribute(
        "title", "楼栋/房间/柜/盒，例如 A栋/档案室/3/12，或 A栋 档案室 3柜 12盒")
    assert wang.url.endswith("/ui/ingest")

    # A browser that does not check (here: the rule taken off) is refused by the server
    # once, with the form as typed, and nothing is uploaded.
    location.evaluate("field => field.removeAttribute('pattern')")
    wang.get_by_role("button", name="上传").click()
    expect(wang.get_by_role("alert")).to_contain_text("纸质原件位置格式不对，文件都没有上传")
    expect(wang.get_by_label("纸质原件位置")).to_have_value("C栋/档案室 2/5")
    expect(wang.get_by_label("纸质原件位置")).to_have_attribute("aria-invalid", "true")
    expect(wang.get_by_label("户号")).to_have_value("C-0503")
    expect(wang.get_by_label("类别")).to_have_value("visit")
    assert "batch=" not in wang.url
    assert _batches(office) == batches
    expect_no_serious_violations(wang)


def test_a_mistyped_default_household_stops_the_form_before_any_file_is_sent(
        office: Office, batch_files: tuple[Path, list[Path]]) -> None:
    """B-05O2 (a letter O) would have every file refused, one by one: the form is
    refused once, at the field, with the form as typed, and nothing is uploaded."""
    _, paths = batch_files
    batches = _batches(office)
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    wang.get_by_label("文件（可多选）").set_input_files(paths[:3])
    wang.get_by_label("户号").fill("B-05O2")
    wang.get_by_label("类别").select_option("move_in")
    wang.get_by_role("button", name="上传").click()
    expect(wang.get_by_role("alert")).to_contain_text(
        "默认值中的户号“B-05O2”不是有效的单元号")
    household = wang.get_by_label("户号")
    expect(household).to_have_value("B-05O2")
    expect(household).to_have_attribute("aria-invalid", "true")
    expect(household).to_be_focused()
    expect(wang.get_by_label("类别")).to_have_value("move_in")
    assert "batch=" not in wang.url
    assert _batches(office) == batches


DROP = """files => {
    const transfer = new DataTransfer();
    for (const file of files) {
        const bytes = Uint8Array.from(atob(file.data), c => c.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, {type: file.type}));
    }
    return transfer;
}"""
"""A DataTransfer built in the page, as a drop of files from the desktop carries."""


def _dropped(paths: dict[str, Path]) -> list[dict[str, str]]:
    return [{"name": name, "type": "text/csv" if name.endswith(".csv") else "image/png",
             "data": base64.b64encode(path.read_bytes()).decode()}
            for name, path in paths.items()]


def test_files_dropped_on_the_page_join_the_batch_as_if_chosen(
        office: Office, tmp_path: Path, screenshots: Path) -> None:
    """Three scans and their manifest dropped together (one scan named by its path in a
    folder, as a dropped folder's files are); the manifest files them."""
    scans = {f"inspection-{number}.png": write_png(
        tmp_path / f"inspection-{number}.png",
        render_page([f"电梯巡检记录第{number}号：运行正常"])) for number in (1, 2)}
    scans["lifts/north/inspection-3.png"] = write_png(
        tmp_path / "inspection-3.png", render_page(["电梯巡检记录第3号：门机异响"]))
    manifest = tmp_path / "manifest.csv"
    with manifest.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["path", "household", "category", "title", "filed_at", "security"])
        for number, name in enumerate(["inspection-1.png", "inspection-2.png",
                                       "north/inspection-3.png"], start=1):
            writer.writerow([name, "D-0101", "repair", f"电梯巡检 {number}", "2024-07-0"
                             f"{number}", "ordinary"])
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    zone = wang.get_by_role("button", name="把文件、文件夹或清单拖到这里")
    expect(zone).to_be_visible()
    chosen = wang.locator("#chosen")
    expect(chosen).to_have_text(re.compile("还没有选择文件"))
    # From the keyboard the zone opens the files' picker (the click is stopped here
    # before the browser's own dialog, which is not the page's to test).
    wang.locator("#files").evaluate("""input => input.addEventListener("click", event => {
        event.preventDefault();
        input.dataset.opened = "yes";
    })""")
    zone.press("Enter")
    expect(wang.locator("#files")).to_have_attribute("data-opened", "yes")

    transfer = wang.evaluate_handle(DROP, _dropped({**scans, "manifest.csv": manifest}))
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    expect(chosen).to_contain_text("已选择 3 个文件")
    expect(chosen).to_contain_text("清单：manifest.csv")
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "ingest-dropped.png", full_page=True)
    _upload(wang)

    _wait_until_finished(wang)
    expect(wang.locator("#batch-summary")).to_contain_text(
        "3 个文件：完成 3，失败或未接收 0，重复 0，处理中 0")
    nested = wang.locator("tr", has_text="lifts/north/inspection-3.png")
    nested.get_by_role("link", name="查看文件").click()
    expect(wang.get_by_role("heading", name=re.compile("电梯巡检 3"))).to_be_visible()
    expect(wang.get_by_text("D-0101").first).to_be_visible()


def test_staff_are_not_offered_digitising(office: Office) -> None:
    li = office.open_as("li")
    expect(li.get_by_role("navigation", name="主导航").get_by_role("link", name="数字化")
           ).to_have_count(0)
    assert li.goto("/ui/ingest").status == 404  # type: ignore[union-attr]


def _manifest(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="gbk", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["文件", "户号", "类别", "标题", "归档日期", "密级"])
        writer.writerows(rows)
    return path


def test_a_folder_chosen_whole_is_filed_by_the_manifest_inside_it(
        office: Office, tmp_path: Path) -> None:
    """A cabinet's folder: its manifest 清单.csv beside 扫描/ (paths relative to it), one
    row with a date that is no day, refused with its line and what is written there."""
    cabinet = tmp_path / "cab2"
    (cabinet / "扫描").mkdir(parents=True)
    write_png(cabinet / "扫描" / "A0801-入伙.png", render_page(["入伙通知书：A-0801"]))
    write_png(cabinet / "扫描" / "A0801-合同.png", render_page(["购房合同：A-0801"]))
    _manifest(cabinet / "清单.csv", [
        ["扫描/A0801-入伙.png", "A-0801", "入住", "入伙通知书", "2015/8/8", "普通"],
        ["扫描/A0801-合同.png", "A-0801", "购房合同", "购房合同", "2015/8/8", "普通"],
        ["扫描/A0801-缺.png", "A-0801", "维修", "报修", "2024-13-40", "普通"]])
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    wang.get_by_label("或整个文件夹").set_input_files(cabinet)
    chosen = wang.locator("#chosen")
    expect(chosen).to_contain_text("已选择 2 个文件")
    expect(chosen).to_contain_text("已使用文件夹中的清单 清单.csv")
    _upload(wang)

    _wait_until_finished(wang)
    expect(wang.locator("#batch-summary")).to_contain_text("3 个文件：完成 2，失败或未接收 1")
    expect(wang.get_by_role("row", name=re.compile("A0801-合同.png"))).to_contain_text("完成")
    expect(wang.get_by_role("row", name=re.compile("A0801-缺.png"))).to_contain_text(
        "清单第 4 行（写的是“2024-13-40”）：归档日期看不懂")


def test_a_folder_with_several_manifests_asks_which_to_use(
        office: Office, tmp_path: Path) -> None:
    folder = tmp_path / "boxes"
    folder.mkdir()
    write_png(folder / "1.png", render_page(["来函"]))
    for name in ("清单.csv", "清单-旧.csv"):
        _manifest(folder / name, [["1.png", "A-0801", "往来函件", "来函", "2024-05-18", ""]])
    batches = _batches(office)
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    wang.get_by_label("或整个文件夹").set_input_files(folder)
    expect(wang.locator("#chosen")).to_contain_text("已选择 1 个文件")
    expect(wang.locator("#chosen")).to_contain_text("文件夹中有几份清单")
    wang.get_by_role("button", name="上传").click()
    expect(wang.get_by_role("alert")).to_contain_text("选择的文件夹中有几份清单：boxes/")
    assert _batches(office) == batches


def test_files_chosen_by_name_are_the_manifests_rows_and_namesakes_are_not_guessed(
        office: Office, tmp_path: Path) -> None:
    """The file picker gives bare names; the manifest lists them in a sub-folder. Two
    chosen files of one name for two rows are refused, not filed by a guess."""
    scans = tmp_path / "扫描"
    for folder in ("2023", "2024"):
        (scans / folder).mkdir(parents=True)
        write_png(scans / folder / "回访.png", render_page([f"{folder}年回访记录"]))
    moved_in = write_png(scans / "A0802-入伙.png", render_page(["入伙通知书：A-0802"]))
    manifest = _manifest(tmp_path / "清单.csv", [
        ["扫描/A0802-入伙.png", "A-0802", "入住", "入伙通知书", "2016-01-02", ""],
        ["扫描/2023/回访.png", "A-0802", "回访", "2023年回访", "2023-06-01", ""],
        ["扫描/2024/回访.png", "A-0802", "回访", "2024年回访", "2024-06-01", ""]])
    wang = office.open_as("wang")
    wang.goto("/ui/ingest")
    wang.get_by_label("文件（可多选）").set_input_files(
        [moved_in, scans / "2023" / "回访.png", scans / "2024" / "回访.png"])
    wang.get_by_label("清单（CSV，可选）").set_input_files(manifest)
    _upload(wang)

    _wait_until_finished(wang)
    expect(wang.locator("#batch-summary")).to_contain_text("3 个文件：完成 1，失败或未接收 2")
    expect(wang.get_by_role("row", name=re.compile("A0802-入伙.png"))).to_contain_text("完成")
    for line in (3, 4):
        expect(wang.locator("tr", has_text=f"清单第 {line} 行")).to_contain_text(
            "分不清选择的哪个文件是这一行列出的文件")


def test_a_households_link_fills_in_its_code_and_a_code_with_no_file_says_so(
        office: Office, tmp_path: Path) -> None:
    """From a household's file, the digitising page opens with its code filled in, and
    what is uploaded is filed there; a code in the address is read as typed (e0802 is
    E-0802, 维修 is repair), one no household file has says filing opens one (D1), and
    an ill-formed one is refused at the field before anything is sent."""
    office.file(household="E-0801", category="contract", title="购房合同")
    wang = office.open_as("wang")
    wang.goto("/ui/households/E-0801")
    wang.get_by_role("link", name="为这一户上传文件").first.click()
    wang.wait_for_url(re.compile(r"/ui/ingest\?household=E-0801$"))
    expect(wang.get_by_label("户号")).to_have_value("E-0801")
    expect(wang.locator("#asked")).to_contain_text("户号已按这一户填好：E-0801")
    scan = write_png(tmp_path / "window.png", render_page(["装修申请：更换窗户"]))
    wang.get_by_label("文件（可多选）").set_input_files([scan])
    wang.get_by_label("类别").select_option("decoration")
    _upload(wang)
    _wait_until_finished(wang)
    filed = wang.get_by_role("row", name=re.compile("window.png"))
    expect(filed).to_contain_text("完成")
    filed.get_by_role("link", name="查看文件").click()
    expect(wang.get_by_role("link", name="E-0801").first).to_be_visible()

    wang.goto("/ui/ingest?household=e0802&category=维修")
    expect(wang.get_by_label("户号")).to_have_value("E-0802")
    expect(wang.get_by_label("类别")).to_have_value("repair")
    expect(wang.locator("#asked")).to_contain_text("还没有户号为 E-0802 的户档")

    refused = wang.goto("/ui/ingest?household=zz-99&category=no-such")
    assert refused is not None
    assert refused.status == 422
    expect(wang.get_by_role("alert")).to_contain_text("“zz-99”不是有效的单元号")
    expect(wang.get_by_label("户号")).to_have_attribute("aria-invalid", "true")
    expect(wang.get_by_label("户号")).to_be_focused()
    wrong_category = wang.goto("/ui/ingest?household=E-0801&category=no-such")
    assert wrong_category is not None
    assert wrong_category.status == 422
    expect(wang.get_by_role("alert")).to_contain_text("类别“no-such”不是系统中的类别")
    expect(wang.get_by_label("类别")).to_have_attribute("aria-invalid", "true")
