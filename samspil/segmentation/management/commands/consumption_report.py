"""`manage.py consumption_report [--json]`: cost concentration and candidates of the imported consumption.

`--json` prints one object: citizens (persons in the data), total_dkk (a string with two decimals, exact),
share_top_1pct / share_top_3pct / share_top_5pct (strings, fractions of total_dkk held by the ceil(p·N)
most expensive persons), candidates (how many the municipality's current rule selects) and rule.
"""

import json

from django.core.management.base import BaseCommand

from samspil.segmentation import selectors
from samspil.segmentation.management.commands import _municipality
from samspil.segmentation.rules import CURVE_POINTS


class _ReportReader:
    """The report reads as a segmentation role of the municipality: the same scope and figures as the pages."""

    is_authenticated = True
    is_active = True

    def __init__(self, municipality):
        from django.conf import settings

        from samspil.accounts.choices import AccountKind

        self.pk = None
        self.kind = AccountKind.STAFF
        self.municipality_id = municipality.pk
        self._samspil_roles = set(settings.SAMSPIL_SEGMENTATION_ROLES)


class Command(BaseCommand):
    help = "Report the cost concentration of imported service consumption and the number of candidates."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print one JSON object.")
        _municipality.add_argument(parser)

    def handle(self, *args, as_json: bool = False, municipality=None, **options):
        figures = selectors.figures(_ReportReader(_municipality.municipality_for(municipality)))
        if as_json:
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"Citizens in the data: {figures.citizens}")
        self.stdout.write(f"Total cost: {figures.total_dkk:,.2f} kr.")
        self.stdout.write("Most expensive   share of total cost")
        for percent in CURVE_POINTS:
            self.stdout.write(f"  {percent:>3} %          {figures.share(percent):8.2%}")
        self.stdout.write(f"Candidates: {len(figures.candidates)} ({figures.rule.describe()})")
