from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper


def _has_public_id(model) -> bool:
    return any(field.name == "public_id" for field in model._meta.fields)


class PublicIdInitialMixin:
    """For a model form: shows the current related records as selected when the choices carry public ids.

    A model form takes a foreign key's initial value from the row (the database id), which matches no option
    whose value is a public id; the related records themselves do.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            if (
                isinstance(field, forms.ModelChoiceField)
                and field.to_field_name == "public_id"
                and name in self.initial
            ):
                related = getattr(self.instance, name)
                self.initial[name] = (
                    list(related.all()) if isinstance(field, forms.ModelMultipleChoiceField) else related
                )


class PublicIdInitialForm(PublicIdInitialMixin, forms.ModelForm):
    pass


class PublicIdChoicesMixin:
    """Choices of related records carry their public id (a UUID), never the sequential database id, as the
    product's own forms do (`to_field_name="public_id"`). The admin's add/change/view pop-ups beside such a
    select are switched off: they pass database ids back into the select."""

    form = PublicIdInitialForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if _has_public_id(db_field.related_model):
            kwargs.setdefault("to_field_name", "public_id")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if _has_public_id(db_field.related_model):
            kwargs.setdefault("to_field_name", "public_id")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if getattr(formfield, "to_field_name", None) == "public_id" and isinstance(
            formfield.widget, RelatedFieldWidgetWrapper
        ):
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield


class TenantAdmin(PublicIdChoicesMixin, admin.ModelAdmin):
    """Configuration within the administrator's own municipality only; superusers see all."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(municipality_id=request.user.municipality_id)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser:
            exclude.append("municipality")
        return exclude

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.municipality_id = request.user.municipality_id
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if not request.user.is_superuser and any(f.name == "municipality" for f in related._meta.fields):
            kwargs["queryset"] = related._default_manager.filter(municipality_id=request.user.municipality_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
