import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from samspil.citizens import cpr as cpr_module
from samspil.segmentation.choices import ImportMode, ImportStatus
from samspil.segmentation.models import ConsumptionRecord, ConsumptionSubject
from samspil.segmentation.reader import COLUMNS
from samspil.segmentation.tests.factories import row, run_import, write_csv, write_xlsx
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality():
    return f.MunicipalityFactory()


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the msgids); the Danish catalogue is tested on its own."""
    with translation.override("en"):
        yield


def snapshot(municipality):
    return sorted(
        ConsumptionRecord.objects.filter(municipality=municipality).values_list(
            "subject__cpr_index", "department", "service_code", "period_start", "amount_dkk", "occurrence"
        )
    )


def test_import_saves_persons_encrypted_and_rows(tmp_path, municipality):
    cpr = f.random_cpr(born=datetime.date(1975, 6, 1))
    jobcentre = f.DepartmentFactory(municipality=municipality, name="Jobcenter")
    path = write_csv(tmp_path / "a.csv", [row(cpr, amount="100,50"), row(cpr, department="Sundhed", amount="10")])
    job = run_import(municipality, path)
    assert job.status == ImportStatus.DONE
    assert (job.rows_read, job.rows_imported, job.rows_present, job.rows_bad) == (2, 2, 0, 0)
    subject = ConsumptionSubject.objects.get(municipality=municipality)
    assert subject.cpr_index == cpr_module.blind_index(cpr) and subject.birth_date == datetime.date(1975, 6, 1)
    assert cpr not in subject.cpr_encrypted and subject.reveal_cpr() == cpr
    records = {r.department: r for r in ConsumptionRecord.objects.filter(subject=subject)}
    assert records["Jobcenter"].amount_dkk == Decimal("100.50") and records["Jobcenter"].department_ref == jobcentre
    assert records["Sundhed"].department_ref is None


def test_importing_the_same_file_again_changes_nothing(tmp_path, municipality):
    cpr = f.random_cpr()
    rows = [row(cpr), row(cpr), row(cpr, amount="5"), row(f.random_cpr())]
    path = write_csv(tmp_path / "a.csv", rows)
    first = run_import(municipality, path)
    before = snapshot(municipality)
    second = run_import(municipality, path)
    assert (first.rows_imported, first.rows_present) == (4, 0)
    assert (second.status, second.rows_imported, second.rows_present) == (ImportStatus.DONE, 0, 4)
    assert snapshot(municipality) == before
    assert ConsumptionSubject.objects.filter(municipality=municipality).count() == 2


def test_identical_rows_in_one_file_stay_two_rows_and_a_third_copy_adds_one(tmp_path, municipality):
    cpr = f.random_cpr()
    run_import(municipality, write_csv(tmp_path / "a.csv", [row(cpr), row(cpr)]))
    assert ConsumptionRecord.objects.filter(municipality=municipality).count() == 2
    job = run_import(municipality, write_csv(tmp_path / "b.csv", [row(cpr), row(cpr), row(cpr)]))
    assert (job.rows_imported, job.rows_present) == (1, 2)
    assert ConsumptionRecord.objects.filter(municipality=municipality).count() == 3


def test_the_same_rows_in_another_municipality_are_theirs(tmp_path, municipality):
    path = write_csv(tmp_path / "a.csv", [row(f.random_cpr())])
    run_import(municipality, path)
    other = f.MunicipalityFactory()
    assert run_import(other, path).rows_imported == 1


def test_all_or_nothing_imports_nothing_and_reports_every_bad_line(tmp_path, municipality):
    cpr = f.random_cpr()
    rows = [row(cpr), row("999999-9999"), row(cpr, amount="1.234,50"), row(cpr, start="2026-02-01", end="2026-01-01")]
    job = run_import(municipality, write_csv(tmp_path / "a.csv", rows))
    assert job.status == ImportStatus.REJECTED
    assert job.bad_rows == [[3, "cpr_date"], [4, "amount_grouping"], [5, "period_order"]]
    assert (job.rows_read, job.rows_bad, job.rows_imported) == (4, 3, 0)
    assert not ConsumptionRecord.objects.filter(municipality=municipality).exists()
    assert not ConsumptionSubject.objects.filter(municipality=municipality).exists()
    assert "999999" not in str(job.bad_rows) + job.error


def test_skip_bad_rows_imports_the_rest(tmp_path, municipality):
    good = f.random_cpr()
    rows = [row(good), row("12"), row(good, amount="7")]
    job = run_import(municipality, write_csv(tmp_path / "a.csv", rows), mode=ImportMode.SKIP_BAD_ROWS)
    assert job.status == ImportStatus.DONE
    assert job.bad_rows == [[3, "cpr_format"]]
    assert (job.rows_read, job.rows_imported, job.rows_bad) == (3, 2, 1)


def test_a_header_error_fails_the_import_with_a_clear_message(tmp_path, municipality):
    path = write_csv(tmp_path / "a.csv", [row(f.random_cpr())[:6]], header=["cpr", "department", "x"])
    job = run_import(municipality, path)
    assert job.status == ImportStatus.FAILED
    assert "missing" in job.error and "not expected: x" in job.error
    assert job.rows_read == 0


def test_xlsx_import(tmp_path, municipality):
    cpr = f.random_cpr()
    path = write_xlsx(tmp_path / "a.xlsx", [row(cpr, amount=12.5), row(cpr, amount="3,25")])
    job = run_import(municipality, path)
    assert (job.status, job.rows_imported) == (ImportStatus.DONE, 2)
    assert sum(r.amount_dkk for r in ConsumptionRecord.objects.filter(municipality=municipality)) == Decimal("15.75")


def test_a_registered_citizen_is_linked(tmp_path, municipality):
    citizen = f.CitizenFactory(municipality=municipality)
    run_import(municipality, write_csv(tmp_path / "a.csv", [row(citizen.reveal_cpr())]))
    assert ConsumptionSubject.objects.get(municipality=municipality).citizen == citizen


def test_the_command_line(tmp_path, municipality, capsys):
    path = write_csv(tmp_path / "a.csv", [row(f.random_cpr()), row("1")])
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_consumption", str(path), "--municipality", municipality.code)
    out = capsys.readouterr()
    assert "line 3:" in out.out and "[" in out.err  # the reason by line, and the progress bar
    call_command("import_consumption", str(path), "--municipality", municipality.code, "--skip-bad-rows")
    assert ConsumptionRecord.objects.filter(municipality=municipality).count() == 1


# --- an import always ends, and the uploaded file always goes ---------------------------------------------------


@pytest.fixture
def uploads(settings, tmp_path):
    settings.SAMSPIL_SEGMENTATION_UPLOAD_ROOT = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def upload(municipality, rows, *, name="forbrug.csv", mode=ImportMode.SKIP_BAD_ROWS):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samspil.segmentation import services
    from samspil.segmentation.tests.factories import controller

    if not hasattr(municipality, "controller"):
        municipality.controller = controller(municipality)
    content = "\n".join([";".join(COLUMNS)] + [";".join(cells) for cells in rows]).encode()
    return services.consumption_import_create(
        actor=municipality.controller, uploaded_file=SimpleUploadedFile(name, content), mode=mode
    )


def test_a_cache_that_is_down_does_not_stop_the_import(uploads, municipality, monkeypatch):
    from django.core.cache import cache

    from samspil.segmentation import services

    job = upload(municipality, [row(f.random_cpr())])
    assert list(uploads.iterdir())

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", down)
    job = services.consumption_import_run(job=job)
    assert (job.status, job.rows_imported) == (ImportStatus.DONE, 1)
    assert not list(uploads.iterdir())


def test_an_unexpected_failure_after_the_rows_ends_the_job_failed_and_deletes_the_file(
    uploads, municipality, monkeypatch
):
    from samspil.segmentation import services
    from samspil.segmentation.models import ConsumptionImport

    job = upload(municipality, [row(f.random_cpr())])
    save = ConsumptionImport.save

    def failing_final_save(self, *args, **kwargs):
        if not kwargs.get("update_fields"):
            raise RuntimeError("database gone")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(ConsumptionImport, "save", failing_final_save)
    services.consumption_import_run(job=job)
    job = ConsumptionImport.objects.get(pk=job.pk)
    assert job.status == ImportStatus.FAILED and job.error and job.finished_at
    assert "database gone" not in job.error
    assert not list(uploads.iterdir()) and job.stored_file == ""


def test_a_job_that_is_not_waiting_is_not_run_again(uploads, municipality):
    from samspil.segmentation import services

    job = upload(municipality, [row(f.random_cpr())])
    services.consumption_import_run(job=job)
    again = services.consumption_import_run(job=job)
    assert (again.status, again.rows_imported) == (ImportStatus.DONE, 1)
    assert ConsumptionRecord.objects.filter(municipality=municipality).count() == 1


def test_the_sweeper_fails_stuck_jobs_and_deletes_their_files(uploads, municipality):
    import datetime as dt
    import os

    from django.utils import timezone

    from samspil.segmentation import services
    from samspil.segmentation.models import ConsumptionImport

    stuck_queued = upload(municipality, [row(f.random_cpr())])
    stuck_running = upload(municipality, [row(f.random_cpr())])
    recent = upload(municipality, [row(f.random_cpr())])
    long_ago = timezone.now() - dt.timedelta(hours=7)
    ConsumptionImport.objects.filter(pk=stuck_queued.pk).update(created_at=long_ago)
    ConsumptionImport.objects.filter(pk=stuck_running.pk).update(status=ImportStatus.RUNNING, started_at=long_ago)
    orphan = uploads / "0123abcd.csv"  # a file whose job was never created
    orphan.write_bytes(b"cpr")
    os.utime(orphan, (long_ago.timestamp(), long_ago.timestamp()))

    assert services.consumption_import_sweep() == 2
    jobs = {job.pk: job for job in ConsumptionImport.objects.all()}
    assert jobs[stuck_queued.pk].status == jobs[stuck_running.pk].status == ImportStatus.FAILED
    assert "interrupted" in jobs[stuck_queued.pk].error
    assert jobs[recent.pk].status == ImportStatus.QUEUED
    assert sorted(path.name for path in uploads.iterdir()) == [recent.stored_file]
    call_command("segmentation_sweep", "--hours", "0")
    assert not list(uploads.iterdir())
    assert ConsumptionImport.objects.get(pk=recent.pk).status == ImportStatus.FAILED


def test_the_sweep_task_runs_the_sweeper(uploads, municipality):
    from samspil.segmentation.tasks import sweep_imports_task

    assert sweep_imports_task.run() == 0


# --- the file name shown never carries a CPR number ----------------------------------------------------------------


def test_digit_runs_in_the_file_name_are_hidden(uploads, municipality, tmp_path):
    cpr = f.random_cpr()
    job = upload(municipality, [row(f.random_cpr())], name=f"forbrug {cpr[:6]}-{cpr[6:]} 20261122.csv")
    assert job.file_name == "forbrug … ….csv"
    path = write_csv(tmp_path / f"{cpr}.csv", [row(f.random_cpr())])
    assert run_import(municipality, path).file_name == "….csv"


# --- bad rows: all counted, the first 10,000 kept ----------------------------------------------------------------


def test_only_the_first_bad_rows_are_kept_but_all_are_counted(tmp_path, municipality, monkeypatch):
    from samspil.segmentation import importer

    monkeypatch.setattr(importer, "BAD_ROWS_KEPT", 3)
    rows = [row(f.random_cpr())] + [row("bad")] * 5
    job = run_import(municipality, write_csv(tmp_path / "a.csv", rows), mode=ImportMode.SKIP_BAD_ROWS)
    assert (job.status, job.rows_read, job.rows_bad, job.rows_imported) == (ImportStatus.DONE, 6, 5, 1)
    assert job.bad_rows == [[3, "cpr_format"], [4, "cpr_format"], [5, "cpr_format"]]
    rejected = run_import(municipality, write_csv(tmp_path / "b.csv", rows))
    assert (rejected.status, rejected.rows_bad, len(rejected.bad_rows)) == (ImportStatus.REJECTED, 5, 3)


# --- one import per municipality at a time (PostgreSQL) ------------------------------------------------------------


def test_an_import_waits_for_another_import_of_the_municipality(tmp_path, municipality):
    import psycopg
    from django.db import connection

    from samspil.segmentation import importer

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    other = psycopg.connect(**params, autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [importer.LOCK_NAMESPACE, municipality.pk])
        phases = []

        def progress(phase, rows, fraction):
            phases.append(phase)
            if phase == "queued":  # the other import ends while this one waits
                other.execute("SELECT pg_advisory_unlock(%s, %s)", [importer.LOCK_NAMESPACE, municipality.pk])

        from samspil.segmentation import services

        job = services.consumption_import_for_path(
            municipality_id=municipality.pk, path=str(write_csv(tmp_path / "a.csv", [row(f.random_cpr())])), mode="x"
        )
        job.mode = ImportMode.ALL_OR_NOTHING
        job = services.consumption_import_run(job=job, path=str(tmp_path / "a.csv"), on_progress=progress)
        assert job.status == ImportStatus.DONE and phases[:2] == ["reading", "queued"]
        busy = other.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [importer.LOCK_NAMESPACE, municipality.pk]
        ).fetchone()[0]
        assert not busy  # the import's transaction (here: the test's) still holds it
    finally:
        other.close()
