"""The demo's admin API key: one per demo database, so a restart does not invalidate what a newcomer pasted.

Keys are stored hashed, so the database cannot show one again; the plaintext is kept in a file only the
owner may read, beside a SQLite database (`<path>.demo-key`) or, for a server database, in the working
directory (`<database name>.demo-key`). A kept key is used again only if it still authenticates as an admin
of the demo tenant (it may have been revoked, or the database replaced); otherwise a new one replaces it.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from ledger.domain.access import Role
from ledger.services import access

log = logging.getLogger(__name__)
KEY_FILE_SUFFIX = ".demo-key"
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def key_file_for(database_url: str, working_dir: Path | None = None) -> Path | None:
    """Where the demo key of this database is kept; None for an in-memory database, which a restart empties."""
    scheme, _, rest = database_url.partition("://")
    if scheme == "sqlite":
        path = rest.split("?", 1)[0]
        return None if path in ("", ":memory:") else Path(path + KEY_FILE_SUFFIX)
    # Only the database's name: the URL's host and credentials have no place in a file name.
    name = urlsplit(database_url).path.strip("/") or "database"
    return (working_dir or Path.cwd()) / f"{_UNSAFE_IN_FILE_NAME.sub('_', name)}{KEY_FILE_SUFFIX}"


async def demo_admin_key(tenant_id: int, key_file: Path | None) -> str:
    """The kept key if it still makes its holder the demo tenant's admin, else a new one, kept for next time."""
    kept = read_kept_key(key_file)
    if kept is not None:
        principal = await access.authenticate(kept)
        if principal is not None and principal.tenant_id == tenant_id and principal.role is Role.ADMIN:
            return kept
    _, key = await access.create_api_key(tenant_id, Role.ADMIN, label="demo")
    if key_file is not None:
        keep_key(key_file, key, "the demo key")
    return key


def read_kept_key(key_file: Path | None) -> str | None:
    """The text kept in `key_file`, or None when there is no such file or it is unreadable."""
    if key_file is None:
        return None
    try:
        text = key_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def keep_key(key_file: Path, key: str, what: str) -> None:
    """Writes the key readable by its owner alone; failing to keep it only costs a new key next start."""
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # the mode given to open applies only to a file it creates
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(key + "\n")
    except OSError as exc:
        log.warning("could not keep %s in %s (%s); the next start will make a new one",
                    what, key_file, exc.strerror)
