from celery import shared_task

from samspil.reminders.services import agreement_reminders_send


@shared_task(name="samspil.reminders.send_agreement_reminders")
def send_agreement_reminders() -> int:
    """Daily (Celery beat): e-mail everyone with agreements due within three days or overdue."""
    return agreement_reminders_send()
