"""The public ballot page and API, and the evaluators' survey pages: what a rater, the
evaluator, the subject and the outsider each get."""

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client

from jieyou.evaluation.actions import surveys as sv
from jieyou.evaluation.models import Ballot, Invitation, RaterGroup, SurveySignal, SurveyToken
from jieyou.evaluation.views.ballot import DEVICE_COOKIE, MISS_LIMIT

API = "/api/v1/evaluation/surveys"
PEOPLE = [(f"居民{i}", f"1390000{i:04d}", "花名册抽样（种子 t）") for i in range(12)]


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def slips(cast, subject, n=3):
    return sv.invite(
        actor=cast.evaluator,
        subject=subject,
        group=RaterGroup.objects.get(cycle=subject.cycle, kind=RaterGroup.Kind.PUBLIC),
        people=PEOPLE[:n],
        channel=Invitation.Channel.SLIP,
    ).tokens


def message(response) -> str:
    found = re.search(r'<p class="ballot-message">(.*?)</p>', response.content.decode(), re.S)
    return found.group(1).strip() if found else ""


# ---- the public page -----------------------------------------------------------------------


def test_the_ballot_page_asks_about_the_subject_and_sets_a_device_cookie(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    response = Client().get(f"/s/{token}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert subject.name in body and subject.post in body
    for label in ("总体评价", "治理", "党建", "满意", "基本满意", "不满意", "不了解"):
        assert label in body
    assert 'name="dim_governance"' in body and 'name="dim_party"' in body
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie.value and cookie["httponly"] and int(cookie["max-age"]) > 365 * 24 * 3600
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_casting_thanks_and_the_spent_token_reads_like_an_unknown_one(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/s/{token}/")
    csrf = page.cookies["csrftoken"].value
    response = client.post(
        f"/s/{token}/",
        {
            "csrfmiddlewaretoken": csrf,
            "overall": "satisfied",
            "dim_governance": "basic",
            "dim_party": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/s/thanks/"
    assert "感谢" in client.get("/s/thanks/").content.decode()
    ballot = Ballot.objects.get(subject=subject)
    assert (ballot.overall, ballot.dimensions) == ("satisfied", {"governance": "basic"})
    spent, unknown = client.get(f"/s/{token}/"), client.get("/s/ABCDEFGHJK/")
    assert spent.status_code == unknown.status_code == 404
    assert message(spent) == message(unknown) == str(sv.INVALID_TOKEN)
    assert subject.name not in spent.content.decode()
    # Posting the spent token again changes nothing.
    again = client.post(f"/s/{token}/", {"csrfmiddlewaretoken": csrf, "overall": "unsatisfied"})
    assert again.status_code == 404
    assert Ballot.objects.count() == 1


def test_a_missing_answer_is_named_and_the_token_stays_unspent(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    response = Client().post(f"/s/{token}/", {"dim_party": "basic"})
    assert response.status_code == 422
    assert "总体评价" in response.content.decode()
    assert SurveyToken.objects.exists()


def test_the_code_typed_from_a_slip_leads_to_the_ballot(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    client = Client()
    assert "评价码" in client.get("/s/").content.decode()
    typed = sv.display_token(token).lower()
    response = client.get("/s/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/s/{token}/"
    assert client.get(response["Location"]).status_code == 200


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_counts(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    response = Client().post(f"/s/{token}/", {"overall": "satisfied", "website": "http://x"})
    assert response.status_code == 302
    assert not Ballot.objects.exists()
    assert SurveyToken.objects.exists()


def test_guessing_codes_is_rate_limited_per_address(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    client = Client()
    for i in range(MISS_LIMIT):
        assert client.get(f"/s/ABCDEFG{i:03d}/", REMOTE_ADDR="10.0.0.5").status_code == 404
    # Now even a right code waits, from that address only.
    assert client.get(f"/s/{token}/", REMOTE_ADDR="10.0.0.5").status_code == 429
    assert client.get(f"/s/{token}/", REMOTE_ADDR="10.0.0.6").status_code == 200


def test_ballots_from_one_browser_are_counted_as_one_device(cast, opened, subject):
    tokens = slips(cast, subject, n=3)
    client = Client(HTTP_USER_AGENT="TestPhone")
    for token in tokens[:2]:
        client.get(f"/s/{token}/")
        client.post(f"/s/{token}/", {"overall": "satisfied"})
    other = Client(HTTP_USER_AGENT="TestPhone")
    other.get(f"/s/{tokens[2]}/")
    other.post(f"/s/{tokens[2]}/", {"overall": "satisfied"})
    counts = sorted(SurveySignal.objects.filter(kind="device").values_list("count", flat=True))
    assert counts == [1, 2]


# ---- the evaluators' pages -----------------------------------------------------------------


def test_the_evaluator_sees_counts_only(cast, opened, subject, client_for):
    tokens = slips(cast, subject, n=3)
    sv.ballot_cast(token=tokens[0], overall="satisfied")
    client = client_for(cast.evaluator)
    home = client.get("/evaluation/surveys/")
    assert home.status_code == 200 and subject.name in home.content.decode()
    response = client.get(f"/evaluation/surveys/{subject.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "样本不足" in body
    row = re.search(r"<td>服务对象（群众）</td>(.*?)</tr>", body, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["3", "1", "1"]
    # No name of anyone invited, let alone who answered.
    assert "居民0" not in body
    assert client.get(f"/evaluation/surveys/{subject.pk}/signals/").status_code == 200


@pytest.mark.parametrize("who", ["cadre", "outsider", "secretary"])
def test_the_subject_and_everyone_but_evaluators_get_404(cast, opened, subject, client_for, who):
    client = client_for(getattr(cast, who))
    for url in (
        "/evaluation/surveys/",
        f"/evaluation/surveys/{subject.pk}/",
        f"/evaluation/surveys/{subject.pk}/invite/",
        f"/evaluation/surveys/{subject.pk}/invite/?source=roster&size=5&seed=x",
        f"/evaluation/surveys/{subject.pk}/signals/",
    ):
        assert client.get(url).status_code == 404, url
    group = RaterGroup.objects.get(cycle=subject.cycle, kind="public")
    response = client.post(
        f"/evaluation/surveys/{subject.pk}/invite/",
        {"group": group.pk, "channel": "slip", "others": "张三 13900001111", "others_basis": "x"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_inviting_from_the_roster_prints_slips_once(cast, opened, subject, client_for):
    client = client_for(cast.evaluator)
    query = "?source=roster&size=5&seed=abc"
    page = client.get(f"/evaluation/surveys/{subject.pk}/invite/{query}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "李女士" in body and "冶大爷" in body and "周先生" not in body
    # Numbers are masked on the page, and the picks are not the numbers either.
    assert "139****5678" in body and "13912345678" not in body
    keys = re.findall(r'name="pick" value="([0-9a-f]+)"', body)
    assert len(keys) == 2
    group = RaterGroup.objects.get(cycle=subject.cycle, kind="public")
    response = client.post(
        f"/evaluation/surveys/{subject.pk}/invite/",
        {
            "source": "roster",
            "size": "5",
            "seed": "abc",
            "pick": keys,
            "group": group.pk,
            "channel": "slip",
            "others": "张三 13900001111\n李四",
            "others_basis": "上级推荐",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    sheet = response.content.decode()
    codes = re.findall(r'<div class="slip-code">([A-Z0-9-]+)</div>', sheet)
    assert len(codes) == 4 and sheet.count("<svg") == 4
    digests = set(SurveyToken.objects.values_list("digest", flat=True))
    assert {sv.token_digest(c) for c in codes} == digests
    assert set(Invitation.objects.values_list("name", flat=True)) == {
        "李女士",
        "冶大爷",
        "张三",
        "李四",
    }
    assert Invitation.objects.get(name="李女士").basis == "花名册抽样（种子 abc）"
    # The slips page cannot be had again: the progress page shows counts, no codes.
    progress = client.get(f"/evaluation/surveys/{subject.pk}/").content.decode()
    assert not any(c in progress for c in codes)


def test_inviting_by_text_message_from_the_page(cast, opened, subject, client_for, outbox):
    client = client_for(cast.evaluator)
    group = RaterGroup.objects.get(cycle=subject.cycle, kind="departments")
    response = client.post(
        f"/evaluation/surveys/{subject.pk}/invite/",
        {
            "group": group.pk,
            "channel": "sms",
            "others": "张三 13900001111\n李四 13900002222",
            "others_basis": "相关部门联系人",
        },
    )
    assert response.status_code == 302
    assert len(outbox) == 2
    assert all("/s/" in text for _phone, text in outbox)


# ---- the API -------------------------------------------------------------------------------


def test_the_public_api_casts_one_ballot_per_token_without_an_account(cast, opened, subject):
    token = slips(cast, subject, n=1)[0]
    client = Client(enforce_csrf_checks=True)
    questions = client.get(f"{API}/ballot/{token}")
    assert questions.status_code == 200
    assert [q["code"] for q in questions.json()["questions"]] == ["", "governance", "party"]
    body = {"token": token, "overall": "basic", "dimensions": {"party": "satisfied"}}
    first = client.post(f"{API}/ballots", json.dumps(body), content_type="application/json")
    assert first.status_code == 201
    second = client.post(f"{API}/ballots", json.dumps(body), content_type="application/json")
    unknown = client.post(
        f"{API}/ballots",
        json.dumps({**body, "token": "ABCDEFGHJK"}),
        content_type="application/json",
    )
    assert second.status_code == unknown.status_code == 404
    assert second.json()["detail"] == unknown.json()["detail"]
    assert Ballot.objects.get().overall == "basic"
    bad = client.post(
        f"{API}/ballots",
        json.dumps({"token": slips(cast, subject, n=1)[0], "overall": "ok"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "overall" in bad.json()["errors"]


def test_the_api_invites_and_counts_for_evaluators_only(cast, opened, subject, client_for):
    evaluator = client_for(cast.evaluator)
    payload = {
        "group": "public",
        "channel": "slip",
        "people": [{"name": "张三", "phone": "13900001111"}, {"name": "李四"}],
        "basis": "议事会推荐",
    }
    response = evaluator.post(
        f"{API}/{subject.pk}/invitations", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 201
    out = response.json()
    assert out["invitations"] == 2 and len(out["tokens"]) == 2
    assert all(u.endswith(f"/s/{t}/") for t, u in zip(out["tokens"], out["urls"], strict=True))
    sv.ballot_cast(token=out["tokens"][0], overall="satisfied")
    progress = evaluator.get(f"{API}/{subject.pk}/progress").json()
    public = next(g for g in progress["groups"] if g["kind"] == "public")
    assert (public["invited"], public["ballots"], public["insufficient"]) == (2, 1, True)
    for who in (cast.cadre, cast.outsider):
        other = client_for(who)
        assert other.get(f"{API}/{subject.pk}/progress").status_code == 404
        refused = other.post(
            f"{API}/{subject.pk}/invitations",
            json.dumps(payload),
            content_type="application/json",
        )
        assert refused.status_code == 404
    assert Invitation.objects.count() == 2
    wrong = evaluator.post(
        f"{API}/{subject.pk}/invitations",
        json.dumps({**payload, "group": "peers"}),
        content_type="application/json",
    )
    assert wrong.status_code == 422 and "group" in wrong.json()["errors"]
