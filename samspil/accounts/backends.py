from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef

from samspil.access import policy
from samspil.accounts.throttle import LoginThrottle
from samspil.accounts.usernames import normalise_username
from samspil.core.db import Variable, precompiled_rows


class SamspilBackend(ModelBackend):
    """Password log-in for staff and partners, and the session's user for every kind of account.

    Demo accounts are refused unless demo mode is on (which requires DEBUG). Citizen accounts never log in with a
    password — only through MitID (`samspil.identity`), which logs them in with this backend — but their session
    is read back here (`get_user`).

    The user name is normalised (NFKC, case-folded, trimmed) as stored, and every attempt passes the log-in
    throttle here, so no log-in path (the log-in page, the admin's, a future one) can skip it. A locked attempt
    raises `PermissionDenied` (Django's `authenticate()` then stops and returns None) and marks the request,
    so the log-in form can say why. With `SAMSPIL_PASSWORD_LOGIN` off every password is refused here, uncounted.
    A password that checks out marks the request, so the log-in records the session's method as "password" and
    the TOTP step follows (`accounts/second_factor.py`).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if not settings.SAMSPIL_PASSWORD_LOGIN:
            _mark(request, "samspil_password_login_off")
            return None
        username = normalise_username(username)
        throttle = LoginThrottle(request=request, username=username)
        if throttle.locked():
            _mark_locked(request)
            raise PermissionDenied("Too many failed log-ins.")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_failure()
            if throttle.locked():
                _mark_locked(request)
        else:
            throttle.clear_user()
            _mark(request, "samspil_password_login")
        return user

    def get_user(self, user_id):
        # The page header shows the user's municipality on every page, and a portal page starts from the account's
        # citizen (`portal.access.portal_person`): load both with the user (staff have no citizen: a NULL join).
        # The main menu and every staff page ask for the user's current roles: read them in the same query
        # (`policy.current_roles_subquery`; none for a citizen or partner account), which saves each page one.
        # Every request makes this query: compiled once per connection and day, the user's id its one variable.
        model = get_user_model()
        users = precompiled_rows(
            lambda values: (
                model._default_manager.select_related("municipality", "citizen")
                .annotate(session_roles=policy.current_roles_subquery(OuterRef("pk")))
                .filter(pk=values["user"])[:1]
            ),
            key=("session_user",),
            variables={"user": Variable(user_id, -1, -2, model._meta.pk)},
        )
        user = users[0] if users else None
        if user is None or not self.may_hold_session(user):
            return None
        policy.remember_roles(user, user.session_roles)
        return user

    async def aget_user(self, user_id):
        """`get_user` for `request.auser()`: the same rule (ModelBackend's own asks `user_can_authenticate`, which is
        the password log-in's and would turn a citizen's session away) and the same one query."""
        return await sync_to_async(self.get_user)(user_id)

    def may_hold_session(self, user) -> bool:
        """Any active account, of any kind; a demo account only in demo mode."""
        if not super().user_can_authenticate(user):
            return False
        return not (user.is_demo_account and not settings.DEMO_MODE)

    def user_can_authenticate(self, user):
        """A password log-in: staff and partner accounts only (citizens use MitID)."""
        return self.may_hold_session(user) and (user.is_staff_account or user.is_partner_account)


def _mark_locked(request) -> None:
    _mark(request, "samspil_login_locked")


def _mark(request, flag: str) -> None:
    if request is not None:
        setattr(request, flag, True)
