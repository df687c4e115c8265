"""Forms for the ledger's pages and API: the same fields and Chinese messages for both.

Rules live in the actions; a ValidationError they raise is shown on the field it names.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.core.forms import add_action_error as add_action_error
from jieyou.core.forms import errors_of as errors_of
from jieyou.core.validators import normalize_id_number, normalize_phone
from jieyou.core.widgets import DateInput

from . import actions, scope
from .models import PartyActivity, PartyMember


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput, initial=timezone.localdate, **kwargs)


class MemberForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    gender = forms.ChoiceField(
        label=gettext_lazy("性别"),
        choices=[("", "—"), ("M", gettext_lazy("男")), ("F", gettext_lazy("女"))],
        required=False,
    )
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20, required=False)
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=20, required=False)
    org = forms.ModelChoiceField(label=gettext_lazy("所在党组织"), queryset=None)
    status = forms.ChoiceField(
        label=gettext_lazy("当前阶段"), choices=[(s, s.label) for s in actions.STEP_ORDER]
    )
    on = _date(gettext_lazy("到达该阶段的日期"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scope.orgs_for(user)
        self.fields["org"].error_messages["invalid_choice"] = _("所选党组织不在你的负责范围内")

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        return normalize_phone(value) if value else ""

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        if not value:
            return None
        number = normalize_id_number(value)
        if PartyMember.objects.filter(id_number=number).exists():
            raise ValidationError(_("该身份证号已登记为党员"))
        return number

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError(_("日期不能晚于今天"))
        return on

    def create(self, actor) -> PartyMember:
        data = self.cleaned_data
        return actions.member_create(
            actor=actor,
            name=data["name"],
            org=data["org"],
            status=data["status"],
            on=data["on"],
            gender=data["gender"],
            phone=data["phone"],
            id_number=data["id_number"],
        )


class AdvanceForm(forms.Form):
    on = _date(gettext_lazy("日期"))


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=PartyActivity.Kind.choices)
    topic = forms.CharField(label=gettext_lazy("主题"), max_length=200)
    held_on = _date(gettext_lazy("日期"))
    orgs = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参加党组织"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("选择多个组织即为联合主题党日"),
    )
    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参加党员"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expected = forms.IntegerField(
        label=gettext_lazy("应到人数"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("不填则按参加组织的党员人数计"),
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100, required=False)
    speaker = forms.CharField(label=gettext_lazy("主讲人"), max_length=50, required=False)
    minutes = forms.CharField(label=gettext_lazy("记录"), widget=forms.Textarea, required=False)

    def __init__(self, *args, user, org_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        orgs = scope.orgs_for(user)
        self.fields["orgs"].queryset = orgs
        self.fields["orgs"].error_messages["invalid_choice"] = _("所选党组织不在你的负责范围内")
        # Attendees are offered from the organisations chosen, not from every member in reach.
        if not self.is_bound:
            chosen = org_ids
        elif hasattr(self.data, "getlist"):
            chosen = self.data.getlist("orgs")
        else:
            chosen = self.data.get("orgs") or []
        chosen = [pk for pk in chosen if str(pk).isdigit()]
        self.fields["attendees"].queryset = (
            scope.members_for(user)
            .filter(org__in=orgs.filter(pk__in=chosen))
            .exclude(status=PartyMember.Status.TRANSFERRED_OUT)
            .order_by("org__path", "name")
        )
        self.fields["attendees"].error_messages["invalid_choice"] = _("所选党员不属于参加的党组织")

    def record(self, actor) -> PartyActivity | None:
        """The activity, or None with the action's errors added to the form."""
        data = self.cleaned_data
        try:
            return actions.activity_record(
                actor=actor,
                kind=data["kind"],
                topic=data["topic"],
                held_on=data["held_on"],
                orgs=data["orgs"],
                attendees=data["attendees"],
                expected=data["expected"],
                place=data["place"],
                speaker=data["speaker"],
                minutes=data["minutes"],
            )
        except ValidationError as error:
            add_action_error(self, error)
            return None


class ProgressForm(forms.Form):
    on = _date(gettext_lazy("日期"))
    note = forms.CharField(label=gettext_lazy("进展"), widget=forms.Textarea)
    percent = forms.IntegerField(label=gettext_lazy("完成比例（%）"))


class CheckForm(forms.Form):
    on = _date(gettext_lazy("检查日期"))
    findings = forms.CharField(label=gettext_lazy("发现问题"), widget=forms.Textarea)
    rectify_by = forms.DateField(
        label=gettext_lazy("整改期限"),
        widget=DateInput,
        required=False,
        help_text=gettext_lazy("需要整改时填写"),
    )


class RectifiedForm(forms.Form):
    on = _date(gettext_lazy("整改完成日期"))
