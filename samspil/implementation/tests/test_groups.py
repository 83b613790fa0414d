"""The implementation organisation of seed 004: the steering group, the implementation team and working groups, with
members (staff, the drop-in centres' contact people, a named user representative), meetings, minutes and decisions."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from samspil.audit.models import AuditEvent
from samspil.core.exceptions import ConflictError
from samspil.implementation import rules, selectors, services
from samspil.implementation.choices import GroupKind
from samspil.implementation.models import GroupDecision, GroupMeeting, GroupMember, ProgrammeGroup, ResponsibilityRole
from samspil.implementation.tests.helpers import at
from samspil.organisations.choices import ExternalOrganisationKind
from samspil.pathways.choices import CollaborationModel
from samspil.pathways.models import Programme
from samspil.pathways.programmes import DROP_IN
from tests import factories as f

pytestmark = pytest.mark.django_db

SET_UP = datetime.date(2026, 1, 5)  # the day the implementation (and its groups) is set up


@pytest.fixture
def drop_in(org):
    """The drop-in centres' programme set up on 5 January 2026 (the steering group and the implementation team from
    seed 004's template), with a municipal drop-in centre's leader and a school's teacher as external contacts."""
    org.programme = Programme.objects.get(municipality=org.municipality, code=DROP_IN)  # every municipality has it
    assert org.programme.model == CollaborationModel.DROP_IN
    with time_machine.travel(at(SET_UP), tick=False):
        services.implementation_setup(actor=org.leader, programme=org.programme, start_on=SET_UP)
    org.team = ProgrammeGroup.objects.get(programme=org.programme, kind=GroupKind.IMPLEMENTATION_TEAM)
    org.steering = ProgrammeGroup.objects.get(programme=org.programme, kind=GroupKind.STEERING_GROUP)
    centre = f.ExternalOrganisationFactory(
        municipality=org.municipality, name="Værestedet Lyspunktet", kind=ExternalOrganisationKind.DROP_IN_MUNICIPAL
    )
    school = f.ExternalOrganisationFactory(
        municipality=org.municipality, name="Alfa Skole", kind=ExternalOrganisationKind.SCHOOL
    )
    org.centre_leader = f.ExternalContactFactory(organisation=centre, name="Lone Bech", title="Leder af værestedet")
    org.teacher = f.ExternalContactFactory(organisation=school, name="Anders Lærer")
    return org


def day(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d.%m.%Y").date()


def page_url(name, org, *args):
    return reverse(f"implementation:{name}", args=[org.programme.code, *args])


# --- the template ------------------------------------------------------------------------------------------------


def test_the_drop_in_model_gets_a_steering_group_and_an_implementation_team_meeting_every_third_month(drop_in):
    groups = list(ProgrammeGroup.objects.filter(programme=drop_in.programme).order_by("position"))
    assert [(g.kind, g.name, g.cadence_days) for g in groups] == [
        (GroupKind.STEERING_GROUP, "Styregruppe", None),
        (GroupKind.IMPLEMENTATION_TEAM, "Implementeringsteam", 91),
    ]
    roles = list(ResponsibilityRole.objects.filter(programme=drop_in.programme).values_list("name", flat=True))
    assert roles == ["Projektejer", "Styregruppe", "Projektleder", "Implementeringsteam", "Arbejdsgrupper"]


# --- groups --------------------------------------------------------------------------------------------------------


def test_a_working_group_is_added_and_a_group_is_validated(drop_in):
    group = services.group_create(
        actor=drop_in.leader,
        programme=drop_in.programme,
        kind=GroupKind.WORKING_GROUP,
        name="Arbejdsgruppe om holdbaserede aktiviteter",
        cadence_days=30,
        purpose="Nedsat af implementeringsteamet",
    )
    assert (group.position, group.kind) == (3, GroupKind.WORKING_GROUP)
    assert AuditEvent.objects.filter(code="programme.group_added").count() == 1
    for kind, name, cadence, field in (
        ("committee", "X", None, "kind"),
        (GroupKind.WORKING_GROUP, "  ", None, "name"),
        (GroupKind.WORKING_GROUP, "implementeringsteam", None, "name"),  # the name is taken, whatever the case
        (GroupKind.WORKING_GROUP, "Y", 0, "cadence_days"),
    ):
        with pytest.raises(ValidationError) as error:
            services.group_create(
                actor=drop_in.leader, programme=drop_in.programme, kind=kind, name=name, cadence_days=cadence
            )
        assert list(error.value.message_dict) == [field]
    assert ProgrammeGroup.objects.filter(programme=drop_in.programme).count() == 3


def test_a_group_is_changed_on_its_version_and_a_stale_version_writes_nothing(drop_in):
    group = drop_in.steering
    services.group_update(
        actor=drop_in.leader,
        group=group,
        expected_version=1,
        kind=GroupKind.STEERING_GROUP,
        name="Styregruppen for værestederne",
        cadence_days=182,
        purpose="Direktionen",
    )
    with pytest.raises(ConflictError):
        services.group_update(
            actor=drop_in.leader, group=group, expected_version=1, name="Andet navn", cadence_days=None
        )
    group.refresh_from_db()
    assert (group.name, group.cadence_days, group.version) == ("Styregruppen for værestederne", 182, 2)
    assert AuditEvent.objects.filter(code="programme.group_changed").count() == 1
    with pytest.raises(PermissionDenied):  # a department head reads, never writes
        services.group_update(actor=drop_in.head, group=group, expected_version=2, name="X", cadence_days=None)


# --- members -------------------------------------------------------------------------------------------------------


def test_the_team_has_staff_a_drop_in_centres_leader_and_a_named_user_representative(drop_in):
    team, start = drop_in.team, datetime.date(2026, 2, 1)
    services.group_member_add(actor=drop_in.leader, group=team, user=drop_in.head, role="Leder", member_from=start)
    services.group_member_add(
        actor=drop_in.leader,
        group=team,
        external_contact=drop_in.centre_leader,
        role="Værestedsleder",
        member_from=start,
    )
    representative = services.group_member_add(
        actor=drop_in.leader,
        group=team,
        name="Erik Mølgaard",
        role="Brugerrepræsentant (formand for Udsatterådet)",
        member_from=start,
    )
    names = [m.display_name for m in GroupMember.objects.filter(group=team).order_by("id")]
    assert names == [drop_in.head.get_full_name(), "Lone Bech (Værestedet Lyspunktet)", "Erik Mølgaard"]
    assert representative.role == "Brugerrepræsentant (formand for Udsatterådet)"
    with pytest.raises(ValidationError):  # the same named person twice at the same time
        services.group_member_add(actor=drop_in.leader, group=team, name="erik mølgaard", member_from=start)


def test_an_ended_membership_is_kept_and_the_person_can_join_again_later(drop_in):
    team = drop_in.team
    first = services.group_member_add(
        actor=drop_in.leader,
        group=team,
        external_contact=drop_in.centre_leader,
        member_from=datetime.date(2026, 2, 1),
    )
    services.group_member_end(actor=drop_in.leader, member=first, member_to=datetime.date(2026, 5, 31))
    with pytest.raises(ValidationError):  # overlaps the ended membership
        services.group_member_add(
            actor=drop_in.leader,
            group=team,
            external_contact=drop_in.centre_leader,
            member_from=datetime.date(2026, 5, 31),
        )
    services.group_member_add(
        actor=drop_in.leader,
        group=team,
        external_contact=drop_in.centre_leader,
        member_from=datetime.date(2026, 9, 1),
    )
    rows = list(GroupMember.objects.filter(group=team).order_by("member_from").values_list("member_from", "member_to"))
    assert rows == [(datetime.date(2026, 2, 1), datetime.date(2026, 5, 31)), (datetime.date(2026, 9, 1), None)]
    page = selectors.group_page(actor=drop_in.head, group=team, today=datetime.date(2026, 7, 1))
    assert ([m.member_from for m in page.members], [m.member_to for m in page.former]) == (
        [datetime.date(2026, 9, 1)],
        [datetime.date(2026, 5, 31)],
    )
    assert AuditEvent.objects.filter(code="programme.member_ended").count() == 1


def test_a_member_must_be_of_the_municipality_and_an_active_staff_member(drop_in):
    stranger = f.ExternalContactFactory(name="Fremmed")  # another municipality's drop-in centre
    with pytest.raises(ValidationError):
        services.group_member_add(
            actor=drop_in.leader, group=drop_in.team, external_contact=stranger, member_from=SET_UP
        )
    drop_in.caseworker.is_active = False
    drop_in.caseworker.save()
    with pytest.raises(ValidationError):
        services.group_member_add(actor=drop_in.leader, group=drop_in.team, user=drop_in.caseworker, member_from=SET_UP)
    assert not GroupMember.objects.exists()


# --- meetings and decisions ----------------------------------------------------------------------------------------


def test_a_group_has_one_meeting_a_day(drop_in):
    services.group_meeting_create(actor=drop_in.leader, group=drop_in.team, held_on=datetime.date(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        services.group_meeting_create(actor=drop_in.leader, group=drop_in.team, held_on=datetime.date(2026, 3, 2))
    assert list(error.value.message_dict) == ["held_on"]
    other = services.group_meeting_create(actor=drop_in.leader, group=drop_in.team, held_on=datetime.date(2026, 6, 1))
    with pytest.raises(ValidationError):  # moved onto the other meeting's day
        services.group_meeting_update(
            actor=drop_in.leader,
            meeting=other,
            expected_version=1,
            held_on=datetime.date(2026, 3, 2),
            agenda="",
            minutes="",
        )
    services.group_meeting_create(actor=drop_in.leader, group=drop_in.steering, held_on=datetime.date(2026, 3, 2))
    assert GroupMeeting.objects.count() == 3


def test_a_decision_is_done_once_between_its_meeting_and_today(drop_in):
    held = datetime.date(2026, 3, 2)
    with time_machine.travel(at(datetime.date(2026, 4, 10)), tick=False):
        meeting = services.group_meeting_create(actor=drop_in.leader, group=drop_in.team, held_on=held)
        decision = services.group_decision_add(
            actor=drop_in.leader,
            meeting=meeting,
            text="Udkast til samarbejdsaftale med Café Fællesrummet",
            owner="Projektleder",
            due_on=datetime.date(2026, 4, 1),
        )
        for done_on in (datetime.date(2026, 3, 1), datetime.date(2026, 4, 11)):
            with pytest.raises(ValidationError):
                services.group_decision_done(actor=drop_in.leader, decision=decision, done_on=done_on)
        services.group_decision_done(actor=drop_in.leader, decision=decision, done_on=datetime.date(2026, 4, 3))
        services.group_decision_done(actor=drop_in.leader, decision=decision)  # again: nothing changes
    decision.refresh_from_db()
    assert decision.done_on == datetime.date(2026, 4, 3)
    assert AuditEvent.objects.filter(code="programme.decision_done").count() == 1


# --- the cadence ---------------------------------------------------------------------------------------------------


def test_the_warning_comes_the_day_after_the_cadence_has_passed_since_the_last_meeting(drop_in):
    team = drop_in.team  # every 91 days, set up on 5 January 2026
    assert rules.cadence_warning(team, [], SET_UP + datetime.timedelta(days=91)) is None
    assert rules.cadence_warning(team, [], SET_UP + datetime.timedelta(days=92)) == rules.CadenceWarning(
        last_held_on=None, days=92, cadence_days=91
    )
    held = datetime.date(2026, 3, 2)
    planned = datetime.date(2026, 8, 3)
    for on in (held, planned):
        services.group_meeting_create(actor=drop_in.leader, group=team, held_on=on)
    meetings = list(GroupMeeting.objects.filter(group=team))
    assert rules.cadence_warning(team, meetings, datetime.date(2026, 6, 1)) is None  # 91 days after 2 March
    # 92 days: the warning, although a meeting is planned (it says so)
    assert rules.cadence_warning(team, meetings, datetime.date(2026, 6, 2)) == rules.CadenceWarning(
        last_held_on=held, days=92, cadence_days=91
    )
    assert rules.cadence_warning(drop_in.steering, meetings[:0], datetime.date(2027, 1, 1)) is None  # no cadence


# --- the pages -----------------------------------------------------------------------------------------------------


def test_the_project_leader_adds_a_working_group_on_the_organisation_page(client, drop_in):
    client.force_login(drop_in.leader)
    url = page_url("organisation", drop_in)
    bad = client.post(url, {"action": "group", "group-kind": "working_group", "group-name": ""})
    assert bad.status_code == 422
    assert bad.context["open_form"] == "group"
    good = client.post(
        url,
        {
            "action": "group",
            "group-kind": "working_group",
            "group-name": "Arbejdsgruppe om data",
            "group-cadence_days": "30",
        },
    )
    assert good.status_code == 302
    group = ProgrammeGroup.objects.get(name="Arbejdsgruppe om data")
    assert (group.kind, group.cadence_days) == (GroupKind.WORKING_GROUP, 30)
    page = client.get(url).content.decode()
    assert page_url("group", drop_in, group.public_id) in page


def test_the_member_form_offers_the_drop_in_centres_contacts_first(client, drop_in):
    client.force_login(drop_in.leader)
    response = client.get(page_url("group", drop_in, drop_in.team.public_id))
    choices = response.context["forms"]["member"].fields["external_contact"].choices
    assert "group" not in response.context["forms"]["member"].fields  # the group's own page
    (_label_1, first), (_label_2, second) = choices[1:]
    assert [value for value, _ in first] == [str(drop_in.centre_leader.public_id)]
    assert [value for value, _ in second] == [str(drop_in.teacher.public_id)]


def test_members_are_added_and_ended_on_the_group_page_and_the_history_stays(client, drop_in):
    client.force_login(drop_in.leader)
    url = page_url("group", drop_in, drop_in.team.public_id)
    with time_machine.travel(at(datetime.date(2026, 2, 1)), tick=False):
        neither = client.post(url, {"action": "member", "member-member_from": "01.02.2026"})
        assert neither.status_code == 422
        both = client.post(
            url,
            {
                "action": "member",
                "member-user": str(drop_in.head.public_id),
                "member-name": "Erik Mølgaard",
                "member-member_from": "01.02.2026",
            },
        )
        assert both.status_code == 422
        assert not GroupMember.objects.exists()
        for data in (
            {"member-external_contact": str(drop_in.centre_leader.public_id), "member-role": "Værestedsleder"},
            {"member-name": "Erik Mølgaard", "member-role": "Brugerrepræsentant (formand for Udsatterådet)"},
        ):
            response = client.post(url, {"action": "member", "member-member_from": "01.02.2026", **data})
            assert response.status_code == 302
    representative = GroupMember.objects.get(name="Erik Mølgaard")
    with time_machine.travel(at(datetime.date(2026, 6, 30)), tick=False):
        ended = client.post(
            url,
            {
                "action": "member_end",
                "member_end-member": str(representative.public_id),
                "member_end-member_to": "30.06.2026",
            },
        )
        assert ended.status_code == 302
        # A second end from a page loaded before (someone else's, or another tab) does not move the history.
        again = client.post(
            url,
            {
                "action": "member_end",
                "member_end-member": str(representative.public_id),
                "member_end-member_to": "15.07.2026",
            },
        )
        assert again.status_code == 422 and again.context["forms"]["member_end"].non_field_errors()
    representative.refresh_from_db()
    assert representative.member_to == datetime.date(2026, 6, 30)
    assert AuditEvent.objects.filter(code="programme.member_ended").count() == 1
    with time_machine.travel(at(datetime.date(2026, 7, 1)), tick=False):
        page = client.get(url)
    assert [m.display_name for m in page.context["page"].members] == ["Lone Bech (Værestedet Lyspunktet)"]
    assert [m.display_name for m in page.context["page"].former] == ["Erik Mølgaard"]
    assert 'id="former-members"' in page.content.decode()


def test_a_stale_group_edit_is_answered_422_on_the_saved_version_with_what_was_typed(client, drop_in):
    client.force_login(drop_in.leader)
    url = page_url("group", drop_in, drop_in.team.public_id)
    data = {
        "action": "group",
        "group-kind": "implementation_team",
        "group-name": "Implementeringsteam",
        "group-cadence_days": "91",
        "group-purpose": "Mødes hver tredje måned",
        "group-version": "1",
    }
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "group-cadence_days": "60"})
    assert stale.status_code == 422
    form = stale.context["forms"]["group"]
    assert (form["version"].value(), form["cadence_days"].value()) == ("2", "60")
    drop_in.team.refresh_from_db()
    assert (drop_in.team.cadence_days, drop_in.team.purpose) == (91, "Mødes hver tredje måned")
    assert client.post(url, form.data).status_code == 302  # saving again, after looking, overwrites
    drop_in.team.refresh_from_db()
    assert drop_in.team.cadence_days == 60


def test_the_cadence_warning_shows_on_the_organisation_and_the_group_page_the_day_after(client, drop_in):
    client.force_login(drop_in.head)
    warning = f'id="cadence-warning-{drop_in.team.public_id}"'
    for on, shown in ((SET_UP + datetime.timedelta(days=91), False), (SET_UP + datetime.timedelta(days=92), True)):
        with time_machine.travel(at(on), tick=False):
            for name, args in (("organisation", ()), ("group", (drop_in.team.public_id,))):
                response = client.get(page_url(name, drop_in, *args))
                assert response.status_code == 200
                assert (warning in response.content.decode()) is shown, (name, on)
    assert f'id="cadence-warning-{drop_in.steering.public_id}"' not in response.content.decode()  # no cadence


def test_a_meeting_is_scheduled_on_the_cadence_minutes_and_decisions_recorded_and_followed_up(client, drop_in):
    client.force_login(drop_in.leader)
    group_url = page_url("group", drop_in, drop_in.team.public_id)
    services.group_member_add(
        actor=drop_in.leader, group=drop_in.team, external_contact=drop_in.centre_leader, member_from=SET_UP
    )
    with time_machine.travel(at(datetime.date(2026, 2, 1)), tick=False):
        suggested = client.get(group_url).context["forms"]["meeting"]["held_on"].value()
        assert suggested == SET_UP + datetime.timedelta(days=91)  # due on 6 April
        response = client.post(
            group_url, {"action": "meeting", "meeting-held_on": "06.04.2026", "meeting-agenda": "1. Samarbejdsaftaler"}
        )
        assert response.status_code == 302
    first = GroupMeeting.objects.get(group=drop_in.team)
    first_url = page_url("meeting", drop_in, first.public_id)
    with time_machine.travel(at(datetime.date(2026, 4, 7)), tick=False):
        saved = client.post(
            first_url,
            {
                "action": "meeting",
                "meeting-held_on": "06.04.2026",
                "meeting-agenda": "1. Samarbejdsaftaler",
                "meeting-minutes": "Aftalerne med de tre væresteder blev drøftet.",
                "meeting-version": "1",
            },
        )
        assert saved.status_code == 302
        stale = client.post(
            first_url,
            {"action": "meeting", "meeting-held_on": "06.04.2026", "meeting-minutes": "Andet", "meeting-version": "1"},
        )
        assert stale.status_code == 422
        assert stale.context["forms"]["meeting"]["version"].value() == "2"
        late = client.post(
            first_url,
            {"action": "decision", "decision-text": "Aftale med Lyspunktet", "decision-due_on": "01.04.2026"},
        )
        assert late.status_code == 422  # due before the meeting
        for text in ("Udkast til samarbejdsaftaler", "Arbejdsgruppe om holdbaserede aktiviteter nedsættes"):
            client.post(
                first_url,
                {
                    "action": "decision",
                    "decision-text": text,
                    "decision-owner": "Projektleder",
                    "decision-due_on": "01.06.2026",
                },
            )
        second = services.group_meeting_create(
            actor=drop_in.leader, group=drop_in.team, held_on=datetime.date(2026, 7, 6)
        )
    first.refresh_from_db()
    assert first.minutes == "Aftalerne med de tre væresteder blev drøftet."
    assert GroupDecision.objects.filter(meeting=first).count() == 2
    second_url = page_url("meeting", drop_in, second.public_id)
    with time_machine.travel(at(datetime.date(2026, 7, 6)), tick=False):
        page = client.get(second_url)
        assert [d.text for d in page.context["page"].earlier_open] == [
            "Udkast til samarbejdsaftaler",
            "Arbejdsgruppe om holdbaserede aktiviteter nedsættes",
        ]
        assert [m.display_name for m in page.context["page"].members] == ["Lone Bech (Værestedet Lyspunktet)"]
        assert page.context["page"].previous == first
        draft = GroupDecision.objects.get(text="Udkast til samarbejdsaftaler")
        done = client.post(second_url, {"action": "decision_done", "decision_done-decision": str(draft.public_id)})
        assert done.status_code == 302
        after = client.get(second_url).context["page"]
    draft.refresh_from_db()
    assert draft.done_on == datetime.date(2026, 7, 6)
    assert [d.text for d in after.earlier_open] == ["Arbejdsgruppe om holdbaserede aktiviteter nedsættes"]


def test_readers_see_the_group_without_forms_and_others_get_404(client, drop_in):
    url = page_url("group", drop_in, drop_in.team.public_id)
    client.force_login(drop_in.head)
    response = client.get(url)
    assert response.status_code == 200 and "forms" not in response.context
    assert client.post(url, {"action": "group"}).status_code == 403
    client.force_login(drop_in.caseworker)
    assert client.get(url).status_code == 404
    other = f.ProgrammeFactory(municipality=drop_in.municipality, code="anden")
    client.force_login(drop_in.leader)
    assert client.get(reverse("implementation:group", args=[other.code, drop_in.team.public_id])).status_code == 404


def test_the_group_page_costs_the_same_queries_with_more_rows(client, drop_in, django_assert_max_num_queries):
    client.force_login(drop_in.leader)
    url = page_url("group", drop_in, drop_in.team.public_id)

    def add(first, n):
        for i in range(first, first + n):
            meeting = services.group_meeting_create(
                actor=drop_in.leader, group=drop_in.team, held_on=SET_UP + datetime.timedelta(days=7 * i + 1)
            )
            services.group_decision_add(actor=drop_in.leader, meeting=meeting, text=f"Beslutning {i}")
            services.group_member_add(actor=drop_in.leader, group=drop_in.team, name=f"Person {i}", member_from=SET_UP)

    add(0, 2)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    add(2, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_organisation_and_meeting_pages_cost_the_same_queries_with_more_rows(client, drop_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(drop_in.leader)
    meetings = []

    def add(first, n):
        for i in range(first, first + n):
            meeting = services.group_meeting_create(
                actor=drop_in.leader, group=drop_in.team, held_on=SET_UP + datetime.timedelta(days=7 * i + 1)
            )
            services.group_decision_add(actor=drop_in.leader, meeting=meeting, text=f"Beslutning {i}", owner="Lone")
            services.group_member_add(actor=drop_in.leader, group=drop_in.team, name=f"Person {i}", member_from=SET_UP)
            services.group_member_add(
                actor=drop_in.leader, group=drop_in.steering, name=f"Styregruppe {i}", member_from=SET_UP
            )
            services.group_create(
                actor=drop_in.leader,
                programme=drop_in.programme,
                kind=GroupKind.WORKING_GROUP,
                name=f"Gruppe {i}",
                cadence_days=None,
            )
            meetings.append(meeting)

    def counts():
        urls = [page_url("organisation", drop_in), page_url("meeting", drop_in, meetings[-1].public_id)]
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return found

    add(0, 2)
    few = counts()
    add(2, 20)  # the last meeting follows up twenty-one open decisions of earlier meetings
    assert counts() == few
