"""Admin pages for units, staff and tags. Residents, tokens and roster uploads are not here:
their numbers and secrets stay behind the scoped, masked and audited pages."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jieyou.core.masking import mask_phone

from . import actions
from .models import Staff, Tag, Unit


class AuditedAdmin(admin.ModelAdmin):
    """Admin saves and deletes go through people.actions, which audit them."""

    def save_model(self, request, obj, form, change):
        actions.record_save(
            actor=request.user,
            obj=obj,
            changed_fields=form.changed_data,
            created=not change,
            via="admin",
        )

    def delete_model(self, request, obj):
        actions.record_delete(actor=request.user, obj=obj, via="admin")

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
