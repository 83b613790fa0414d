from django.db.models.signals import post_save
from django.dispatch import receiver

from samspil.organisations.models import Municipality
from samspil.pathways.programmes import programmes_seed


@receiver(post_save, sender=Municipality, dispatch_uid="samspil.pathways.seed_programmes")
def seed_programmes(sender, instance, created, raw=False, **kwargs):
    """A new municipality starts with the five collaboration models as programmes."""
    if created and not raw:
        programmes_seed(municipality=instance)
