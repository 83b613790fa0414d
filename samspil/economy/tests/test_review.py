"""The controller's review of a pathway's financing split (seed 003 p. 11): asked by the team, answered by the named
controller, who sees that pathway's financing while the review is open and never its case content."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.core.exceptions import ConflictError
from samspil.economy import services
from samspil.economy.choices import ReviewSharePart, ReviewStatus, ReviewVerdict
from samspil.economy.models import FinancingReview, FinancingReviewShare
from samspil.economy.tests.factories import InterventionFactory, make_decision
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db


def da(text: str) -> str:
    with translation.override("da"):
        return gettext(text)


@pytest.fixture
def financed(world):
    """The world's pathway with an intervention (with a note and a decision whose reason is case content), a goal
    and a meeting: what the controller must not see."""
    intervention = InterventionFactory(
        pathway=world.pathway, service__name="Familiebehandling SEL § 52", note="Mor er indlagt på psykiatrisk afdeling"
    )
    decision = make_decision(
        intervention, [(world.children, "60"), (world.jobs, "40")], decided_on=timezone.localdate()
    )
    decision.reason = "Far har et misbrug"
    decision.save(update_fields=["reason"])
    f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway), description="Komme i skole hver dag")
    f.MeetingFactory(pathway=world.pathway, location="Hjemme hos familien på Strandvejen")
    return intervention


def end_role(user) -> None:
    """The user's memberships began a year ago and ended yesterday."""
    today = timezone.localdate()
    Membership.objects.filter(user=user).update(
        active_from=today - datetime.timedelta(days=365), active_to=today - datetime.timedelta(days=1)
    )
    user._samspil_roles = None


def ask(world, controller, **kwargs):
    kwargs.setdefault("question", "Er 60/40 en rimelig fordeling?")
    return services.financing_review_request(
        actor=world.coordinator, pathway=world.pathway, controller=controller, **kwargs
    )


def review_url(review):
    return reverse("economy:review", args=[review.public_id])


# --- asking ----------------------------------------------------------------------------------------------------


def test_the_coordinator_asks_with_a_proposed_split(client, world, controller, financed):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("pathway_economy:review_request", args=[world.pathway.public_id]),
        {
            "review-controller": str(controller.public_id),
            "review-intervention": str(financed.public_id),
            "review-question": "Skal sundhed bære en del?",
            "review-department_1": str(world.children.public_id),
            "review-percent_1": "50",
            "review-department_2": str(world.health.public_id),
            "review-percent_2": "50",
        },
    )
    assert response.status_code == 302
    review = FinancingReview.objects.get()
    assert (review.controller, review.intervention, review.status) == (controller, financed, ReviewStatus.OPEN)
    assert sorted((s.department.name, s.percent, s.part) for s in review.shares.all()) == [
        ("Børn og Unge", Decimal("50.00"), ReviewSharePart.PROPOSAL),
        ("Sundhed", Decimal("50.00"), ReviewSharePart.PROPOSAL),
    ]
    event = AuditEvent.objects.get(code="financing.review_requested")
    assert event.pathway == world.pathway and event.data["controller"] == controller.get_full_name()
    text = client.get(reverse("pathway_economy:page", args=[world.pathway.public_id])).content.decode()
    assert "Skal sundhed bære en del?" in text and da("Awaiting the controller") in text


def test_a_team_member_who_works_in_the_pathway_may_ask(team, controller, financed):
    review = services.financing_review_request(
        actor=team.jobworker, pathway=team.pathway, controller=controller, question="Jobcentrets andel?"
    )
    assert review.requested_by == team.jobworker and not review.shares.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"question": "  "}, "Write what the controller is asked to look at."),
        ({"shares": "60/30"}, "The shares add up to %(total)s %%; they must add up to exactly 100 %%."),
        ({"controller": "coordinator"}, "Choose a controller of the municipality."),
        ({"controller": "former"}, "Choose a controller of the municipality."),
    ],
)
def test_refused_requests_save_nothing(world, controller, financed, change, message):
    kwargs = {"question": "Fordelingen?"}
    if change.get("question"):
        kwargs["question"] = change["question"]
    if change.get("shares"):
        kwargs["shares"] = [(world.children, Decimal("60")), (world.jobs, Decimal("30"))]
    who = controller
    if change.get("controller") == "coordinator":
        who = world.head  # a department head is no controller
    if change.get("controller") == "former":
        end_role(controller)
    with pytest.raises(ValidationError) as refused:
        ask(world, who, **kwargs)
    expected = da(message) % {"total": "90,00"} if "%(total)s" in message else da(message)
    assert refused.value.messages == [expected]
    assert not FinancingReview.objects.exists() and not FinancingReviewShare.objects.exists()
    assert not AuditEvent.objects.filter(code="financing.review_requested").exists()


def test_nothing_to_review_without_interventions_or_a_proposal(world, controller):
    with pytest.raises(ValidationError):
        ask(world, controller)
    review = ask(world, controller, shares=[(world.children, Decimal("70")), (world.jobs, Decimal("30"))])
    assert len(review.proposal) == 2


def test_a_controller_cannot_ask_themselves(world, controller, financed):
    f.TeamMemberFactory(pathway=world.pathway, user=controller, department=world.jobs)
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    with pytest.raises(ValidationError):
        services.financing_review_request(
            actor=controller, pathway=world.pathway, controller=controller, question="Selv?"
        )
    assert not FinancingReview.objects.exists()


def test_outsiders_and_closed_pathways_are_refused(client, world, controller, financed):
    with pytest.raises(Http404):
        services.financing_review_request(
            actor=world.outsider, pathway=world.pathway, controller=controller, question="?"
        )
    client.force_login(world.outsider)
    url = reverse("pathway_economy:review_request", args=[world.pathway.public_id])
    assert client.post(url, {"review-question": "?"}).status_code == 404
    world.pathway.status, world.pathway.closed_on = "closed", timezone.localdate()
    world.pathway.save(update_fields=["status", "closed_on"])
    with pytest.raises(ValidationError):
        ask(world, controller)
    assert not FinancingReview.objects.exists()


# --- the controller's pages ------------------------------------------------------------------------------------


def test_the_controller_sees_the_financing_and_no_case_content(client, world, controller, financed):
    world.citizen.first_name, world.citizen.last_name = "Zakarias", "Borgmestersen-Unik"
    world.citizen.save(update_fields=["first_name", "last_name"])
    review = ask(world, controller, intervention=financed)
    client.force_login(controller)
    listing = client.get(reverse("economy:reviews")).content.decode()
    assert review.reference in listing and world.programme.name in listing

    response = client.get(review_url(review))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Familiebehandling SEL § 52" in text and "Er 60/40 en rimelig fordeling?" in text
    assert "3.100,00 kr." in text  # the unit price
    assert "60,00 %" in text and "40,00 %" in text  # the split in force
    for secret in (
        "Zakarias",
        "Borgmestersen-Unik",
        world.citizen.reveal_cpr(),
        world.citizen.cpr_masked,
        str(world.pathway.public_id),  # not even the pathway's id: the reference is its start only
        "Mor er indlagt på psykiatrisk afdeling",  # the intervention's note
        "Far har et misbrug",  # the decision's reason
        "Komme i skole hver dag",  # the plan
        "Strandvejen",  # a meeting
    ):
        assert secret not in text and secret not in listing, secret
    rows = AccessLogEntry.objects.filter(actor=controller)
    assert [(r.citizen, r.pathway, r.shown, r.via) for r in rows] == [
        (world.citizen, world.pathway, "economy.review", "grant")
    ]


def test_another_controller_and_others_get_404_logged(client, world, controller, financed):
    review = ask(world, controller)
    other = f.make_staff(world.jobs, StaffRole.CONTROLLER)
    for user in (other, world.coordinator, world.head, world.stranger):
        client.force_login(user)
        before = AuditEvent.objects.filter(code="access.denied").count()
        assert client.get(review_url(review)).status_code == 404
        assert client.post(review_url(review), {"verdict": "agrees"}).status_code == 404
        assert AuditEvent.objects.filter(code="access.denied").count() == before + 2
    client.force_login(other)
    assert review.reference not in client.get(reverse("economy:reviews")).content.decode()
    assert not AccessLogEntry.objects.filter(actor__in=[other, world.head]).exists()
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN


def test_a_controller_who_leaves_the_role_loses_the_page(client, world, controller, financed):
    review = ask(world, controller)
    end_role(controller)
    f.MembershipFactory(user=controller, department=world.jobs, role=StaffRole.CASEWORKER)
    client.force_login(controller)
    assert client.get(review_url(review)).status_code == 404


# --- answering -------------------------------------------------------------------------------------------------


def test_the_controller_agrees_and_the_team_sees_it(client, world, controller, financed):
    review = ask(world, controller)
    client.force_login(controller)
    response = client.post(review_url(review), {"verdict": "agrees", "comment": "Fin fordeling", "version": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("economy:reviews")
    review.refresh_from_db()
    assert (review.status, review.verdict, review.comment) == (
        ReviewStatus.ANSWERED,
        ReviewVerdict.AGREES,
        "Fin fordeling",
    )
    assert AuditEvent.objects.get(code="financing.review_answered").pathway == world.pathway

    assert client.get(review_url(review)).status_code == 404  # the live financing ends with the answer
    listing = client.get(reverse("economy:reviews")).content.decode()
    assert "Fin fordeling" in listing and da("Agrees with the split") in listing

    client.force_login(world.coordinator)
    text = client.get(reverse("pathway_economy:page", args=[world.pathway.public_id])).content.decode()
    assert "Fin fordeling" in text and da("Agrees with the split") in text


def test_the_controller_proposes_another_split(world, controller, financed):
    review = ask(world, controller)
    services.financing_review_answer(
        actor=controller,
        review=review,
        verdict=ReviewVerdict.OTHER_SPLIT,
        comment="Sundhed har gevinst af indsatsen",
        shares=[(world.children, Decimal("50")), (world.jobs, Decimal("25")), (world.health, Decimal("25"))],
        expected_version=1,
    )
    review.refresh_from_db()
    assert sorted((s.department.name, s.percent) for s in review.counter) == [
        ("Børn og Unge", Decimal("50.00")),
        ("Jobcenter", Decimal("25.00")),
        ("Sundhed", Decimal("25.00")),
    ]
    assert "Sundhed 25,00 %" in AuditEvent.objects.get(code="financing.review_answered").data["answer"]


@pytest.mark.parametrize(
    "data",
    [
        {
            "verdict": "other_split",
            "comment": "Anden fordeling",
            "department_1": "children",
            "percent_1": "60",
            "department_2": "jobs",
            "percent_2": "30",
        },  # 90 %
        {"verdict": "other_split", "comment": "", "department_1": "children", "percent_1": "100"},  # no comment
        {"verdict": "other_split", "comment": "Anden fordeling"},  # no split
        {"verdict": "agrees", "department_1": "children", "percent_1": "100"},  # a split while agreeing
        {"comment": "Intet svar"},  # no verdict
    ],
)
def test_refused_answers_are_422_and_save_nothing(client, world, controller, financed, data):
    review = ask(world, controller)
    departments = {"children": world.children, "jobs": world.jobs}
    post = {
        key: (str(departments[value].public_id) if key.startswith("department") else value)
        for key, value in data.items()
    }
    client.force_login(controller)
    response = client.post(review_url(review), {**post, "version": "1"})
    assert response.status_code == 422
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN and not review.counter
    assert not AuditEvent.objects.filter(code="financing.review_answered").exists()
    assert AccessLogEntry.objects.filter(actor=controller, shown="economy.review").count() == 1  # the page again


def test_a_stale_answer_is_a_conflict_and_saves_nothing(world, controller, financed):
    review = ask(world, controller)
    with pytest.raises(ConflictError):
        services.financing_review_answer(
            actor=controller, review=review, verdict=ReviewVerdict.AGREES, comment="", expected_version=2
        )
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN


def test_an_answered_review_cannot_be_answered_again(world, controller, financed):
    review = ask(world, controller)
    services.financing_review_answer(actor=controller, review=review, verdict="agrees", comment="", expected_version=1)
    with pytest.raises(Http404):  # no longer open: no longer the controller's to read
        from samspil.economy.selectors import review_page

        review_page(actor=controller, public_id=review.public_id)
    with pytest.raises(ValidationError):
        services.financing_review_answer(
            actor=controller, review=review, verdict="agrees", comment="igen", expected_version=2
        )
    review.refresh_from_db()
    assert review.comment == ""


# --- withdrawing -----------------------------------------------------------------------------------------------


def test_withdrawing_ends_the_controllers_access(client, world, controller, financed):
    review = ask(world, controller)
    client.force_login(world.coordinator)
    url = reverse("pathway_economy:review_withdraw", args=[world.pathway.public_id, review.public_id])
    assert client.post(url, {f"withdraw-{review.public_id}-version": "1"}).status_code == 302
    review.refresh_from_db()
    assert (review.status, review.withdrawn_by) == (ReviewStatus.WITHDRAWN, world.coordinator)
    assert AuditEvent.objects.filter(code="financing.review_withdrawn", pathway=world.pathway).exists()
    client.force_login(controller)
    assert client.get(review_url(review)).status_code == 404
    with pytest.raises(ValidationError):
        services.financing_review_answer(
            actor=controller, review=review, verdict="agrees", comment="", expected_version=2
        )


def test_only_the_one_who_asked_or_the_coordinator_withdraws(client, team, controller, financed):
    world = team
    review = ask(world, controller)  # asked by the coordinator
    with pytest.raises(ValidationError):
        services.financing_review_withdraw(
            actor=world.jobworker, pathway=world.pathway, review=review, expected_version=1
        )
    client.force_login(world.jobworker)
    url = reverse("pathway_economy:review_withdraw", args=[world.pathway.public_id, review.public_id])
    assert client.post(url, {f"withdraw-{review.public_id}-version": "1"}).status_code == 422
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    with pytest.raises(ConflictError):
        services.financing_review_withdraw(
            actor=world.coordinator, pathway=world.pathway, review=review, expected_version=7
        )
    own = services.financing_review_request(
        actor=world.jobworker, pathway=world.pathway, controller=controller, question="?"
    )
    services.financing_review_withdraw(actor=world.jobworker, pathway=world.pathway, review=own, expected_version=1)


# --- queries ---------------------------------------------------------------------------------------------------


def test_the_economy_page_queries_do_not_grow_with_the_reviews(client, world, controller, financed):
    client.force_login(world.coordinator)
    url = reverse("pathway_economy:page", args=[world.pathway.public_id])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    ask(world, controller, shares=[(world.children, Decimal("100"))])
    few = count()
    for _ in range(4):
        review = ask(world, controller, shares=[(world.children, Decimal("50")), (world.jobs, Decimal("50"))])
        services.financing_review_answer(
            actor=controller,
            review=review,
            verdict="other_split",
            comment="Nej",
            shares=[(world.jobs, Decimal("100"))],
            expected_version=1,
        )
    assert count() == few


def test_the_review_page_queries_do_not_grow_with_the_interventions(client, world, controller, financed):
    review = ask(world, controller)
    client.force_login(controller)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(review_url(review)).status_code == 200
        return len(captured)

    few = count()
    for _ in range(4):
        make_decision(InterventionFactory(pathway=world.pathway), [(world.children, "50"), (world.jobs, "50")])
    assert count() == few
