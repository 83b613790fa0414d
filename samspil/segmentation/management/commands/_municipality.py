"""The municipality a segmentation command works on (a module of helpers, not a command: its name starts with _)."""

from django.core.management.base import CommandError

from samspil.organisations.models import Municipality


def add_argument(parser) -> None:
    parser.add_argument("--municipality", help="Municipality code (needed when there is more than one).")


def municipality_for(code: str | None) -> Municipality:
    """The municipality with `code`, or the only one there is."""
    if code:
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"No municipality with code {code}.")
        return municipality
    municipalities = list(Municipality.objects.all()[:2])
    if len(municipalities) != 1:
        raise CommandError("Give --municipality CODE (there is not exactly one municipality).")
    return municipalities[0]
