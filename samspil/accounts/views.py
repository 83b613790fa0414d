from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from samspil.accounts.forms import ThrottledAuthenticationForm

DEMO_USERS = [
    ("demo-koordinator", _("Coordinator in children and youth")),
    ("demo-fagperson", _("Job-centre caseworker on some teams")),
    ("demo-udenfor", _("Staff member on no team")),
    ("demo-leder", _("Department head: aggregates only")),
    ("demo-controller", _("Controller: economy and segmentation, figures only")),
    ("demo-admin", _("Administrator: configuration only")),
]


class SamspilLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_users"] = DEMO_USERS if settings.DEMO_MODE else []
        return context


class SamspilLogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]
