"""The access log's monthly partitions on PostgreSQL: making the coming months', dropping those past retention.

The table `audit_accesslogentry` is partitioned by month on `created_at` (migration 0006): one partition per
calendar month in UTC, `audit_accesslogentry_pYYYYMM`, and `audit_accesslogentry_default` for a row of a month
that has none yet. The database function `samspil_access_log_partition(month)` makes a month's partition with its
TRUNCATE trigger (the row triggers come from the parent), and moves rows of that month out of the default
partition without UPDATE or DELETE (it detaches the default, makes the month, attaches a new default and sends the
old default's rows through the parent).

Retention drops whole partitions (DETACH PARTITION, then DROP TABLE): rows are never deleted one by one, so the
append-only triggers stay as they are. A partition goes when its month ended more than
`SAMSPIL_ACCESS_LOG_RETENTION_MONTHS` months ago. The default partition is never dropped.

Both need the owner of the table (DDL). With the separate application role (`manage.py db_roles`), the Celery task
finds it does not own the table, logs that and does nothing; run the two commands as the owner then (README,
"Production"). A missing partition never loses a row: it lands in the default partition until its month is made.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger("samspil.audit")

TABLE = "audit_accesslogentry"
DEFAULT = f"{TABLE}_default"
_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})(\d{{2}})$")


def supported() -> bool:
    return connection.vendor == "postgresql"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, 1)


def this_month(now: datetime.datetime | None = None) -> datetime.date:
    now = now or timezone.now()
    return now.astimezone(datetime.UTC).date().replace(day=1)


@dataclass(frozen=True)
class Partition:
    name: str
    month: datetime.date  # its first day (UTC)

    @property
    def ends(self) -> datetime.date:
        return add_months(self.month, 1)


def partitions() -> list[Partition]:
    """The monthly partitions (not the default), oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        match = _NAME.match(name)
        if match:
            found.append(Partition(name, datetime.date(int(match[1]), int(match[2]), 1)))
    return sorted(found, key=lambda partition: partition.month)


def owns_table() -> bool:
    """Whether the connection's role may run DDL on the access log (owner, or member of the owner)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = %s::regclass", [TABLE]
        )
        return bool(cursor.fetchone()[0])


def default_months() -> list[datetime.date]:
    """The months of the rows waiting in the default partition."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM {DEFAULT} ORDER BY 1"  # noqa: S608
        )
        return [row[0] for row in cursor.fetchall()]


def ensure(*, ahead: int | None = None, now: datetime.datetime | None = None) -> list[str]:
    """Make the partitions of this month and the `ahead` coming ones, and of every month with rows in the default
    partition (which moves those rows). Idempotent; returns the names made."""
    ahead = settings.SAMSPIL_ACCESS_LOG_PARTITIONS_AHEAD if ahead is None else ahead
    first = this_month(now)
    months = [add_months(first, offset) for offset in range(ahead + 1)]
    made = []
    with transaction.atomic(), connection.cursor() as cursor:
        # DDL on the table refuses to run while this transaction has deferred foreign-key checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT samspil_access_log_default_partition()")
        for month in sorted(set(months) | set(default_months())):
            cursor.execute("SELECT samspil_access_log_partition(%s)", [month])
            if cursor.fetchone()[0]:
                made.append(f"{TABLE}_p{month:%Y%m}")
    return made


def retention_cutoff(*, months: int | None = None, now: datetime.datetime | None = None) -> datetime.date:
    """Partitions whose month ended on or before this day are past retention: every row in them is older than
    `months` whole months."""
    months = settings.SAMSPIL_ACCESS_LOG_RETENTION_MONTHS if months is None else months
    if months < 1:
        raise ValueError("The retention period is at least one month.")
    return add_months(this_month(now), -months)


def expired(*, months: int | None = None, now: datetime.datetime | None = None) -> list[Partition]:
    cutoff = retention_cutoff(months=months, now=now)
    return [partition for partition in partitions() if partition.ends <= cutoff]


def drop(expired_partitions: list[Partition]) -> list[str]:
    """Detach and drop the partitions, in one transaction. Never DELETE: the rows go with their table."""
    dropped = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in `ensure`
        for partition in expired_partitions:
            name = connection.ops.quote_name(partition.name)
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
            cursor.execute(f"DROP TABLE {name}")
            dropped.append(partition.name)
    for name in dropped:
        logger.info("access log: dropped partition %s (past retention)", name)
    return dropped
