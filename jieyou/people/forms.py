"""Forms for resident pages and the API: one set of rules, messages in the user's language."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.core.validators import (
    id_number_birth_year,
    id_number_gender,
    normalize_id_number,
    normalize_phone,
)
from jieyou.places import queries as places
from jieyou.places.models import Area

from . import access
from .actions import resident_create
from .models import Resident, Tag


class ResidentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    gender = forms.ChoiceField(
        label=gettext_lazy("性别"),
        choices=[("", "—"), *Resident.Gender.choices],
        required=False,
    )
    birth_year = forms.IntegerField(label=gettext_lazy("出生年份"), required=False)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20, required=False)
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=20, required=False)
    area = forms.ModelChoiceField(
        label=gettext_lazy("所在区域"),
        queryset=Area.objects.none(),
        help_text=gettext_lazy("选择楼栋；不知道楼栋时选小区"),
    )
    room = forms.CharField(label=gettext_lazy("房号"), max_length=20, required=False)
    tags = forms.ModelMultipleChoiceField(
        label=gettext_lazy("标签"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only where this user may see residents: a grid worker registers inside their grids.
        resident_paths = list(access.scope_for(user).resident_paths)
        self.fields["area"].queryset = (
            access.areas(user)
            .filter(places.under_paths(resident_paths))
            .filter(kind__in=(Area.Kind.COMMUNITY, Area.Kind.COMPOUND, Area.Kind.BUILDING))
            .order_by("path")
        )
        self.fields["area"].error_messages["invalid_choice"] = _("所选区域不在你的负责范围内")

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= timezone.now().year:
            raise ValidationError(_("出生年份应在1900到%(y)d之间") % {"y": timezone.now().year})
        return year

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        return normalize_phone(value) if value else ""

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        if not value:
            return None
        number = normalize_id_number(value)
        if Resident.objects.filter(id_number=number).exists():
            raise ValidationError(_("该身份证号已登记"))
        return number

    def clean(self):
        data = super().clean()
        number = data.get("id_number")
        if number:
            year, gender = id_number_birth_year(number), id_number_gender(number)
            if data.get("birth_year") and data["birth_year"] != year:
                self.add_error("birth_year", _("出生年份与身份证号不符"))
            if data.get("gender") and data["gender"] != gender:
                self.add_error("gender", _("性别与身份证号不符"))
            data["birth_year"] = data.get("birth_year") or year
            data["gender"] = data.get("gender") or gender
        area = data.get("area")
        if data.get("room") and area is not None and area.kind != Area.Kind.BUILDING:
            self.add_error("room", _("填写房号时，所在区域须选到楼栋"))
        return data

    def create(self, actor) -> Resident:
        """Hand the cleaned values to the one action that creates residents."""
        data = self.cleaned_data
        return resident_create(
            actor=actor,
            name=data["name"],
            area=data["area"],
            gender=data.get("gender") or "",
            birth_year=data.get("birth_year"),
            phone=data.get("phone") or "",
            id_number=data.get("id_number"),
            room=data.get("room") or "",
            tags=[t.name for t in data.get("tags") or ()],
        )
