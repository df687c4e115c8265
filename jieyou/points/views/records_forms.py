"""Forms of the meeting, visit, volunteer and event pages; the actions keep the rules, the
forms only turn posted text into values and show the actions' errors on their fields."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.concerns import scope as concern_scope
from jieyou.concerns.models import Category, Concern
from jieyou.core.forms import add_action_error as add_action_error
from jieyou.people import access
from jieyou.places.models import Area

from ..models import Event, Meeting, Visit, Volunteer, VolunteerActivity, VolunteerRole
from ..scope import communities_for, may_keep, points_for

LOCAL = ZoneInfo("Asia/Shanghai")
# The concern category a visit's purpose most often leads to, offered first on "一键上报".
PURPOSE_CATEGORY = {
    Visit.Purpose.HAZARD: "AQ",
    Visit.Purpose.DISPUTE: "MD",
    Visit.Purpose.POLICY: "ZC",
    Visit.Purpose.CARE: "YL",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def kept_communities(user):
    """The communities whose records this user may add to (points.scope.may_keep)."""
    return [c for c in communities_for(user).order_by("path") if may_keep(user, c)]


def require_keeper(user) -> list[Area]:
    kept = kept_communities(user)
    if not kept:
        raise Http404
    return kept


def openable_concerns(user, ids) -> set[int]:
    """Of these concerns, the ones whose page the user may open: a meeting or visit is seen
    more widely (evaluators, the whole community) than the concerns raised from it."""
    return set(concern_scope.concerns_for(user).filter(pk__in=ids).values_list("pk", flat=True))


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} · {obj.name}" if obj.kind == Area.Kind.BUILDING else obj.name


class MeetingForm(forms.Form):
    community = forms.ModelChoiceField(
        label=gettext_lazy("社区"), queryset=Area.objects.none(), empty_label=None
    )
    point = forms.ModelChoiceField(
        label=gettext_lazy("解忧铺"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("（不在解忧铺）"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Meeting.Kind.choices)
    held_on = forms.DateField(
        label=gettext_lazy("日期"), widget=DateInput, initial=timezone.localdate
    )
    attendance = forms.IntegerField(
        label=gettext_lazy("参会人数"),
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    topics = forms.CharField(
        label=gettext_lazy("议题"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(
        label=gettext_lazy("会议记录"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("记录中的手机号、身份证号在显示时自动打码"),
    )
    decisions = forms.CharField(
        label=gettext_lazy("议定事项"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Area.objects.filter(pk__in=[c.pk for c in communities])
        self.fields["community"].error_messages["invalid_choice"] = _("社区：不在您的负责范围内")
        self.fields["point"].queryset = points_for_communities(communities)
        self.fields["point"].error_messages["invalid_choice"] = _("解忧铺：不在您的负责范围内")


def points_for_communities(communities):
    from ..models import ServicePoint

    return ServicePoint.objects.filter(community__in=communities, active=True).select_related(
        "community"
    )


def suggestion_rows(data, *, categories, places) -> tuple[list[dict], list[dict]]:
    """The repeated suggestion rows of the meeting form, as posted (for showing again) and as
    action input. A row with neither category nor text is left out; a half-filled row gets
    its own error."""
    shown, parsed = [], []
    by_code = {c.code: c for c in categories}
    by_place = {str(p.pk): p for p in places}
    for code, text, place in zip(
        data.getlist("s_category"),
        data.getlist("s_description"),
        data.getlist("s_area") or [""] * len(data.getlist("s_category")),
        strict=False,
    ):
        text = text.strip()
        row = {"category": code, "description": text, "area": place, "error": ""}
        shown.append(row)
        if not code and not text:
            continue
        if code not in by_code:
            row["error"] = _("问题类别：请选择")
        elif not text:
            row["error"] = _("内容：请填写这条建议")
        elif place and place not in by_place:
            row["error"] = _("地点：不在本社区")
        else:
            parsed.append(
                {"category": by_code[code], "description": text, "area": by_place.get(place)}
            )
    return shown, parsed


class SuggestionForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("问题类别"),
        queryset=Category.objects.filter(active=True),
        empty_label=gettext_lazy("请选择"),
    )
    description = forms.CharField(
        label=gettext_lazy("建议内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    area = PlaceChoiceField(
        label=gettext_lazy("地点"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("（会议所在小区或社区）"),
    )

    def __init__(self, *args, community: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = compounds_in(community)


def compounds_in(community: Area):
    return (
        Area.objects.filter(path__startswith=community.path, kind=Area.Kind.COMPOUND)
        .select_related("parent")
        .order_by("name")
    )


class VisitForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("事由"), choices=Visit.Purpose.choices, widget=forms.RadioSelect
    )
    visited_on = forms.DateField(
        label=gettext_lazy("走访日期"), widget=DateInput, initial=timezone.localdate
    )
    findings = forms.CharField(
        label=gettext_lazy("走访情况"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("发现的隐患、困难和诉求；保存后可一键上报为诉求"),
    )
    client_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_key"].error_messages["required"] = _(
            "草稿编号：缺少草稿编号，请刷新页面后重试"
        )


class VisitConcernForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("问题类别"),
        queryset=Category.objects.filter(active=True),
        empty_label=gettext_lazy("请选择"),
    )
    description = forms.CharField(
        label=gettext_lazy("问题描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("紧急程度"),
        choices=Concern.Urgency.choices,
        initial=Concern.Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    reporter = forms.ModelChoiceField(
        label=gettext_lazy("反映人"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("（不署名）"),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, visit: Visit, **kwargs):
        code = PURPOSE_CATEGORY.get(visit.purpose)
        initial = {"description": visit.findings}
        if code:
            initial["category"] = Category.objects.filter(code=code, active=True).first()
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)
        self.fields["reporter"].queryset = visit.household.residents.order_by("pk")
        self.fields["reporter"].label_from_instance = lambda r: r.name
        self.fields["reporter"].error_messages["invalid_choice"] = _("反映人：须是该住户的居民")


class VolunteerForm(forms.Form):
    community = forms.ModelChoiceField(
        label=gettext_lazy("社区"), queryset=Area.objects.none(), empty_label=None
    )
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    phone = forms.CharField(
        label=gettext_lazy("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    background = forms.ChoiceField(label=gettext_lazy("身份"), choices=Volunteer.Background.choices)
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("职责"),
        choices=VolunteerRole.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("所在单位"), queryset=None, required=False, empty_label="—"
    )
    joined_on = forms.DateField(label=gettext_lazy("加入日期"), widget=DateInput, required=False)

    def __init__(self, *args, user, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Area.objects.filter(pk__in=[c.pk for c in communities])
        self.fields["community"].error_messages["invalid_choice"] = _("社区：不在您的负责范围内")
        self.fields["unit"].queryset = access.units(user).order_by("name")
        self.fields["unit"].error_messages["invalid_choice"] = _("所在单位：不在您的范围内")


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=VolunteerActivity.Kind.choices)
    day = forms.DateField(label=gettext_lazy("日期"), widget=DateInput, initial=timezone.localdate)
    hours = forms.DecimalField(
        label=gettext_lazy("时长（小时）"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        initial=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    note = forms.CharField(label=gettext_lazy("内容"), max_length=500, required=False)
    point = forms.ModelChoiceField(
        label=gettext_lazy("解忧铺"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points_for_communities([volunteer.community])


class EventForm(forms.Form):
    point = forms.ModelChoiceField(label=gettext_lazy("解忧铺"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Event.Kind.choices)
    title = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    starts_at = forms.DateTimeField(label=gettext_lazy("开始时间"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(
        label=gettext_lazy("结束时间"), widget=DateTimeInput, required=False
    )
    providers = forms.CharField(
        label=gettext_lazy("服务提供方"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("如 县人民医院、爱心理发志愿队"),
    )
    people_served = forms.IntegerField(
        label=gettext_lazy("服务人次"),
        min_value=0,
        initial=0,
        help_text=gettext_lazy("活动结束后填写"),
    )
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        kept = kept_communities(user)
        self.fields["point"].queryset = points_for(user).filter(community__in=kept, active=True)
        self.fields["point"].error_messages["invalid_choice"] = _("解忧铺：不在您的负责范围内")

    def clean_starts_at(self):
        return _aware(self.cleaned_data["starts_at"])

    def clean_ends_at(self):
        return _aware(self.cleaned_data.get("ends_at"))


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if timezone.is_aware(value) else value.replace(tzinfo=LOCAL)
