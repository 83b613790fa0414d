"""`manage.py import_outreach FILE --user USERNAME [--municipality CODE] [--skip-bad-rows]`: import conversations at
drop-in centres (typed from KORA's paper forms or kept in a spreadsheet). See `outreach.services_import`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samspil.outreach import access, services_import
from samspil.segmentation.management.commands import _municipality


def importing_user(username: str | None, municipality, *, required: bool):
    """The staff member recorded as having registered the imported rows (`--user`)."""
    if not username:
        if required:
            raise CommandError(
                _("Give --user USERNAME: the staff member recorded as having registered the imported conversations.")
            )
        return None
    user = get_user_model().objects.filter(username=username, municipality=municipality).first()
    if user is None:
        raise CommandError(
            _("No user %(user)s in %(municipality)s.") % {"user": username, "municipality": municipality}
        )
    if not access.can_register(user):
        raise CommandError(
            _("%(user)s may not register conversations and appointments at drop-in centres.") % {"user": username}
        )
    return user


def run_import(command: BaseCommand, do_import, *, file: str) -> None:
    """Run one import and print its summary; CommandError when the file cannot be read or nothing was saved."""
    try:
        result = do_import()
    except OSError as error:
        raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}) from None
    except services_import.ImportFileError as error:
        raise CommandError(str(error)) from None
    for line in services_import.summary_lines(result):
        command.stdout.write(line)
    if result.rejected:
        raise CommandError(
            _("Nothing was imported: %(bad)s bad rows. Fix them, or run again with --skip-bad-rows.")
            % {"bad": len(result.bad_rows)}
        )


class Command(BaseCommand):
    help = "Import conversations at drop-in centres from a CSV file (all or nothing unless --skip-bad-rows)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows and report the bad ones (default: a bad row stops the whole file).",
        )
        _municipality.add_argument(parser)
        parser.add_argument("--user", help="User name of the staff member recorded as having registered the rows.")

    def handle(self, *args, file, skip_bad_rows, municipality, user, **options):
        municipality = _municipality.municipality_for(municipality)
        actor = importing_user(user, municipality, required=True)
        run_import(
            self,
            lambda: services_import.registrations_import(
                municipality=municipality, path=file, actor=actor, skip_bad_rows=skip_bad_rows
            ),
            file=file,
        )
