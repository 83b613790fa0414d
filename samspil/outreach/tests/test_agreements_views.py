"""The hub, the agreement pages and the timetables as users meet them: who sees what, what a form answers, the
version on edit, the signed document's download, and constant query counts. Danish texts are asserted after the
translations are merged; these tests check statuses, data, URLs and element ids."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.organisations.choices import StaffRole
from samspil.outreach import views_agreements
from samspil.outreach.choices import Element, Weekday
from samspil.outreach.models import CooperationAgreement, OutreachHours
from samspil.outreach.tests.factories import make_agreement, make_centre, make_hours
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% Samarbejdsaftale\n%%EOF\n"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def leader(world):
    return f.make_staff(world.children, StaffRole.PROJECT_LEADER)


@pytest.fixture
def centre(world):
    return make_centre(world.municipality)


@pytest.fixture
def agreement(centre):
    return make_agreement(centre, elements=[Element.OUTREACH_CASEWORK, Element.GROUP_ACTIVITIES])


def form_errors(response, key):
    """The field names with errors on the page's form `key` (or its only form)."""
    context = response.context
    form = context["forms"][key] if "forms" in context and key in context["forms"] else context["form"]
    return set(form.errors)


# --- the hub and the menu ---------------------------------------------------------------------------------------


def test_the_hub_shows_todays_hours_at_each_centre(client, world, agreement):
    today = timezone.localdate()
    make_hours(agreement, world.jobs, weekday=today.weekday(), staff=world.jobworker)
    make_hours(agreement, world.health, weekday=(today.weekday() + 1) % 7)
    client.force_login(world.head)
    response = client.get(reverse("outreach:home"))
    assert response.status_code == 200
    [(centre, hours)] = response.context["today_hours"]
    assert centre == agreement.centre and [h.department for h in hours] == [world.jobs]
    content = response.content.decode()
    assert f'id="today-{centre.public_id}"' in content
    assert world.jobworker.get_full_name() in content
    assert reverse("outreach:timetable") in content and reverse("outreach:agreements") in content
    assert not AccessLogEntry.objects.exists()


def test_the_hub_links_only_to_pages_that_exist_and_the_user_may_use(client, world):
    assert views_agreements.resolved_url(("outreach:findes_ikke", "outreach:timetable")) == "/vaeresteder/tidsplan/"
    assert views_agreements.resolved_url(("outreach:findes_ikke",)) is None
    client.force_login(world.head)  # no case role: no registrations, no appointments
    labels = [str(link["label"]) for link in client.get(reverse("outreach:home")).context["links"]]
    client.force_login(world.coordinator)
    case_labels = [str(link["label"]) for link in client.get(reverse("outreach:home")).context["links"]]
    assert labels[:3] == case_labels[:3]  # timetable, agreements, activities for every staff member
    for names, allowed, label in views_agreements.HUB_LINKS:
        exists = views_agreements.resolved_url(names) is not None
        assert (str(label) in case_labels) == (exists and allowed(world.coordinator))
        assert (str(label) in labels) == (exists and allowed(world.head))


def test_the_menu_has_the_drop_in_centres_for_staff(client, world):
    client.force_login(world.outsider)
    content = client.get(reverse("outreach:timetable")).content.decode()
    assert 'href="/vaeresteder/"' in content


def test_the_hub_is_closed_to_other_accounts(client, world):
    citizen_account = f.portal_account(world.citizen)
    client.force_login(citizen_account)
    assert client.get(reverse("outreach:home")).status_code == 404
    client.logout()
    assert client.get(reverse("outreach:home")).status_code == 302


# --- agreements -------------------------------------------------------------------------------------------------


def test_the_list_shows_each_agreement_with_its_state(client, world, centre):
    today = timezone.localdate()
    soon = make_agreement(centre, renew_on=today + 30 * DAY, title="Fornyes")
    ended = make_agreement(centre, starts_on=today - 400 * DAY, ends_on=today - DAY, title="Slut")
    bare = make_centre(world.municipality, name="Værestedet Uden Aftale")
    client.force_login(world.outsider)
    response = client.get(reverse("outreach:agreements"))
    assert response.status_code == 200
    states = {row.agreement.pk: row.state for row in response.context["rows"]}
    assert states == {soon.pk: "renew_soon", ended.pk: "ended"}
    assert response.context["without"] == [bare]
    content = response.content.decode()
    assert reverse("outreach:agreements_detail", args=[soon.public_id]) in content
    assert reverse("outreach:agreements_create") not in content  # not the project leader


def test_the_centre_page(client, world, agreement):
    client.force_login(world.coordinator)
    response = client.get(reverse("outreach:agreements_centre", args=[agreement.centre.public_id]))
    assert response.status_code == 200
    assert [row.agreement for row in response.context["rows"]] == [agreement]
    assert reverse("outreach:timetable_centre", args=[agreement.centre.public_id]) in response.content.decode()


def test_a_centre_of_another_municipality_is_not_found(client, world):
    elsewhere = make_centre(world.other_municipality)
    client.force_login(world.coordinator)
    assert client.get(reverse("outreach:agreements_centre", args=[elsewhere.public_id])).status_code == 404
    assert client.get(reverse("outreach:timetable_centre", args=[elsewhere.public_id])).status_code == 404


def _agreement_post(centre, **fields):
    data = {
        "centre": centre.public_id,
        "title": "Samarbejdsaftale med Havnen",
        "elements": [Element.OUTREACH_CASEWORK, Element.SUPPORT_CONTACT],
        "starts_on": "01.01.2026",
        "renew_on": "01.10.2026",
        "ends_on": "",
        "note": "",
        "programme": "",
    }
    data.update(fields)
    return data


def test_the_project_leader_creates_an_agreement_and_staff_download_its_document(client, world, leader, centre):
    client.force_login(leader)
    url = reverse("outreach:agreements_create")
    page = client.get(f"{url}?sted={centre.public_id}")
    assert page.status_code == 200 and page.context["form"]["centre"].value() == centre.public_id
    upload = SimpleUploadedFile("Aftale med Havnen.pdf", PDF, content_type="application/pdf")
    response = client.post(url, _agreement_post(centre, document=upload, programme=world.programme.public_id))
    agreement = CooperationAgreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:agreements_detail", args=[agreement.public_id])
    assert agreement.programme == world.programme and agreement.elements == ["fremskudt_sagsbehandling", "skp"]

    client.force_login(world.outsider)
    download = client.get(reverse("outreach:agreements_document", args=[agreement.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_agreement_without_a_document_has_no_download(client, world, agreement):
    client.force_login(world.outsider)
    assert client.get(reverse("outreach:agreements_document", args=[agreement.public_id])).status_code == 404


def test_a_bad_agreement_form_saves_nothing(client, leader, centre):
    client.force_login(leader)
    bad_file = SimpleUploadedFile("aftale.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("outreach:agreements_create"),
        _agreement_post(centre, elements=[], ends_on="01.12.2025", document=bad_file),
    )
    assert response.status_code == 422
    assert form_errors(response, None) == {"elements", "ends_on", "renew_on"}
    response = client.post(reverse("outreach:agreements_create"), _agreement_post(centre, document=bad_file))
    assert response.status_code == 422 and form_errors(response, None) == {"document"}
    assert not CooperationAgreement.objects.exists()


def test_only_the_project_leader_creates_and_edits(client, world, agreement):
    client.force_login(world.coordinator)
    assert client.get(reverse("outreach:agreements_create")).status_code == 404
    assert client.get(reverse("outreach:agreements_edit", args=[agreement.public_id])).status_code == 404
    detail = reverse("outreach:agreements_detail", args=[agreement.public_id])
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"action": "hours_add"}).status_code == 403


def test_editing_on_a_stale_version_shows_the_saved_values(client, leader, agreement):
    client.force_login(leader)
    url = reverse("outreach:agreements_edit", args=[agreement.public_id])
    form = client.get(url).context["form"]
    assert form["version"].value() == 1
    data = _agreement_post(agreement.centre, title="Første ændring", elements=agreement.elements, version=1)
    data.pop("centre")
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": "Anden ændring"})  # still version 1
    assert response.status_code == 422
    assert response.context["form"].non_field_errors()
    assert response.context["form"]["version"].value() == "2"  # a second save is a deliberate overwrite
    assert response.context["saved"].title == "Første ændring"
    assert 'id="saved-values"' in response.content.decode()
    assert CooperationAgreement.objects.get().title == "Første ændring"
    assert client.post(url, {**data, "title": "Anden ændring", "version": 2}).status_code == 302
    assert CooperationAgreement.objects.get().title == "Anden ændring"


def test_hours_and_contacts_on_the_agreement_page(client, world, leader, agreement):
    client.force_login(leader)
    url = reverse("outreach:agreements_detail", args=[agreement.public_id])
    hours = {
        "action": "hours_add",
        "hours_add-department": world.jobs.public_id,
        "hours_add-element": Element.OUTREACH_CASEWORK,
        "hours_add-weekday": Weekday.TUESDAY,
        "hours_add-starts_at": "10.00",
        "hours_add-ends_at": "12.00",
        "hours_add-staff": world.jobworker.public_id,
    }
    assert client.post(url, hours).status_code == 302
    overlapping = client.post(url, {**hours, "hours_add-starts_at": "11.30", "hours_add-ends_at": "13.00"})
    assert overlapping.status_code == 422
    assert form_errors(overlapping, "hours_add") == {"starts_at"}
    assert overlapping.context["open_form"] == "hours_add"
    backwards = client.post(url, {**hours, "hours_add-starts_at": "14.00", "hours_add-ends_at": "13.00"})
    assert form_errors(backwards, "hours_add") == {"ends_at"}
    assert OutreachHours.objects.count() == 1

    contact = {"action": "contact_add", "contact_add-side": "centre", "contact_add-name": "Vera Værested"}
    assert client.post(url, contact).status_code == 302
    page = client.get(url)
    [saved] = page.context["centre_contacts"]
    assert saved.name == "Vera Værested"
    assert [h.starts_at for h in page.context["hours"]] == [datetime.time(10)]

    removed = client.post(url, {"action": "contact_remove", "contact_remove-row": saved.public_id})
    assert removed.status_code == 302 and not agreement.contacts.exists()
    again = client.post(url, {"action": "contact_remove", "contact_remove-row": saved.public_id})
    assert again.status_code == 422 and again.context["page_error"]
    hour = OutreachHours.objects.get()
    assert client.post(url, {"action": "hours_remove", "hours_remove-row": hour.public_id}).status_code == 302
    assert not OutreachHours.objects.exists()


# --- the timetable ----------------------------------------------------------------------------------------------


def test_the_timetable_on_a_chosen_date(client, world, centre):
    today = timezone.localdate()
    current = make_agreement(centre, starts_on=today - 10 * DAY, renew_on=today + 10 * DAY)
    coming = make_agreement(centre, starts_on=today + 20 * DAY, title="Næste år")
    make_hours(current, world.jobs, weekday=Weekday.MONDAY)
    make_hours(coming, world.health, weekday=Weekday.THURSDAY)
    client.force_login(world.outsider)
    url = reverse("outreach:timetable")

    now = client.get(url)
    assert now.status_code == 200 and now.context["day"] == today
    assert [len(d.hours) for d in now.context["days"]] == [1, 0, 0, 0, 0]
    assert "badge-warning" in now.content.decode()  # up for renewal within 60 days

    later = client.get(url, {"dato": (today + 30 * DAY).strftime("%d.%m.%Y")})
    assert [len(d.hours) for d in later.context["days"]] == [1, 0, 0, 1, 0]

    wrong = client.get(url, {"dato": "31.02.2026"})
    assert wrong.status_code == 200 and wrong.context["day"] == today
    assert set(wrong.context["date_form"].errors) == {"dato"}


def test_the_timetables_query_count_does_not_grow_with_the_hours(client, world, django_assert_max_num_queries):
    client.force_login(world.outsider)

    def fill(count):
        for n in range(count):
            centre = make_centre(world.municipality, name=f"Værestedet {count}-{n}")
            agreement = make_agreement(centre)
            make_hours(agreement, world.jobs, weekday=n % 5, staff=world.jobworker)

    fill(5)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("outreach:timetable")).status_code == 200
        assert client.get(reverse("outreach:home")).status_code == 200
    fill(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("outreach:timetable")).status_code == 200
        assert client.get(reverse("outreach:home")).status_code == 200
