"""Celery task for consumption imports, and how an import is started from the web.

With a broker (CELERY_BROKER_URL set), the upload queues `import_consumption_task` for a worker. Without
one, Celery runs tasks eagerly (CELERY_TASK_ALWAYS_EAGER), which would run the whole import inside the
upload request and make the progress bar pointless. In that case (development, the browser test) the
import runs in a background thread of the web process instead, and the request returns at once; the
thread shares the process's cache, where the progress is kept. `SAMSPIL_SEGMENTATION_IMPORT_INLINE=True`
runs it synchronously in the request (the tests use it).
"""

import logging
import threading

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils.translation import gettext_lazy as _

from samspil.segmentation import services
from samspil.segmentation.models import ConsumptionImport

logger = logging.getLogger("samspil.segmentation")
NOT_QUEUED = _("The import could not be started (the job queue is not available); nothing was saved. Try again later.")


@shared_task(name="samspil.segmentation.import_consumption")
def import_consumption_task(import_id: int) -> str:
    job = ConsumptionImport.objects.get(pk=import_id)
    job = services.consumption_import_run(job=job)
    return job.status


def _run_in_thread(import_id: int) -> None:
    close_old_connections()
    try:
        import_consumption_task.run(import_id)
    except Exception:  # the job records the failure; a thread must not die silently
        logger.exception("consumption import %s failed in its thread", import_id)
    finally:
        connection.close()


@shared_task(name="samspil.segmentation.sweep_imports")
def sweep_imports_task() -> int:
    """Fail imports stuck waiting or running and delete their files (for Celery beat, e.g. hourly)."""
    return services.consumption_import_sweep()


def _enqueue(job: ConsumptionImport) -> None:
    """Queue the import for a worker; when the broker cannot take it, the job fails at once and its file goes."""
    try:
        import_consumption_task.delay(job.pk)
    except Exception:
        logger.exception("consumption import %s could not be queued", job.public_id)
        services.consumption_import_fail(job, error=str(NOT_QUEUED))
        services.stored_file_delete(job)


def import_start(job: ConsumptionImport) -> None:
    """Start the import after the job's row is committed. Never raises: a job that cannot start is FAILED."""
    if getattr(settings, "SAMSPIL_SEGMENTATION_IMPORT_INLINE", False):
        import_consumption_task.run(job.pk)
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        thread = threading.Thread(target=_run_in_thread, args=(job.pk,), name=f"import-{job.pk}", daemon=True)
        transaction.on_commit(thread.start)
        return
    transaction.on_commit(lambda: _enqueue(job))
