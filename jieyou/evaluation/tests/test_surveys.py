"""民评: single-use tokens kept only as HMACs, ballots that cannot be traced, counts and
signals, and the subject kept away from all of it."""

import hashlib
import hmac
import re
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core import serializers
from django.db import close_old_connections, connection, models

from jieyou.concerns import actions as concern_actions
from jieyou.concerns.models import Category, Concern
from jieyou.core.models import AuditEntry
from jieyou.evaluation import eligible
from jieyou.evaluation.actions import setup
from jieyou.evaluation.actions import surveys as sv
from jieyou.evaluation.errors import EvaluationError
from jieyou.evaluation.models import (
    Ballot,
    Invitation,
    RaterGroup,
    Subject,
    SurveySignal,
    SurveyToken,
)

TZ = ZoneInfo("Asia/Shanghai")
NOON = datetime(2024, 6, 3, 12, 0, tzinfo=TZ)
PEOPLE = [(f"居民{i}", f"1390000{i:04d}", "花名册抽样（种子 t）") for i in range(12)]


def group(cycle, kind=RaterGroup.Kind.PUBLIC) -> RaterGroup:
    return RaterGroup.objects.get(cycle=cycle, kind=kind)


def slips(cast, subject, n=12, kind=RaterGroup.Kind.PUBLIC) -> list[str]:
    result = sv.invite(
        actor=cast.evaluator,
        subject=subject,
        group=group(subject.cycle, kind),
        people=PEOPLE[:n],
        channel=Invitation.Channel.SLIP,
    )
    return result.tokens


def cast_all(tokens, overall="satisfied", dims=None, **kw):
    for t in tokens:
        sv.ballot_cast(token=t, overall=overall, dimensions=dims or {}, **kw)


# ---- tokens --------------------------------------------------------------------------------


def test_only_the_hmac_of_a_token_is_stored_anywhere(cast, opened, subject):
    tokens = slips(cast, subject)
    assert len(tokens) == len(set(tokens)) == 12
    key = settings.SURVEY_HMAC_KEY.encode()
    assert key != settings.AUDIT_HMAC_KEY.encode()
    expected = {hmac.new(key, t.encode(), hashlib.sha256).hexdigest() for t in tokens}
    assert set(SurveyToken.objects.filter(subject=subject).values_list("digest", flat=True)) == (
        expected
    )
    # Every row of every table, the audit log included: no clear token anywhere.
    dump = "".join(
        serializers.serialize("json", model.objects.all()) for model in apps.get_models()
    )
    for t in tokens:
        assert t not in dump
        assert sv.display_token(t) not in dump
    entry = AuditEntry.objects.filter(action="evaluation_survey.invite").latest("id")
    assert entry.detail == {"group": "public", "channel": "slip", "count": 12}


def test_invitations_and_tokens_share_no_column_and_no_order(cast, opened, subject):
    slips(cast, subject)
    for model, other in ((Invitation, SurveyToken), (SurveyToken, Invitation)):
        for f in model._meta.get_fields():
            assert getattr(f, "related_model", None) is not other, f.name
    assert "token" not in {f.name for f in Invitation._meta.get_fields()}
    token_ids = list(SurveyToken.objects.order_by("pk").values_list("pk", flat=True))
    # Random keys: not a run of consecutive numbers that would follow the invitations' order.
    assert token_ids != list(range(token_ids[0], token_ids[0] + len(token_ids)))


def test_ballots_are_unlinkable_by_their_columns():
    fields = Ballot._meta.get_fields()
    kinds = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)
    assert not [f.name for f in fields if isinstance(f, kinds)]
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    related = {f.related_model for f in fields if f.is_relation}
    assert related == {Subject, RaterGroup}
    names = {f.name for f in fields}
    assert names == {"id", "subject", "group", "overall", "dimensions"}
    # No admin page lists ballots or tokens either.
    assert not admin.site.is_registered(Ballot)
    assert not admin.site.is_registered(SurveyToken)


def test_a_token_spent_twice_in_a_row_counts_once(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    sv.ballot_cast(token=token, overall="satisfied", dimensions={"governance": "basic"})
    with pytest.raises(EvaluationError) as again:
        sv.ballot_cast(token=token, overall="unsatisfied", dimensions={})
    assert again.value.code == "token"
    ballot = Ballot.objects.get(subject=subject)
    assert (ballot.overall, ballot.dimensions) == ("satisfied", {"governance": "basic"})
    assert not SurveyToken.objects.filter(subject=subject).exists()


def test_unknown_and_spent_tokens_get_the_same_answer(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    sv.ballot_cast(token=token, overall="satisfied")
    messages = []
    for t in (token, "ABCDEFGHJK"):
        with pytest.raises(EvaluationError) as refused:
            sv.ballot_cast(token=t, overall="satisfied")
        messages.append((refused.value.code, refused.value.messages))
        assert sv.ballot_form(t) is None
    assert messages[0] == messages[1]


def test_typed_codes_ignore_case_spaces_and_dashes(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    typed = " " + sv.display_token(token).lower() + " "
    assert sv.ballot_form(typed) is not None
    sv.ballot_cast(token=typed, overall="basic")
    assert Ballot.objects.filter(subject=subject).count() == 1


def test_answers_are_checked_before_the_token_is_spent(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    with pytest.raises(EvaluationError) as bad:
        sv.ballot_cast(token=token, overall="great")
    assert "overall" in bad.value.message_dict
    with pytest.raises(EvaluationError) as bad:
        sv.ballot_cast(token=token, overall="satisfied", dimensions={"economy": "satisfied"})
    # 经济 is a dimension, but not one of this scheme's (治理, 党建).
    assert "dimensions" in bad.value.message_dict
    with pytest.raises(EvaluationError):
        sv.ballot_cast(token=token, overall="satisfied", dimensions={"party": "yes"})
    assert SurveyToken.objects.filter(subject=subject).exists()
    sv.ballot_cast(token=token, overall="satisfied", dimensions={"party": "unknown"})
    assert Ballot.objects.get(subject=subject).dimensions == {"party": "unknown"}


def test_no_ballot_before_the_cycle_opens(cast, cycle, subject):
    token = slips(cast, subject, n=1)[0]
    assert sv.ballot_form(token).open is False
    with pytest.raises(EvaluationError) as closed:
        sv.ballot_cast(token=token, overall="satisfied")
    assert closed.value.code == "closed"
    assert not Ballot.objects.exists()
    assert SurveyToken.objects.filter(subject=subject).exists()


# ---- invitations ---------------------------------------------------------------------------


def test_sms_sends_one_message_per_invitation_with_its_link(cast, opened, subject, outbox):
    people = PEOPLE[:3]
    result = sv.invite(
        actor=cast.evaluator,
        subject=subject,
        group=group(subject.cycle),
        people=people,
        channel=Invitation.Channel.SMS,
    )
    assert (result.invitations, result.sent, result.tokens) == (3, 3, [])
    assert sorted(phone for phone, _text in outbox) == sorted("+86" + p for _n, p, _b in people)
    digests = set(SurveyToken.objects.values_list("digest", flat=True))
    links = set()
    for _phone, text in outbox:
        link = next(w for w in text.split() if "/s/" in w)
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert sv.token_digest(token) in digests
        assert sv.display_token(token) in text
        assert subject.name in text
        links.add(link)
    assert len(links) == 3
    assert Invitation.objects.filter(subject=subject, channel="sms").count() == 3


def test_sms_needs_a_phone_for_everyone(cast, opened, subject, outbox):
    with pytest.raises(EvaluationError) as refused:
        sv.invite(
            actor=cast.evaluator,
            subject=subject,
            group=group(subject.cycle),
            people=[("居民甲", "13900001111", "x"), ("居民乙", "", "x")],
            channel=Invitation.Channel.SMS,
        )
    assert "people" in refused.value.message_dict
    assert outbox == []
    assert not Invitation.objects.exists() and not SurveyToken.objects.exists()


def test_the_subject_cannot_invite_pick_raters_or_be_a_manager_of_their_own(cast, opened, subject):
    g = group(subject.cycle)
    with pytest.raises(EvaluationError):
        sv.invite(actor=cast.cadre, subject=subject, group=g, people=PEOPLE[:1], channel="slip")
    for pick in (eligible.served_residents, eligible.unit_contacts):
        with pytest.raises(EvaluationError):
            pick(actor=cast.cadre, subject=subject)
    with pytest.raises(EvaluationError):
        eligible.roster_sample(actor=cast.cadre, subject=subject, size=5, seed="x")
    # Even an evaluator is refused once they are the one evaluated.
    own = Subject.objects.create(
        cycle=subject.cycle,
        scheme=subject.scheme,
        kind="cadre",
        name="考核员本人",
        user=cast.evaluator,
        area=cast.mingzhu,
    )
    with pytest.raises(EvaluationError):
        sv.invite(actor=cast.evaluator, subject=own, group=g, people=PEOPLE[:1], channel="slip")
    with pytest.raises(EvaluationError):
        eligible.roster_sample(actor=cast.evaluator, subject=own, size=5, seed="x")
    # … and so is anyone who is not an evaluator.
    with pytest.raises(EvaluationError):
        sv.invite(actor=cast.outsider, subject=subject, group=g, people=PEOPLE[:1], channel="slip")
    assert not Invitation.objects.exists()


def test_a_group_of_another_cycle_is_refused(cast, opened, subject):
    other = setup.cycle_create(
        actor=cast.evaluator,
        name="2025年度",
        period="year",
        starts=datetime(2025, 1, 1).date(),
        ends=datetime(2025, 12, 31).date(),
    )
    foreign = setup.rater_group_set(
        actor=cast.evaluator, cycle=other, kind=RaterGroup.Kind.PUBLIC, weight="1"
    )
    with pytest.raises(EvaluationError) as refused:
        sv.invite(
            actor=cast.evaluator,
            subject=subject,
            group=foreign,
            people=PEOPLE[:1],
            channel="slip",
        )
    assert "group" in refused.value.message_dict


# ---- eligible raters -----------------------------------------------------------------------


def _closed_concern(cast, area, reporter=None, at=NOON, **contact):
    c = concern_actions.concern_submit(
        actor=None,
        category=Category.objects.get(code="HJ"),
        description="楼道堆放杂物",
        channel=Concern.Channel.QR,
        area=area,
        reporter=reporter,
        at=at,
        **contact,
    )
    concern_actions.concern_accept(actor=cast.secretary, concern=c, at=at + timedelta(hours=1))
    concern_actions.concern_resolve(actor=cast.secretary, concern=c, note="已清理")
    concern_actions.concern_follow_up(
        actor=cast.grid_worker,
        concern=c,
        method="call",
        solved=True,
        satisfaction="satisfied",
        at=at + timedelta(days=2),
    )
    c.refresh_from_db()
    assert c.status == Concern.Status.CLOSED
    return c


def test_served_residents_are_those_whose_concerns_closed_in_the_cycle(cast, opened, subject):
    mine = _closed_concern(cast, cast.building7, reporter=cast.resident)
    _closed_concern(cast, cast.lantian, contact_name="王先生", contact_phone="+8613600001111")
    _closed_concern(cast, cast.shuangmao1, reporter=cast.xihe_resident)  # 西河: not 明珠
    _closed_concern(
        cast, cast.building7, reporter=cast.neighbour, at=datetime(2023, 6, 1, tzinfo=TZ)
    )  # closed the year before
    found = eligible.served_residents(actor=cast.evaluator, subject=subject)
    assert {(c.name, c.phone) for c in found} == {
        ("李女士", "+8613912345678"),
        ("王先生", "+8613600001111"),
    }
    assert any(mine.receipt_code in c.basis for c in found)


def test_roster_sample_is_seeded_and_stays_in_the_area(cast, opened, subject):
    one = eligible.roster_sample(actor=cast.evaluator, subject=subject, size=1, seed="2024")
    again = eligible.roster_sample(actor=cast.evaluator, subject=subject, size=1, seed="2024")
    assert one == again and len(one) == 1
    assert "2024" in one[0].basis
    everyone = eligible.roster_sample(actor=cast.evaluator, subject=subject, size=50, seed="x")
    assert {c.name for c in everyone} == {"李女士", "冶大爷"}  # 周先生 lives in 西河
    with pytest.raises(EvaluationError) as refused:
        eligible.roster_sample(actor=cast.evaluator, subject=subject, size=0, seed="x")
    assert "size" in refused.value.message_dict


def test_unit_contacts_are_staff_of_units_serving_the_area(cast, opened, subject):
    found = eligible.unit_contacts(actor=cast.evaluator, subject=subject)
    # 蓝天物业公司 serves a compound of 明珠 and has a handler on record; 执法队 has nobody.
    assert [c.name for c in found] == ["物业经办人"]
    assert "蓝天物业公司" in found[0].basis


# ---- tallies and signals -------------------------------------------------------------------


def test_tally_reports_a_group_under_ten_ballots_as_insufficient(
    cast, opened, subject, django_assert_num_queries
):
    public = slips(cast, subject, n=9)
    departments = slips(cast, subject, n=12, kind=RaterGroup.Kind.DEPARTMENTS)
    cast_all(public)
    answers = ["satisfied"] * 6 + ["basic"] * 3 + ["unsatisfied"] + ["unknown"] * 2
    for token, answer in zip(departments, answers, strict=True):
        sv.ballot_cast(token=token, overall=answer)
    subject = Subject.objects.get(pk=subject.pk)  # nothing cached on it
    with django_assert_num_queries(1):
        tally = sv.survey_tally(subject)
    assert set(tally) == {"public", "departments"}
    assert tally["public"]["n"] == 9 and tally["public"]["insufficient"] is True
    dep = tally["departments"]
    assert dep["counts"] == {"satisfied": 6, "basic": 3, "unsatisfied": 1, "unknown": 2}
    assert (dep["ballots"], dep["n"], dep["insufficient"]) == (12, 10, False)
    assert dep["index"] == pytest.approx((6 + 0.8 * 3) / 10)
    assert dep["weight"] == pytest.approx(0.4)
    values = sv.ballot_values(subject)
    assert values["departments"] == sorted([1.0] * 6 + [0.8] * 3 + [0.0])
    assert values["public"] == [1.0] * 9
    assert sv.cycle_tallies(subject.cycle)[subject.pk] == tally
    assert sv.cycle_ballot_values(subject.cycle)[subject.pk] == values
    assert [(r["kind"], r["invited"], r["ballots"]) for r in sv.progress(subject)] == [
        ("public", 9, 9),
        ("departments", 12, 12),
    ]


def test_tally_of_a_subject_nobody_rated_has_every_group_empty(cast, opened, subject):
    tally = sv.survey_tally(subject)
    assert {k: (t["n"], t["index"], t["insufficient"]) for k, t in tally.items()} == {
        "public": (0, None, True),
        "departments": (0, None, True),
    }


def test_tally_with_a_lower_minimum_counts_a_small_group(cast, opened, subject):
    opened.min_ballots = 3
    opened.save(update_fields=["min_ballots"])
    cast_all(slips(cast, subject, n=3))
    assert sv.survey_tally(subject)["public"]["insufficient"] is False


def test_signals_count_devices_bursts_and_patterns(cast, opened, subject):
    tokens = slips(cast, subject, n=12)
    same = {"governance": "satisfied", "party": "satisfied"}
    # Three from one device inside one ten-minute window, with one answer pattern.
    for t in tokens[:3]:
        sv.ballot_cast(token=t, overall="satisfied", dimensions=same, device_key="d1|UA", now=NOON)
    # Eight more in the same window from other devices, seven of them the same pattern.
    for i, t in enumerate(tokens[3:11]):
        dims = same if i < 7 else {"governance": "basic"}
        sv.ballot_cast(
            token=t,
            overall="satisfied",
            dimensions=dims,
            device_key=f"d{i + 2}|UA",
            now=NOON + timedelta(minutes=1),
        )
    # One an hour later, another window.
    sv.ballot_cast(
        token=tokens[11], overall="basic", device_key="d1|UA", now=NOON + timedelta(hours=1)
    )
    counts = {
        kind: sorted(
            SurveySignal.objects.filter(subject=subject, kind=kind).values_list("count", flat=True)
        )
        for kind in SurveySignal.Kind.values
    }
    assert counts["device"] == [1] * 8 + [4]
    assert counts["burst"] == [1, 11]
    assert counts["pattern"] == [1, 1, 10]
    keys = list(SurveySignal.objects.values_list("key", flat=True))
    # Keyed hashes only: no cookie, browser name or time in the clear.
    assert all(re.fullmatch("[0-9a-f]{64}", k) for k in keys)
    flagged = {f["kind"]: f["count"] for f in sv.signals(subject)}
    # 10 of 12 ballots share a pattern: above the count and the share.
    assert flagged == {"device": 4, "burst": 11, "pattern": 10}


def test_a_common_pattern_among_many_ballots_is_not_flagged(cast, opened, subject, settings):
    settings.JIEYOU_SURVEY_SIGNAL_LIMITS = {"pattern": 3}
    tokens = slips(cast, subject, n=8)
    for i, t in enumerate(tokens):
        sv.ballot_cast(
            token=t,
            overall="satisfied" if i < 3 else ["basic", "unsatisfied"][i % 2],
            dimensions={"party": ["satisfied", "basic", "unsatisfied", "unknown"][i % 4]}
            if i >= 3
            else {},
            now=NOON + timedelta(hours=i),
        )
    # Three identical of eight: at the count, but not half of the ballots.
    assert "pattern" not in {f["kind"] for f in sv.signals(subject)}


@pytest.mark.django_db(transaction=True)
def test_a_token_spent_concurrently_counts_once(cast, opened, subject):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves several connections at once")
    token = slips(cast, subject, n=1)[0]
    workers = 6
    barrier = threading.Barrier(workers)
    outcomes = []

    def spend(i):
        close_old_connections()
        barrier.wait()
        try:
            sv.ballot_cast(token=token, overall="satisfied", dimensions={"party": "basic"})
            outcomes.append("won")
        except EvaluationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=spend, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["token"] * (workers - 1) + ["won"]
    assert Ballot.objects.filter(subject=subject).count() == 1
    assert not SurveyToken.objects.filter(subject=subject).exists()
