"""Database helpers shared by the apps."""

from django.db import models


class JoinedText(models.Aggregate):
    """Text values joined with a separator: PostgreSQL STRING_AGG, SQLite GROUP_CONCAT (order not defined).

    Lets one query carry a short list of names (a consent's departments, a user's roles) beside each row instead
    of a second query for them.
    """

    function = "STRING_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s, %(separator)s)"
    allow_distinct = True
    output_field = models.TextField()

    def __init__(self, expression, *, separator: str = ",", **extra):
        if any(char in separator for char in "'\\%"):
            raise ValueError("the separator is written into the SQL: no quotes or backslashes")
        super().__init__(expression, separator=f"'{separator}'", **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)

    @staticmethod
    def split(value: str | None, separator: str = ",") -> list[str]:
        return [part for part in (value or "").split(separator) if part]
