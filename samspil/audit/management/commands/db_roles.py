"""Give the application's PostgreSQL role its privileges; run as the owner of the tables after every migrate.

    DATABASE_URL=postgres://samspil_owner@db/samspil python manage.py migrate --noinput
    DATABASE_URL=postgres://samspil_owner@db/samspil python manage.py db_roles --app-role samspil_app

The web and worker processes then use `postgres://samspil_app@db/samspil`. See `samspil/audit/db_roles.py`.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from samspil.audit import db_roles


class Command(BaseCommand):
    help = "Grant the application role (which must own nothing) its privileges on every table. PostgreSQL only."

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True, help="the role the web and worker processes log in as")
        parser.add_argument(
            "--create-role",
            action="store_true",
            help="create the role first (needs CREATEROLE); with LOGIN and the password in --password-env",
        )
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="environment variable holding the new role's password (never on the command line)",
        )
        parser.add_argument(
            "--print", dest="print_only", action="store_true", help="print the SQL instead of running it"
        )

    def handle(self, *args, app_role, create_role, password_env, print_only, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db_roles is for PostgreSQL; SQLite has no roles.")
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"The environment variable {password_env} is empty.")
        statements = []
        if create_role:
            statements.append(db_roles.create_role_statement(app_role, password=password))
        if print_only:
            statements += db_roles.grants(app_role)
            for statement in statements:
                self.stdout.write(f"{statement};")
            return
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
                applied = db_roles.apply(app_role)
        except db_roles.RoleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{app_role}: {len(applied)} statements applied.")
