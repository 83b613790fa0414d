from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class SamspilBackend(ModelBackend):
    """Password log-in for staff until the municipality's identity provider is connected.

    Demo accounts are refused unless demo mode is on (which requires DEBUG); citizen accounts never log in
    here — they will use MitID in the portal.
    """

    def get_user(self, user_id):
        # The page header shows the user's municipality on every page: load it with the user.
        user = get_user_model()._default_manager.select_related("municipality").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        if user.is_demo_account and not settings.DEMO_MODE:
            return False
        return user.is_staff_account
