import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from samspil.audit.choices import AccessPurpose
from samspil.audit.models import AccessLogEntry
from samspil.citizens import cpr as cpr_module
from samspil.organisations.choices import StaffRole
from samspil.segmentation.choices import ImportStatus
from samspil.segmentation.models import CandidateClassification, CandidateRule, ConsumptionImport, ConsumptionSubject
from samspil.segmentation.tests.factories import controller, people_with_costs, row, write_csv
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(tmp_path):
    user = controller()
    people_with_costs(tmp_path, user.municipality, [100, 200, 300, 400, 500], departments=[3, 3, 1, 1, 3])
    return user


def candidate(boss):
    return ConsumptionSubject.objects.filter(municipality=boss.municipality).order_by("birth_date").first()


def get_pages(client, user):
    subject = ConsumptionSubject.objects.filter(municipality=user.municipality).first()
    client.force_login(user)
    urls = [
        reverse("segmentation:overview"),
        reverse("segmentation:candidates"),
        reverse("segmentation:candidate", args=[subject.public_id]),
    ]
    return [client.get(url).status_code for url in urls]


def test_the_controller_sees_the_pages(client, boss):
    assert get_pages(client, boss) == [200, 200, 200]


@pytest.mark.parametrize("role", [StaffRole.CASEWORKER, StaffRole.DEPARTMENT_HEAD, StaffRole.TEAM_LEADER])
def test_other_roles_get_404(client, boss, role):
    other = f.make_staff(f.DepartmentFactory(municipality=boss.municipality), role=role)
    client.force_login(other)
    subject = candidate(boss)
    for url in (
        reverse("segmentation:overview"),
        reverse("segmentation:candidates"),
        reverse("segmentation:candidate", args=[subject.public_id]),
        reverse("segmentation:import", args=[ConsumptionImport.objects.first().public_id]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("segmentation:classify", args=[subject.public_id]), {"citizen_type": 1}).status_code == 404
    )


def test_a_controller_of_another_municipality_gets_404_for_our_candidate(client, boss):
    outsider = controller()
    client.force_login(outsider)
    assert client.get(reverse("segmentation:candidate", args=[candidate(boss).public_id])).status_code == 404
    assert client.get(reverse("segmentation:candidates")).status_code == 200  # their own (empty) list
    job = ConsumptionImport.objects.get(municipality=boss.municipality)
    for name in ("import", "import_progress", "import_bad_rows"):
        assert client.get(reverse(f"segmentation:{name}", args=[job.public_id])).status_code == 404
    assert (
        client.post(reverse("segmentation:classify", args=[candidate(boss).public_id]), {"citizen_type": 1}).status_code
        == 404
    )


def test_anonymous_is_sent_to_log_in(client, boss):
    response = client.get(reverse("segmentation:overview"))
    assert response.status_code == 302 and "log-ind" in response.url


def test_the_segmentation_roles_follow_the_setting(client, boss, settings):
    head = f.make_staff(f.DepartmentFactory(municipality=boss.municipality), role=StaffRole.DEPARTMENT_HEAD)
    settings.SAMSPIL_SEGMENTATION_ROLES = ["department_head"]
    client.force_login(head)
    assert client.get(reverse("segmentation:overview")).status_code == 200


def test_the_overview_shows_figures_but_logs_no_person(client, boss):
    client.force_login(boss)
    response = client.get(reverse("segmentation:overview"))
    assert "segmentation-curve" in response.content.decode()
    assert not AccessLogEntry.objects.filter(actor=boss).exists()


def test_the_candidate_list_logs_every_person_shown(client, boss):
    client.force_login(boss)
    response = client.get(reverse("segmentation:candidates"))
    rows = response.context["rows"]
    assert len(rows) == 3  # default rule: 3 departments (100, 200, 500 kr.) OR the top 5 % (500 kr., already in)
    logged = AccessLogEntry.objects.filter(actor=boss, shown="segmentation.candidates")
    assert sorted(logged.values_list("subject_index", flat=True)) == sorted(r.subject.cpr_index for r in rows)
    assert {entry.purpose for entry in logged} == {AccessPurpose.SEGMENTATION}
    assert all(entry.citizen_id is None for entry in logged)
    content = response.content.decode()
    for r in rows:
        assert r.subject.reference in content and r.subject.reveal_cpr() not in content
        assert cpr_module.formatted(r.subject.reveal_cpr()) not in content


def test_the_candidate_page_logs_the_person_with_the_citizen_when_registered(client, boss):
    subject = candidate(boss)
    citizen = f.CitizenFactory(municipality=boss.municipality, cpr=subject.reveal_cpr())
    subject.citizen = citizen
    subject.save()
    client.force_login(boss)
    assert client.get(reverse("segmentation:candidate", args=[subject.public_id])).status_code == 200
    entry = AccessLogEntry.objects.get(actor=boss, shown="segmentation.candidate")
    assert (entry.citizen, entry.subject_index) == (citizen, subject.cpr_index)


def _candidates_of(count, tmp_path):
    user = controller()
    people_with_costs(tmp_path, user.municipality, range(1, count + 1), departments=[3] * count)
    return user


def test_the_candidate_page_query_count_is_constant(client, tmp_path, django_assert_max_num_queries):
    counts = []
    for size, folder in ((5, "small"), (60, "large")):
        (tmp_path / folder).mkdir()
        user = _candidates_of(size, tmp_path / folder)
        for subject in ConsumptionSubject.objects.filter(municipality=user.municipality)[:3]:
            CandidateClassification.objects.create(
                municipality=user.municipality, subject=subject, citizen_type=2, classified_by=user
            )
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("segmentation:candidates"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(reverse("segmentation:candidates"))


def test_the_rule_is_saved_per_municipality(client, boss):
    client.force_login(boss)
    response = client.post(
        reverse("segmentation:rule"),
        {"min_departments": "", "top_percent": "", "min_total_dkk": "450", "combination": "all", "expected_version": 0},
    )
    assert response.status_code == 302
    rule = CandidateRule.objects.get(municipality=boss.municipality)
    assert (rule.min_departments, rule.top_percent, rule.combination) == (None, None, "all")
    assert len(client.get(reverse("segmentation:candidates")).context["rows"]) == 1
    stale = client.post(
        reverse("segmentation:rule"),
        {"min_departments": "2", "combination": "any", "expected_version": 0},
    )
    assert stale.status_code == 422


def test_classifying_keeps_the_history(client, boss):
    subject = candidate(boss)
    client.force_login(boss)
    url = reverse("segmentation:classify", args=[subject.public_id])
    assert client.post(url, {"citizen_type": 3, "note": "kontanthjælp"}).status_code == 302
    assert client.post(url, {"citizen_type": 4}).status_code == 302
    assert client.post(url, {"citizen_type": 9}).status_code == 422
    history = list(CandidateClassification.objects.filter(subject=subject).order_by("created_at", "id"))
    assert [(c.citizen_type, c.classified_by) for c in history] == [(3, boss), (4, boss)]
    page = client.get(reverse("segmentation:candidates"))
    assert "Type 4" in page.content.decode()


def test_upload_runs_the_import_and_the_job_page_shows_it_done(client, boss, settings, tmp_path):
    settings.SAMSPIL_SEGMENTATION_IMPORT_INLINE = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = write_csv(tmp_path / "upload.csv", [row(f.random_cpr()), row("bad")])
    client.force_login(boss)
    with open(path, "rb") as file:
        response = client.post(reverse("segmentation:upload"), {"file": file, "mode": "skip_bad_rows"})
    assert response.status_code == 302
    job = ConsumptionImport.objects.get(file_name="upload.csv")
    assert (job.status, job.rows_imported, job.rows_bad, job.created_by) == (ImportStatus.DONE, 1, 1, boss)
    assert not list((tmp_path / "media" / "segmentation").iterdir())  # the uploaded file is deleted once read
    page = client.get(response.url).content.decode()
    assert 'value="100"' in page and "<progress" in page
    progress = client.get(reverse("segmentation:import_progress", args=[job.public_id]))
    assert "hx-trigger" not in progress.content.decode()
    bad = client.get(reverse("segmentation:import_bad_rows", args=[job.public_id]))
    assert bad.content.decode().splitlines()[1].startswith("3;")


def test_upload_refuses_other_file_types(client, boss, tmp_path):
    client.force_login(boss)
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF")
    with open(path, "rb") as file:
        response = client.post(reverse("segmentation:upload"), {"file": file, "mode": "all_or_nothing"})
    assert response.status_code == 422
    assert not ConsumptionImport.objects.filter(file_name="a.pdf").exists()


def test_access_log_row_needs_a_citizen_or_an_index(boss):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        AccessLogEntry.objects.create(
            municipality=boss.municipality, actor=boss, shown="x", purpose="segmentation", request_id="t"
        )


def test_ages_are_shown_not_birth_dates(client, boss):
    client.force_login(boss)
    content = client.get(reverse("segmentation:candidates")).content.decode()
    subject = candidate(boss)
    assert f"{subject.birth_date:%d.%m.%Y}" not in content and str(subject.birth_date.year) in content
    assert datetime.date.today().year - subject.birth_date.year - 1 <= subject.age


# --- review fixes -------------------------------------------------------------------------------------------------


def test_a_refused_page_is_logged(client, boss, caplog):
    from samspil.audit.models import AuditEvent

    caseworker = f.make_staff(f.DepartmentFactory(municipality=boss.municipality))
    client.force_login(caseworker)
    url = reverse("segmentation:candidate", args=[candidate(boss).public_id])
    with caplog.at_level("WARNING", logger="samspil.audit"):
        assert client.get(url + "?side=2").status_code == 404
    event = AuditEvent.objects.get(code="access.denied", actor=caseworker)
    assert event.data == {"path": url} and event.pathway is None and event.municipality == boss.municipality
    assert any("access denied" in record.getMessage() for record in caplog.records)


def _upload(client, tmp_path, *, name="upload.csv"):
    path = write_csv(tmp_path / name, [row(f.random_cpr())])
    with open(path, "rb") as file:
        return client.post(reverse("segmentation:upload"), {"file": file, "mode": "skip_bad_rows"})


def test_a_broker_that_is_down_fails_the_job_with_a_message_not_a_500(
    client, boss, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from samspil.segmentation import tasks

    settings.SAMSPIL_SEGMENTATION_IMPORT_INLINE = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SAMSPIL_SEGMENTATION_UPLOAD_ROOT = str(tmp_path / "uploads")

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(tasks.import_consumption_task, "delay", broker_down)
    client.force_login(boss)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, tmp_path)
    assert response.status_code == 302
    job = ConsumptionImport.objects.get(file_name="upload.csv")
    assert job.status == ImportStatus.FAILED and job.error == str(tasks.NOT_QUEUED)
    assert not list((tmp_path / "uploads").iterdir())
    page = client.get(response.url).content.decode()
    assert escape(job.error) in page


def test_uploads_are_private_files(boss, settings, tmp_path):
    import stat

    from django.core.files.uploadedfile import SimpleUploadedFile

    from samspil.segmentation import services
    from samspil.segmentation.storage import upload_storage

    settings.MEDIA_ROOT = str(tmp_path / "media")
    job = services.consumption_import_create(
        actor=boss, uploaded_file=SimpleUploadedFile("a.csv", b"cpr;x\n"), mode="skip_bad_rows"
    )
    storage = upload_storage()
    stored = tmp_path / "media" / "segmentation" / job.stored_file
    assert storage.path(job.stored_file) == str(stored)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    with pytest.raises(ValueError):
        storage.url(job.stored_file)
    settings.SAMSPIL_SEGMENTATION_UPLOAD_ROOT = str(tmp_path / "private")
    other = services.consumption_import_create(
        actor=boss, uploaded_file=SimpleUploadedFile("b.csv", b"cpr;x\n"), mode="skip_bad_rows"
    )
    assert (tmp_path / "private" / other.stored_file).exists()


def test_the_job_page_says_when_only_the_first_bad_rows_are_kept(client, boss, tmp_path, monkeypatch):
    from samspil.segmentation import importer, views
    from samspil.segmentation.choices import ImportMode
    from samspil.segmentation.tests.factories import run_import

    monkeypatch.setattr(importer, "BAD_ROWS_KEPT", 2)
    monkeypatch.setattr(views, "BAD_ROWS_KEPT", 2)
    rows = [row(f.random_cpr())] + [row("bad")] * 4
    job = run_import(boss.municipality, write_csv(tmp_path / "b.csv", rows), mode=ImportMode.SKIP_BAD_ROWS)
    client.force_login(boss)
    page = client.get(reverse("segmentation:import", args=[job.public_id])).content.decode()
    assert 'id="bad-rows-kept"' in page and "2" in page and "4" in page
    bad = client.get(reverse("segmentation:import_bad_rows", args=[job.public_id])).content.decode()
    assert len(bad.splitlines()) == 3


def test_the_progress_poll_does_not_read_the_bad_rows(client, boss):
    job = ConsumptionImport.objects.create(municipality=boss.municipality, file_name="a.csv", sha256="0" * 64)
    client.force_login(boss)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("segmentation:import_progress", args=[job.public_id]))
    assert response.status_code == 200
    import_queries = [q["sql"] for q in queries if "segmentation_consumptionimport" in q["sql"]]
    assert import_queries and not any("bad_rows" in sql for sql in import_queries)
