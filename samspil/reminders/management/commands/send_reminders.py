from django.core.management.base import BaseCommand

from samspil.reminders.services import agreement_reminders_send


class Command(BaseCommand):
    help = "Send today's agreement reminders (what the daily Celery beat job does). Safe to run repeatedly."

    def handle(self, *args, **options):
        sent = agreement_reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")
