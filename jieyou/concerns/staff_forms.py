"""Forms of the staff pages: they parse input only; the rules live in the actions' guards.

Text fields are optional here on purpose: an empty reason reaches the action, whose guard says
in the user's language which reason is missing.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.people import access
from jieyou.people.models import Staff

from . import scope
from .models import Category, Concern, FollowUp, Level
from .states import OPEN

R = Staff.Role
# Concern.exempt_reason holds 200 characters; the other reasons go to event notes.
REASON_MAX = 200
NOTE_MAX = 2000
TEXT = forms.Textarea(attrs={"rows": 3})


class ActionForm(forms.Form):
    """The input of one action on one concern, for one user."""

    def __init__(self, data=None, files=None, *, user, concern):
        super().__init__(data, files)
        self.user, self.concern = user, concern


class NoteForm(ActionForm):
    note = forms.CharField(
        label=gettext_lazy("说明"), required=False, max_length=NOTE_MAX, widget=TEXT
    )

    def clean(self):
        data = super().clean()
        # Photos are checked by decoding inside the action (photos.save_photos), not here.
        data["photos"] = self.files.getlist("photos") if self.files else []
        return data


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=gettext_lazy("原因"), required=False, max_length=REASON_MAX, widget=TEXT
    )


class DispatchForm(ActionForm):
    lead_unit = forms.ModelChoiceField(label=gettext_lazy("主办单位"), queryset=None)
    assisting_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("协办单位"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    handler = forms.ModelChoiceField(
        label=gettext_lazy("承办人"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("不指定时由主办单位的经办人认领"),
    )
    note = forms.CharField(
        label=gettext_lazy("派单说明"), required=False, max_length=NOTE_MAX, widget=TEXT
    )

    def __init__(self, *args, user, concern):
        super().__init__(*args, user=user, concern=concern)
        units = access.units(user).order_by("name")
        self.fields["lead_unit"].queryset = units
        self.fields["assisting_units"].queryset = units
        self.fields["handler"].queryset = (
            get_user_model()
            .objects.filter(
                staff__in=access.staff_members(user),
                staff__role__in=scope.WORKING_ROLES,
                is_active=True,
            )
            .select_related("staff")
            .order_by("staff__role", "staff__name")
        )
        self.fields["handler"].label_from_instance = lambda u: (
            f"{u.staff.name}（{u.staff.get_role_display()}）"
        )

    def clean(self):
        data = super().clean()
        lead, assisting = data.get("lead_unit"), data.get("assisting_units")
        if lead and assisting:
            data["assisting_units"] = [u for u in assisting if u != lead]
        return data


class FollowUpForm(ActionForm):
    method = forms.ChoiceField(
        label=gettext_lazy("回访方式"),
        choices=[
            (FollowUp.Method.VISIT, FollowUp.Method.VISIT.label),
            (FollowUp.Method.CALL, FollowUp.Method.CALL.label),
        ],
    )
    solved = forms.TypedChoiceField(
        label=gettext_lazy("问题是否解决"),
        choices=[("yes", gettext_lazy("已解决")), ("no", gettext_lazy("未解决"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("满意度"),
        choices=[("", "—"), *FollowUp.Satisfaction.choices],
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("回访记录"), required=False, max_length=NOTE_MAX, widget=TEXT
    )


class MergeForm(ActionForm):
    into = forms.CharField(
        label=gettext_lazy("并入诉求的回执码"),
        max_length=16,
        help_text=gettext_lazy("同类诉求继续办理，本诉求的反映人会收到通知"),
    )
    reason = forms.CharField(
        label=gettext_lazy("合并说明"), required=False, max_length=NOTE_MAX, widget=TEXT
    )

    def clean_into(self):
        code = self.cleaned_data["into"].strip().upper()
        # Only an open concern this user may see: a code from elsewhere does not exist here.
        target = (
            scope.concerns_for(self.user)
            .filter(receipt_code=code, status__in=OPEN)
            .exclude(pk=self.concern.pk)
            .first()
        )
        if target is None:
            raise forms.ValidationError(_("未找到可并入的办理中诉求：%(code)s") % {"code": code})
        return target


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "—"), *Concern.Status.choices])
    category = forms.ModelChoiceField(required=False, queryset=Category.objects.all())
    level = forms.ChoiceField(required=False, choices=[("", "—"), *Level.choices])
    grid = forms.ModelChoiceField(required=False, queryset=None)
    overdue = forms.BooleanField(required=False)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["grid"].queryset = access.grids(user).order_by("name")
