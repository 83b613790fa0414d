"""`manage.py outreach_report [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--before-after YYYY-MM-DD]
[--municipality CODE]`.

The evaluation of the drop-in-centre model (`outreach.figures`, whose docstring defines every figure) for a period,
both days included (default: the twelve months up to today; only `--to`: the twelve months up to it; only
`--from`: from it up to today). `--json` prints one object:

- `registrations` (staff forms), `citizens` (distinct: each anonymous registration its own citizen, each pseudonym
  or CPR once, a linked pseudonym as its citizen), `citizen_forms`, `citizens_with_both` — KORA's Tabel 1.1 — and
  the same four per centre under `by_centre` (by name) and per element under `by_element` (by code);
- `ratings`: the mean per question (`safe`, `relevant`, `place`; a number, or null without answers), with
  `rating_answers` (answers given) and `rating_distribution` (how many gave 1–5);
- `unit_cost_by_element`: element code → the *enhedsudgift* in kroner (a number, or null: no cost registered or
  no citizen reached), plus `total_with_group_activities` and `total_without_group_activities`; the amounts and
  citizens behind them under `unit_cost_detail`, the programmes under `programmes`;
- `no_show_rate`: per `place` (`centre`, `office`) the no-shows ÷ (attended + no-shows) as a fraction 0–1 (null
  without appointments; cancelled in time and not held yet left out), and under `no_show` the counts, the rate of
  all, and with `--before-after` the rates before and from that day.

Exact figures, no small-number rule: the command is for whoever runs the server; the page hides small numbers for
leaders. Without `--json` a table in Danish, like the pages.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from samspil.evaluation.figures import twelve_months_up_to
from samspil.organisations.models import ExternalOrganisation
from samspil.outreach import figures
from samspil.outreach.choices import Element
from samspil.results.management.commands.programme_report import _date, _municipality

QUESTION_TEXT = {"safe": "Tryg og velkommen", "relevant": "Relevant indhold", "place": "Betydning af stedet"}
PLACE_TEXT = {"centre": "På værestedet", "office": "I forvaltningen"}
ELEMENT_TEXT = {
    Element.OUTREACH_CASEWORK: "Fremskudt sagsbehandling",
    Element.OUTREACH_SUBSTANCE_ABUSE: "Fremskudt misbrugsindsats",
    Element.SUPPORT_CONTACT: "Styrket SKP-ordning",
    Element.GROUP_ACTIVITIES: "Holdbaserede aktiviteter",
    figures.WITHOUT_GROUP_ACTIVITIES: "I alt uden holdbaserede aktiviteter",
    figures.WITH_GROUP_ACTIVITIES: "I alt med holdbaserede aktiviteter",
}


def _number(value):
    return None if value is None else float(value)


def period(start: datetime.date | None, end: datetime.date | None, today: datetime.date):
    """The period asked for (see the module's docstring); CommandError when it is the wrong way round."""
    end = end or today
    start = start or twelve_months_up_to(end)[0]
    if start > end:
        raise CommandError("--from skal ligge før eller på --to.")
    return start, end


def report(municipality, start, end, split_on=None) -> dict:
    """Every figure of the period as plain numbers (the JSON of the command)."""
    total = figures.kora_total(municipality.pk, start, end)
    per_centre = figures.kora_table(municipality.pk, start, end, by=figures.BY_CENTRE)
    per_element = figures.kora_table(municipality.pk, start, end, by=figures.BY_ELEMENT)
    names = dict(ExternalOrganisation.objects.filter(pk__in=list(per_centre)).values_list("pk", "name"))
    rated = figures.ratings(municipality.pk, start, end)
    costs = figures.unit_costs(municipality.pk, start, end)
    appointments = figures.no_shows(municipality.pk, start, end, split_on=split_on)
    detail = {
        item.key: {"amount": _number(item.amount), "citizens": item.citizens, "unit_cost": _number(item.unit_cost)}
        for item in [*costs.by_element.values(), costs.total_without, costs.total_with]
    }

    def attendance(item):
        return {"attended": item.attended, "no_show": item.no_show, "rate": item.rate}

    no_show = {"all": attendance(appointments.total)}
    no_show["by_place"] = {place: attendance(item) for place, item in appointments.by_place.items()}
    if split_on is not None:
        no_show["split_on"] = split_on.isoformat()
        no_show["before"] = attendance(appointments.before)
        no_show["after"] = attendance(appointments.after)
    return {
        "municipality": municipality.code,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "registrations": total.staff_forms,
        "citizens": total.citizens,
        "citizen_forms": total.citizen_forms,
        "citizens_with_both": total.citizens_with_both,
        "by_centre": {names[pk]: row.as_json() for pk, row in sorted(per_centre.items(), key=lambda i: names[i[0]])},
        "by_element": {code: per_element[code].as_json() for code in Element.values if code in per_element},
        "ratings": {question: _number(item.mean) for question, item in rated.items()},
        "rating_answers": {question: item.n for question, item in rated.items()},
        "rating_distribution": {
            question: {str(value): n for value, n in item.distribution.items()} for question, item in rated.items()
        },
        "unit_cost_by_element": costs.as_json(),
        "unit_cost_detail": detail,
        "anonymous_participations": costs.anonymous_participations,
        "programmes": [name for _pk, name in costs.programmes],
        "no_show_rate": appointments.rates_by_place(),
        "no_show": no_show,
    }


class Command(BaseCommand):
    help = "Print the evaluation of the drop-in-centre model for a period (KORA's figures; exact, no suppression)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print one JSON object.")
        parser.add_argument("--from", dest="start", help="First day of the period (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", help="Last day of the period (YYYY-MM-DD; default today).")
        parser.add_argument(
            "--before-after", dest="split_on", help="No-shows before and from this day (YYYY-MM-DD, in the period)."
        )
        parser.add_argument("--municipality", help="Municipality code (needed when there is more than one).")

    def handle(self, *args, as_json=False, start=None, end=None, split_on=None, municipality=None, **options):
        found = _municipality(municipality)
        start, end = period(_date(start) if start else None, _date(end) if end else None, timezone.localdate())
        split_day = _date(split_on) if split_on else None
        if split_day is not None and not start < split_day <= end:
            raise CommandError("--before-after skal ligge efter periodens første dag og senest på dens sidste.")
        figures_ = report(found, start, end, split_day)
        if as_json:
            self.stdout.write(json.dumps(figures_, ensure_ascii=False))
            return
        self._print(found, figures_)

    def _print(self, municipality, r: dict) -> None:
        def day(iso):
            return datetime.date.fromisoformat(iso).strftime("%d.%m.%Y")

        def decimal(value, digits=2):
            return (
                "–" if value is None else f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
            )

        def percent(value):
            return "–" if value is None else f"{value * 100:.1f} %".replace(".", ",")

        out = self.stdout.write
        out(f"Væresteder i {municipality.name}, {day(r['from'])} – {day(r['to'])}")
        out("")
        out("Tabel 1.1             Borgere  Borgerskemaer  Medarbejderskemaer  Borgere med begge")
        rows = [*r["by_centre"].items(), ("Alle væresteder", r)]
        for name, row in rows:
            registrations = row["registrations"]
            out(
                f"  {name[:20]:<20}{row['citizens']:>7}{row['citizen_forms']:>15}{registrations:>20}"
                f"{row['citizens_with_both']:>19}"
            )
        out("")
        out("Borgernes vurdering   Svar  Gennemsnit")
        for question, mean in r["ratings"].items():
            out(f"  {QUESTION_TEXT[question]:<20}{r['rating_answers'][question]:>5}  {decimal(mean):>10}")
        out("")
        programmes = ", ".join(r["programmes"]) or "ingen (ingen samarbejdsaftale i kraft nævner et program)"
        out(f"Enhedsudgift pr. borger (driftsudgifter fra: {programmes})")
        for key, item in r["unit_cost_detail"].items():
            out(
                f"  {ELEMENT_TEXT[key]:<36}{decimal(item['amount']):>14} kr. / {item['citizens']:>5} borgere"
                f" = {decimal(item['unit_cost']):>12} kr."
            )
        out(f"  Deltagelser uden navn i holdbaserede aktiviteter: {r['anonymous_participations']}")
        out("")
        out("Udeblivelser (udeblevet af fremmødt + udeblevet)")

        def no_show_line(label, item):
            out(f"  {label:<20}{percent(item['rate']):>8}  ({item['no_show']} af {item['attended'] + item['no_show']})")

        for place, item in r["no_show"]["by_place"].items():
            no_show_line(PLACE_TEXT[place], item)
        no_show_line("I alt", r["no_show"]["all"])
        if "split_on" in r["no_show"]:
            no_show_line(f"Før {day(r['no_show']['split_on'])}", r["no_show"]["before"])
            no_show_line("Fra og med", r["no_show"]["after"])
