"""Intake forms: the public QR form and the staff form share one set of rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.core.validators import normalize_phone
from jieyou.people import access
from jieyou.places import queries as places
from jieyou.places.models import Area

from .models import Category, Concern
from .photos import MAX_PHOTO_BYTES, MAX_PHOTOS, check_count

C = Concern.Channel
STAFF_CHANNELS = [(c, c.label) for c in (C.SERVICE_POINT, C.VISIT, C.HOTLINE)]
PLACE_KINDS = (Area.Kind.COMMUNITY, Area.Kind.COMPOUND, Area.Kind.BUILDING)


def _similar_as_typed(form, url: str, include: str) -> None:
    """Ask for similar open concerns while the description is typed (see concerns.similar)."""
    form.fields["description"].widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "input changed delay:600ms",
            "hx-target": "#similar",
            "hx-include": include,
        }
    )


class UnechoedInput(forms.TextInput):
    """A phone number is not written back into a page shown again after an error: the
    public form often runs on a tablet shared at the service point."""

    def format_value(self, value):
        return None


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to nine files; their content is checked when the concern is saved (concerns.photos)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f] if isinstance(data, list | tuple) else [data]
        files = [super(PhotosField, self).clean(f, initial) for f in files if f]
        try:
            check_count(files)
        except ValidationError as e:
            raise ValidationError(e.message_dict["photos"]) from None
        return files


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Buildings are shown under their compound: "蓝天家园小区 · 7号楼".
        return f"{obj.parent.name} · {obj.name}" if obj.kind == Area.Kind.BUILDING else obj.name


class ConcernFields(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("问题类别"),
        queryset=Category.objects.filter(active=True),
        empty_label=gettext_lazy("请选择"),
    )
    description = forms.CharField(
        label=gettext_lazy("问题描述"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("说清楚什么地方、什么问题，最多4000字"),
    )
    place = PlaceChoiceField(
        label=gettext_lazy("地点"), queryset=Area.objects.none(), empty_label=gettext_lazy("请选择")
    )
    address = forms.CharField(
        label=gettext_lazy("详细位置"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("例如：7号楼2单元楼顶"),
    )
    latitude = forms.DecimalField(
        label=gettext_lazy("纬度"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("经度"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
    )
    photos = PhotosField(label=gettext_lazy("照片"))

    def __init__(self, *args, places_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places_qs.select_related("parent").order_by("path")
        self.fields["place"].error_messages["invalid_choice"] = _("所选地点不在可选范围内")
        self.fields["photos"].help_text = _("可选，最多%(n)d张，每张不超过%(mb)d MB") % {
            "n": MAX_PHOTOS,
            "mb": MAX_PHOTO_BYTES // 2**20,
        }

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not text:
            raise ValidationError(_("请填写问题描述"))
        return text

    def clean_phone(self):
        value = (self.cleaned_data.get("phone") or "").strip()
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except ValidationError:
            # normalize_phone's message repeats the number; the page must not show it back.
            raise ValidationError(
                _("电话号码格式不正确，应为11位手机号或带区号的固定电话")
            ) from None

    def submit_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "description": data["description"],
            "area": data["place"],
            "address": data.get("address") or "",
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "photos": data.get("photos") or [],
        }


class PublicConcernForm(ConcernFields):
    """The QR form: no account; name and phone optional; one field a person never sees."""

    name = forms.CharField(label=gettext_lazy("您的称呼"), max_length=50, required=False)
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("可选；留下电话可收到办理进度短信"),
        widget=UnechoedInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    # Hidden by a CSS class; people leave it empty, form-filling robots do not.
    website = forms.CharField(label=gettext_lazy("网址"), required=False)

    def __init__(self, *args, origin: Area, **kwargs):
        community = places.community_of(origin) or origin
        choices = places.areas_under([community.path]).filter(
            kind__in=(Area.Kind.COMPOUND, Area.Kind.BUILDING)
        )
        if not choices.exists():
            choices = places.areas_under([community.path]).filter(pk=community.pk)
        super().__init__(*args, places_qs=choices, **kwargs)
        if origin.kind != Area.Kind.COMMUNITY:
            self.fields["place"].initial = origin.pk
        _similar_as_typed(self, reverse("intake:public_similar", args=[origin.pk]), "#id_place")

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def submit_kwargs(self) -> dict:
        return {
            **super().submit_kwargs(),
            "channel": C.QR,
            "contact_name": self.cleaned_data.get("name", "").strip(),
            "contact_phone": self.cleaned_data.get("phone", ""),
        }


class StaffConcernForm(ConcernFields):
    """A worker logs a concern for a resident (or an unnamed caller) inside their scope."""

    channel = forms.ChoiceField(label=gettext_lazy("渠道"), choices=STAFF_CHANNELS)
    resident = forms.ModelChoiceField(
        label=gettext_lazy("反映人"),
        queryset=None,
        required=False,
        widget=forms.HiddenInput,
    )
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("不填时使用居民登记的手机号"),
        widget=UnechoedInput(attrs={"inputmode": "tel"}),
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("紧急程度"), choices=Concern.Urgency.choices, initial="normal"
    )
    field_order = ["channel", "resident", "category", "description", "place"]

    def __init__(self, *args, user, **kwargs):
        resident_paths = list(access.scope_for(user).resident_paths)
        choices = (
            access.areas(user)
            .filter(places.under_paths(resident_paths))
            .filter(kind__in=PLACE_KINDS)
        )
        super().__init__(*args, places_qs=choices, **kwargs)
        self.fields["resident"].queryset = access.residents(user)
        self.fields["resident"].error_messages["invalid_choice"] = _("所选居民不在你的负责范围内")
        _similar_as_typed(self, reverse("intake:similar"), "#id_place, [name=resident]:checked")

    def clean(self):
        data = super().clean()
        resident = data.get("resident")
        if resident is not None and not self.data.get("place") and "place" in self.errors:
            # The resident's home stands in for a place left empty.
            place = self.fields["place"].queryset.filter(pk=resident.area_id).first()
            if place is not None:
                del self.errors["place"]
                data["place"] = place
        return data

    def submit_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().submit_kwargs(),
            "channel": data["channel"],
            "reporter": data.get("resident"),
            "contact_phone": data.get("phone") or "",
            "urgency": data["urgency"],
        }
