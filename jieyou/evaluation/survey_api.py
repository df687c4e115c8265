"""/api/v1/evaluation/surveys/: evaluators invite raters and read progress counts; anyone with
a token reads the questions and casts one ballot.

The two public endpoints take no account and no CSRF token: the single-use token is the
credential, as an Open311 report's api_key is. They are rate-limited by client address like
the ballot page, and say the same about an unknown and a spent token. No endpoint returns a
ballot, a stored token or who answered: counts only."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jieyou.core.limits import over_limit
from jieyou.people import access

from . import scope
from .actions import surveys
from .errors import EvaluationError
from .models import RaterGroup
from .views.ballot import CAST_LIMIT, CAST_WINDOW, MISS_LIMIT, MISS_WINDOW

router = Router(tags=["民评"])


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class GroupProgressOut(Schema):
    kind: str
    label: str
    weight: float
    invited: int
    ballots: int
    n: int
    index: float | None
    insufficient: bool


class ProgressOut(Schema):
    subject_id: int
    min_ballots: int
    groups: list[GroupProgressOut]


class PersonIn(Schema):
    name: str
    phone: str = ""
    basis: str = ""


class InviteIn(Schema):
    group: str
    channel: str
    people: list[PersonIn]
    basis: str = ""


class InvitedOut(Schema):
    invitations: int
    sent: int
    failed: list[str]
    # Slips only: the clear codes and their links, returned this once and kept nowhere.
    tokens: list[str]
    urls: list[str]


class QuestionOut(Schema):
    name: str
    code: str
    label: str


class ChoiceOut(Schema):
    value: str
    label: str


class BallotFormOut(Schema):
    subject: str
    post: str
    questions: list[QuestionOut]
    choices: list[ChoiceOut]


class BallotIn(Schema):
    token: str
    overall: str
    dimensions: dict[str, str] = {}


class Thanks(Schema):
    detail: str


def _problem(status: int, detail: str, errors: dict | None = None):
    return JsonResponse({"detail": detail, "errors": errors or {}}, status=status)


def _invalid(exc: ValidationError):
    errors = (
        {NON_FIELD_ERRORS if k == "__all__" else k: v for k, v in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {NON_FIELD_ERRORS: exc.messages}
    )
    first = next(iter(errors.values()))[0]
    return _problem(422, first, errors)


def _subject(user, subject_id: int):
    return access.get_or_404(scope.subjects_for(user).select_related("cycle"), pk=subject_id)


@router.get(
    "/{subject_id}/progress",
    response=ProgressOut,
    summary="民评进度：各评价群体的邀请人数、收回票数与满意度指数（只有人数，不含个人）",
)
def progress(request, subject_id: int):
    subject = _subject(request.auth, subject_id)
    tally = surveys.survey_tally(subject)
    groups = []
    for row in surveys.progress(subject):
        t = tally[row["kind"]]
        groups.append({**row, "n": t["n"], "index": t["index"], "insufficient": t["insufficient"]})
    return {"subject_id": subject.pk, "min_ballots": subject.cycle.min_ballots, "groups": groups}


@router.post(
    "/{subject_id}/invitations",
    response={201: InvitedOut, 422: Problem},
    summary="邀请评价人：每人一个一次性评价码，短信发出或作为纸质评价卡返回一次",
)
def invite(request, subject_id: int, payload: InviteIn):
    user = request.auth
    subject = _subject(user, subject_id)
    group = RaterGroup.objects.filter(cycle_id=subject.cycle_id, kind=payload.group).first()
    if group is None:
        return _problem(
            422,
            _("评价群体：本考核周期没有该群体"),
            {"group": [_("评价群体：本考核周期没有该群体")]},
        )
    try:
        result = surveys.invite(
            actor=user,
            subject=subject,
            group=group,
            people=[p.model_dump() for p in payload.people],
            basis=payload.basis,
            channel=payload.channel,
        )
    except ValidationError as exc:
        return _invalid(exc)
    return Status(
        201,
        {
            "invitations": result.invitations,
            "sent": result.sent,
            "failed": result.failed,
            "tokens": result.tokens,
            "urls": [surveys.ballot_url(t) for t in result.tokens],
        },
    )


@router.get(
    "/ballot/{token}",
    auth=None,
    response={200: BallotFormOut, 404: Problem, 409: Problem, 429: Problem},
    summary="凭评价码读取评价题目（无需登录）",
)
def ballot_questions(request, token: str):
    if over_limit(request, "ballot_miss", MISS_LIMIT, MISS_WINDOW, count=False):
        return _problem(429, _("短时间内操作次数过多，请过十分钟再试。"))
    form = surveys.ballot_form(token)
    if form is None:
        over_limit(request, "ballot_miss", MISS_LIMIT, MISS_WINDOW)
        return _problem(404, str(surveys.INVALID_TOKEN))
    if not form.open:
        return _problem(409, str(surveys.NOT_OPEN))
    return {
        "subject": form.subject.name,
        "post": form.subject.post,
        "questions": [{"name": q.name, "code": q.code, "label": q.label} for q in form.questions],
        "choices": [{"value": v, "label": label} for v, label in form.choices],
    }


@router.post(
    "/ballots",
    auth=None,
    response={201: Thanks, 404: Problem, 409: Problem, 422: Problem, 429: Problem},
    summary="凭评价码提交一张评价票（无需登录；每个评价码只能用一次）",
)
def ballot_cast(request, payload: BallotIn):
    if over_limit(request, "ballot_miss", MISS_LIMIT, MISS_WINDOW, count=False) or over_limit(
        request, "ballot_cast", CAST_LIMIT, CAST_WINDOW
    ):
        return _problem(429, _("短时间内操作次数过多，请过十分钟再试。"))
    try:
        surveys.ballot_cast(
            token=payload.token, overall=payload.overall, dimensions=payload.dimensions
        )
    except EvaluationError as exc:
        code = getattr(exc, "code", None)
        if code == "token":
            over_limit(request, "ballot_miss", MISS_LIMIT, MISS_WINDOW)
            return _problem(404, str(surveys.INVALID_TOKEN))
        if code == "closed":
            return _problem(409, str(surveys.NOT_OPEN))
        return _invalid(exc)
    return Status(201, {"detail": _("感谢您的评价")})
