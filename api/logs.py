"""Logging for the service: one format, and third-party loggers that could print secrets kept quiet.

httpx logs every request's full URL at INFO; provider URLs can carry tokens and signed parameters, so
its loggers stay at WARNING whatever the service's level. Our own provider calls log their outcome
without URLs, bodies or credentials.
"""

from __future__ import annotations

import logging
import sys

QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "tortoise.db_client", "asyncio")


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, stream=sys.stderr, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_third_party_loggers()


def quiet_third_party_loggers() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
