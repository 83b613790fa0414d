"""Test data for segmentation: consumption files written to disk, and imports run through the service."""

import datetime

from samspil.organisations.choices import DepartmentKind, StaffRole
from samspil.segmentation import services
from samspil.segmentation.choices import ImportMode
from samspil.segmentation.reader import COLUMNS
from tests import factories as f


def row(
    cpr,
    *,
    department="Jobcenter",
    code="JC1",
    name="Ressourceforløb",
    start="2026-01-01",
    end="2026-01-31",
    amount="100.00",
):
    return [cpr, department, code, name, start, end, amount]


def write_csv(path, rows, *, delimiter=";", bom=False, header=COLUMNS):
    lines = [delimiter.join(header)] + [delimiter.join(str(cell) for cell in cells) for cells in rows]
    path.write_bytes(("\ufeff" if bom else "").encode() + ("\n".join(lines) + "\n").encode())
    return path


def write_xlsx(path, rows, *, header=COLUMNS):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for cells in rows:
        sheet.append(list(cells))
    workbook.save(path)
    return path


def run_import(municipality, path, *, mode=ImportMode.ALL_OR_NOTHING, actor=None):
    job = services.consumption_import_for_path(municipality_id=municipality.pk, path=str(path), mode=mode, actor=actor)
    return services.consumption_import_run(job=job, path=str(path))


def controller(municipality=None):
    department = f.DepartmentFactory(
        municipality=municipality or f.MunicipalityFactory(), kind=DepartmentKind.OTHER, name="Økonomi"
    )
    return f.make_staff(department, role=StaffRole.CONTROLLER)


def people_with_costs(tmp_path, municipality, costs, *, departments=None):
    """One person per cost (whole kroner), each in `departments[i]` departments (default 1); imported."""
    rows = []
    for i, cost in enumerate(costs):
        cpr = f.random_cpr(born=datetime.date(1980, 1, 1) + datetime.timedelta(days=i))
        reach = departments[i] if departments else 1
        for d in range(reach):
            share = cost if d == 0 else 0
            rows.append(row(cpr, department=f"Afdeling {d}", amount=f"{share}.00"))
    return run_import(municipality, write_csv(tmp_path / "people.csv", rows))
