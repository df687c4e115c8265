"""Admin pages for service points, their zones, services and services given; every save
goes through points.actions (the same checks and audit entries as the pages)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core.forms import add_action_error

from .actions import points as point_actions
from .actions import services as service_actions
from .models import Service, ServiceDelivery, ServicePoint, Zone

POINT_FIELDS = list(point_actions.POINT_FIELDS)
# The pinyin keys are filled from the name by the action, never typed.
SERVICE_FIELDS = [
    f for f in service_actions.SERVICE_FIELDS if f not in ("name_pinyin", "name_initials")
]


class PointAdminForm(forms.ModelForm):
    class Meta:
        model = ServicePoint
        fields = [*POINT_FIELDS, "active"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            point_actions.point_values(
                point=self.instance if self.instance.pk else None,
                **{key: data.get(key) for key in POINT_FIELDS},
            )
        except ValidationError as error:
            add_action_error(self, error)
        return data


class ZoneInline(admin.TabularInline):
    model = Zone
    extra = 1
    fields = ["kind", "name", "note"]


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    form = PointAdminForm
    inlines = [ZoneInline]
    list_display = ["name", "community", "area", "hours", "active"]
    list_filter = ["active", "community"]
    search_fields = ["name", "address"]
    list_select_related = ["community", "area"]
    autocomplete_fields = ["area"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {key: data.get(key) for key in POINT_FIELDS}
        saved = point_actions.point_save(
            actor=request.user, point=obj if change else None, **values
        )
        if data.get("active", True) != saved.active:
            saved = point_actions.point_retire(
                actor=request.user, point=saved, active=data.get("active", True)
            )
        obj.pk, obj.active = saved.pk, saved.active
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # The zones are set by the action, with its checks and one audit entry.
        for formset in formsets:
            if formset.model is not Zone:
                self.save_formset(request, form, formset, change=change)
                continue
            rows = [
                (
                    f.cleaned_data["kind"],
                    f.cleaned_data.get("name", ""),
                    f.cleaned_data.get("note", ""),
                )
                for f in formset.forms
                if f.cleaned_data
                and not f.cleaned_data.get("DELETE")
                and f.cleaned_data.get("kind")
            ]
            point_actions.point_set_zones(actor=request.user, point=form.instance, zones=rows)
            # The admin's change message reads these; the audit log holds the real account.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def has_delete_permission(self, request, obj=None):
        # Markets, meetings and events hang on a point; it is retired, not deleted.
        return False


class ServiceAdminForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [*SERVICE_FIELDS, "active"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            service_actions.service_values(
                service=self.instance if self.instance.pk else None,
                **{key: data.get(key) for key in SERVICE_FIELDS},
            )
        except ValidationError as error:
            add_action_error(self, error)
        return data


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    list_display = ["name", "point", "provider_kind", "provider", "weekdays", "starts", "active"]
    list_filter = ["active", "provider_kind", "point__community"]
    search_fields = ["name", "name_pinyin", "name_initials", "provider"]
    list_select_related = ["point"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {key: data.get(key) for key in SERVICE_FIELDS}
        saved = service_actions.service_save(
            actor=request.user, service=obj if change else None, **values
        )
        if data.get("active", True) != saved.active:
            saved = service_actions.service_retire(
                actor=request.user, service=saved, active=data.get("active", True)
            )
        obj.pk, obj.active = saved.pk, saved.active
        obj.name_pinyin, obj.name_initials = saved.name_pinyin, saved.name_initials
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        # Services given are counted from its records; it is retired, not deleted.
        return False


class DeliveryAdminForm(forms.ModelForm):
    class Meta:
        model = ServiceDelivery
        fields = ["service", "day", "people", "note"]

    def clean(self):
        data = super().clean()
        day, people = data.get("day"), data.get("people")
        if day is not None and day > timezone.localdate():
            self.add_error("day", _("日期：不能晚于今天"))
        if people is not None and not 1 <= people <= service_actions.MOST_PEOPLE_A_DAY:
            self.add_error(
                "people",
                _("服务人次：须在 1 到 %(most)s 之间")
                % {"most": service_actions.MOST_PEOPLE_A_DAY},
            )
        return data


@admin.register(ServiceDelivery)
class ServiceDeliveryAdmin(admin.ModelAdmin):
    form = DeliveryAdminForm
    list_display = ["day", "service", "people", "recorded_by"]
    list_filter = ["service__point"]
    date_hierarchy = "day"
    list_select_related = ["service__point", "recorded_by"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = service_actions.delivery_record(
            actor=request.user,
            service=data["service"],
            day=data["day"],
            people=data["people"],
            note=data.get("note", ""),
        )
        obj.pk, obj.recorded_by = saved.pk, saved.recorded_by
        obj._state.adding = False

    def has_change_permission(self, request, obj=None):
        # A record of what happened is added, not rewritten.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
