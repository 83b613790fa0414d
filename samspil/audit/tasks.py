"""Celery beat: the access log's partitions, daily (`samspil/audit/partitions.py`)."""

import logging

from celery import shared_task

from samspil.audit import partitions

logger = logging.getLogger("samspil.audit")


@shared_task(name="samspil.audit.access_log_partitions")
def access_log_partitions_task() -> str:
    """Make the coming months' partitions and drop those past retention. Needs the owner of the table: under the
    separate application role it logs that and does nothing (the owner runs the commands from cron then)."""
    if not partitions.supported():
        return "not partitioned"
    if not partitions.owns_table():
        logger.error(
            "access log partitions: this role does not own %s; run `manage.py audit_partitions` and "
            "`manage.py audit_retention` as the owner (README, Production)",
            partitions.TABLE,
        )
        return "not owner"
    made = partitions.ensure()
    dropped = partitions.drop(partitions.expired())
    return f"made {len(made)}, dropped {len(dropped)}"
