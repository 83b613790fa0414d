from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.core.models import ScopedQuerySet


class ReminderLog(models.Model):
    """That one person was reminded on one day: the guard that makes reminders go out at most once a day.

    It holds no citizen data (an e-mail address of a staff member, partner or network person, a date and a
    count), so it is not a tenant-scoped case record; it is never shown in the UI.
    """

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    recipient = models.EmailField(_("recipient"))
    sent_on = models.DateField(_("sent on"))
    agreements = models.PositiveIntegerField(_("agreements"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "recipient", "sent_on"], name="reminder_once_a_day"),
        ]

    def __str__(self):
        return f"{self.recipient} {self.sent_on}"
