"""Fixtures shared by the whole suite live in tests/fixtures, registered here."""

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.app",
    "tests.fixtures.s3",
    "tests.fixtures.elasticsearch",
]
