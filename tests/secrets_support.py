"""The key the test run encrypts provider secrets with, so `make test` needs no SECRETS_KEY of its own.

Like the database, the key is the run's own: a SECRETS_KEY in the environment is replaced for the run (in
this process and every process a test starts), never used.
"""

from __future__ import annotations

import os

from providers.stored_secrets import use_secrets_key

TEST_SECRETS_KEY = "Yo8uz_DyOqUZFbvQdWcxzFdDWV1zF4FtD-VLTjCBB24="  # made for the tests; it protects nothing


def use_test_secrets_key() -> None:
    os.environ["SECRETS_KEY"] = TEST_SECRETS_KEY
    use_secrets_key(TEST_SECRETS_KEY)
