"""The command line's clients (``services.cli.client.Api``): a server that does not answer
is said as such, with what to do, in one line."""

from __future__ import annotations

import click
import pytest

from services.cli.client import Api
from tests.fixtures.postgres import free_port


def test_a_server_that_does_not_answer_says_what_to_do() -> None:
    server = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with Api(server, "a-token") as api, pytest.raises(click.ClickException) as caught:
        api.run(api.registry.year_report(api.token, None))
    message = caught.value.message
    assert message.startswith(f"cannot reach {server} (")
    assert message.endswith("is 'archive serve' running? Pass --server to use another")
    assert "\n" not in message
