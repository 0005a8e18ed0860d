"""The demo's own SECRETS_KEY, so `make demo` needs no configuration.

One key per demo database, kept beside it (`<database>.secrets-key`, next to the admin key's file of
api/demo_key.py) and readable by its owner alone. A SECRETS_KEY in the environment wins over it. Losing the
file costs nothing that matters: every demo start connects its tenant to the sandboxes again, storing fresh
secrets under whatever key it then has.
"""

from __future__ import annotations

import logging
from pathlib import Path

from api.demo_key import KEY_FILE_SUFFIX, keep_key, key_file_for, read_kept_key
from providers.secret_cipher import SecretsKeyInvalid, generate_key, parse_keys

log = logging.getLogger(__name__)
SECRETS_KEY_FILE_SUFFIX = ".secrets-key"


def secrets_key_file_for(database_url: str) -> Path | None:
    """Where the demo's secrets key is kept: where its admin key is, with its own suffix; None in memory."""
    admin_key_file = key_file_for(database_url)
    if admin_key_file is None:
        return None
    return admin_key_file.with_name(admin_key_file.name.removesuffix(KEY_FILE_SUFFIX) + SECRETS_KEY_FILE_SUFFIX)


def demo_secrets_key(database_url: str) -> str:
    """The kept key, or a new one, kept for the next start."""
    key_file = secrets_key_file_for(database_url)
    kept = _read_key(key_file)
    if kept is not None:
        return kept
    key = generate_key()
    if key_file is not None:
        keep_key(key_file, key, "the demo's secrets key")
    return key


def _read_key(key_file: Path | None) -> str | None:
    """The kept key, unless the file is missing or holds no valid key (then a new one replaces it)."""
    text = read_kept_key(key_file)
    if text is None:
        return None
    try:
        parse_keys(text)
    except SecretsKeyInvalid:
        return None
    return text
