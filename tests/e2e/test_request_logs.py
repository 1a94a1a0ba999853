"""Quiet logs (issue 14, item 11): the services' own polling of each other is logged at
DEBUG, so an idle server writes nothing; a person's request is one INFO line."""

from __future__ import annotations

import json
import logging

import pytest

from tests.fixtures.app import ArchiveServer
from tests.support.waiting import eventually

WAIT_S = 30.0


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[int, dict[str, object]]]:
    return [(record.levelno, json.loads(record.getMessage()))
            for record in caplog.records if record.name == "archive.http"]


def _wait_for_a_poll(caplog: pytest.LogCaptureFixture) -> None:
    eventually(lambda: any(str(line["user"]).startswith("service:")
                           for _, line in _request_lines(caplog)),
               timeout_s=WAIT_S, what="no service polled another")


def test_service_polling_is_debug_and_a_persons_request_is_info(
        archive_server: ArchiveServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="archive.http")
    token = archive_server.add_user("wang", "archivist")
    caplog.clear()
    with archive_server.client(token) as client:
        assert client.get("/registry/auth/whoami").status_code == 200
    # A request's line is written once its response has gone: wait for it, not only a poll.
    eventually(lambda: any(line["user"] == "wang" for _, line in _request_lines(caplog)),
               timeout_s=WAIT_S, what="wang's request was not logged")
    _wait_for_a_poll(caplog)
    polls = {level for level, line in _request_lines(caplog)
             if str(line["user"]).startswith("service:")}
    mine = [(level, line["route"]) for level, line in _request_lines(caplog)
            if line["user"] == "wang"]
    assert polls == {logging.DEBUG}
    assert mine == [(logging.INFO, "/registry/auth/whoami")]
