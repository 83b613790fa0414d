"""No form offers a database id as a choice: every add and change page of the admin, for an operator and for a
municipality's administrator, carries public ids in its selects (issue 8, security test)."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

DIGIT_CHOICE = re.compile(r'<option value="\d+"[^>]*>[^<]*', re.S)


@pytest.fixture
def operator():
    user = f.StaffUserFactory(municipality=None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def municipal_admin(world):
    user = f.make_staff(world.children, role=StaffRole.ADMINISTRATOR, is_staff=True)
    user.user_permissions.set(Permission.objects.exclude(content_type__app_label__in=["auth", "contenttypes"]))
    client = Client()
    client.force_login(user)
    return client


def admin_pages(world):
    """The add page of every registered model, and the change page of one of its rows when there is one."""
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_add".format(*info))
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[row.pk])


@pytest.mark.parametrize("who", ["operator", "municipal_admin"])
def test_no_admin_form_offers_a_database_id(request, world, who):
    client = request.getfixturevalue(who)
    f.make_staff(world.children, role=StaffRole.CASEWORKER)
    shown = 0
    for url in admin_pages(world):
        response = client.get(url)
        if response.status_code != 200:
            continue  # not this user's page (e.g. municipalities for an administrator)
        shown += 1
        offered = DIGIT_CHOICE.findall(response.content.decode())
        # Groups and permissions (operators only) are Django's own tables, without public ids.
        offered = [option for option in offered if "auth |" not in option and " | " not in option]
        assert not offered, f"{url} offers database ids: {offered[:3]}"
    assert shown >= 5


def test_a_membership_change_keeps_its_related_records_and_saves_by_public_id(operator, world):
    membership = Membership.objects.filter(user=world.colleague).first()
    url = reverse("admin:organisations_membership_change", args=[membership.pk])
    page = operator.get(url).content.decode()
    assert f'<option value="{membership.user.public_id}" selected>' in page
    assert f'<option value="{membership.department.public_id}" selected>' in page
    form = operator.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["department"] = str(world.jobs.public_id)
    response = operator.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    membership.refresh_from_db()
    assert membership.department == world.jobs and membership.user == world.colleague


def _all_form_classes():
    import importlib
    import pkgutil

    from django import forms

    import samspil

    for module in pkgutil.walk_packages(samspil.__path__, "samspil."):
        if module.name.endswith(".forms") or module.name.endswith(".admin"):
            importlib.import_module(module.name)

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return {cls for cls in walk(forms.BaseForm) if cls.__module__.startswith("samspil.")}


def test_every_declared_model_choice_of_the_product_forms_is_by_public_id():
    from django import forms

    forms_found = _all_form_classes()
    assert len(forms_found) > 10
    by_id = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in forms_found
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and field.to_field_name != "public_id"
        # Django's groups and permissions (operators only) have no public id.
        and any(model_field.name == "public_id" for model_field in field.queryset.model._meta.fields)
    ]
    assert not by_id
