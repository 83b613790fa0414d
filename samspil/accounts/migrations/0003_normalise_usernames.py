"""Store every user name as the log-in looks it up: NFKC, case-folded, trimmed (see accounts/usernames.py)."""

import unicodedata

from django.db import migrations


def _normalise(value: str) -> str:
    # A copy of accounts.usernames.normalise_username as it was when this migration was written.
    return unicodedata.normalize("NFKC", value or "").casefold().strip()


def normalise_usernames(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen: dict[str, str] = {}
    changes = []
    for pk, username in User.objects.order_by("pk").values_list("pk", "username"):
        normalised = _normalise(username)
        if normalised in seen:
            raise RuntimeError(
                f"The user names {seen[normalised]!r} and {username!r} are the same after normalisation; "
                "rename one of the accounts, then migrate again."
            )
        seen[normalised] = username
        if normalised != username:
            changes.append((pk, normalised))
    for pk, normalised in changes:
        User.objects.filter(pk=pk).update(username=normalised)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(normalise_usernames, migrations.RunPython.noop)]
