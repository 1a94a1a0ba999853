"""O2 end to end: two years of an archive's work over HTTP, on SQLite with the directory
store and on PostgreSQL with SeaweedFS S3, and each year's statistics counted exactly;
who may read them; ``archive stats`` as a table and as JSON.

The history, with the registry's clock moved by the test:

    2030-01-10  five documents filed (three repair, a letter, a contract); a sweep of the
                three repair records: one destroy, one keep, one reappraise, approved;
                a paper loan issued (the letter), a digital loan issued (two documents)
    2030-01-11  the digital loan returned
    2031-02-01  the destroy item destroyed (two witnesses); the paper loan returned;
                a visit record filed; a paper loan issued (due 2031-02-08)
    2031-03-01  now: the 2031 report is the year so far
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.retention.conftest import BACKENDS, served_on
from tests.e2e.retention.support import Archive
from tests.support.processes import run_client

SECOND_YEAR = datetime(2031, 2, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)
NOTHING = {"total": 0, "by_category": {}}
NOT_IN_THE_HISTORY = {
    "transferred_out": NOTHING,
    "handed_over": {"handovers": 0, "documents": 0},
    "checks": {"inventories": 0, "organised": 0, "discrepancies": 0, "unresolved": 0,
               "condition_checks": 0, "with_problems": 0},
}
"""What the history never does (transfers out, handovers, inventories): none in any year."""


def _months(count: int, **busy: dict[str, int]) -> list[dict[str, int]]:
    """``count`` months of counts, zero but for ``busy`` (``m1={"received": 5}``)."""
    return [{"month": month, "received": 0, "destroyed": 0, "loans": 0,
             **busy.get(f"m{month}", {})} for month in range(1, count + 1)]


@dataclass
class History:
    archive: Archive

    def report(self, username: str = "qian", **params: Any) -> httpx.Response:
        with self.archive.as_(username) as client:
            return client.get("/registry/statistics", params=params)

    def year(self, year: int) -> dict[str, Any]:
        response = self.report(year=year)
        assert response.status_code == 200, response.text
        report: dict[str, Any] = response.json()
        return report


def _appraise(archive: Archive, sweep_id: str, document: dict[str, Any], decision: str
              ) -> None:
    for appraiser in ("zhou", "qian"):
        with archive.as_(appraiser) as client:
            response = client.post(f"/registry/sweeps/{sweep_id}/appraisals", json={
                "document_id": document["document_id"], "decision": decision,
                "opinion": "经鉴定，同意"})
        assert response.status_code == 200, response.text


def _approved_sweep(archive: Archive, decisions: list[tuple[dict[str, Any], str]]
                    ) -> dict[str, Any]:
    sweep = archive.sweep()
    assert sorted(item["document_id"] for item in sweep["items"]) == sorted(
        document["document_id"] for document, _ in decisions)
    for document, decision in decisions:
        _appraise(archive, sweep["sweep_id"], document, decision)
    with archive.as_("zhao") as client:
        response = client.post(f"/registry/sweeps/{sweep['sweep_id']}/approve", json={})
    assert response.status_code == 200, response.text
    approved: dict[str, Any] = response.json()
    return approved


def _returned(archive: Archive, loan_id: str) -> None:
    with archive.as_("sun") as client:
        response = client.post(f"/registry/loans/{loan_id}/return", json={"intact": True})
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module", params=BACKENDS)
def history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[History]:
    with served_on(request, tmp_path_factory, "statistics") as archive:
        archive.server.add_user("root", "admin")
        doomed, kept, reappraised = (archive.file(household=f"A-120{n}") for n in (1, 2, 5))
        letter = archive.file(household="A-1203", category="correspondence",
                              filed_at="2029-05-01")
        contract = archive.file(household="A-1204", category="contract",
                                filed_at="2029-05-01")
        sweep = _approved_sweep(archive, [(doomed, "destroy"), (kept, "keep"),
                                          (reappraised, "reappraise")])
        paper = archive.issued_loan([letter], "paper")
        digital = archive.issued_loan([contract, kept], "digital")
        archive.clock.advance(timedelta(days=1))
        _returned(archive, digital)

        archive.clock.set(SECOND_YEAR)
        archive.executed(archive.witnessed_register(sweep))
        _returned(archive, paper)
        archive.file(household="A-1206", category="visit", filed_at="2030-12-20")
        archive.issued_loan([kept], "paper")
        archive.clock.set(NOW)
        yield History(archive=archive)


def test_the_first_year_counts_what_was_received_appraised_and_lent(history: History
                                                                      ) -> None:
    filed = {"repair": 3, "correspondence": 1, "contract": 1}
    assert history.year(2030) == {
        "year": 2030, "as_of": "2030-12-31T15:59:59.999999Z", "so_far": False,  # in Shanghai
        "received": {"total": 5, "by_category": filed},
        "holdings": {"total": 5, "by_category": filed},
        "appraised": {"total": 3, "kept": 2, "reappraise": 1, "for_destruction": 1},
        "destroyed": NOTHING,
        "borrowed": {"loans": 2, "documents": 3, "paper": {"loans": 1, "documents": 1},
                     "digital": {"loans": 1, "documents": 2}},
        "returned": 1,
        "returned_late": 0,
        "overdue": 1,
        **NOT_IN_THE_HISTORY,
        "months": _months(12, m1={"received": 5, "loans": 2}),
    }


def test_the_year_so_far_counts_up_to_now(history: History) -> None:
    assert history.year(2031) == {
        "year": 2031, "as_of": "2031-03-01T09:00:00Z", "so_far": True,
        "received": {"total": 1, "by_category": {"visit": 1}},
        "holdings": {"total": 5, "by_category": {"correspondence": 1, "repair": 2,
                                                 "contract": 1, "visit": 1}},
        "appraised": {"total": 0, "kept": 0, "reappraise": 0, "for_destruction": 0},
        "destroyed": {"total": 1, "by_category": {"repair": 1}},
        "borrowed": {"loans": 1, "documents": 1, "paper": {"loans": 1, "documents": 1},
                     "digital": {"loans": 0, "documents": 0}},
        "returned": 1,
        "returned_late": 1,  # the paper loan of 2030, back in 2031 (a week was its due)
        "overdue": 1,
        **NOT_IN_THE_HISTORY,
        "months": _months(3, m2={"received": 1, "destroyed": 1, "loans": 1}),
    }


def test_categories_are_listed_in_the_order_of_the_vocabulary(history: History) -> None:
    held = history.year(2031)["holdings"]["by_category"]
    assert list(held) == ["correspondence", "repair", "contract", "visit"]


def test_a_year_before_anything_was_filed_counts_nothing(history: History) -> None:
    report = history.year(2029)
    assert (report["received"], report["holdings"], report["destroyed"]) == (
        NOTHING, NOTHING, NOTHING)
    assert (report["borrowed"]["loans"], report["returned"], report["overdue"]) == (0, 0, 0)
    assert report["months"] == _months(12)


def test_without_a_year_the_report_is_this_year_so_far(history: History) -> None:
    response = history.report()
    assert response.status_code == 200, response.text
    assert response.json() == history.year(2031)


def test_archivists_compliance_directors_and_services_may_read_it(history: History) -> None:
    server = history.archive.server
    for username in ("wang", "qian", "zhao"):
        assert history.report(username, year=2030).status_code == 200, username
    with server.client(server.service_token()) as client:
        assert client.get("/registry/statistics").status_code == 200


def test_staff_managers_and_admins_are_refused(history: History) -> None:
    for username in ("li", "zhou", "root"):
        response = history.report(username)
        assert (response.status_code, response.json()["code"]) == (403, "role_required")


def test_without_a_token_it_is_401(history: History) -> None:
    with history.archive.server.client() as client:
        assert client.get("/registry/statistics").status_code == 401


@pytest.mark.parametrize("year", ["1899", "2201", "twenty", "2030.5"])
def test_a_year_that_is_not_one_is_400(history: History, year: str) -> None:
    response = history.report(year=year)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_request")


def test_a_year_not_begun_is_refused(history: History) -> None:
    response = history.report(year=2032)
    assert (response.status_code, response.json()["code"]) == (422, "year_in_future")


# ``archive stats`` is an HTTP client of the report above, which every backend serves the
# same (the tests above check it exactly on each): the command runs on the embedded one.
EMBEDDED_ONLY = pytest.mark.parametrize("history", ["sqlite-directory"], indirect=True)


def _stats(history: History, *args: str, cwd: Path, username: str = "qian"
           ) -> subprocess.CompletedProcess[str]:
    server = history.archive.server
    return run_client(server.url, server.tokens[username], "stats", *args, cwd=cwd)


@EMBEDDED_ONLY
def test_archive_stats_prints_the_year_as_tables(history: History, tmp_path: Path) -> None:
    run = _stats(history, "--year", "2031", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    # NOW, 09:00 UTC, on the company's clocks (Asia/Shanghai, the default zone).
    assert ("archive statistics 2031 (年度统计), as of 2031-03-01 17:00 Asia/Shanghai, "
            "so far") in lines[0]
    rows = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
            for line in lines if line.count("│") >= 3}
    assert rows["received (接收)"][0] == "1"
    assert rows["held (馆藏)"][0] == "5"
    assert rows["destroyed (销毁)"][0] == "1"
    assert rows["borrowed (借阅)"][0] == "1"
    assert rows["overdue (逾期)"][0] == "1"
    assert rows["repair 维修/报修记录"] == ["0", "2", "1"]
    assert rows["visit 拜访/回访记录"] == ["1", "1", "0"]
    assert rows["total"] == ["1", "5", "1"]
    assert rows["organised (整理)"][0] == "0"
    assert "not recorded" not in run.stdout


@EMBEDDED_ONLY
def test_archive_stats_json_is_the_report(history: History, tmp_path: Path) -> None:
    run = _stats(history, "--year", "2030", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout) == history.year(2030)


@EMBEDDED_ONLY
def test_archive_stats_refused_says_why_and_exits_1(history: History, tmp_path: Path
                                                     ) -> None:
    run = _stats(history, cwd=tmp_path, username="li")
    assert run.returncode == 1
    assert "role_required" in run.stderr
    assert ("only archivist (档案管理员), compliance (合规专员) or director (总经理) "
            "may do this; your role: staff (员工)") in run.stderr
    assert "service" not in run.stderr
