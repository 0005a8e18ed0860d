"""Logging for the service: one format, and third-party loggers that could print secrets kept quiet.

httpx logs every request's full URL at INFO; provider URLs can carry tokens and signed parameters, so
its loggers stay at WARNING whatever the service's level. Our own provider calls log their outcome
without URLs, bodies or credentials.
"""

from __future__ import annotations

import logging
import sys

QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "tortoise.db_client", "asyncio")
# Paths whose query strings may carry a credential (a key a client wrongly put in the URL) or a provider's
# signed parameters (Randou pushes by GET): the access log shows the path and "?[redacted]".
REDACTED_QUERY_PATHS = ("/graphql", "/webhooks/")


class RedactQueryStrings(logging.Filter):
    """Rewrites uvicorn's access-log line (client, method, path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, _, query = args[2].partition("?")
            if query and path.startswith(REDACTED_QUERY_PATHS):
                record.args = (args[0], args[1], f"{path}?[redacted]", args[3], args[4])
        return True


_REDACTOR = RedactQueryStrings()


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, stream=sys.stderr, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_third_party_loggers()


def quiet_third_party_loggers() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    access = logging.getLogger("uvicorn.access")
    if _REDACTOR not in access.filters:
        access.addFilter(_REDACTOR)
