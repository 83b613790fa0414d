"""Writes for segmentation: consumption imports, the candidate rule, classifications, opening a pathway."""

import datetime
import hashlib
import logging
import os
import re
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from samspil.access import policy
from samspil.citizens.services import citizen_create
from samspil.core.exceptions import ConflictError
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Membership
from samspil.pathways.services import pathway_open
from samspil.segmentation import importer, reader
from samspil.segmentation.choices import ImportMode, ImportStatus
from samspil.segmentation.models import (
    CandidateClassification,
    CandidateRule,
    ConsumptionImport,
    ConsumptionSubject,
)
from samspil.segmentation.storage import upload_storage

logger = logging.getLogger("samspil.segmentation")
PROGRESS_TIMEOUT = 24 * 3600
UNFINISHED = (ImportStatus.QUEUED, ImportStatus.RUNNING)
DEFAULT_STALE_HOURS = 6
GENERIC_FAILURE = _lazy("The import failed; nothing was saved. Try again.")
STUCK_FAILURE = _lazy("The import was interrupted and did not finish; nothing was saved. Try again.")


def _require_segment(actor) -> None:
    if not policy.can_segment(actor):
        raise PermissionDenied


# --- progress ------------------------------------------------------------------------------------------------


def progress_key(job: ConsumptionImport) -> str:
    return f"segmentation:import:{job.public_id}"


def progress_set(job: ConsumptionImport, *, phase: str, rows: int, fraction: float) -> None:
    """Progress lives in the cache (Redis in production): the import's transaction is invisible until commit.

    Best effort: a cache that is down must not fail the import.
    """
    try:
        cache.set(progress_key(job), {"phase": phase, "rows": rows, "fraction": fraction}, PROGRESS_TIMEOUT)
    except Exception:
        logger.warning("consumption import %s: progress not stored", job.public_id, exc_info=True)


def progress_get(job: ConsumptionImport) -> dict:
    try:
        progress = cache.get(progress_key(job))
    except Exception:
        progress = None
    return progress or {"phase": "waiting", "rows": 0, "fraction": 0.0}


# --- imports -------------------------------------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"\d{6}-\d{4}|\d{6,}")


def safe_file_name(name: str) -> str:
    """The upload's own name as shown and stored, with any run of six or more digits (a CPR number?) hidden."""
    return _DIGIT_RUN.sub("…", os.path.basename(name))[:255]


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def consumption_import_create(*, actor, uploaded_file, mode: str) -> ConsumptionImport:
    """Store an uploaded file (the private upload storage) and register an import job waiting to run."""
    _require_segment(actor)
    extension = os.path.splitext(uploaded_file.name)[1].lower()
    if extension not in (".csv", ".xlsx"):
        raise ValidationError(_("The file must be CSV (.csv) or XLSX (.xlsx)."))
    uploaded_file.seek(0)
    sha256 = file_sha256(uploaded_file)
    uploaded_file.seek(0)
    # A random name: the stored file is personal data and its name must say nothing.
    storage = upload_storage()
    stored = storage.save(f"{uuid.uuid4().hex}{extension}", uploaded_file)
    try:
        return ConsumptionImport.objects.create(
            municipality_id=actor.municipality_id,
            created_by=actor,
            file_name=safe_file_name(uploaded_file.name),
            stored_file=stored,
            sha256=sha256,
            mode=mode,
        )
    except Exception:
        storage.delete(stored)
        raise


def consumption_import_for_path(*, municipality_id: int, path: str, mode: str, actor=None) -> ConsumptionImport:
    """Register an import of a file on disk (the command line); the file stays where it is."""
    with open(path, "rb") as file:
        sha256 = file_sha256(file)
    return ConsumptionImport.objects.create(
        municipality_id=municipality_id,
        created_by=actor,
        file_name=safe_file_name(path),
        sha256=sha256,
        mode=mode,
    )


def stored_file_delete(job: ConsumptionImport) -> None:
    """Delete the uploaded file (personal data) of a job; never raises."""
    if not job.stored_file:
        return
    try:
        upload_storage().delete(job.stored_file)
    except Exception:
        logger.exception("consumption import %s: the uploaded file could not be deleted", job.public_id)
        return
    try:
        ConsumptionImport.objects.filter(pk=job.pk).update(stored_file="")
        job.stored_file = ""
    except Exception:
        logger.exception("consumption import %s: stored_file not cleared", job.public_id)


def consumption_import_fail(job: ConsumptionImport, *, error: str) -> None:
    """Mark a job that has not finished as failed; never raises (it runs when something already went wrong)."""
    try:
        now = timezone.now()
        ConsumptionImport.objects.filter(pk=job.pk, status__in=UNFINISHED).update(
            status=ImportStatus.FAILED, error=error, finished_at=now, updated_at=now
        )
        job.refresh_from_db(fields=["status", "error", "finished_at"])
    except Exception:
        logger.exception("consumption import %s could not be marked failed", job.public_id)
    progress_set(job, phase="done", rows=job.rows_read, fraction=1.0)


def consumption_import_run(*, job: ConsumptionImport, path: str | None = None, on_progress=None) -> ConsumptionImport:
    """Run an import: all its rows in one transaction, kept or rolled back as the job's mode says.

    The job's own row is written outside that transaction, so its status is visible while it runs and
    after a failure. Errors name line numbers and reasons, never a cell value. Whatever happens, the job
    ends finished (FAILED on any unexpected error) and the uploaded file is deleted. A job that is not
    waiting (already run, or failed by the sweeper) is left alone.
    """
    try:
        if job.status != ImportStatus.QUEUED:
            return job
        return _run(job, path, on_progress)
    except Exception:
        logger.exception("consumption import %s failed", job.public_id)
        consumption_import_fail(job, error=str(GENERIC_FAILURE))
        return job
    finally:
        stored_file_delete(job)


def _run(job: ConsumptionImport, path: str | None, on_progress) -> ConsumptionImport:
    job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at", "updated_at"])

    def report(phase, rows, fraction):
        progress_set(job, phase=phase, rows=rows, fraction=fraction)
        if on_progress is not None:
            on_progress(phase, rows, fraction)

    report("reading", 0, 0.0)
    keep_going = job.mode == ImportMode.SKIP_BAD_ROWS
    try:
        local_path = path or upload_storage().path(job.stored_file)
        with transaction.atomic():
            result = importer.run(job=job, path=local_path, save=lambda _result: keep_going, on_progress=report)
            rejected = bool(result.bad_count) and not keep_going
            if rejected:
                transaction.set_rollback(True)
            committing = time.monotonic()
        # On PostgreSQL the deferred foreign-key checks of every new row run here, at commit.
        result.timings["commit"] = round(time.monotonic() - committing, 3)
    except reader.ImportFileError as error:
        job.status, job.error = ImportStatus.FAILED, str(error)
        result = None
    if result is not None:
        job.rows_read, job.rows_bad, job.bad_rows = result.rows_read, result.bad_count, result.bad_rows
        job.timings = result.timings
        if rejected:
            job.status, job.rows_imported, job.rows_present = ImportStatus.REJECTED, 0, 0
        else:
            job.status, job.rows_imported, job.rows_present = (
                ImportStatus.DONE,
                result.rows_imported,
                result.rows_present,
            )
    job.finished_at = timezone.now()
    job.save()
    report("done", job.rows_read, 1.0)
    return job


def consumption_import_sweep(*, older_than: datetime.timedelta | None = None) -> int:
    """Fail imports stuck waiting or running (a killed worker, a lost task) and delete their files.

    A job counts as stuck when it has waited (QUEUED) or run (RUNNING) longer than `older_than` (default:
    SAMSPIL_IMPORT_STALE_HOURS, 6 hours). Uploaded files that no unfinished job names and that are older
    than that are deleted too. Returns the number of jobs marked failed.
    """
    if older_than is None:
        older_than = datetime.timedelta(hours=getattr(settings, "SAMSPIL_IMPORT_STALE_HOURS", DEFAULT_STALE_HOURS))
    cutoff = timezone.now() - older_than
    stuck = ConsumptionImport.objects.filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=cutoff)
        | Q(status=ImportStatus.RUNNING, started_at__lt=cutoff)
        | Q(status=ImportStatus.RUNNING, started_at__isnull=True, created_at__lt=cutoff)
    ).defer("bad_rows")
    failed = 0
    for job in stuck:
        consumption_import_fail(job, error=str(STUCK_FAILURE))
        stored_file_delete(job)
        failed += 1
        logger.warning("consumption import %s was stuck and is marked failed", job.public_id)
    _orphans_delete(cutoff)
    return failed


def _orphans_delete(cutoff) -> None:
    storage = upload_storage()
    if not os.path.isdir(storage.location):
        return
    in_use = set(
        ConsumptionImport.objects.filter(status__in=UNFINISHED)
        .exclude(stored_file="")
        .values_list("stored_file", flat=True)
    )
    _directories, names = storage.listdir("")
    for name in names:
        if name in in_use:
            continue
        try:
            if storage.get_modified_time(name) < cutoff:
                storage.delete(name)
        except OSError:
            logger.exception("segmentation upload %s could not be deleted", name)


# --- the candidate rule and classifications ------------------------------------------------------------------


def candidate_rule_get(*, municipality_id: int) -> CandidateRule:
    rule = CandidateRule.objects.filter(municipality_id=municipality_id).first()
    return rule or CandidateRule(municipality_id=municipality_id)


@transaction.atomic
def candidate_rule_update(
    *, actor, min_departments, top_percent, min_total_dkk, combination: str, expected_version: int
) -> CandidateRule:
    _require_segment(actor)
    rule = _rule_for_update(actor.municipality_id)
    if rule is None:
        rule = CandidateRule(municipality_id=actor.municipality_id, version=0)
    if rule.pk and rule.version != expected_version:
        raise ConflictError(_("Someone else changed the rule while you were working on it. Reload the page."))
    rule.min_departments, rule.top_percent, rule.min_total_dkk = min_departments, top_percent, min_total_dkk
    rule.combination, rule.updated_by = combination, actor
    rule.version += 1
    rule.full_clean()
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:  # two first saves at once: the other one won
        raise ConflictError(_("Someone else changed the rule while you were working on it. Reload the page.")) from None
    return rule


def _rule_for_update(municipality_id: int) -> CandidateRule | None:
    return CandidateRule.objects.select_for_update().filter(municipality_id=municipality_id).first()


@transaction.atomic
def candidate_classify(
    *, actor, subject: ConsumptionSubject, citizen_type: int, note: str = ""
) -> CandidateClassification:
    _require_segment(actor)
    if subject.municipality_id != actor.municipality_id:
        raise PermissionDenied
    return CandidateClassification.objects.create(
        municipality_id=subject.municipality_id,
        subject=subject,
        citizen_type=citizen_type,
        note=note.strip(),
        classified_by=actor,
    )


def coordinator_choices(*, programme):
    """Current caseworker places that may coordinate a pathway in the programme (its department kind)."""
    memberships = Membership.objects.current().filter(
        municipality_id=programme.municipality_id, role=StaffRole.CASEWORKER, user__is_active=True
    )
    if programme.coordinator_department_kind:
        memberships = memberships.filter(department__kind=programme.coordinator_department_kind)
    return memberships.select_related("user", "department").order_by("user__last_name", "user__first_name", "pk")


@transaction.atomic
def candidate_open_pathway(
    *,
    actor,
    subject: ConsumptionSubject,
    programme,
    coordinator,
    referral_reason: str,
    department=None,
    first_name: str = "",
    last_name: str = "",
):
    """One step from a candidate to a pathway: register the person if needed, open it with the coordinator.

    The actor (a segmentation role) opens it and does not join the team. A person not yet registered is
    registered by the actor on behalf of the coordinator (`citizen_create(on_behalf_of=…)`): the
    coordinator's case role is the authority, the actor is recorded as the one who did it. `department` is
    the coordinator's place chosen on the form; it leads the pathway. Messages name the person only by
    their pseudonymous reference: the actor does not see who is behind it.
    """
    from samspil.citizens.services import DuplicateCitizen, citizen_find_by_cpr

    _require_segment(actor)
    if subject.municipality_id != actor.municipality_id or coordinator.municipality_id != actor.municipality_id:
        raise PermissionDenied
    if not policy.can_do_case_work(coordinator):
        raise ValidationError(_("The coordinator must be a staff member with a case role."))
    # Two controllers opening a pathway for the same person at once: the second waits here, then sees the citizen.
    subject = ConsumptionSubject.objects.select_for_update().get(pk=subject.pk)
    citizen = subject.citizen
    if citizen is None:
        digits = subject.reveal_cpr()
        citizen = citizen_find_by_cpr(municipality_id=subject.municipality_id, digits=digits)
        if citizen is None:
            if not first_name.strip() or not last_name.strip():
                raise ValidationError(_("The person is not registered yet: give their first and last name."))
            try:
                citizen = citizen_create(
                    actor=actor, on_behalf_of=coordinator, first_name=first_name, last_name=last_name, cpr_number=digits
                )
            except DuplicateCitizen as duplicate:  # registered by someone else a moment ago
                citizen = duplicate.existing
        subject.citizen = citizen
        subject.save(update_fields=["citizen", "updated_at"])
    return pathway_open(
        actor=actor,
        programme=programme,
        citizen=citizen,
        referral_reason=referral_reason,
        coordinator=coordinator,
        department=department,
        citizen_label=subject.reference,
    )
