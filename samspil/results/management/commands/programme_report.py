"""`manage.py programme_report --programme CODE [--json] [--cohort-from YYYY-MM-DD --cohort-to YYYY-MM-DD] [--first N]`.

The documentation model's figures (`results.documentation`, seed 002 section 4.8) of one programme: `citizens`,
`in_education`, `employed`, `status_unknown`, `meetings_minimum_met` (counts) and `in_education_share`,
`employed_share`, `meetings_minimum_met_share` (fractions 0-1, null without citizens), `goals_reached` /
`goals_total`; with a cohort option the same figures of the pathways opened in that period under `cohort` (with its
`from` and `to`). `--on` gives the day the status is read on (default today). Exact figures: the command is for
whoever runs the server; the pages for leaders hide small numbers. The messages are in Danish like the pages.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from samspil.organisations.models import Municipality
from samspil.pathways.models import Programme
from samspil.results import documentation


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"Datoen {value!r} findes ikke eller er skrevet forkert. Skriv den som 2026-11-22."
        ) from None


def _municipality(code: str | None) -> Municipality:
    if code:
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"Der er ingen kommune med koden {code!r}.")
        return municipality
    municipalities = list(Municipality.objects.all()[:2])
    if len(municipalities) != 1:
        raise CommandError("Angiv --municipality KODE (der er ikke præcis én kommune).")
    return municipalities[0]


class Command(BaseCommand):
    help = "Print a programme's documentation model: citizens, in education, employed, meetings minimum met."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="The programme's code.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print one JSON object.")
        parser.add_argument("--cohort-from", help="First opening day of the cohort (YYYY-MM-DD).")
        parser.add_argument("--cohort-to", help="Last opening day of the cohort (YYYY-MM-DD).")
        parser.add_argument(
            "--first", type=int, help='Only the first N citizens of the cohort by start date ("of the first 100").'
        )
        parser.add_argument("--on", help="The day the status is read on (YYYY-MM-DD; default today).")
        parser.add_argument("--municipality", help="Municipality code (needed when there is more than one).")

    def handle(self, *args, programme, as_json=False, cohort_from=None, cohort_to=None, on=None, first=None, **options):
        municipality = _municipality(options.get("municipality"))
        found = Programme.objects.filter(municipality=municipality, code=programme).first()
        if found is None:
            raise CommandError(f"Der er intet program med koden {programme!r} i {municipality.name}.")
        opened_from = _date(cohort_from) if cohort_from else None
        opened_to = _date(cohort_to) if cohort_to else None
        day = _date(on) if on else timezone.localdate()
        if opened_from and opened_to and opened_from > opened_to:
            raise CommandError("--cohort-from skal ligge før eller på --cohort-to.")
        if first is not None and first < 1:
            raise CommandError("--first skal være et helt tal på mindst 1.")
        rows = documentation.programme_rows(found, on=day)
        report = {"programme": found.code, "name": found.name, "on": day.isoformat()}
        report.update(documentation.figures_of(rows).as_json())
        if opened_from or opened_to or first:
            chosen = documentation.cohort(rows, opened_from=opened_from, opened_to=opened_to, first=first)
            report["cohort"] = {
                "from": opened_from.isoformat() if opened_from else None,
                "to": opened_to.isoformat() if opened_to else None,
                "first": first,
                **documentation.figures_of(chosen).as_json(),
            }
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        self._print(report)
        if "cohort" in report:
            self.stdout.write("")
            first_n = f", de første {first}" if first else ""
            self.stdout.write(
                f"Kohorte (startet {report['cohort']['from'] or '…'} – {report['cohort']['to'] or '…'}{first_n}):"
            )
            self._print(report["cohort"])

    def _print(self, figures: dict) -> None:
        def percent(value):
            return "–" if value is None else f"{value:.1%}".replace(".", ",")

        if "name" in figures:
            self.stdout.write(f"{figures['name']} ({figures['programme']}), status pr. {figures['on']}")
        self.stdout.write(f"  Borgere: {figures['citizens']}")
        self.stdout.write(f"  I uddannelse: {figures['in_education']} ({percent(figures['in_education_share'])})")
        self.stdout.write(f"  I beskæftigelse: {figures['employed']} ({percent(figures['employed_share'])})")
        self.stdout.write(f"  Uden registreret status: {figures['status_unknown']}")
        self.stdout.write(
            f"  Mindste antal møder holdt: {figures['meetings_minimum_met']} "
            f"({percent(figures['meetings_minimum_met_share'])})"
        )
        self.stdout.write(f"  Mål nået: {figures['goals_reached']} af {figures['goals_total']}")
