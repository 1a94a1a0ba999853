"""``archive search`` and ``archive reindex`` as a user runs them, against a real server
(the command runs in this process: importing the whole CLI once, not per test)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from services.cli import main
from services.cli.search import NO_FULL_MATCH, PARTIAL_BELOW
from tests.e2e.search.support import Letter, file_letters, search, wait_until_found
from tests.fixtures.app import ArchiveServer, launch_archive_server

LETTERS = [
    Letter(title="卫生间漏水维修申请", household="A-1201", category="repair",
           filed_at="2024-05-18", script="traditional",
           lines=["業主維修申請單：衛生間漏水嚴重，請儘快維修。"]),
    Letter(title="门锁维修", household="A-1202", category="repair", filed_at="2023-06-01",
           lines=["门锁损坏，申请维修。"]),
    Letter(title="物业费收据", household="A-1202", category="payment", filed_at="2022-01-10",
           lines=["本月物业管理费已缴纳。"]),
    Letter(title="装修押金收据", household="B-0402", category="payment", filed_at="2022-03-10",
           lines=["装修押金已缴纳。"]),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArchiveServer]:
    archive = launch_archive_server(tmp_path_factory.mktemp("cli-search"))
    archivist = archive.client(archive.add_user("wang", "archivist"))
    ids = file_letters(archivist, tmp_path_factory.mktemp("letters"), LETTERS)
    wait_until_found(archivist, set(ids))
    yield archive
    archive.server.stop()


@pytest.fixture(scope="module")
def staff(server: ArchiveServer) -> str:
    return server.add_user("li", "staff")


def archive(args: list[str], server: ArchiveServer, token: str, cwd: Path) -> Result:
    """Run ``archive`` in this process, as a user at a terminal 200 columns wide."""
    runner = CliRunner(env={"XDG_CONFIG_HOME": str(cwd / "config"), "COLUMNS": "200"})
    return runner.invoke(main, [*args, "--server", server.url, "--token", token])


def test_search_prints_hits_as_a_table_with_their_snippets(
        server: ArchiveServer, staff: str, tmp_path: Path) -> None:
    run = archive(["search", "维修"], server, staff, tmp_path)
    assert run.exit_code == 0, run.output
    assert "2 documents" in run.stdout
    assert "2024-repair-A-1201-0001" in run.stdout
    assert "業主維修申請單" in run.stdout  # the snippet, in the original script


def test_search_json_is_the_api_answer(server: ArchiveServer, staff: str, tmp_path: Path
                                       ) -> None:
    run = archive(["search", "维修", "--json"], server, staff, tmp_path)
    with server.client(staff) as client:
        assert json.loads(run.stdout) == search(client, q="维修", size=20)


def test_search_options_filter_by_household_and_filing_dates(
        server: ArchiveServer, staff: str, tmp_path: Path) -> None:
    run = archive(["search", "维修", "--household", "A-1202", "--from", "2023-01-01",
                   "--to", "2023-12-31", "--json"], server, staff, tmp_path)
    assert [hit["title"] for hit in json.loads(run.stdout)["hits"]] == ["门锁维修"]


def test_search_building_keeps_that_buildings_households(
        server: ArchiveServer, staff: str, tmp_path: Path) -> None:
    run = archive(["search", "收据", "--building", "B栋", "--json"], server, staff, tmp_path)
    assert [hit["household"] for hit in json.loads(run.stdout)["hits"]] == ["B-0402"]
    refused = archive(["search", "收据", "--building", "王栋"], server, staff, tmp_path)
    assert refused.exit_code != 0
    assert "not a building" in refused.output


def test_search_without_hits_says_what_to_try(server: ArchiveServer, staff: str,
                                              tmp_path: Path) -> None:
    run = archive(["search", "电梯"], server, staff, tmp_path)
    assert run.exit_code == 0
    said = " ".join(run.stdout.split())
    assert said.startswith("No documents match; try fewer words, or fewer filters.")
    assert "found by title and archive number only; their text is searched under an " \
        "approved loan." in said


def test_search_of_quoted_words_without_hits_says_to_try_them_without_the_quotes(
        server: ArchiveServer, staff: str, tmp_path: Path) -> None:
    said = " ".join(archive(["search", "“电梯 故障”"], server, staff, tmp_path).stdout.split())
    assert "Quoted words are found only exactly as typed; try them without the quotes." in said
    plain = " ".join(archive(["search", "电梯"], server, staff, tmp_path).stdout.split())
    assert "without the quotes" not in plain


def test_search_says_when_no_document_holds_every_word(server: ArchiveServer, staff: str,
                                                      tmp_path: Path) -> None:
    run = archive(["search", "门锁损坏维修"], server, staff, tmp_path)
    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines()[0] == NO_FULL_MATCH
    assert "2023-repair-A-1202-0001" in run.stdout


def test_search_sets_partial_matches_apart_below_the_full_ones(
        server: ArchiveServer, staff: str, tmp_path: Path) -> None:
    run = archive(["search", "维修申请"], server, staff, tmp_path)
    lines = run.stdout.splitlines()
    full = next(n for n, line in enumerate(lines) if "2024-repair-A-1201-0001" in line)
    partial = next(n for n, line in enumerate(lines) if "2023-repair-A-1202-0001" in line)
    assert (full < partial, lines[-1]) == (True, PARTIAL_BELOW)


def test_bad_query_exits_non_zero_with_the_reason(server: ArchiveServer, staff: str,
                                                  tmp_path: Path) -> None:
    run = archive(["search", '"维修'], server, staff, tmp_path)
    assert run.exit_code == 1
    assert "(unbalanced_query)" in run.stderr


def test_a_page_past_the_last_is_refused_naming_the_last(server: ArchiveServer, staff: str,
                                                          tmp_path: Path) -> None:
    run = archive(["search", "维修", "--page", "3"], server, staff, tmp_path)
    assert (run.exit_code, run.stdout) == (1, "")
    assert "there is no page 3: 2 documents fill 1 page of 20; the last is --page 1" in \
        " ".join(run.stderr.split())
    assert archive(["search", "维修", "--size", "1", "--page", "2"], server, staff,
                   tmp_path).exit_code == 0


def test_reindex_reports_the_documents_of_the_new_index(server: ArchiveServer,
                                                         tmp_path: Path) -> None:
    run = archive(["reindex"], server, server.add_user("root", "admin"), tmp_path)
    assert run.exit_code == 0, run.output
    assert run.stdout.startswith("reindexed: 4 documents in the new index")


def test_reindex_by_staff_is_refused_with_the_reason(server: ArchiveServer, staff: str,
                                                     tmp_path: Path) -> None:
    run = archive(["reindex"], server, staff, tmp_path)
    assert run.exit_code == 1
    assert "(role_required)" in run.stderr


def test_a_refusal_asked_for_as_json_is_json(server: ArchiveServer, staff: str,
                                             tmp_path: Path) -> None:
    run = archive(["search", '"维修', "--json"], server, staff, tmp_path)
    assert run.exit_code == 1
    assert json.loads(run.stdout) == {
        "code": "unbalanced_query", "status": 422,
        "detail": 'the query has a quote that is not closed with "'}
