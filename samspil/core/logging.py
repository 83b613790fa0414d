"""A logging filter that keeps CPR numbers out of every log line, whatever code wrote it."""

import logging
import re

# Six digits that could be a date, an optional dash or space, four digits; not part of a longer number.
CPR_PATTERN = re.compile(r"(?<!\d)([0-3]\d[01]\d\d\d)[-\s]?(\d{4})(?!\d)")


def redact_cpr(text: str) -> str:
    return CPR_PATTERN.sub(r"\1-****", text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts CPR numbers from the whole line, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_cpr(super().format(record))


class RedactCprFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_cpr(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
