"""Measurement rounds: opening (cohorts), answers (once, only while open, only in the cohort), the portal's WHO-5,
and the figures of a round beside the baseline's (known answers, the small-number rule)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AuditEvent
from samspil.evaluation import selectors, services
from samspil.evaluation.choices import AnsweredVia, CohortRule, RoundKind, RoundStatus
from samspil.evaluation.models import CoordinationResponse, RoundPathway, Who5Response
from samspil.organisations.choices import StaffRole
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def leader(world):
    return f.make_staff(world.children, StaffRole.PROJECT_LEADER)


def _pathways(world, n):
    """`n` more pathways of the world's programme, coordinated by the world's coordinator."""
    return [
        f.PathwayFactory(
            coordinator=world.coordinator,
            lead_department=world.children,
            programme=world.programme,
            citizen=f.CitizenFactory(municipality=world.municipality, born=f.years_ago(30 + i)),
        )
        for i in range(n)
    ]


def _open_baseline(world, leader, **kwargs):
    today = timezone.localdate()
    return services.round_open(
        actor=leader,
        programme=world.programme,
        title="",
        measured_on=today,
        period_start=today - 364 * DAY,
        period_end=today,
        **kwargs,
    )


def _answer(world, round, pathway, items):
    return services.who5_record(
        actor=world.coordinator, round=round, pathway=pathway, citizen=pathway.citizen, items=items
    )


# --- opening and closing ----------------------------------------------------------------------------------------


def test_the_baseline_fixes_the_cohort_and_a_follow_up_keeps_it(world, leader):
    others = _pathways(world, 2)
    baseline = _open_baseline(world, leader)
    # The default title is written in the site's language (Danish).
    assert (baseline.kind, baseline.number, baseline.title) == (RoundKind.BASELINE, 0, "Baselinemåling")
    cohort = set(RoundPathway.objects.filter(round=baseline).values_list("pathway_id", flat=True))
    assert cohort == {world.pathway.pk, *(p.pk for p in others)}

    services.round_close(actor=leader, round=baseline, expected_version=baseline.version)
    _pathways(world, 1)  # opened after the baseline: not in the cohort
    follow_up = services.round_open(
        actor=leader,
        programme=world.programme,
        title="Opfølgning efter et år",
        measured_on=timezone.localdate() + DAY,
        period_start=timezone.localdate(),
        period_end=timezone.localdate() + DAY,
    )
    assert (follow_up.kind, follow_up.number) == (RoundKind.FOLLOW_UP, 1)
    assert set(RoundPathway.objects.filter(round=follow_up).values_list("pathway_id", flat=True)) == cohort
    assert AuditEvent.objects.filter(code="evaluation.round_opened").count() == 2


def test_cohort_opened_between_two_dates(world, leader):
    today = timezone.localdate()
    early, late = _pathways(world, 2)
    type(early).objects.filter(pk=early.pk).update(opened_on=today - 100 * DAY)
    type(late).objects.filter(pk=late.pk).update(opened_on=today - 10 * DAY)
    type(world.pathway).objects.filter(pk=world.pathway.pk).update(opened_on=today - 200 * DAY)
    baseline = _open_baseline(
        world,
        leader,
        cohort_rule=CohortRule.OPENED_BETWEEN,
        cohort_from=today - 150 * DAY,
        cohort_to=today - 50 * DAY,
    )
    assert list(RoundPathway.objects.filter(round=baseline).values_list("pathway_id", flat=True)) == [early.pk]


def test_only_project_leaders_open_rounds_and_one_round_is_open_at_a_time(world, leader):
    with pytest.raises(PermissionDenied):
        _open_baseline(world, world.head)
    _open_baseline(world, leader)
    with pytest.raises(ValidationError, match="Luk den åbne måling"):
        _open_baseline(world, leader)


def test_a_follow_up_is_measured_after_the_round_before_it(world, leader):
    baseline = _open_baseline(world, leader)
    services.round_close(actor=leader, round=baseline)
    with pytest.raises(ValidationError) as refused:
        _open_baseline(world, leader)  # the same day as the baseline
    assert "measured_on" in refused.value.error_dict


# --- answers -----------------------------------------------------------------------------------------------------


def test_one_who5_answer_per_citizen_per_round(world, leader):
    round = _open_baseline(world, leader)
    answer = _answer(world, round, world.pathway, [3, 3, 3, 3, 3])
    assert (answer.answered_via, answer.answered_by, answer.score) == (AnsweredVia.CASEWORKER, world.coordinator, 60)
    with pytest.raises(ValidationError, match="allerede besvaret"):
        _answer(world, round, world.pathway, [5, 5, 5, 5, 5])
    assert Who5Response.objects.get().score == 60
    assert AuditEvent.objects.filter(code="evaluation.who5_recorded", pathway=world.pathway).count() == 1


def test_a_closed_round_refuses_answers(world, leader):
    round = _open_baseline(world, leader)
    services.round_close(actor=leader, round=round)
    with pytest.raises(ValidationError, match="lukket"):
        _answer(world, round, world.pathway, [3, 3, 3, 3, 3])
    with pytest.raises(ValidationError, match="lukket"):
        services.coordination_record(actor=world.colleague, round=round, items=[3, 3, 3, 3, 3])
    assert not Who5Response.objects.exists() and not CoordinationResponse.objects.exists()


def test_answers_only_for_pathways_in_the_cohort_and_only_by_the_team(world, leader):
    round = _open_baseline(world, leader)
    (later,) = _pathways(world, 1)
    with pytest.raises(ValidationError, match="indgår ikke i denne målings kohorte"):
        _answer(world, round, later, [3, 3, 3, 3, 3])
    with pytest.raises(Http404):  # not on the team (and no consent covers the job centre: not even view)
        services.who5_record(
            actor=world.outsider, round=round, pathway=world.pathway, citizen=world.citizen, items=[1, 1, 1, 1, 1]
        )
    with pytest.raises(ValidationError):
        _answer(world, round, world.pathway, [3, 3, 3, 3, 6])  # 6 is not an answer


def test_pathway_quality_once_per_team_member(world, leader):
    round = _open_baseline(world, leader)
    services.pathway_quality_record(actor=world.colleague, round=round, pathway=world.pathway, items=[4, 4, 5, 3])
    services.pathway_quality_record(actor=world.coordinator, round=round, pathway=world.pathway, items=[2, 2, 2, 2])
    with pytest.raises(ValidationError, match="allerede vurderet"):
        services.pathway_quality_record(actor=world.colleague, round=round, pathway=world.pathway, items=[1, 1, 1, 1])


def test_the_leader_assessment_is_for_leaders(world, leader):
    round = _open_baseline(world, leader)
    with pytest.raises(PermissionDenied):
        services.leader_assessment_record(actor=world.coordinator, round=round, steering=3, budgets=3)
    services.leader_assessment_record(actor=world.head, round=round, steering=2, budgets=4)
    with pytest.raises(ValidationError, match="allerede"):
        services.leader_assessment_record(actor=world.head, round=round, steering=5, budgets=5)


def test_interview_with_a_file_about_a_pathway_and_a_refused_file(world, leader):
    from django.core.files.uploadedfile import SimpleUploadedFile

    round = _open_baseline(world, leader)
    pdf = SimpleUploadedFile("referat.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    interview = services.interview_record(
        actor=world.coordinator,
        round=round,
        pathway=world.pathway,
        interviewed_on=timezone.localdate(),
        notes="Borgeren fortæller, at hun nu kun har én at ringe til.",
        uploads=[pdf],
    )
    assert [(x.name, x.kind) for x in interview.files.all()] == [("referat.pdf", "pdf")]
    script = SimpleUploadedFile("noter.html", b"<script>alert(1)</script>", content_type="text/html")
    with pytest.raises(ValidationError) as refused:
        services.interview_record(
            actor=world.coordinator,
            round=round,
            pathway=world.pathway,
            interviewed_on=timezone.localdate(),
            notes="Noter",
            uploads=[script],
        )
    assert "file" in refused.value.error_dict
    assert round.interviews.count() == 1
    with pytest.raises(PermissionDenied):  # anonymous interviews: project leaders
        services.interview_record(
            actor=world.coordinator, round=round, pathway=None, interviewed_on=timezone.localdate(), notes="Noter"
        )


# --- the portal ----------------------------------------------------------------------------------------------------


def test_portal_who5_only_own_pathway_and_only_in_the_cohort(world, leader, client):
    account = f.portal_account(world.citizen)
    f.grant_portal(world.pathway, world.citizen, "write")
    round = _open_baseline(world, leader)
    url = reverse("portal:who5", args=[world.pathway.public_id])
    client.force_login(account)
    page = client.get(reverse("portal:pathway", args=[world.pathway.public_id]))
    assert url in page.content.decode()  # the pathway page invites the citizen to answer

    response = client.post(url, {f"item_{n}": "4" for n in range(1, 6)})
    assert response.status_code == 302
    answer = Who5Response.objects.get()
    assert (answer.citizen, answer.answered_via, answer.answered_by, answer.score) == (
        world.citizen,
        AnsweredVia.PORTAL,
        account,
        80,
    )
    assert client.post(url, {f"item_{n}": "4" for n in range(1, 6)}).status_code == 422  # once
    page = client.get(reverse("portal:pathway", args=[world.pathway.public_id]))
    assert url not in page.content.decode()

    # Another citizen's pathway: 404, as one that does not exist.
    (other,) = _pathways(world, 1)
    assert client.get(reverse("portal:who5", args=[other.public_id])).status_code == 404

    # Own pathway, not in the cohort: no questionnaire to answer.
    newcomer = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(22))
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, programme=world.programme, citizen=newcomer
    )
    f.grant_portal(pathway, newcomer, "write")
    client.force_login(f.portal_account(newcomer))
    response = client.post(reverse("portal:who5", args=[pathway.public_id]), {f"item_{n}": "2" for n in range(1, 6)})
    assert response.status_code == 422
    with pytest.raises(ValidationError, match="indgår ikke i denne målings kohorte"):
        services.portal_who5_answer(actor=_account_of(newcomer), pathway=pathway, round=round, items=[1, 1, 1, 1, 1])
    assert Who5Response.objects.count() == 1


def _account_of(citizen):
    from samspil.accounts.models import User

    return User.objects.get(citizen=citizen)


def test_a_custody_holder_cannot_answer_for_the_young_person(world, leader, client):
    from samspil.citizens.choices import GuardianRelation

    young = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(16))
    mother = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(45))
    f.GuardianshipFactory(child=young, guardian=mother, relation=GuardianRelation.MOTHER, has_custody=True)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, programme=world.programme, citizen=young
    )
    f.grant_portal(pathway, young, "write")
    f.grant_portal(pathway, mother, "write")
    round = _open_baseline(world, leader)
    client.force_login(f.portal_account(mother))
    url = reverse("portal:who5", args=[pathway.public_id])
    page = client.get(url)
    assert page.status_code == 200 and 'name="item_1"' not in page.content.decode()  # no form for the mother
    response = client.post(url, {f"item_{n}": "5" for n in range(1, 6)})
    assert response.status_code == 422
    assert not Who5Response.objects.exists()
    # The young person answers themself.
    client.force_login(f.portal_account(young))
    assert client.post(url, {f"item_{n}": "1" for n in range(1, 6)}).status_code == 302
    assert Who5Response.objects.get(round=round).citizen == young


# --- figures -------------------------------------------------------------------------------------------------------


def test_who5_mean_and_comparison_with_the_baseline(world, leader):
    pathways = [world.pathway, *_pathways(world, 5)]
    baseline = _open_baseline(world, leader)
    baseline_items = [[2, 2, 2, 2, 2], [1, 2, 3, 4, 5], [0, 0, 0, 0, 0], [5, 5, 5, 5, 5], [3, 3, 3, 3, 2]]
    for pathway, items in zip(pathways, baseline_items, strict=False):  # scores 40, 60, 0, 100, 56: mean 51.2
        _answer(world, baseline, pathway, items)
    services.round_close(actor=leader, round=baseline)
    follow_up = services.round_open(
        actor=leader,
        programme=world.programme,
        title="",
        measured_on=timezone.localdate() + DAY,
        period_start=timezone.localdate(),
        period_end=timezone.localdate() + DAY,
    )
    for pathway in pathways:  # six answers of 3 each: 60
        _answer(world, follow_up, pathway, [3, 3, 3, 3, 3])

    report = selectors.round_report(user=leader, round=follow_up)
    assert report.compared and report.cohort_pathways == 6
    who5 = report.measures[0]
    mean_row = who5.rows[0]
    assert mean_row.baseline.value == Decimal("51.2") and not mean_row.baseline.hidden
    assert mean_row.current.value == Decimal("60.0")
    assert mean_row.change == Decimal("8.8")
    assert who5.response.current.value == Decimal("100.0")  # six of six citizens answered
    assert who5.response.baseline.value == Decimal("83.3")  # five of six
    # The distribution: the follow-up's six answers all score 51–75; the other bands are empty (0, shown).
    bands = [row.current for row in who5.rows[1:]]
    assert [(c.value, c.hidden) for c in bands] == [(0, False), (0, False), (6, False), (0, False)]
    # The baseline's bands are 1 (0–28), 1 (29–50), 2 (51–75), 1 (76–100): every one is fewer than 5.
    assert all(row.baseline.hidden for row in who5.rows[1:] if row.baseline.value)


def test_fewer_than_five_answers_are_not_shown(world, leader):
    round = _open_baseline(world, leader)
    _answer(world, round, world.pathway, [5, 5, 5, 5, 5])
    services.coordination_record(actor=world.colleague, round=round, items=[4, 4, 4, 4, 4])
    report = selectors.round_report(user=leader, round=round)
    assert not report.compared
    assert report.measures[0].rows[0].current.hidden  # one WHO-5 answer
    coordination = next(m for m in report.measures if m.number == 6)
    assert coordination.rows[0].current.hidden


def test_exemption_uses_are_exact(world, leader):
    from samspil.economy.choices import Law
    from samspil.economy.models import LegalExemptionUse

    LegalExemptionUse.objects.create(
        municipality=world.municipality,
        pathway=world.pathway,
        law=Law.values[0],
        paragraph="§ 5",
        reason="Ny løsning",
        used_on=timezone.localdate(),
        registered_by=world.coordinator,
    )
    round = _open_baseline(world, leader)
    exemptions = next(m for m in selectors.round_report(user=leader, round=round).measures if m.number == 10)
    assert [(row.current.value, row.current.hidden) for row in exemptions.rows] == [(1, False)]


def test_the_round_page_and_the_pathway_page(world, leader, client):
    # A name that no page holds by chance (the leader, shown in the header, may draw the same random first name).
    world.citizen.first_name, world.citizen.last_name = "Borgerinde", "Navneprøvesen"
    world.citizen.save()
    round = _open_baseline(world, leader)
    _answer(world, round, world.pathway, [3, 3, 3, 3, 3])
    client.force_login(leader)
    page = client.get(reverse("evaluation:round", args=[world.programme.code, 0]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text
    assert "færre end 5" in text  # one answer: the mean is not shown
    assert world.citizen.first_name not in text  # no names on the programme's pages
    client.force_login(world.coordinator)
    page = client.get(reverse("pathway_evaluation:page", args=[world.pathway.public_id]))
    assert page.status_code == 200 and world.citizen.first_name in page.content.decode()
    assert round.status == RoundStatus.OPEN


def test_the_project_leader_opens_the_baseline_on_the_page_and_bad_dates_are_refused(world, leader, client):
    client.force_login(leader)
    url = reverse("evaluation:rounds", args=[world.programme.code])
    today = timezone.localdate()
    form = {
        "title": "",
        "measured_on": today.strftime("%d.%m.%Y"),
        "period_start": today.strftime("%d.%m.%Y"),
        "period_end": (today - DAY).strftime("%d.%m.%Y"),
        "cohort_rule": CohortRule.OPEN_ON,
    }
    response = client.post(url, form)
    assert response.status_code == 422 and not RoundPathway.objects.exists()
    form["period_end"] = today.strftime("%d.%m.%Y")
    response = client.post(url, form)
    assert response.status_code == 302 and response["Location"] == reverse(
        "evaluation:round", args=[world.programme.code, 0]
    )
    assert list(RoundPathway.objects.values_list("pathway_id", flat=True)) == [world.pathway.pk]
    # A caseworker on the team finds the round's forms, and the coordination questionnaire, on the pathway.
    client.force_login(world.colleague)
    page = client.get(reverse("pathway_evaluation:page", args=[world.pathway.public_id])).content.decode()
    assert reverse("pathway_evaluation:who5", args=[world.pathway.public_id]) in page
    assert reverse("evaluation:coordination", args=[world.programme.code, 0]) in page
    response = client.post(
        reverse("evaluation:coordination", args=[world.programme.code, 0]),
        {**{f"item_{n}": "4" for n in range(1, 6)}, "comment": ""},
    )
    assert response.status_code == 302 and CoordinationResponse.objects.get().respondent == world.colleague


def _outcomes(*, with_status, in_education, employed):
    from samspil.evaluation.figures import ObjectiveOutcomes

    return ObjectiveOutcomes(
        pathways=with_status,
        citizens=with_status,
        with_status=with_status,
        in_work_or_education=in_education + employed,
        in_education=in_education,
        employed=employed,
        benefit_amount=Decimal("0.00"),
        substance_problem_at_start=0,
        out_of_substance_abuse=0,
        successful_closed=0,
        successful_mean_days=None,
        self_initiated_contacts=0,
        caseworkers_mean=None,
    )


def _shown(cells):
    return [None if cell.hidden else cell.value for cell in cells]


@pytest.mark.parametrize(
    ("with_status", "in_education", "employed", "shown"),
    [
        (20, 10, 5, [10, 5, Decimal("75.0")]),  # 5 neither: everything shown
        # 3 in education hidden: the share (65 % = 13 of 20) minus the 10 employed would give it away, and the
        # 7 neither (the next smallest) goes too, else 20 - 10 - 7 gives the 3.
        (20, 3, 10, [None, 10, None]),
        # 2 neither: hidden with the next smallest count; the share (90 %) would give away the 2 too.
        (20, 8, 10, [None, 10, None]),
        (6, 0, 5, [0, None, None]),  # 83.3 % of six: the one who is neither
    ],
)
def test_the_share_in_work_or_education_never_gives_away_a_hidden_count(with_status, in_education, employed, shown):
    cells = selectors._work_or_education(
        _outcomes(with_status=with_status, in_education=in_education, employed=employed)
    )
    assert _shown(cells) == shown


def test_a_share_hides_a_small_rest_but_a_response_rate_does_not():
    assert selectors._share_cell(5, 6).hidden  # 83.3 %: the one without gives themself away
    assert not selectors._share_cell(5, 10).hidden and selectors._share_cell(5, 10).value == Decimal("50.0")
    assert not selectors._share_cell(10, 10).hidden  # nobody left over
    response_rate = selectors._share_cell(5, 6, complement=False)
    assert not response_rate.hidden and response_rate.value == Decimal("83.3")
