"""The SQL statements a piece of work sends, read from Tortoise's db-client log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Statements(logging.Handler):
    def __init__(self, leave_out: tuple[str, ...]) -> None:
        super().__init__(logging.DEBUG)
        self.leave_out = leave_out
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.args:  # the driver's "<sql>: <values>" lines, not the pool's own messages
            sql = str(record.args[0])
            if not any(part in sql for part in self.leave_out):
                self.sql.append(sql)


@contextmanager
def counted_statements(leave_out: tuple[str, ...] = ()) -> Iterator[list[str]]:
    """Collects the statements sent inside the block, but those that contain any of `leave_out`."""
    logger = logging.getLogger("tortoise.db_client")
    handler, level, propagate = _Statements(leave_out), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler.sql
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
