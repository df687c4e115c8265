"""民评 pages for evaluators: pick raters and invite them, print slips, follow progress and
signals. Counts only: no page shows a ballot, a token after printing, or who answered. The
subject evaluated gets a 404 on every one of them (scope.subjects_for leaves them out)."""

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jieyou.core.forms import add_action_error
from jieyou.core.masking import mask_phone
from jieyou.people import access

from .. import eligible, scope
from ..actions import surveys
from ..models import Cycle, Invitation, RaterGroup, Subject

SOURCE_CHOICES = [
    ("served", gettext_lazy("本周期诉求已办结的居民")),
    ("roster", gettext_lazy("花名册随机抽样")),
    ("units", gettext_lazy("相关单位联系人")),
]
SLIPS_PER_PAGE = 10


def _subject(user, subject_id: int) -> Subject:
    return access.get_or_404(
        scope.subjects_for(user).select_related("cycle", "scheme", "area", "unit"), pk=subject_id
    )


def _candidate_key(c: eligible.Candidate) -> str:
    # Keyed, so that the page's source cannot be used to test guesses of a masked number.
    return salted_hmac("evaluation.survey.candidate", f"{c.name}|{c.phone}|{c.basis}").hexdigest()[
        :20
    ]


class SourceForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("候选来源"), choices=SOURCE_CHOICES)
    size = forms.IntegerField(
        label=gettext_lazy("抽样人数"), min_value=1, max_value=eligible.MAX_SAMPLE, initial=30
    )
    seed = forms.CharField(label=gettext_lazy("随机种子"), max_length=32, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["size"].required = False


class InviteForm(forms.Form):
    group = forms.ModelChoiceField(
        label=gettext_lazy("评价群体"), queryset=RaterGroup.objects.none()
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("发放方式"),
        choices=Invitation.Channel.choices,
        widget=forms.RadioSelect,
        initial=Invitation.Channel.SLIP,
    )
    others = forms.CharField(
        label=gettext_lazy("其他受邀人（每行一人：姓名 手机号）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    others_basis = forms.CharField(
        label=gettext_lazy("其他受邀人的遴选依据"), max_length=100, required=False
    )

    def __init__(self, *args, subject: Subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = RaterGroup.objects.filter(cycle_id=subject.cycle_id)

    def clean(self):
        data = super().clean()
        if data.get("others", "").strip() and not data.get("others_basis", "").strip():
            self.add_error("others_basis", _("遴选依据：填写了其他受邀人时不能为空"))
        return data

    def other_people(self) -> list[tuple[str, str, str]]:
        basis = self.cleaned_data.get("others_basis", "").strip()
        rows = []
        for line in self.cleaned_data.get("others", "").splitlines():
            parts = line.replace(",", " ").replace("，", " ").split()
            if parts:
                rows.append((parts[0], parts[1] if len(parts) > 1 else "", basis))
        return rows


def _candidates(user, subject: Subject, source_form: SourceForm) -> list[eligible.Candidate]:
    data = source_form.cleaned_data
    source = data["source"]
    if source == "roster":
        return eligible.roster_sample(
            actor=user, subject=subject, size=data.get("size") or 30, seed=data.get("seed") or ""
        )
    return eligible.SOURCES[source](actor=user, subject=subject)


@login_required
@require_GET
def home(request):
    user = request.user
    if not scope.is_manager(user):
        raise Http404
    subjects = scope.subjects_for(user).select_related("cycle").order_by("-cycle__starts", "name")
    cycles: dict[Cycle, list[Subject]] = {}
    for s in subjects:
        cycles.setdefault(s.cycle, []).append(s)
    return render(request, "evaluation/survey_home.html", {"cycles": cycles})


@login_required
@require_GET
def progress(request, subject_id: int):
    subject = _subject(request.user, subject_id)
    tally = surveys.survey_tally(subject)
    rows = [{**row, "tally": tally.get(row["kind"])} for row in surveys.progress(subject)]
    return render(
        request,
        "evaluation/survey_progress.html",
        {"subject": subject, "rows": rows, "flagged": surveys.signals(subject)},
    )


@login_required
@require_GET
def signal_list(request, subject_id: int):
    subject = _subject(request.user, subject_id)
    return render(
        request,
        "evaluation/survey_signals.html",
        {
            "subject": subject,
            "flagged": surveys.signals(subject),
            "summary": surveys.signal_summary(subject),
            "share": int(surveys.PATTERN_SHARE * 100),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, subject_id: int):
    user = request.user
    subject = _subject(user, subject_id)
    data = request.POST if request.method == "POST" else request.GET
    source_form = SourceForm(data if data.get("source") else None)
    if not source_form.is_bound:
        source_form.initial["seed"] = eligible.new_seed()
    candidates, source_error = [], None
    if source_form.is_bound and source_form.is_valid():
        try:
            candidates = _candidates(user, subject, source_form)
        except ValidationError as e:
            add_action_error(source_form, e)
            source_error = True
    form = InviteForm(request.POST or None, subject=subject)
    picked = set(request.POST.getlist("pick")) if request.method == "POST" else set()
    if request.method == "POST" and form.is_valid() and not source_error:
        people = [c for c in candidates if _candidate_key(c) in picked] + form.other_people()
        channel = form.cleaned_data["channel"]
        try:
            result = surveys.invite(
                actor=user,
                subject=subject,
                group=form.cleaned_data["group"],
                people=people,
                channel=channel,
            )
        except ValidationError as e:
            add_action_error(form, e)
        else:
            if channel == Invitation.Channel.SLIP:
                return _slips(request, subject, form.cleaned_data["group"], result.tokens)
            messages.success(
                request,
                _("已邀请%(n)d人，发出短信%(sent)d条。")
                % {"n": result.invitations, "sent": result.sent},
            )
            if result.failed:
                messages.error(
                    request,
                    _("以下号码短信发送失败，评价码已作废不可补发，请改用纸质评价卡重新邀请：%(p)s")
                    % {"p": "、".join(result.failed)},
                )
            return redirect("evaluation:survey_progress", subject_id=subject.pk)
    shown = [
        {"key": _candidate_key(c), "name": c.name, "phone": mask_phone(c.phone), "basis": c.basis}
        for c in candidates
    ]
    return render(
        request,
        "evaluation/survey_invite.html",
        {
            "subject": subject,
            "source_form": source_form,
            "form": form,
            "candidates": shown,
            "picked": picked,
            "groups_missing": not RaterGroup.objects.filter(cycle_id=subject.cycle_id).exists(),
        },
    )


def _slips(request, subject: Subject, group: RaterGroup, tokens: list[str]):
    """The one and only showing of the new tokens: an A4 sheet of slips to cut out."""
    slips = []
    for token in tokens:
        url = surveys.ballot_url(token)
        svg = segno.make(url, error="m", micro=False).svg_inline(scale=3, omitsize=True)
        slips.append({"code": surveys.display_token(token), "url": url, "qr": svg})
    pages = [slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
    response = render(
        request,
        "evaluation/survey_slips.html",
        {
            "subject": subject,
            "group": group,
            "pages": pages,
            "count": len(slips),
            "enter_url": surveys.enter_url(),
        },
    )
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    return response
