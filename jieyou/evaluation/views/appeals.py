"""申诉 pages: the subject's own results (我的考核结果) with the appeal form during the window;
the managers' queue and decision form, whose corrections are the ones appeal_decide applies
(a reported figure's value, an inspection set aside). A subject sees only their own; anyone
else's result or appeal is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jieyou.people import access

from .. import scope
from ..actions import publication
from ..forms import add_action_error
from ..models import Appeal, Cycle, Indicator, Inspection, Result, Subject

SHOWN = (Cycle.Status.PUBLISHED, Cycle.Status.LOCKED)
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


class AppealForm(forms.Form):
    reasons = forms.CharField(
        label=gettext_lazy("申诉理由"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=publication.MAX_REASONS,
        error_messages={
            "required": gettext_lazy("申诉理由：必须填写"),
            "max_length": gettext_lazy("申诉理由：不能超过 4000 字"),
        },
    )
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("涉及指标（可不选）"),
        queryset=Indicator.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("涉及指标：不是本人考核方案中的指标")},
    )
    evidence = forms.FileField(
        label=gettext_lazy("证明材料（PDF、JPEG 或 PNG，可不传）"), required=False
    )

    def __init__(self, *args, subject: Subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            dimension__scheme_id=subject.scheme_id
        ).order_by("dimension_id", "id")


class DecideForm(forms.Form):
    """The decision, with one optional corrected value per reported indicator and one
    set-aside box per inspection of the subject."""

    upheld = forms.TypedChoiceField(
        label=gettext_lazy("复核结论"),
        choices=[("1", gettext_lazy("申诉成立")), ("0", gettext_lazy("维持原结果"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("复核结论：请选择")},
    )
    decision = forms.CharField(
        label=gettext_lazy("复核意见"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=publication.MAX_REASONS,
        error_messages={"required": gettext_lazy("复核意见：必须填写")},
    )

    def __init__(self, *args, subject: Subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure_fields = []
        for indicator in Indicator.objects.filter(
            dimension__scheme_id=subject.scheme_id, source=Indicator.Source.REPORTED
        ).order_by("dimension_id", "id"):
            name = f"value_{indicator.pk}"
            self.fields[name] = forms.FloatField(
                label=_("更正“%(i)s”为（%(u)s）")
                % {"i": indicator.name, "u": indicator.unit or "—"},
                required=False,
                error_messages={"invalid": _("更正值：必须是数字")},
            )
            self.figure_fields.append((name, indicator.pk))
        self.inspection_fields = []
        for inspection in Inspection.objects.filter(task__subject=subject).order_by("pk"):
            name = f"set_aside_{inspection.pk}"
            self.fields[name] = forms.BooleanField(
                label=_("撤销 %(at)s 在“%(p)s”的核查结论")
                % {
                    "at": timezone.localtime(inspection.inspected_at).strftime("%Y-%m-%d"),
                    "p": inspection.place or "—",
                },
                required=False,
            )
            self.inspection_fields.append((name, inspection.pk))

    def corrections(self) -> list[dict]:
        data = self.cleaned_data
        found = [
            {"kind": "figure", "indicator": pk, "value": data[name]}
            for name, pk in self.figure_fields
            if data.get(name) is not None
        ]
        found += [
            {"kind": "inspection", "inspection": pk}
            for name, pk in self.inspection_fields
            if data.get(name)
        ]
        return found


# The subject's own results.


def _own_published(user):
    return (
        scope.own_subjects(user)
        .filter(cycle__status__in=SHOWN, result__isnull=False)
        .select_related("cycle", "result")
    )


def _mine_page(request, *, form_for=None, form=None, status=200):
    rows = []
    for subject in _own_published(request.user).order_by("-cycle__starts"):
        rows.append(
            {
                "subject": subject,
                "result": subject.result,
                "in_window": publication.in_window(subject.cycle),
                "pending": subject.appeals.filter(status=Appeal.Status.FILED).exists(),
                "appeals": subject.appeals.order_by("-filed_at"),
                "form": form
                if form_for == subject.pk
                else AppealForm(subject=subject, prefix=f"s{subject.pk}"),
            }
        )
    return render(request, "evaluation/result_mine.html", {"rows": rows}, status=status)


@login_required
def mine(request):
    return _mine_page(request)


@require_POST
@login_required
def appeal_new(request, subject_id):
    subject = access.get_or_404(_own_published(request.user), pk=subject_id)
    form = AppealForm(request.POST, request.FILES, subject=subject, prefix=f"s{subject.pk}")
    if form.is_valid():
        try:
            publication.appeal_file(actor=request.user, subject=subject, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("申诉已提交，等待复核"))
            return redirect("evaluation:result_mine")
    return _mine_page(request, form_for=subject.pk, form=form, status=422)


# The managers' queue.


def _manager(request):
    if not scope.is_manager(request.user):
        raise Http404


def _appeals(user):
    return Appeal.objects.filter(subject__in=scope.subjects_for(user)).select_related(
        "subject__cycle", "indicator", "filed_by__staff", "decided_by__staff"
    )


@login_required
def appeal_list(request):
    _manager(request)
    appeals = _appeals(request.user).order_by("status", "-filed_at")
    return render(request, "evaluation/appeal_list.html", {"appeals": appeals})


def _detail_page(request, appeal, form=None, status=200):
    subject = appeal.subject
    decidable = (
        appeal.status == Appeal.Status.FILED and subject.cycle.status == Cycle.Status.PUBLISHED
    )
    if decidable and form is None:
        form = DecideForm(subject=subject)
    context = {
        "appeal": appeal,
        "corrections": describe(appeal),
        "subject": subject,
        "result": Result.objects.filter(subject=subject).first(),
        "form": form if decidable else None,
    }
    return render(request, "evaluation/appeal_detail.html", context, status=status)


def describe(appeal: Appeal) -> list[str]:
    """An upheld appeal's corrections in words."""
    corrections = appeal.corrections or []
    names = dict(
        Indicator.objects.filter(
            pk__in=[c["indicator"] for c in corrections if c.get("kind") == "figure"]
        ).values_list("pk", "name")
    )
    places = {
        i.pk: i
        for i in Inspection.objects.filter(
            pk__in=[c["inspection"] for c in corrections if c.get("kind") == "inspection"]
        )
    }
    lines = []
    for c in corrections:
        if c.get("kind") == "figure":
            lines.append(
                _("“%(i)s”按复核认定的 %(v)s 计分")
                % {"i": names.get(c["indicator"], c["indicator"]), "v": f"{c['value']:g}"}
            )
        elif c.get("kind") == "inspection":
            found = places.get(c["inspection"])
            when = timezone.localtime(found.inspected_at).strftime("%Y-%m-%d") if found else "—"
            lines.append(
                _("撤销 %(at)s 在“%(p)s”的核查结论")
                % {"at": when, "p": found.place if found else "—"}
            )
    return lines


@login_required
def appeal_detail(request, pk):
    _manager(request)
    return _detail_page(request, access.get_or_404(_appeals(request.user), pk=pk))


@require_POST
@login_required
def appeal_decide(request, pk):
    _manager(request)
    appeal = access.get_or_404(_appeals(request.user), pk=pk)
    form = DecideForm(request.POST, subject=appeal.subject)
    if form.is_valid():
        try:
            decided = publication.appeal_decide(
                actor=request.user,
                appeal=appeal,
                upheld=form.cleaned_data["upheld"],
                decision=form.cleaned_data["decision"],
                corrections=form.corrections(),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            if decided.status == Appeal.Status.UPHELD:
                messages.success(
                    request,
                    _("申诉成立，已重新计分：%(a)s → %(b)s")
                    % {"a": decided.total_before, "b": decided.total_after},
                )
            else:
                messages.success(request, _("已维持原结果"))
            return redirect("evaluation:appeal_detail", pk=appeal.pk)
    return _detail_page(request, appeal, form=form, status=422)


@login_required
def appeal_evidence(request, pk):
    """An appeal's evidence, for the managers and the subject who filed it."""
    user = request.user
    readable = Q(subject__in=scope.own_subjects(user))
    if scope.is_manager(user):
        readable |= Q(subject__in=scope.subjects_for(user))
    appeal = access.get_or_404(Appeal.objects.filter(readable).exclude(evidence=""), pk=pk)
    extension = appeal.evidence.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        appeal.evidence.open("rb"),
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["Content-Disposition"] = content_disposition_header(
        False, _("申诉材料-%(n)d.%(e)s") % {"n": appeal.pk, "e": extension}
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=3600)
    return response
