"""Én familie – én indgang's rule (an analysis meeting before interventions start on a family's pathway: a warning,
never a refusal) and interventions answering the assessment's findings."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from samspil.assessments.selectors import finding_label
from samspil.assessments.tests.factories import make_assessment, make_finding
from samspil.economy import selectors, services
from samspil.economy.models import Intervention
from samspil.economy.selectors import AnalysisMeetingRule
from samspil.economy.tests.factories import InterventionFactory, ServiceFactory
from samspil.pathways.choices import CollaborationModel, SubjectKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def da(text: str) -> str:
    """The text as the (Danish) page shows it, before and after the lead merges the translations."""
    with translation.override("da"):
        return gettext(text)


RULE = "In Én familie – én indgang the interdisciplinary analysis meeting is held before interventions are started."
NOT_HELD_MSGID = "No analysis meeting has been held on the family's pathway yet. " + RULE
NOT_HELD = NOT_HELD_MSGID
BADGE = "Before the analysis meeting"
FINDINGS = "Answers findings from the assessment"


def family_pathway(world, *, model=CollaborationModel.ONE_FAMILY):
    programme = f.ProgrammeFactory(municipality=world.municipality, model=model, subject_kind=SubjectKind.HOUSEHOLD)
    return f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        programme=programme,
        citizen=None,
        household=f.make_family(world.municipality),
    )


def analysis_meeting(pathway, *, days_ago=7, held=True):
    return f.MeetingFactory(
        pathway=pathway,
        meeting_type="analysis",
        status="held" if held else "planned",
        starts_at=f.copenhagen_time(days=-days_ago),
    )


def grant(client, pathway, service, starts_on, **extra):
    data = {
        "intervention-service": str(service.public_id),
        "intervention-granting_department": str(pathway.lead_department.public_id),
        "intervention-starts_on": starts_on.strftime("%d.%m.%Y"),
        "intervention-quantity": "1",
        **extra,
    }
    return client.post(reverse("pathway_economy:intervention_add", args=[pathway.public_id]), data)


def page(client, pathway):
    return client.get(reverse("pathway_economy:page", args=[pathway.public_id]))


# --- the rule --------------------------------------------------------------------------------------------------


def test_the_rule_counts_the_day_of_the_meeting_as_after_it():
    today = timezone.localdate()
    rule = AnalysisMeetingRule(applies=True, held_on=today)
    assert rule.before(today - datetime.timedelta(days=1))
    assert not rule.before(today)
    assert not rule.before(today + datetime.timedelta(days=30))
    assert AnalysisMeetingRule(applies=True, held_on=None).before(today + datetime.timedelta(days=365))
    assert not AnalysisMeetingRule(applies=False).before(today)


def test_the_rule_applies_to_family_pathways_of_the_model_only(world):
    assert selectors.analysis_meeting_rule(family_pathway(world)) == AnalysisMeetingRule(applies=True)
    assert not selectors.analysis_meeting_rule(family_pathway(world, model=CollaborationModel.KL_COHERENCE)).applies
    one_family_citizen = f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        programme=f.ProgrammeFactory(municipality=world.municipality, model=CollaborationModel.ONE_FAMILY),
    )
    assert not selectors.analysis_meeting_rule(one_family_citizen).applies  # about one citizen, not a family


def test_only_a_held_analysis_meeting_counts(world):
    pathway = family_pathway(world)
    analysis_meeting(pathway, days_ago=-3, held=False)  # planned in three days
    f.MeetingFactory(pathway=pathway, held=True)  # a held status meeting
    assert selectors.analysis_meeting_rule(pathway).held_on is None
    meeting = analysis_meeting(pathway, days_ago=10)
    assert selectors.analysis_meeting_rule(pathway).held_on == timezone.localdate(meeting.starts_at)


# --- the pages -------------------------------------------------------------------------------------------------


def test_the_form_warns_before_saving_and_granting_warns_after_without_refusing(client, world):
    pathway = family_pathway(world)
    service = ServiceFactory(department=world.children)
    client.force_login(world.coordinator)

    before = page(client, pathway).content.decode()
    assert 'id="analysis-warning"' in before and da(NOT_HELD) in before  # on the page
    form_intro = (
        NOT_HELD + " You can grant the intervention, but it will be marked as started before the analysis meeting."
    )
    assert da(form_intro) in before  # and in the grant form's introduction, before anything is saved

    response = grant(client, pathway, service, timezone.localdate())
    assert response.status_code == 302  # a warning, not a refusal
    assert Intervention.objects.filter(pathway=pathway).count() == 1
    shown = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert shown == [("warning", da(NOT_HELD_MSGID)), ("success", da("The intervention was granted."))] or shown == [
        ("success", da("The intervention was granted.")),
        ("warning", da(NOT_HELD_MSGID)),
    ]

    after = page(client, pathway).content.decode()
    assert da(BADGE) in after
    with translation.override("da"):
        granted_before = translation.ngettext(
            "%(counter)s intervention has been granted before it.",
            "%(counter)s interventions have been granted before it.",
            1,
        ) % {"counter": 1}
    assert granted_before in after


def test_after_the_meeting_an_intervention_is_not_marked_but_an_earlier_one_is(client, world):
    pathway = family_pathway(world)
    meeting = analysis_meeting(pathway, days_ago=7)
    held_on = timezone.localdate(meeting.starts_at)
    service = ServiceFactory(department=world.children)
    client.force_login(world.coordinator)

    response = grant(client, pathway, service, held_on)  # on the day of the meeting: after it
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    text = page(client, pathway).content.decode()
    assert da(BADGE) not in text and da(NOT_HELD) not in text
    with translation.override("da"):
        when = gettext(
            "The family's first analysis meeting was held on %(date)s. An intervention that starts before that day is "
            "granted, but marked as started before the analysis meeting."
        ) % {"date": f"{held_on:%d.%m.%Y}"}
    assert when in text  # the form says when, before saving

    response = grant(client, pathway, service, held_on - datetime.timedelta(days=1))
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    with translation.override("da"):
        expected = gettext(
            "The intervention starts before the family's first analysis meeting (held on %(date)s). In Én familie – "
            "én indgang the interdisciplinary analysis meeting is held before interventions are started."
        ) % {"date": f"{held_on:%d.%m.%Y}"}
        started_before = translation.ngettext(
            "%(counter)s intervention started before the family's first analysis meeting, held on %(date)s.",
            "%(counter)s interventions started before the family's first analysis meeting, held on %(date)s.",
            1,
        ) % {"counter": 1, "date": f"{held_on:%d.%m.%Y}"}
    assert warnings == [expected]
    text = page(client, pathway).content.decode()
    assert text.count(da(BADGE)) == 2  # in the list and at the intervention's financing
    assert started_before in text


def test_no_warning_on_other_pathways(client, world):
    service = ServiceFactory(department=world.children)
    client.force_login(world.coordinator)
    response = grant(client, world.pathway, service, timezone.localdate())
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    text = page(client, world.pathway).content.decode()
    assert 'id="analysis-warning"' not in text and da(BADGE) not in text and "alert-warning" not in text


# --- findings --------------------------------------------------------------------------------------------------


def test_an_intervention_answers_findings_and_shows_them(client, world):
    assessment = make_assessment(world.pathway)
    finding = make_finding(assessment, text="Behov for fast døgnrytme")
    other = make_finding(assessment, text="Mor mangler aflastning")
    service = ServiceFactory(department=world.children)
    client.force_login(world.coordinator)
    form = page(client, world.pathway).content.decode()
    assert da(FINDINGS) in form and "Mor mangler aflastning" in form

    response = grant(
        client, world.pathway, service, timezone.localdate(), **{"intervention-findings": [finding.public_id]}
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get(pathway=world.pathway)
    assert list(intervention.findings.all()) == [finding]
    assert not other.interventions.exists()
    text = page(client, world.pathway).content.decode()
    with translation.override("da"):
        label = finding_label(finding)
    assert label in text


def test_no_findings_field_without_findings(client, world):
    client.force_login(world.coordinator)
    assert da(FINDINGS) not in page(client, world.pathway).content.decode()


def test_a_finding_of_another_pathway_is_refused_and_nothing_is_saved(client, world):
    make_finding(make_assessment(world.pathway))
    elsewhere = make_finding(make_assessment(family_pathway(world)))
    service = ServiceFactory(department=world.children)
    client.force_login(world.coordinator)
    response = grant(
        client, world.pathway, service, timezone.localdate(), **{"intervention-findings": [elsewhere.public_id]}
    )
    assert response.status_code == 422  # not one of the form's choices
    assert not Intervention.objects.exists()
    with pytest.raises(ValidationError):
        services.intervention_grant(
            actor=world.coordinator,
            pathway=world.pathway,
            service=service,
            starts_on=timezone.localdate(),
            quantity=Decimal("1"),
            granting_department=world.children,
            findings=[elsewhere],
        )
    assert not Intervention.objects.exists() and not elsewhere.interventions.exists()


def test_the_page_queries_do_not_grow_with_findings(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assessment = make_assessment(world.pathway)
    client.force_login(world.coordinator)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert page(client, world.pathway).status_code == 200
        return len(captured)

    intervention = InterventionFactory(pathway=world.pathway)
    intervention.findings.add(make_finding(assessment))
    few = count()
    for _ in range(4):
        other = InterventionFactory(pathway=world.pathway)
        other.findings.add(make_finding(assessment), make_finding(assessment))
    assert count() == few
