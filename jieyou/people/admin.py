"""Admin pages for units, staff and tags. Residents, tokens and roster uploads are not here:
their numbers and secrets stay behind the scoped, masked and audited pages."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jieyou.core import audit
from jieyou.core.masking import mask_phone

from .models import Staff, Tag, Unit


class AuditedAdmin(admin.ModelAdmin):
    """Every admin save and delete leaves an audit record naming the fields that changed."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                f"{obj._meta.model_name}.{'update' if change else 'create'}",
                actor=request.user,
                obj=obj,
                detail={"fields": sorted(form.changed_data), "via": "admin"},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(
                f"{obj._meta.model_name}.delete",
                actor=request.user,
                obj=obj,
                detail={"name": str(obj), "via": "admin"},
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "area", "masked_phone"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(Staff)
class StaffAdmin(AuditedAdmin):
    list_display = ["name", "role", "area", "unit", "employment", "masked_phone"]
    list_filter = ["role", "employment"]
    search_fields = ["name", "user__username"]
    list_select_related = ["area", "unit", "user"]
    autocomplete_fields = ["area", "unit"]
    filter_horizontal = ["grids"]
    readonly_fields = ["user"]

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    def has_add_permission(self, request):
        # A staff account comes with a sign-in and a password rule: people.actions.staff_create.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    list_display = ["name"]
    search_fields = ["name"]
