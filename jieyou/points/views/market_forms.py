"""Forms of the market book's pages. Rules live in points.actions.market; an error an
action raises is shown on the field it names."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import scope
from ..actions import market as actions
from ..forms import WEEKDAY_CHOICES, DateInput, TimeInput, add_action_error
from ..models import Market, ServicePoint, VendorRegistration

QUESTION_LENGTH = 100


def kept_points(user):
    """The points whose markets this user may add or change."""
    return [
        p
        for p in scope.points_for(user).select_related("community")
        if scope.may_keep(user, p.community)
    ]


class MarketForm(forms.Form):
    point = forms.ModelChoiceField(
        label=gettext_lazy("解忧铺"), queryset=ServicePoint.objects.none()
    )
    name = forms.CharField(
        label=gettext_lazy("名称"), max_length=50, initial=gettext_lazy("解忧集市")
    )
    weekdays = forms.MultipleChoiceField(
        label=gettext_lazy("集市日"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    opens = forms.TimeField(label=gettext_lazy("开市时间"), required=False, widget=TimeInput)
    closes = forms.TimeField(label=gettext_lazy("闭市时间"), required=False, widget=TimeInput)
    first_day = forms.DateField(
        label=gettext_lazy("起始日期"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("季节性集市填写；常年集市留空"),
    )
    last_day = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=DateInput)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)

    def __init__(self, *args, user, market: Market | None = None, **kwargs):
        if market is not None:
            kwargs.setdefault(
                "initial",
                {
                    "point": market.point_id,
                    "name": market.name,
                    "weekdays": list(market.weekdays),
                    "opens": market.opens,
                    "closes": market.closes,
                    "first_day": market.first_day,
                    "last_day": market.last_day,
                    "active": market.active,
                },
            )
        super().__init__(*args, **kwargs)
        self.market = market
        points = [p.pk for p in kept_points(user)]
        self.fields["point"].queryset = ServicePoint.objects.filter(pk__in=points)
        self.fields["point"].error_messages["invalid_choice"] = _("解忧铺：不在您的负责范围内")
        if market is not None:
            self.fields["point"].disabled = True

    def save(self, actor) -> Market | None:
        data = self.cleaned_data
        try:
            return actions.market_save(
                actor=actor,
                point=self.market.point if self.market else data["point"],
                market=self.market,
                name=data["name"],
                weekdays=data["weekdays"],
                opens=data["opens"],
                closes=data["closes"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                active=data["active"],
            )
        except ValidationError as error:
            add_action_error(self, error)
            return None


class RegistrationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("摊主姓名"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20)
    products = forms.CharField(
        label=gettext_lazy("品种"),
        max_length=200,
        help_text=gettext_lazy("多个品种用顿号隔开，如：大葱、土豆、红薯"),
    )
    stall = forms.CharField(label=gettext_lazy("摊位"), max_length=20, required=False)
    first_day = forms.DateField(label=gettext_lazy("从"), widget=DateInput)
    last_day = forms.DateField(
        label=gettext_lazy("至"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("只登记一个集市日时留空；填写后登记期间的每个集市日"),
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=100, required=False)

    def save(self, actor, market: Market) -> VendorRegistration | None:
        try:
            return actions.vendor_register(actor=actor, market=market, **self.cleaned_data)
        except ValidationError as error:
            add_action_error(self, error)
            return None


class ClosureForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("日期"), widget=DateInput)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=100)


class SeasonalForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("品名"), max_length=20)
    months = forms.CharField(
        label=gettext_lazy("上市月份"),
        max_length=40,
        help_text=gettext_lazy("如 9,10,11 或 9-11；跨年写 11-2"),
    )


class AskForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("问一问"),
        max_length=QUESTION_LENGTH,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("周五的集市有卖白菜和大葱的吗？")}
        ),
    )
    point = forms.ModelChoiceField(
        label=gettext_lazy("解忧铺"), queryset=ServicePoint.objects.none(), required=False
    )
    today = forms.DateField(
        label=gettext_lazy("按哪天问"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("默认今天；翻看以前的登记本时可改"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = (
            scope.points_for(user).filter(markets__isnull=False).distinct()
        )
