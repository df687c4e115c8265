"""Forms for setting up an evaluation, entering reported figures and recording inspections.

Fields parse and bound what is typed; the rules (weights sum to 1, CR < 0.10, who may do what)
live in the actions, and an error they raise is put on the field it names.
"""

from fractions import Fraction

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.core.forms import add_action_error as add_action_error
from jieyou.core.forms import errors_of as errors_of
from jieyou.core.widgets import DateInput
from jieyou.party.models import PartyOrg
from jieyou.party.queries import FIGURES as PARTY_FIGURES
from jieyou.people.models import Unit
from jieyou.places.models import Area

from .actions.inspections import CRITERIA
from .models import Cycle, Dimension, Indicator, RaterGroup, Scheme, Subject


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            # The field hands over local time, already made naive.
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field; their content is checked by the action."""

    def __init__(self, *, accept: str, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(FilesField, self).clean(f, initial) for f in files if f]


def numeric(**attrs):
    """A text box with the number pad on phones (and the page's full-width text style)."""
    return forms.TextInput(attrs={"inputmode": "decimal", **attrs})


def _weight_field(label, **kwargs):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
        widget=numeric(),
        **kwargs,
    )


def staff_label(user) -> str:
    staff = getattr(user, "staff", None)
    if staff is None:
        return user.get_username()
    where = staff.area.name if staff.area_id else (staff.unit.name if staff.unit_id else "")
    return f"{staff.name}（{staff.get_role_display()}{' · ' + where if where else ''}）"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return staff_label(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return staff_label(obj)


def staff_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, staff__isnull=False)
        .select_related("staff__area", "staff__unit")
        .order_by("staff__role", "staff__name")
    )


# Cycles and rater groups


class CycleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    period = forms.ChoiceField(label=gettext_lazy("周期"), choices=Cycle.Period.choices)
    starts = forms.DateField(label=gettext_lazy("起始日期"), widget=DateInput)
    ends = forms.DateField(label=gettext_lazy("截止日期"), widget=DateInput)
    quantitative_weight = _weight_field(gettext_lazy("定量权重"), initial="0.4")
    inspection_weight = _weight_field(gettext_lazy("实看权重"), initial="0.2")
    survey_weight = _weight_field(gettext_lazy("民评权重"), initial="0.4")
    excellent = forms.FloatField(label=gettext_lazy("优秀分数线"), initial=90, widget=numeric())
    good = forms.FloatField(label=gettext_lazy("良好分数线"), initial=80, widget=numeric())
    fair = forms.FloatField(label=gettext_lazy("一般分数线"), initial=60, widget=numeric())
    min_ballots = forms.IntegerField(
        label=gettext_lazy("最少样本数"), min_value=1, initial=10, widget=numeric()
    )

    BAND_FIELDS = {"excellent": "优秀", "good": "良好", "fair": "一般"}

    @classmethod
    def initial_of(cls, cycle: Cycle) -> dict:
        initial = {f: getattr(cycle, f) for f in cls.base_fields if hasattr(cycle, f)}
        for field, grade in cls.BAND_FIELDS.items():
            initial[field] = cycle.grade_bands.get(grade)
        return initial

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["grade_bands"] = {g: data.pop(f) for f, g in self.BAND_FIELDS.items()}
        return data


class RaterGroupForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("评价群体"), choices=RaterGroup.Kind.choices)
    weight = _weight_field(gettext_lazy("权重"))


# Schemes


class SchemeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    post_type = forms.CharField(label=gettext_lazy("岗位类型"), max_length=50)
    description = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SchemeCopyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("新方案名称"), max_length=100)


class DimensionForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("维度"), choices=Dimension.Code.choices)
    weight = _weight_field(gettext_lazy("权重"), initial="0")


class IndicatorForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("编码"), max_length=32)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=Indicator.Kind.choices)
    visibility = forms.ChoiceField(
        label=gettext_lazy("显绩/潜绩"), choices=Indicator.Visibility.choices
    )
    direction = forms.ChoiceField(label=gettext_lazy("方向"), choices=Indicator.Direction.choices)
    unit = forms.CharField(label=gettext_lazy("计量单位"), max_length=20, required=False)
    source = forms.ChoiceField(label=gettext_lazy("数据来源"), choices=Indicator.Source.choices)
    source_key = forms.ChoiceField(
        label=gettext_lazy("党建台账计数项"),
        required=False,
        help_text=gettext_lazy("数据来源为“党建台账计数”时选择"),
    )
    weight = _weight_field(gettext_lazy("维度内权重"), initial="0")
    target = forms.FloatField(label=gettext_lazy("目标值"), widget=numeric())
    floor = forms.FloatField(label=gettext_lazy("底线值"), widget=numeric())
    tolerance = forms.FloatField(
        label=gettext_lazy("核查容差"),
        initial=0.1,
        min_value=0,
        help_text=gettext_lazy("填报值与核实值相差超过该比例即为数据失真，0.1 即 10%"),
        widget=numeric(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_key"].choices = [("", "—")] + [
            (key, str(label)) for key, (label, _records) in PARTY_FIGURES.items()
        ]


class WeightsForm(forms.Form):
    """One weight per item of a level (the dimensions of a scheme, or the indicators of a
    dimension), entered together so that their sum can be checked."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"w{item.pk}"] = _weight_field(str(item), initial=item.weight)

    def weights(self) -> dict:
        return {item.pk: self.cleaned_data[f"w{item.pk}"] for item in self.items}


def parse_ratio(text: str) -> float:
    """'3', '1/3', '0.5' → a positive number."""
    text = (text or "").strip().replace("／", "/")
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValidationError(_("请填写 1–9 的整数或其倒数，如 3 或 1/3")) from None
    if value <= 0:
        raise ValidationError(_("判断值必须为正数"))
    return float(value)


class AhpForm(forms.Form):
    """The upper triangle of a pairwise matrix: how much more the row item matters than the
    column item (Saaty's 1–9 scale, 1/3 for the other way round); the rest follows."""

    def __init__(self, *args, items, matrix=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        n = len(self.items)
        for i in range(n):
            for j in range(i + 1, n):
                initial = "1"
                if matrix and len(matrix) == n:
                    initial = _ratio_text(matrix[i][j])
                self.fields[f"a{i}_{j}"] = forms.CharField(
                    label=_("“%(a)s”比“%(b)s”") % {"a": self.items[i], "b": self.items[j]},
                    initial=initial,
                    max_length=10,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
                )

    def clean(self):
        cleaned = super().clean()
        for name in list(self.fields):
            if name in cleaned:
                try:
                    cleaned[name] = parse_ratio(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def matrix(self) -> list[list[float]]:
        n = len(self.items)
        rows = [[1.0] * n for _i in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                value = self.cleaned_data[f"a{i}_{j}"]
                rows[i][j], rows[j][i] = value, 1 / value
        return rows

    def pairs(self):
        """(row label, column label, field) for the template."""
        n = len(self.items)
        return [
            (self.items[i], self.items[j], self[f"a{i}_{j}"])
            for i in range(n)
            for j in range(i + 1, n)
        ]


def _ratio_text(value: float) -> str:
    if value >= 1:
        return f"{value:g}"
    inverse = 1 / value
    return f"1/{round(inverse):d}" if abs(inverse - round(inverse)) < 1e-6 else f"{value:.4g}"


# Subjects


class SubjectForm(forms.Form):
    scheme = forms.ModelChoiceField(label=gettext_lazy("考核方案"), queryset=Scheme.objects.all())
    kind = forms.ChoiceField(label=gettext_lazy("对象类型"), choices=Subject.Kind.choices)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    post = forms.CharField(label=gettext_lazy("职务"), max_length=100, required=False)
    user = StaffChoiceField(
        label=gettext_lazy("被考核人账号"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=gettext_lazy("考核干部时必选：系统据此让本人回避与其考核有关的一切数据"),
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("考核区域"),
        queryset=Area.objects.filter(
            kind__in=[Area.Kind.COUNTY, Area.Kind.TOWN, Area.Kind.COMMUNITY]
        ),
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("所在单位"), queryset=Unit.objects.all(), required=False
    )
    party_org = forms.ModelChoiceField(
        label=gettext_lazy("党组织"), queryset=PartyOrg.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_users()


# Reported figures


class FigureForm(forms.Form):
    value = forms.FloatField(label=gettext_lazy("填报值"), widget=numeric())
    baseline = forms.FloatField(label=gettext_lazy("基期值"), required=False, widget=numeric())
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_files = FilesField(
        label=gettext_lazy("证明材料"),
        accept="application/pdf,image/jpeg,image/png",
        help_text=gettext_lazy("PDF、JPEG 或 PNG，每份不超过 10 MB；首次填报至少一份"),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("退回原因"), max_length=200)


# Inspections


class DrawForm(forms.Form):
    cycle = forms.ModelChoiceField(label=gettext_lazy("考核周期"), queryset=Cycle.objects.none())
    name = forms.CharField(label=gettext_lazy("计划名称"), max_length=100)
    share = forms.FloatField(
        label=gettext_lazy("抽查比例"),
        initial=0.3,
        min_value=0.01,
        max_value=1,
        help_text=gettext_lazy(
            "从已填报数据中随机抽取的比例，0.3 即 30%；另为每个考核对象抽一处现场"
        ),
        widget=numeric(),
    )
    inspectors = StaffMultipleChoiceField(
        label=gettext_lazy("核查人员"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("系统只会把任务派给不属于被考核单位（社区）的人员"),
    )

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles
        self.fields["inspectors"].queryset = staff_users()


class InspectionForm(forms.Form):
    inspected_at = forms.DateTimeField(
        label=gettext_lazy("核查时间"), widget=DateTimeInput, initial=timezone.now
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    latitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    observed_value = forms.FloatField(
        label=gettext_lazy("核实值"), required=False, widget=numeric()
    )
    findings = forms.CharField(
        label=gettext_lazy("核查发现"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = FilesField(
        label=gettext_lazy("现场照片"),
        accept="image/jpeg,image/png,image/webp",
        help_text=gettext_lazy("至少一张，最多九张；位置等隐私信息会被去除"),
    )

    def __init__(self, *args, with_value: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_value:
            del self.fields["observed_value"]
        for i, criterion in enumerate(CRITERIA):
            self.fields[f"score{i}"] = forms.FloatField(
                label=_("%(c)s评分（0–100）") % {"c": criterion},
                min_value=0,
                max_value=100,
                widget=numeric(),
            )

    def scores(self) -> dict[str, float]:
        return {c: self.cleaned_data[f"score{i}"] for i, c in enumerate(CRITERIA)}
