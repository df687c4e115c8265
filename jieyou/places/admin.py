"""Admin pages for the place tree and grids; every save goes through places.actions."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import actions
from .models import Area, Grid
from .rules import check_area, check_grid_areas


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name", "kind", "parent", "code", "latitude", "longitude"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        parent = data.get("parent")
        try:
            check_area(kind=data["kind"], parent=parent, code=data.get("code") or "")
        except ValidationError as error:
            self.add_error(None, error)
        if self.instance.pk and parent is not None and parent.path.startswith(self.instance.path):
            self.add_error("parent", _("不能把区划移到它自己或它的下级之下"))
        return data


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    form = AreaForm
    list_display = ["name", "kind", "code", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        values = {
            key: form.cleaned_data.get(key)
            for key in ("name", "kind", "parent", "latitude", "longitude")
        }
        values["code"] = form.cleaned_data.get("code") or ""
        if change:
            actions.area_update(actor=request.user, area=obj, **values)
        else:
            created = actions.area_create(actor=request.user, **values)
            obj.pk, obj.path = created.pk, created.path
            obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        # Residents, units and grids hang on areas; removal needs a considered action, not a click.
        return False


class GridForm(forms.ModelForm):
    class Meta:
        model = Grid
        fields = ["community", "name", "code", "areas"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Only the compounds and buildings of the grid's own community are offered.
            self.fields["areas"].queryset = Area.objects.filter(
                path__startswith=self.instance.community.path,
                kind__in=(Area.Kind.COMPOUND, Area.Kind.BUILDING),
            )

    def clean(self):
        data = super().clean()
        community = data.get("community") or (self.instance.community if self.instance.pk else None)
        if community is not None and "areas" in data:
            try:
                check_grid_areas(community=community, areas=data["areas"])
            except ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    form = GridForm
    list_display = ["name", "community", "code"]
    list_filter = ["community"]
    search_fields = ["name", "code", "community__name"]
    list_select_related = ["community"]
    filter_horizontal = ["areas"]

    def get_readonly_fields(self, request, obj=None):
        # A grid does not move between communities: its coverage would no longer fit.
        return ["community"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            actions.grid_update(
                actor=request.user,
                grid=obj,
                name=data["name"],
                code=data.get("code") or "",
                areas=data["areas"],
            )
        else:
            created = actions.grid_create(
                actor=request.user,
                community=data["community"],
                name=data["name"],
                code=data.get("code") or "",
                areas=data["areas"],
            )
            obj.pk = created.pk
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # The covered areas were set by the action in save_model, with its checks and audit.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False
