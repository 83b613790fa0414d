"""Reads for segmentation. One place computes the figures, for `consumption_report` and the pages alike.

Figures (`figures`) use the AGGREGATE action and show no one; every read that shows single persons
(candidate list, candidate page) uses VIEW and writes one access-log row per person shown.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery, Sum
from django.http import Http404

from samspil.access import policy
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.services import access_record_subjects
from samspil.citizens import cpr as cpr_module
from samspil.segmentation import rules
from samspil.segmentation.choices import ImportStatus, ReferralStatus
from samspil.segmentation.models import (
    CandidateClassification,
    CandidateRule,
    ConsumptionImport,
    ConsumptionRecord,
    ConsumptionSubject,
    Referral,
)

PAGE_SIZE = 50
DEPARTMENT_CAP = 6  # the last bar is "6 or more departments"
SERVICE_CAP = 10


def rule_for(user) -> CandidateRule:
    """The municipality's rule, or the default (unsaved) one: 3 departments OR the most expensive 5 %."""
    rule = CandidateRule.objects.visible_to(user, policy.VIEW).first()
    return rule or CandidateRule(municipality_id=user.municipality_id, version=0)


TOTALS_CACHE_SECONDS = 24 * 3600


def person_totals(user) -> list[rules.PersonTotal]:
    """Every person's total, departments and services, cached until the next finished import.

    The rows only change through imports, so the latest finished import (by its random public id) names
    the version of the data; a million rows take about a second to aggregate on PostgreSQL.
    """
    latest = (
        ConsumptionImport.objects.visible_to(user, policy.AGGREGATE)
        .filter(status=ImportStatus.DONE, rows_imported__gt=0)
        .order_by("-finished_at", "-id")
        .values_list("public_id", flat=True)
        .first()
    )
    if latest is None:
        return []
    key = f"segmentation:totals:{user.municipality_id}:{latest}"
    cached = cache.get(key)
    if cached is None:
        cached = _person_totals(user)
        cache.set(key, cached, TOTALS_CACHE_SECONDS)
    return [rules.PersonTotal(*row) for row in cached]


def _person_totals(user) -> list[tuple]:
    rows = (
        ConsumptionRecord.objects.visible_to(user, policy.AGGREGATE)
        .values("subject_id")
        .annotate(
            total=Sum("amount_dkk"),
            departments=Count("department", distinct=True),
            services=Count("service_code", distinct=True),
        )
        .order_by()
        .values_list("subject_id", "total", "departments", "services")
    )
    return list(rows)


@dataclass
class Figures:
    citizens: int
    total_dkk: Decimal
    shares: dict[int, Decimal]  # per cent of persons → share of the total (fraction)
    curve: list[tuple]
    departments: list[tuple[str, int]]
    services: list[tuple[str, int]]
    candidates: list[rules.PersonTotal]
    rule: CandidateRule
    ranked: list[rules.PersonTotal] = field(repr=False, default_factory=list)

    def share(self, percent) -> Decimal:
        return rules.share_top(self.ranked, percent, self.total_dkk)

    def as_json(self) -> dict:
        """The figures of `consumption_report --json`: money and shares as strings (exact decimals)."""
        return {
            "citizens": self.citizens,
            "total_dkk": f"{self.total_dkk:.2f}",
            "share_top_1pct": f"{self.share(1):.6f}",
            "share_top_3pct": f"{self.share(3):.6f}",
            "share_top_5pct": f"{self.share(5):.6f}",
            "candidates": len(self.candidates),
            "rule": {
                "min_departments": self.rule.min_departments,
                "top_percent": None if self.rule.top_percent is None else f"{self.rule.top_percent:f}",
                "min_total_dkk": None if self.rule.min_total_dkk is None else f"{self.rule.min_total_dkk:.2f}",
                "combination": self.rule.combination,
                "text": str(self.rule.describe()),
            },
            "definition": "share_top_Xpct = sum of the totals of the ceil(X/100 * citizens) most expensive "
            "citizens divided by total_dkk",
        }


def figures(user) -> Figures:
    if not policy.can_segment(user):
        raise Http404
    ranked = rules.ranked(person_totals(user))
    total = sum((person.total for person in ranked), Decimal(0))
    rule = rule_for(user)
    return Figures(
        citizens=len(ranked),
        total_dkk=total,
        shares={percent: rules.share_top(ranked, percent, total) for percent in rules.CURVE_POINTS},
        curve=rules.concentration_curve(ranked, total),
        departments=rules.distribution((person.departments for person in ranked), DEPARTMENT_CAP),
        services=rules.distribution((person.services for person in ranked), SERVICE_CAP),
        candidates=rules.candidates(ranked, rule),
        rule=rule,
        ranked=ranked,
    )


def _latest_type():
    return Subquery(
        CandidateClassification.objects.filter(subject_id=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("citizen_type")[:1]
    )


@dataclass
class CandidateRow:
    subject: ConsumptionSubject
    total: Decimal
    departments: list[str]
    services: list[str]
    rank: int


def candidate_page(user, *, page: int = 1) -> tuple[list[CandidateRow], Figures, int]:
    """One page of candidates (most expensive first) with their departments and services; access-logged."""
    numbers = figures(user)
    pages = max(1, -(-len(numbers.candidates) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    chosen = numbers.candidates[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ids = [person.subject_id for person in chosen]
    subjects = {
        subject.pk: subject
        for subject in ConsumptionSubject.objects.visible_to(user, policy.VIEW)
        .filter(pk__in=ids)
        .select_related("citizen")
        .annotate(latest_type=_latest_type())
    }
    departments, services = defaultdict(set), defaultdict(set)
    for subject_id, department, service in (
        ConsumptionRecord.objects.visible_to(user, policy.VIEW)
        .filter(subject_id__in=ids)
        .values_list("subject_id", "department", "service_name")
        .distinct()
    ):
        departments[subject_id].add(department)
        services[subject_id].add(service)
    rank = {person.subject_id: position for position, person in enumerate(numbers.ranked, start=1)} if ids else {}
    rows = [
        CandidateRow(
            subject=subjects[person.subject_id],
            total=person.total,
            departments=sorted(departments[person.subject_id]),
            services=sorted(services[person.subject_id]),
            rank=rank[person.subject_id],
        )
        for person in chosen
        if person.subject_id in subjects
    ]
    access_record_subjects(
        actor=user,
        subjects=[row.subject for row in rows],
        shown="segmentation.candidates",
        purpose=AccessPurpose.SEGMENTATION,
    )
    return rows, numbers, pages


@dataclass
class CandidateDetail:
    subject: ConsumptionSubject
    total: Decimal
    by_department: list[dict]
    classifications: list[CandidateClassification]


def subject_get(user, public_id) -> ConsumptionSubject:
    subject = (
        ConsumptionSubject.objects.visible_to(user, policy.VIEW)
        .filter(public_id=public_id)
        .select_related("citizen")
        .first()
    )
    if subject is None:
        raise Http404
    return subject


def candidate_detail(user, *, public_id) -> CandidateDetail:
    """One person's imported consumption by department and service, and their classifications; access-logged."""
    subject = subject_get(user, public_id)
    by_department = list(
        ConsumptionRecord.objects.visible_to(user, policy.VIEW)
        .filter(subject=subject)
        .values("department", "service_code", "service_name")
        .annotate(total=Sum("amount_dkk"), rows=Count("id"))
        .order_by("department", "service_code")
    )
    classifications = list(subject.classifications.select_related("classified_by").order_by("-created_at", "-id"))
    access_record_subjects(
        actor=user, subjects=[subject], shown="segmentation.candidate", purpose=AccessPurpose.SEGMENTATION
    )
    return CandidateDetail(
        subject=subject,
        total=sum((row["total"] for row in by_department), Decimal(0)),
        by_department=by_department,
        classifications=classifications,
    )


def import_list(user, *, limit: int = 20) -> list[ConsumptionImport]:
    return list(
        ConsumptionImport.objects.visible_to(user, policy.VIEW)
        .select_related("created_by")
        .defer("bad_rows")
        .order_by("-created_at", "-id")[:limit]
    )


def import_get(user, public_id, *, with_bad_rows: bool = False) -> ConsumptionImport:
    """The job; its bad rows (up to 10,000) are loaded only when asked for (or when first used)."""
    jobs = ConsumptionImport.objects.visible_to(user, policy.VIEW).select_related("created_by")
    if not with_bad_rows:
        jobs = jobs.defer("bad_rows")
    job = jobs.filter(public_id=public_id).first()
    if job is None:
        raise Http404
    return job


# --- referrals ------------------------------------------------------------------------------------------------


def _referrals(user):
    return Referral.objects.visible_to(user, policy.VIEW).select_related(
        "subject", "programme", "department", "created_by", "coordinator", "pathway"
    )


def referrals_for(user) -> list[Referral]:
    """The open referrals addressed to the user as coordinator, oldest first: for counts and the task list.

    Each is named only by its programme and the person's pseudonymous reference (`str(referral)`), so listing them
    reads no one's data and writes no access-log row; the referral pages do (`referral_list`, `referral_get`).
    """
    return list(_referrals(user).filter(coordinator=user, status=ReferralStatus.OPEN).order_by("created_at", "id"))


def _log_referral_reads(user, referrals, shown: str) -> None:
    """One access-log row per person: by the registered citizen when there is one, always by the blind index."""
    access_record_subjects(
        actor=user,
        subjects=[referral.subject for referral in referrals],
        shown=shown,
        purpose=AccessPurpose.INTAKE,
        via=AccessVia.INTAKE,
    )


def referral_list(user) -> list[Referral]:
    """The coordinator's open referrals for their page (`/borgere/henvisninger/`), logged per person shown."""
    referrals = referrals_for(user)
    _log_referral_reads(user, referrals, "referral.list")
    return referrals


def referral_get(user, public_id, *, reveal_cpr: bool = False) -> Referral:
    """One referral addressed to the user, for taking it on or declining it. Logged.

    `referral.citizen` is the registered citizen the person turned out to be (linked, or found by the blind index),
    else None: then the coordinator types the name when taking it on. With `reveal_cpr` the full CPR number is put
    on `referral.cpr` (the coordinator needs it to identify the person) and the read is logged as such.
    """
    from samspil.citizens.models import Citizen

    referral = _referrals(user).filter(public_id=public_id, coordinator=user).first()
    if referral is None:
        raise Http404
    subject = referral.subject
    referral.citizen = (
        Citizen.objects.filter(pk=subject.citizen_id).first()
        if subject.citizen_id
        else Citizen.objects.filter(municipality_id=subject.municipality_id, cpr_index=subject.cpr_index).first()
    )
    referral.cpr = cpr_module.formatted(subject.reveal_cpr()) if reveal_cpr else ""
    person = SimpleNamespace(
        municipality_id=subject.municipality_id,
        cpr_index=subject.cpr_index,
        citizen_id=referral.citizen.pk if referral.citizen else None,
    )
    access_record_subjects(
        actor=user,
        subjects=[person],
        shown="referral.cpr" if reveal_cpr else "referral",
        purpose=AccessPurpose.INTAKE,
        via=AccessVia.INTAKE,
    )
    return referral


def candidate_referrals(user, subject: ConsumptionSubject) -> list[Referral]:
    """The referrals of a candidate the segmentation role may read (those they made), latest first."""
    return list(_referrals(user).filter(subject=subject).order_by("-created_at", "-id"))
