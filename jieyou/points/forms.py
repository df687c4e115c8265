"""Forms for service points, services and services given. Rules live in the actions; an
error they raise is shown on the field it names."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.core.forms import add_action_error as add_action_error
from jieyou.core.forms import errors_of as errors_of
from jieyou.core.widgets import DateInput
from jieyou.people import access
from jieyou.people.models import Staff
from jieyou.places.models import Area
from jieyou.places.queries import under_paths

from . import scope
from .actions import points as point_actions
from .actions import services as service_actions
from .models import Service, ServicePoint, Zone

WEEKDAY_CHOICES = [
    ("1", gettext_lazy("周一")),
    ("2", gettext_lazy("周二")),
    ("3", gettext_lazy("周三")),
    ("4", gettext_lazy("周四")),
    ("5", gettext_lazy("周五")),
    ("6", gettext_lazy("周六")),
    ("7", gettext_lazy("周日")),
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def kept_communities(user):
    """Communities whose points this user may add or change."""
    return [c for c in scope.communities_for(user) if scope.may_keep(user, c)]


def _coordinate(label):
    return forms.DecimalField(
        label=label, max_digits=9, decimal_places=6, required=False, localize=False
    )


class PointForm(forms.Form):
    community = forms.ModelChoiceField(label=gettext_lazy("所属社区"), queryset=Area.objects.none())
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    area = forms.ModelChoiceField(
        label=gettext_lazy("所在小区"), queryset=Area.objects.none(), required=False
    )
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)
    hours = forms.CharField(
        label=gettext_lazy("开放时间"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("如：周一至周六 9:30–19:30"),
    )
    contact = forms.ModelChoiceField(
        label=gettext_lazy("联系人"), queryset=get_user_model().objects.none(), required=False
    )
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)
    latitude = _coordinate(gettext_lazy("纬度"))
    longitude = _coordinate(gettext_lazy("经度"))
    zones = forms.MultipleChoiceField(
        label=gettext_lazy("功能区"),
        choices=Zone.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, user, point: ServicePoint | None = None, **kwargs):
        self.point = point
        if point is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "community": point.community_id,
                "name": point.name,
                "area": point.area_id,
                "address": point.address,
                "hours": point.hours,
                "contact": point.contact_id,
                "phone": point.phone,
                "latitude": point.latitude,
                "longitude": point.longitude,
                "zones": sorted({z.kind for z in point.zones.all()}),
            }
        super().__init__(*args, **kwargs)
        communities = kept_communities(user)
        paths = [c.path for c in communities]
        self.fields["community"].queryset = Area.objects.filter(pk__in=[c.pk for c in communities])
        self.fields["community"].error_messages["invalid_choice"] = _("所选社区不在你的负责范围内")
        self.fields["area"].queryset = Area.objects.filter(
            under_paths(paths), kind=Area.Kind.COMPOUND
        ).order_by("path")
        self.fields["contact"].queryset = (
            get_user_model()
            .objects.filter(staff__in=access.staff_members(user))
            .filter(staff__role__in=scope.KEEPER_ROLES)
            .order_by("staff__name")
        )
        self.fields["contact"].label_from_instance = _staff_label

    def zone_rows(self) -> list[tuple[str, str, str]]:
        """The ticked kinds; a ticked kind keeps the named zones and notes it already has."""
        kinds = self.cleaned_data.get("zones") or []
        existing = list(self.point.zones.all()) if self.point is not None else []
        rows = []
        for kind in kinds:
            mine = [z for z in existing if z.kind == kind]
            rows += [(z.kind, z.name, z.note) for z in mine] or [(kind, "", "")]
        return rows

    def save(self, actor) -> ServicePoint | None:
        data = self.cleaned_data
        try:
            return point_actions.point_save(
                actor=actor,
                point=self.point,
                community=data["community"],
                name=data["name"],
                area=data.get("area"),
                address=data.get("address", ""),
                hours=data.get("hours", ""),
                contact=data.get("contact"),
                phone=data.get("phone", ""),
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                zones=self.zone_rows(),
            )
        except ValidationError as error:
            add_action_error(self, error)
            return None


def _staff_label(user) -> str:
    try:
        staff = user.staff
    except Staff.DoesNotExist:
        return user.get_username()
    return f"{staff.name}（{staff.get_role_display()}）"


class ServiceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("服务项目"), max_length=50)
    provider_kind = forms.ChoiceField(
        label=gettext_lazy("提供方类型"), choices=Service.Provider.choices
    )
    provider = forms.CharField(
        label=gettext_lazy("提供方"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("如：爱心义剪志愿队、老马家电维修部"),
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("提供单位"), queryset=None, required=False)
    weekdays = forms.MultipleChoiceField(
        label=gettext_lazy("服务日"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("不选则为预约服务"),
    )
    starts = forms.TimeField(label=gettext_lazy("开始时间"), required=False, widget=TimeInput)
    ends = forms.TimeField(label=gettext_lazy("结束时间"), required=False, widget=TimeInput)
    schedule_note = forms.CharField(
        label=gettext_lazy("时间说明"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("如：电话预约，当天上门"),
    )
    price_note = forms.CharField(label=gettext_lazy("收费说明"), max_length=100, required=False)
    latitude = _coordinate(gettext_lazy("纬度"))
    longitude = _coordinate(gettext_lazy("经度"))

    def __init__(self, *args, user, point: ServicePoint, service: Service | None = None, **kwargs):
        self.point, self.service = point, service
        if service is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": service.name,
                "provider_kind": service.provider_kind,
                "provider": service.provider,
                "unit": service.unit_id,
                "weekdays": list(service.weekdays),
                "starts": service.starts,
                "ends": service.ends,
                "schedule_note": service.schedule_note,
                "price_note": service.price_note,
                "latitude": service.latitude,
                "longitude": service.longitude,
            }
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = access.units(user).order_by("name")
        self.fields["unit"].error_messages["invalid_choice"] = _("所选单位不在你的负责范围内")

    def save(self, actor) -> Service | None:
        data = self.cleaned_data
        try:
            return service_actions.service_save(
                actor=actor,
                service=self.service,
                point=self.point,
                name=data["name"],
                provider_kind=data["provider_kind"],
                provider=data.get("provider", ""),
                unit=data.get("unit"),
                weekdays=data.get("weekdays") or "",
                starts=data.get("starts"),
                ends=data.get("ends"),
                schedule_note=data.get("schedule_note", ""),
                price_note=data.get("price_note", ""),
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
            )
        except ValidationError as error:
            add_action_error(self, error)
            return None


class DeliveryForm(forms.Form):
    service = forms.ModelChoiceField(label=gettext_lazy("服务项目"), queryset=None)
    day = forms.DateField(label=gettext_lazy("日期"), widget=DateInput, initial=timezone.localdate)
    people = forms.IntegerField(
        label=gettext_lazy("服务人次"), min_value=1, max_value=service_actions.MOST_PEOPLE_A_DAY
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

    def __init__(self, *args, point: ServicePoint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = point.services.filter(active=True).order_by("name")
        self.fields["service"].error_messages["invalid_choice"] = _("请选择本解忧铺的服务项目")

    def save(self, actor):
        data = self.cleaned_data
        try:
            return service_actions.delivery_record(
                actor=actor,
                service=data["service"],
                day=data["day"],
                people=data["people"],
                note=data.get("note", ""),
            )
        except ValidationError as error:
            add_action_error(self, error)
            return None


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("找服务"), max_length=40, required=False)
