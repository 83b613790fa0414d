"""The import of one consumption file into the database, in one transaction.

PostgreSQL: the checked rows are streamed in batches with COPY into temporary staging tables, then moved
with one `INSERT … SELECT … ON CONFLICT DO NOTHING` (the occurrence number of identical rows is worked out
there with a window function, so Python never holds more than one batch). Every other database (SQLite
in development and tests): `bulk_create(ignore_conflicts=True)` per batch.

Memory: one batch of rows, plus one cache entry per distinct person (the Fernet encryption and the blind
index are computed once per person, not per row). It does not grow with the number of rows.
"""

import time
from collections import Counter
from collections.abc import Callable

from django.db import connection
from django.db.models import Exists, OuterRef, Subquery

from samspil.citizens import cpr
from samspil.citizens.models import Citizen
from samspil.organisations.models import Department
from samspil.segmentation import reader
from samspil.segmentation.models import ConsumptionRecord, ConsumptionSubject

BATCH_SIZE = 50_000
STAGE_ROWS = "segmentation_stage_rows"
STAGE_SUBJECTS = "segmentation_stage_subjects"
NULL = "\\N"  # NULL in COPY text format

ProgressCallback = Callable[[str, int, float], None]  # phase, rows read, fraction of the file


BAD_ROWS_KEPT = 10_000  # the first bad rows are kept on the job; the rest are only counted
LOCK_NAMESPACE = 0x5E6  # first key of the advisory lock; the second is the municipality's id


class ImportResult:
    def __init__(self):
        self.rows_read = 0
        self.rows_imported = 0
        self.rows_present = 0
        self.bad_count = 0
        self.bad_rows: list[list] = []  # the first BAD_ROWS_KEPT, as [line, reason code]
        self.timings: dict[str, float] = {}

    def add_bad(self, line: int, code: str) -> None:
        self.bad_count += 1
        if len(self.bad_rows) < BAD_ROWS_KEPT:
            self.bad_rows.append([line, code])

    @property
    def good_rows(self) -> int:
        return self.rows_read - self.bad_count


def _department_ids(municipality_id: int) -> dict[str, int]:
    return {
        name.strip().casefold(): pk
        for pk, name in Department.objects.filter(municipality_id=municipality_id).values_list("pk", "name")
    }


def _link_citizens(municipality_id: int) -> None:
    """Link persons to the registered citizen with the same CPR number (the same blind index)."""
    same_cpr = Citizen.objects.filter(municipality_id=municipality_id, cpr_index=OuterRef("cpr_index"))
    ConsumptionSubject.objects.filter(municipality_id=municipality_id, citizen__isnull=True).filter(
        Exists(same_cpr)
    ).update(citizen=Subquery(same_cpr.values("pk")[:1]))


def lock_municipality(municipality_id: int, *, on_wait: Callable[[], None]) -> None:
    """One import per municipality at a time (PostgreSQL): two overlapping imports would insert the same
    persons in opposite orders and could deadlock. Held until the import's transaction ends; `on_wait` is
    called once when another import holds it, before waiting."""
    if connection.vendor != "postgresql":
        return  # SQLite lets one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, municipality_id])
        if cursor.fetchone()[0]:
            return
        on_wait()
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, municipality_id])


def run(*, job, path: str, save: bool, on_progress: ProgressCallback) -> ImportResult:
    """Read and check the whole file; write its good rows when `save` allows (see `save` below).

    `save(result)` is asked after the first bad row: in all-or-nothing mode it answers False, and from then
    on the file is only checked (every bad row is still reported) and nothing is written. Call inside
    `transaction.atomic()`: the caller rolls back when the result must not be kept. Waits (phase "queued")
    while another import of the same municipality runs.
    """
    lock_municipality(job.municipality_id, on_wait=lambda: on_progress("queued", 0, 0.0))
    if connection.vendor == "postgresql":
        return _PostgresImport(job, path, save, on_progress).run()
    return _GenericImport(job, path, save, on_progress).run()


class _Import:
    def __init__(self, job, path, save, on_progress):
        self.job, self.path, self.save, self.on_progress = job, path, save, on_progress
        self.municipality_id = job.municipality_id
        self.result = ImportResult()
        self.checker = reader.RowChecker()
        self.departments = _department_ids(self.municipality_id)
        self.writing = True

    def department_id(self, name: str) -> int | None:
        return self.departments.get(name.casefold())

    def run(self) -> ImportResult:
        started = time.monotonic()
        self.prepare()
        batch = []
        fraction = 0.0
        written = 0.0
        for line, cells, fraction in reader.rows(self.path, self.job.file_name):
            self.result.rows_read += 1
            checked = self.checker.check(line, cells)
            if isinstance(checked, str):
                self.result.add_bad(line, checked)
                if self.writing and not self.save(self.result):
                    self.writing = False
                    batch = []
                continue
            if self.writing:
                batch.append(checked)
                if len(batch) >= BATCH_SIZE:
                    moment = time.monotonic()
                    self.write_batch(batch)
                    written += time.monotonic() - moment
                    batch = []
            if self.result.rows_read % 10_000 == 0:
                self.on_progress("reading", self.result.rows_read, fraction)
        if self.writing and batch:
            moment = time.monotonic()
            self.write_batch(batch)
            written += time.monotonic() - moment
        self.on_progress("saving", self.result.rows_read, 1.0)
        self.result.timings["read_and_stage"] = round(time.monotonic() - started, 3)
        self.result.timings["of_which_staging"] = round(written, 3)
        if self.writing:
            moment = time.monotonic()
            self.finish()
            self.result.timings["save"] = round(time.monotonic() - moment, 3)
        self.result.rows_present = self.result.good_rows - self.result.rows_imported if self.writing else 0
        return self.result

    def prepare(self):
        pass

    def write_batch(self, batch):
        raise NotImplementedError

    def finish(self):
        raise NotImplementedError


def _copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _PostgresImport(_Import):
    def prepare(self):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            # ON COMMIT DROP is enough in production; inside an enclosing transaction (tests) drop them here.
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE_ROWS}, {STAGE_SUBJECTS}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE_ROWS} (line integer, cpr_index varchar(64), department text, "
                "department_id bigint, service_code text, service_name text, period_start date, period_end date, "
                "amount numeric(14, 2), row_hash uuid) ON COMMIT DROP"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE_SUBJECTS} (cpr_index varchar(64), cpr_encrypted text, "
                "birth_date date) ON COMMIT DROP"
            )
        # Persons already in the database are not encrypted again.
        self.known = set(
            ConsumptionSubject.objects.filter(municipality_id=self.municipality_id).values_list("cpr_index", flat=True)
        )

    def write_batch(self, batch):
        lines, people = [], []
        for row in batch:
            department_id = self.department_id(row.department)
            department_id = NULL if department_id is None else department_id
            lines.append(
                f"{row.line}\t{row.cpr_index}\t{_copy_text(row.department)}\t"
                f"{department_id}\t{_copy_text(row.service_code)}\t"
                f"{_copy_text(row.service_name)}\t{row.period_start}\t{row.period_end}\t{row.amount}\t{row.row_hash}\n"
            )
            if row.cpr_index not in self.known:
                self.known.add(row.cpr_index)
                people.append(f"{row.cpr_index}\t{cpr.encrypt(row.cpr_digits)}\t{row.birth_date}\n")
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {STAGE_ROWS} FROM STDIN") as copy:
                copy.write("".join(lines))
            if people:
                with raw.copy(f"COPY {STAGE_SUBJECTS} FROM STDIN") as copy:
                    copy.write("".join(people))

    def finish(self):
        subject_table = ConsumptionSubject._meta.db_table
        record_table = ConsumptionRecord._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                # Table names are constants of this module and the model, never input.
                f"INSERT INTO {subject_table} (public_id, created_at, updated_at, municipality_id, "  # noqa: S608
                "cpr_encrypted, cpr_index, birth_date) "
                "SELECT gen_random_uuid(), now(), now(), %s, cpr_encrypted, cpr_index, birth_date "
                f"FROM {STAGE_SUBJECTS} ON CONFLICT (municipality_id, cpr_index) DO NOTHING",
                [self.municipality_id],
            )
            cursor.execute(f"ANALYZE {STAGE_ROWS}")
            cursor.execute(
                f"INSERT INTO {record_table} (municipality_id, subject_id, source_import_id, department, "  # noqa: S608
                "department_ref_id, service_code, service_name, period_start, period_end, amount_dkk, row_hash, "
                "occurrence) "
                "SELECT %s, subject.id, %s, staged.department, staged.department_id, staged.service_code, "
                "staged.service_name, staged.period_start, staged.period_end, staged.amount, staged.row_hash, "
                "row_number() OVER (PARTITION BY staged.row_hash ORDER BY staged.line) "
                f"FROM {STAGE_ROWS} staged JOIN {subject_table} subject "
                "ON subject.municipality_id = %s AND subject.cpr_index = staged.cpr_index "
                "ON CONFLICT (municipality_id, row_hash, occurrence) DO NOTHING",
                [self.municipality_id, self.job.pk, self.municipality_id],
            )
            self.result.rows_imported = cursor.rowcount
        _link_citizens(self.municipality_id)


class _GenericImport(_Import):
    def prepare(self):
        self.subject_ids: dict[str, int] = {}
        self.occurrences: Counter = Counter()
        self.before = ConsumptionRecord.objects.filter(municipality_id=self.municipality_id).count()

    def write_batch(self, batch):
        missing = {row.cpr_index: row for row in batch if row.cpr_index not in self.subject_ids}
        if missing:
            found = dict(
                ConsumptionSubject.objects.filter(
                    municipality_id=self.municipality_id, cpr_index__in=list(missing)
                ).values_list("cpr_index", "pk")
            )
            new = []
            for index, row in missing.items():
                if index not in found:
                    subject = ConsumptionSubject(municipality_id=self.municipality_id)
                    subject.set_cpr(row.cpr_digits)
                    new.append(subject)
            ConsumptionSubject.objects.bulk_create(new, ignore_conflicts=True)
            if new:
                found.update(
                    ConsumptionSubject.objects.filter(
                        municipality_id=self.municipality_id, cpr_index__in=[subject.cpr_index for subject in new]
                    ).values_list("cpr_index", "pk")
                )
            self.subject_ids.update(found)
        records = []
        for row in batch:
            self.occurrences[row.row_hash] += 1
            records.append(
                ConsumptionRecord(
                    municipality_id=self.municipality_id,
                    subject_id=self.subject_ids[row.cpr_index],
                    source_import_id=self.job.pk,
                    department=row.department,
                    department_ref_id=self.department_id(row.department),
                    service_code=row.service_code,
                    service_name=row.service_name,
                    period_start=row.period_start,
                    period_end=row.period_end,
                    amount_dkk=row.amount,
                    row_hash=row.row_hash,
                    occurrence=self.occurrences[row.row_hash],
                )
            )
        ConsumptionRecord.objects.bulk_create(records, ignore_conflicts=True, batch_size=2_000)

    def finish(self):
        after = ConsumptionRecord.objects.filter(municipality_id=self.municipality_id).count()
        self.result.rows_imported = after - self.before
        _link_citizens(self.municipality_id)
