"""Writes for segmentation: consumption imports, the candidate rule, classifications, referrals to a coordinator."""

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
from samspil.audit.services import event_record
from samspil.citizens.services import citizen_create
from samspil.core.exceptions import ConflictError
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Membership
from samspil.pathways.services import pathway_open
from samspil.segmentation import importer, reader
from samspil.segmentation.choices import ImportMode, ImportStatus, ReferralStatus
from samspil.segmentation.models import (
    CandidateClassification,
    CandidateRule,
    ConsumptionImport,
    ConsumptionSubject,
    Referral,
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


# --- referrals: a candidate handed to a coordinator -----------------------------------------------------------


@transaction.atomic
def referral_create(
    *, actor, subject: ConsumptionSubject, programme, membership: Membership, note: str = ""
) -> Referral:
    """Refer a candidate to a coordinator (*henvisning*) for a programme; nothing is registered yet.

    `membership` is the coordinator's current caseworker place the pathway is to be led from; it must fit the
    programme's coordinator rule. The person stays known only by the imported CPR number: the coordinator registers
    the name when they take the referral on (`referral_take`). One open referral per person and programme.
    """
    _require_segment(actor)
    if any(obj.municipality_id != actor.municipality_id for obj in (subject, programme, membership)):
        raise PermissionDenied
    if not programme.active:
        raise ValidationError(_("%(programme)s does not take new pathways.") % {"programme": programme})
    place = coordinator_choices(programme=programme).filter(pk=membership.pk).first()
    if place is None or not policy.can_do_case_work(place.user):
        if programme.coordinator_department_kind:
            raise ValidationError(
                _("In %(programme)s the coordinator must be a caseworker in %(kind)s.")
                % {"programme": programme, "kind": programme.get_coordinator_department_kind_display().lower()}
            )
        raise ValidationError(_("Only a caseworker can coordinate a pathway."))
    referral = Referral(
        municipality_id=actor.municipality_id,
        subject=subject,
        programme=programme,
        coordinator=place.user,
        department=place.department,
        note=note.strip(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        raise ValidationError(
            _("%(reference)s already has an open referral to %(programme)s.")
            % {"reference": subject.reference, "programme": programme}
        ) from None
    event_record(
        actor=actor,
        code="referral.created",
        municipality_id=actor.municipality_id,
        data={"coordinator": place.user.get_full_name(), "programme": programme.name, "reference": subject.reference},
    )
    return referral


def _referral_to_decide(*, actor, referral: Referral) -> Referral:
    """The referral, locked, if the actor is the coordinator it names (404 otherwise), and still open."""
    from django.http import Http404

    locked = (
        Referral.objects.visible_to(actor, policy.VIEW)
        .select_for_update()
        .filter(pk=referral.pk, coordinator=actor)
        .select_related("programme", "subject", "department")
        .first()
    )
    if locked is None:
        raise Http404
    if not locked.is_open:
        raise ValidationError(_("The referral has already been taken on or declined."))
    return locked


@transaction.atomic
def referral_take(
    *,
    actor,
    referral: Referral,
    first_name: str = "",
    last_name: str = "",
    referral_reason: str = "",
    second_pathway_reason: str = "",
):
    """The coordinator takes a referral on: registers the citizen and opens the pathway as its coordinator.

    The person is registered from the imported CPR number (found through the blind index if already registered,
    else created with the name the coordinator types), then the pathway is opened through `pathway_open` with the
    actor as coordinator, from the department the referral names while they still work there as a caseworker. The
    rule of one open coordinated pathway per citizen applies as always (`second_pathway_reason`).
    """
    from samspil.citizens.services import DuplicateCitizen, citizen_find_by_cpr

    referral = _referral_to_decide(actor=actor, referral=referral)
    # Two coordinators taking on the same person at once: the second waits here, then finds the citizen.
    subject = ConsumptionSubject.objects.select_for_update().get(pk=referral.subject_id)
    citizen = subject.citizen
    if citizen is None:
        digits = subject.reveal_cpr()
        citizen = citizen_find_by_cpr(municipality_id=subject.municipality_id, digits=digits)
        if citizen is None:
            if not first_name.strip() or not last_name.strip():
                raise ValidationError(_("The person is not registered yet: give their first and last name."))
            try:
                citizen = citizen_create(actor=actor, first_name=first_name, last_name=last_name, cpr_number=digits)
            except DuplicateCitizen as duplicate:  # registered by someone else a moment ago
                citizen = duplicate.existing
        subject.citizen = citizen
        subject.save(update_fields=["citizen", "updated_at"])
    still_there = (
        Membership.objects.current()
        .filter(user=actor, department_id=referral.department_id, role=StaffRole.CASEWORKER)
        .exists()
    )
    pathway = pathway_open(
        actor=actor,
        programme=referral.programme,
        citizen=citizen,
        referral_reason=referral_reason.strip() or referral.note,
        department=referral.department if still_there else None,
        second_pathway_reason=second_pathway_reason,
    )
    referral.status, referral.pathway, referral.decided_at = ReferralStatus.TAKEN, pathway, timezone.now()
    referral.save(update_fields=["status", "pathway", "decided_at", "updated_at"])
    event_record(
        actor=actor,
        code="referral.taken",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"programme": referral.programme.name},
    )
    return pathway


@transaction.atomic
def referral_decline(*, actor, referral: Referral, reason: str) -> Referral:
    """The coordinator declines a referral, with the reason (the referrer reads it on the candidate page)."""
    referral = _referral_to_decide(actor=actor, referral=referral)
    if not reason.strip():
        raise ValidationError(_("Give the reason for declining the referral."))
    referral.status, referral.decline_reason, referral.decided_at = (
        ReferralStatus.DECLINED,
        reason.strip(),
        timezone.now(),
    )
    referral.save(update_fields=["status", "decline_reason", "decided_at", "updated_at"])
    event_record(
        actor=actor,
        code="referral.declined",
        municipality_id=referral.municipality_id,
        data={"programme": referral.programme.name, "reason": referral.decline_reason},
    )
    return referral
