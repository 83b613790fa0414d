"""Service-consumption data for the demo municipality, so the segmentation pages have something to show.

One import of a generated file for 2025: every demo citizen (their real demo CPR numbers, so candidates who
are already registered link to the citizen) plus a few hundred fictional persons, spread over the demo's
departments with costs skewed the way the models describe (a few persons hold much of the total). It goes
through the same import as an uploaded file. Idempotent: nothing happens when the municipality has an import.
"""

import datetime
import random
import tempfile
from pathlib import Path

from samspil.citizens.models import Citizen
from samspil.demo.bench_import import fictional_cpr
from samspil.organisations.models import Department
from samspil.segmentation import services
from samspil.segmentation.choices import ImportMode
from samspil.segmentation.models import ConsumptionImport

EXTRA_PERSONS = 400
YEAR = 2025
# (code, name) per department kind: what the source systems call the services.
SERVICES = {
    "job_centre": [("JC-KH", "Kontanthjælp"), ("JC-RF", "Ressourceforløb"), ("JC-MT", "Mentor")],
    "benefits": [("YC-BS", "Boligstøtte"), ("YC-EH", "Enkeltydelse")],
    "children_youth": [("BU-FB", "Familiebehandling"), ("BU-AN", "Anbringelse"), ("BU-KP", "Kontaktperson")],
    "children_disabilities": [("HB-TI", "Tabt arbejdsfortjeneste"), ("HB-AF", "Aflastning")],
    "adult_social": [("SV-BS", "Bostøtte"), ("SV-SKP", "Støtte- og kontaktperson"), ("SV-BO", "Botilbud")],
    "health": [("SU-GO", "Genoptræning"), ("SU-HP", "Hjemmesygepleje")],
    "substance_abuse": [("MB-AM", "Ambulant behandling"), ("MB-DB", "Dagbehandling")],
    "youth_guidance": [("UU-VJ", "Vejledning")],
    "other": [("PPR-UD", "PPR-udredning")],
}


def load_demo_consumption(municipality) -> ConsumptionImport | None:
    if ConsumptionImport.objects.filter(municipality=municipality).exists():
        return None
    departments = [
        (department.name, SERVICES[department.kind])
        for department in Department.objects.filter(municipality=municipality).order_by("name")
        if department.kind in SERVICES
    ]
    rng = random.Random(YEAR)
    # The demo citizens (about 300, with their families) draw on more departments than most.
    people = [
        (citizen.reveal_cpr(), rng.choice((1, 2, 2, 3, 4)), 2 * rng.paretovariate(1.2))
        for citizen in Citizen.objects.filter(municipality=municipality).order_by("pk")
    ]
    numbers = {number for number, _, _ in people}
    wanted = len(people) + EXTRA_PERSONS
    while len(people) < wanted:
        number = fictional_cpr(rng)
        if number not in numbers:
            numbers.add(number)
            people.append((number, min(len(departments), int(rng.paretovariate(1.8))), rng.paretovariate(1.3)))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "forbrug-2025.csv"
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write("cpr;department;service_code;service_name;period_start;period_end;amount_dkk\n")
            for number, reach, weight in people:
                for name, services_of in rng.sample(departments, reach):
                    code, service = rng.choice(services_of)
                    for month in sorted(rng.sample(range(1, 13), rng.randint(2, 8))):
                        start = datetime.date(YEAR, month, 1)
                        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
                        amount = min(rng.expovariate(1 / 3000) * weight, 250_000)
                        out.write(f"{number};{name};{code};{service};{start};{end};{amount:.2f}\n")
        job = services.consumption_import_for_path(
            municipality_id=municipality.pk, path=str(path), mode=ImportMode.ALL_OR_NOTHING
        )
        return services.consumption_import_run(job=job, path=str(path))
