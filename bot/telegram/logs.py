"""Logging for the bot process: no resident's words in the log, even from libraries.

Lotse's own loggers log types and counts only. aiogram and aiohttp log exceptions with their
message or traceback, and those can quote an update (a pydantic error lists the input, a
decode error the whole response). This filter keeps the exception's type and drops the rest.
"""
from __future__ import annotations

import logging

LIBRARIES = ("aiogram", "aiohttp")
FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


class ExceptionDetailsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(LIBRARIES):
            return True
        if isinstance(record.args, tuple):
            record.args = tuple(f"<{type(arg).__name__}>" if isinstance(arg, BaseException)
                                else arg for arg in record.args)
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.msg} ({record.exc_info[0].__name__})"
        record.exc_info, record.exc_text = None, None
        return True


def configure(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.addFilter(ExceptionDetailsFilter())
