"""民评: invitations with single-use tokens, ballots that keep answers only, and the signs of a
gamed survey counted apart from the ballots.

What is stored, and why nothing links a ballot to a person:
- `Invitation`: that a person was asked to rate a subject for a rater group. No token.
- `SurveyToken`: the HMAC of a token (settings.SURVEY_HMAC_KEY), its subject and group; the row
  is deleted when the token is spent, in the ballot's transaction, so that no stored token row
  shares that transaction with a ballot (PostgreSQL stamps both with its transaction id). Made in the same call as the invitations but in another shuffled order, under random
  keys, with no column pointing at an invitation; the clear token exists only in the text
  message or on the printed slip.
- `Ballot`: subject, group, answers and a random UUID. No token, address or time.
- `SurveySignal`: counts per keyed hash of a device, of a 10-minute window, of an answer
  pattern. Written after the ballot's transaction, so they share nothing with it.
Casting a ballot is not written to the audit log: an entry carries the exact time and the
client's address, which is what a ballot must not have.

Reads for the score sheet and the results (keep these names and shapes):
- `survey_tally(subject) -> {group_kind: {"label", "weight", "counts": {answer: n}, "ballots",
  "n", "index", "insufficient"}}` — one grouped query. `counts` has every answer (满意
  `satisfied`, 基本满意 `basic`, 不满意 `unsatisfied`, 不了解 `unknown`); `ballots` counts them
  all; `n` leaves out 不了解, the sample the index stands on; `index` is
  `scoring.satisfaction_index` with 满意 1, 基本满意 0.8, 不满意 0 (0–1, None when n is 0);
  `insufficient` is n < cycle.min_ballots ("样本不足": show no score). Every rater group of the
  cycle is present, with zeros when nobody answered.
- `ballot_values(subject) -> {group_kind: [score, …]}` — one score per ballot with a scored
  overall answer (1, 0.8 or 0; 不了解 left out), sorted, so that a seeded bootstrap over them
  gives the same interval every time; groups without a scored ballot are absent.
- `cycle_tallies(cycle)` and `cycle_ballot_values(cycle)` give the same per subject id for a
  whole cycle in one pass each.
"""

import hashlib
import hmac
import logging
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, FilteredRelation, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.core import audit, sms
from jieyou.core.masking import mask_phone
from jieyou.core.validators import normalize_phone

from .. import scope
from ..errors import EvaluationError
from ..models import (
    Ballot,
    Cycle,
    Dimension,
    Invitation,
    RaterGroup,
    Subject,
    SurveySignal,
    SurveyToken,
)
from ..scoring import satisfaction_index

log = logging.getLogger(__name__)

A = Ballot.Answer
ANSWERS = tuple(A.values)
LEVEL_SCORES = {A.SATISFIED: 1.0, A.BASIC: 0.8, A.UNSATISFIED: 0.0, A.UNKNOWN: None}
# 31 letters and digits nobody misreads on paper (no 0/O, 1/I/L): 10 of them are ~49 bits,
# far beyond guessing at the rate the ballot page allows.
TOKEN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_LENGTH = 10
MAX_BATCH = 2000
BURST_WINDOW = timedelta(minutes=10)
# A signal is flagged at this count (settings.JIEYOU_SURVEY_SIGNAL_LIMITS overrides); an answer
# pattern must also make up PATTERN_SHARE of the subject's ballots, since honest raters who are
# all satisfied answer alike.
DEFAULT_SIGNAL_LIMITS = {
    SurveySignal.Kind.DEVICE: 3,
    SurveySignal.Kind.BURST: 10,
    SurveySignal.Kind.PATTERN: 10,
}
PATTERN_SHARE = 0.5
INVALID_TOKEN = gettext_lazy("评价码无效或已经使用过。如有疑问，请联系发放评价卡的工作人员。")
NOT_OPEN = gettext_lazy("本次评价尚未开始或已经结束。")


# ---- tokens -------------------------------------------------------------------------------


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def normalize_token(text: str) -> str:
    """What a person typed from a slip: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())[:64]


def _hmac(message: str) -> str:
    key = settings.SURVEY_HMAC_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    return _hmac(normalize_token(token))


def display_token(token: str) -> str:
    """`ABCDE-FGHJK`, easier to read out and type."""
    half = len(token) // 2
    return f"{token[:half]}-{token[half:]}"


def _public(path: str) -> str:
    return getattr(settings, "JIEYOU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/") + path


def ballot_url(token: str) -> str:
    return _public(reverse("ballot_page", args=[token]))


def enter_url() -> str:
    """Where a code from a slip is typed in."""
    return _public(reverse("ballot_enter"))


# ---- invitations --------------------------------------------------------------------------


@dataclass
class Invited:
    invitations: int
    # Clear tokens for printing (slips only), in an order unrelated to the people invited;
    # they are not kept anywhere and cannot be shown again.
    tokens: list[str] = field(default_factory=list)
    sent: int = 0
    # Masked numbers whose message the gateway refused.
    failed: list[str] = field(default_factory=list)


def _person(raw, default_basis: str) -> tuple[str, str, str]:
    if isinstance(raw, dict):
        name, phone, basis = raw.get("name", ""), raw.get("phone", ""), raw.get("basis", "")
    elif hasattr(raw, "name"):
        name, phone, basis = raw.name, raw.phone, getattr(raw, "basis", "")
    else:
        name, phone, *rest = (*raw, "")[:3]
        basis = rest[0] if rest else ""
    return (name or "").strip(), (phone or "").strip(), (basis or default_basis or "").strip()


def _clean_people(people, default_basis: str, channel: str) -> list[tuple[str, str, str]]:
    rows = [_person(p, default_basis) for p in people or ()]
    if not rows:
        raise EvaluationError({"people": _("受邀人：请至少选择一人")})
    if len(rows) > MAX_BATCH:
        raise EvaluationError({"people": _("受邀人：一次最多邀请%(n)d人") % {"n": MAX_BATCH}})
    cleaned = []
    for name, phone, basis in rows:
        if not name or len(name) > 50:
            raise EvaluationError({"people": _("受邀人姓名：不能为空，且不超过50个字")})
        if not basis or len(basis) > 100:
            raise EvaluationError(
                {
                    "basis": _("遴选依据：%(name)s 的遴选依据不能为空，且不超过100个字")
                    % {"name": name}
                }
            )
        if phone:
            try:
                phone = normalize_phone(phone)
            except ValidationError as exc:
                why = " ".join(exc.messages)
                raise EvaluationError(
                    {
                        "people": _("受邀人手机号：%(name)s 的号码有误（%(why)s）")
                        % {"name": name, "why": why}
                    }
                ) from None
        elif channel == Invitation.Channel.SMS:
            raise EvaluationError(
                {"people": _("受邀人手机号：短信方式须有手机号，%(name)s 没有") % {"name": name}}
            )
        cleaned.append((name, phone, basis))
    return cleaned


def invite(*, actor, subject: Subject, group: RaterGroup, people, basis: str = "", channel: str):
    """Invite people to rate a subject for a rater group, one single-use token each.

    `people`: candidates from `evaluation.eligible` or (name, phone[, basis]) rows or dicts;
    `basis` is used for anyone without one. Channel `sms` sends each person their token;
    channel `slip` returns the tokens to print once. Managers only, never the subject."""
    scope.require_manager(actor, subject)
    if channel not in Invitation.Channel.values:
        raise EvaluationError({"channel": _("发放方式：只能是纸质评价卡或短信")})
    if group.cycle_id != subject.cycle_id:
        raise EvaluationError({"group": _("评价群体：不属于该考核对象所在的考核周期")})
    if group.weight is None or group.weight <= 0:
        raise EvaluationError({"group": _("评价群体：须先设定大于0的权重，才能发出邀请")})
    rows = _clean_people(people, basis, channel)
    today = timezone.localdate()
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=subject.cycle_id)
        if cycle.status not in (Cycle.Status.DRAFT, Cycle.Status.OPEN):
            raise EvaluationError({"cycle": _("考核周期：已公示或锁定，不能再发出邀请")})
        shuffler = secrets.SystemRandom()
        invitations = [
            Invitation(
                subject=subject,
                group=group,
                name=name,
                phone=phone,
                basis=b,
                channel=channel,
                invited_by=actor,
                invited_on=today,
            )
            for name, phone, b in rows
        ]
        shuffler.shuffle(invitations)
        Invitation.objects.bulk_create(invitations)
        tokens = [new_token() for _ in rows]
        token_rows = [
            # A random key rather than the next in sequence: ids then say nothing about which
            # call, and so which invitations, a token came with.
            SurveyToken(
                pk=secrets.randbelow(2**62) + 1,
                subject=subject,
                group=group,
                digest=token_digest(t),
            )
            for t in tokens
        ]
        shuffler.shuffle(token_rows)
        SurveyToken.objects.bulk_create(token_rows)
        audit.record(
            "evaluation_survey.invite",
            actor=actor,
            obj=subject,
            detail={"group": group.kind, "channel": channel, "count": len(rows)},
        )
    if channel == Invitation.Channel.SLIP:
        shuffler.shuffle(tokens)
        return Invited(invitations=len(rows), tokens=tokens)
    result = Invited(invitations=len(rows))
    for (_name, phone, _b), token in zip(rows, tokens, strict=True):
        if sms.send(phone, _sms_text(subject, token)):
            result.sent += 1
        else:
            result.failed.append(mask_phone(phone))
    return result


def _sms_text(subject: Subject, token: str) -> str:
    who = f"{subject.name}（{subject.post}）" if subject.post else subject.name
    return _(
        "【解忧】诚邀您对%(who)s的工作作满意度评价，匿名填写，只能提交一次。"
        "请打开 %(url)s ，或在评价页输入评价码 %(code)s 。"
    ) % {"who": who, "url": ballot_url(token), "code": display_token(token)}


# ---- ballots ------------------------------------------------------------------------------


@dataclass
class Question:
    name: str  # the form field: "overall" or "dim_<code>"
    code: str  # "" for the overall question
    label: str


@dataclass
class BallotForm:
    subject: Subject
    questions: list[Question]
    choices: list[tuple[str, str]]
    # False when the cycle is not (or no longer) taking ballots.
    open: bool = True


def _dimension_codes(subject: Subject) -> list[tuple[str, str]]:
    dims = Dimension.objects.filter(scheme_id=subject.scheme_id).order_by("id")
    return [(d.code, str(d.get_code_display())) for d in dims]


def ballot_form(token: str) -> BallotForm | None:
    """What the ballot page asks, or None for a token that is unknown or spent (the caller
    says the same to both)."""
    found = (
        SurveyToken.objects.filter(digest=token_digest(token))
        .select_related("subject__cycle")
        .first()
    )
    if found is None:
        return None
    subject = found.subject
    if subject.cycle.status != Cycle.Status.OPEN:
        return BallotForm(subject, [], [], open=False)
    questions = [Question("overall", "", _("总体评价：您对其工作是否满意？"))]
    questions += [
        Question(f"dim_{code}", code, _("%(dim)s方面的工作") % {"dim": label})
        for code, label in _dimension_codes(subject)
    ]
    return BallotForm(subject, questions, [(a.value, str(a.label)) for a in A])


def clean_answers(subject: Subject, overall, dimensions) -> tuple[str, dict[str, str]]:
    if overall not in ANSWERS:
        raise EvaluationError({"overall": _("总体评价：请选择满意、基本满意、不满意或不了解")})
    if dimensions is None:
        dimensions = {}
    if not isinstance(dimensions, dict):
        raise EvaluationError({"dimensions": _("分项评价：格式不正确")})
    codes = {code for code, _label in _dimension_codes(subject)}
    cleaned = {}
    for code, answer in dimensions.items():
        if code not in codes:
            raise EvaluationError(
                {"dimensions": _("分项评价：“%(code)s”不是本考核方案的维度") % {"code": code}}
            )
        if answer in ("", None):
            continue
        if answer not in ANSWERS:
            raise EvaluationError(
                {"dimensions": _("分项评价：请为每一项选择满意、基本满意、不满意或不了解")}
            )
        cleaned[code] = answer
    return overall, dict(sorted(cleaned.items()))


def ballot_cast(*, token: str, overall: str, dimensions=None, device_key: str = "", now=None):
    """Spend the token and keep the answers, in one transaction; a token spent twice, even at
    the same instant, counts once. `device_key` is the device cookie and user agent (or '')."""
    digest = token_digest(token)
    found = SurveyToken.objects.filter(digest=digest).select_related("subject__cycle").first()
    if found is None:
        raise EvaluationError(str(INVALID_TOKEN), code="token")
    subject = found.subject
    if subject.cycle.status != Cycle.Status.OPEN:
        raise EvaluationError(str(NOT_OPEN), code="closed")
    overall, dims = clean_answers(subject, overall, dimensions)
    with transaction.atomic():
        # The one conditional write decides: of two racing casts exactly one deletes the row.
        if SurveyToken.objects.filter(digest=digest).delete()[0] != 1:
            raise EvaluationError(str(INVALID_TOKEN), code="token")
        Ballot.objects.create(
            subject_id=found.subject_id, group_id=found.group_id, overall=overall, dimensions=dims
        )
    try:
        _count_signals(subject.pk, overall, dims, device_key, now or timezone.now())
    except Exception:
        # The ballot stands; a lost count only weakens a warning.
        log.exception("survey signal not counted")


def _count_signals(subject_id: int, overall: str, dims: dict, device_key: str, now) -> None:
    window = int(now.timestamp()) // int(BURST_WINDOW.total_seconds())
    keys = [
        (SurveySignal.Kind.BURST, _hmac(f"burst:{subject_id}:{window}")),
        (
            SurveySignal.Kind.PATTERN,
            _hmac(f"pattern:{subject_id}:{overall}:{sorted(dims.items())}"),
        ),
    ]
    if device_key:
        keys.append((SurveySignal.Kind.DEVICE, _hmac(f"device:{subject_id}:{device_key}")))
    with transaction.atomic():
        for kind, key in keys:
            SurveySignal.objects.get_or_create(subject_id=subject_id, kind=kind, key=key)
            SurveySignal.objects.filter(subject_id=subject_id, kind=kind, key=key).update(
                count=F("count") + 1
            )


def signal_limits() -> dict[str, int]:
    return {**DEFAULT_SIGNAL_LIMITS, **getattr(settings, "JIEYOU_SURVEY_SIGNAL_LIMITS", {})}


def signals(subject: Subject) -> list[dict]:
    """The flagged signals of a subject, for the score sheet: kind, label, count, limit. A key
    is never shown: it is a hash, and says nothing a reader could use."""
    limits = signal_limits()
    ballots = Ballot.objects.filter(subject=subject).count()
    flagged = []
    rows = SurveySignal.objects.filter(subject=subject).order_by("kind", "-count")
    for s in rows.values("kind", "count"):
        limit = limits[s["kind"]]
        if s["count"] < limit:
            continue
        if s["kind"] == SurveySignal.Kind.PATTERN and s["count"] < PATTERN_SHARE * ballots:
            continue
        flagged.append(
            {
                "kind": s["kind"],
                "label": str(SurveySignal.Kind(s["kind"]).label),
                "count": s["count"],
                "limit": limit,
                "ballots": ballots,
            }
        )
    return flagged


def signal_summary(subject: Subject) -> dict[str, dict]:
    """Per kind: how many keys were counted and the largest count (for the signals page)."""
    rows = (
        SurveySignal.objects.filter(subject=subject)
        .values("kind")
        .annotate(keys=Count("*"), top=Max("count"))
    )
    found = {r["kind"]: {"keys": r["keys"], "top": r["top"]} for r in rows}
    return {
        k: {
            "label": str(k.label),
            "limit": signal_limits()[k],
            **found.get(k, {"keys": 0, "top": 0}),
        }
        for k in SurveySignal.Kind
    }


# ---- reads for results ----------------------------------------------------------------------


def _tally(label, weight, counts: dict[str, int], min_ballots: int) -> dict:
    n = sum(c for a, c in counts.items() if LEVEL_SCORES[a] is not None)
    return {
        "label": label,
        "weight": float(weight),
        "counts": counts,
        "ballots": sum(counts.values()),
        "n": n,
        "index": satisfaction_index(counts, LEVEL_SCORES),
        "insufficient": n < min_ballots,
    }


def survey_tally(subject: Subject) -> dict[str, dict]:
    """See the module's docstring."""
    mine = FilteredRelation("ballots", condition=Q(ballots__subject_id=subject.pk))
    rows = (
        RaterGroup.objects.filter(cycle_id=subject.cycle_id)
        .annotate(mine=mine)
        .annotate(**{f"n_{a}": Count("mine", filter=Q(mine__overall=a)) for a in ANSWERS})
        .order_by("id")
        .values_list("kind", "weight", "cycle__min_ballots", *(f"n_{a}" for a in ANSWERS))
    )
    return {
        kind: _tally(
            str(RaterGroup.Kind(kind).label),
            weight,
            dict(zip(ANSWERS, counts, strict=True)),
            min_ballots,
        )
        for kind, weight, min_ballots, *counts in rows
    }


def ballot_values(subject: Subject) -> dict[str, list[float]]:
    """See the module's docstring."""
    rows = Ballot.objects.filter(subject=subject).exclude(overall=A.UNKNOWN)
    values: dict[str, list[float]] = defaultdict(list)
    for kind, overall in rows.values_list("group__kind", "overall"):
        values[kind].append(LEVEL_SCORES[overall])
    return {kind: sorted(v) for kind, v in values.items()}


def cycle_tallies(cycle: Cycle) -> dict[int, dict[str, dict]]:
    """`survey_tally` for every subject of a cycle: {subject id: {group kind: …}}."""
    groups = list(RaterGroup.objects.filter(cycle=cycle).order_by("id"))
    counted: dict[tuple[int, int], Counter] = defaultdict(Counter)
    rows = (
        Ballot.objects.filter(subject__cycle=cycle)
        .order_by()
        .values_list("subject_id", "group_id", "overall")
        .annotate(n=Count("*"))
    )
    for subject_id, group_id, overall, n in rows:
        counted[(subject_id, group_id)][overall] += n
    subject_ids = Subject.objects.filter(cycle=cycle).values_list("pk", flat=True)
    return {
        sid: {
            g.kind: _tally(
                str(g.get_kind_display()),
                g.weight,
                {a: counted[(sid, g.pk)][a] for a in ANSWERS},
                cycle.min_ballots,
            )
            for g in groups
        }
        for sid in subject_ids
    }


def cycle_ballot_values(cycle: Cycle) -> dict[int, dict[str, list[float]]]:
    """`ballot_values` for every subject of a cycle with ballots: {subject id: {kind: […]}}."""
    kinds = dict(RaterGroup.objects.filter(cycle=cycle).values_list("pk", "kind"))
    values: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Ballot.objects.filter(group_id__in=list(kinds))
        .exclude(overall=A.UNKNOWN)
        .values_list("subject_id", "group_id", "overall")
    )
    for subject_id, group_id, overall in rows.iterator(chunk_size=20000):
        values[subject_id][kinds[group_id]].append(LEVEL_SCORES[overall])
    return {
        sid: {kind: sorted(v) for kind, v in by_kind.items()} for sid, by_kind in values.items()
    }


def dimension_tally(subject: Subject) -> dict[str, dict[str, dict]]:
    """Per group kind and dimension code: counts, n and index as in `survey_tally`."""
    min_ballots = subject.cycle.min_ballots
    counted: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for kind, dims in Ballot.objects.filter(subject=subject).values_list(
        "group__kind", "dimensions"
    ):
        for code, answer in (dims or {}).items():
            counted[kind][code][answer] += 1
    result: dict[str, dict[str, dict]] = {}
    for kind, by_code in counted.items():
        result[kind] = {}
        for code, c in by_code.items():
            counts = {a: c[a] for a in ANSWERS}
            result[kind][code] = _tally(code, 0, counts, min_ballots)
    return result


def progress(subject: Subject) -> list[dict]:
    """Per rater group: how many were invited and how many ballots came back. Counts only:
    nothing here says who answered."""
    invited = dict(
        Invitation.objects.filter(subject=subject)
        .order_by()
        .values_list("group_id")
        .annotate(n=Count("*"))
    )
    ballots = dict(
        Ballot.objects.filter(subject=subject)
        .order_by()
        .values_list("group_id")
        .annotate(n=Count("*"))
    )
    return [
        {
            "kind": g.kind,
            "label": str(g.get_kind_display()),
            "weight": float(g.weight),
            "invited": invited.get(g.pk, 0),
            "ballots": ballots.get(g.pk, 0),
        }
        for g in RaterGroup.objects.filter(cycle_id=subject.cycle_id).order_by("id")
    ]
