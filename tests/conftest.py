"""Fixtures shared by the whole suite live in tests/fixtures, registered here.

The files run longest first. xdist (``--dist loadfile``) hands out files in collection
order; a long file handed out last leaves one worker running it while the others wait.
"""

from __future__ import annotations

import tempfile

import pytest

from tests.support.memory import in_memory

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.app",
    "tests.fixtures.s3",
    "tests.fixtures.elasticsearch",
]

LONGEST_FILES = (
    "tests/e2e/test_fuzz_api.py",
    "tests/e2e/backup/test_generations.py",
    "tests/e2e/search/test_reindex.py",
    "tests/e2e/backup/test_restore_drill.py",
    "tests/e2e/retention/test_object_lock.py",
    "tests/browser/test_loan_pages.py",
    "tests/browser/test_handover_pages.py",
    "tests/browser/test_retention_pages.py",
    "tests/e2e/test_cli_serve.py",
    "tests/e2e/ingest/test_crash_safety.py",
    "tests/browser/test_narrow_pages.py",
    "tests/browser/test_accounts_page.py",
    "tests/browser/test_inventory_pages.py",
    "tests/e2e/retention/test_kill_during_destruction.py",
    "tests/browser/test_loan_desk.py",
    "tests/security/test_upload_known_bytes.py",
    "tests/browser/test_statistics_page.py",
    "tests/e2e/retention/test_retention_api.py",
    "tests/e2e/ingest/test_turned_pages.py",
    "tests/browser/test_review_page.py",
    "tests/security/test_listings_redacted.py",
    "tests/security/test_existence_not_counted.py",
    "tests/e2e/search/test_consumer.py",
    "tests/contract/common/test_relational_store.py",
    "tests/e2e/registry/test_handovers.py",
    "tests/browser/test_staff_pages.py",
    "tests/e2e/ingest/test_previews.py",
    "tests/security/test_audit_chain.py",
    "tests/e2e/test_accounts.py",
    "tests/security/test_locked_originals.py",
)
"""Measured with ``--durations=150`` (a full run's slowest files by the sum of their
slowest setups, calls and teardowns, those of a minute or more on a loaded machine), then
files of many short tests measured before; a hint, never a rule: a file missing here only
runs in its directory's turn. Not the unit files whose last test showed a long teardown
(test_printed_labels, test_review_page): that was the worker's session fixtures stopping
after its last test; alone they take a second or two."""
DIRECTORIES_BY_LENGTH = ("browser", "e2e", "security", "contract", "unit")
"""Real browsers and servers first, unit tests (a second or less a file) at the end."""


def _turn(item: pytest.Item) -> tuple[int, int]:
    path = item.path.relative_to(item.config.rootpath).as_posix()
    first = LONGEST_FILES.index(path) if path in LONGEST_FILES else len(LONGEST_FILES)
    directory = path.split("/")[1] if path.count("/") > 1 else ""
    rank = DIRECTORIES_BY_LENGTH.index(directory) if directory in DIRECTORIES_BY_LENGTH \
        else len(DIRECTORIES_BY_LENGTH)
    return first, rank


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A stable sort on the file alone: each file's tests keep their order (and the
    # grouping of their module-scoped fixtures).
    items.sort(key=_turn)


def pytest_configure(config: pytest.Config) -> None:
    # pytest's base temporary directory (every tmp_path; xdist's workers are handed theirs
    # from it) in memory when there is room (tests/support/memory.py); --basetemp still
    # wins. pytest keeps the last three runs' files there, as it does on disk.
    if config.option.basetemp is None and (memory := in_memory()) is not None:
        tempfile.tempdir = str(memory)
