"""`row_form_fields`: many per-row forms of one class, rendered once and copied with each row's prefix."""

from django import forms
from django.template import engines

from samspil.portal.forms import GoalCommentForm

ENGINE = engines["django"]
INCLUDED = ENGINE.from_string('{% for f in forms %}{% include "includes/form_fields.html" with form=f %}{% endfor %}')
COPIED = ENGINE.from_string("{% load samspil %}{% for f in forms %}{% row_form_fields f %}{% endfor %}")


class WithChoices(forms.Form):
    kind = forms.ChoiceField(label="Slags", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    note = forms.CharField(label="Note", required=False, help_text="Kort")


def both(forms_):
    return INCLUDED.render({"forms": forms_}), COPIED.render({"forms": forms_})


def test_unbound_forms_read_as_each_rendered_on_its_own():
    for form_class in (GoalCommentForm, WithChoices):
        rows = [form_class(prefix=f"row-{n}") for n in range(3)]
        included, copied = both(rows)
        assert copied == included
        for n in range(3):
            assert f'name="row-{n}-' in copied and f'id="id_row-{n}-' in copied
        assert "samspil-row-form-prefix" not in copied


def test_a_bound_form_keeps_its_text_and_errors_and_a_form_with_initial_data_its_values():
    bound = GoalCommentForm(prefix="row-1", data={"row-1-text": ""})
    assert not bound.is_valid()
    kept = GoalCommentForm(prefix="row-2", data={"row-2-text": "Mit eget ord"})
    started = WithChoices(prefix="row-3", initial={"note": "Udfyldt"})
    rows = [GoalCommentForm(prefix="row-0"), bound, kept, started, GoalCommentForm(prefix="row-4")]
    included, copied = both(rows)
    assert copied == included
    assert copied.count("Skriv din kommentar, før du sender den.") == 2  # the summary and the field
    assert "Mit eget ord" in copied and 'value="Udfyldt"' in copied


def test_the_form_given_is_not_changed():
    form = GoalCommentForm(prefix="row-7")
    COPIED.render({"forms": [form]})
    assert form.prefix == "row-7"
    assert form["text"].html_name == "row-7-text"


def test_a_form_that_renders_alike_is_rendered_once_per_process_and_language():
    """`renders_alike` (GoalCommentForm): rendered on the first page and copied on every later one, in the page's
    language; a form class without it is rendered once per page."""
    from unittest import mock

    from django.utils import translation

    from samspil.core import form_cache
    from samspil.core.templatetags import samspil as tags

    form_cache.clear()
    with (
        mock.patch.object(tags, "render_to_string", wraps=tags.render_to_string) as per_page,
        mock.patch.object(form_cache, "render_to_string", wraps=form_cache.render_to_string) as per_process,
    ):
        for _page in range(3):
            for form_class in (GoalCommentForm, WithChoices):
                included, copied = both([form_class(prefix=f"row-{n}") for n in range(2)])
                assert copied == included
    # (The included forms are rendered by the template engine's include, which neither function is.)
    assert per_page.call_count == 3  # WithChoices, once on each of the three pages
    assert per_process.call_count == 1  # GoalCommentForm, once
    with translation.override("en"):
        included, copied = both([GoalCommentForm(prefix="row-0")])
    assert copied == included and "Your comment on the goal" in copied
    with translation.override("da"):
        assert "Your comment on the goal" not in both([GoalCommentForm(prefix="row-0")])[1]
