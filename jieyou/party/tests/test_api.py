"""/api/v1/party/: scoped like the pages, numbers masked, Chinese 422s."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jieyou.party import queries
from jieyou.party.models import PartyActivity, PartyMember
from jieyou.people import actions
from jieyou.testing.personal_data import assert_no_personal_numbers

from .test_scope import build_ledger

API = "/api/v1/party"
YEAR = {"start": "2024-01-01", "end": "2024-12-31"}


@pytest.fixture
def ledger(cast):
    return build_ledger(cast)


@pytest.fixture
def call(client):
    """Call the API with a bearer token of the given user; every body is scanned for numbers."""
    keys = {}

    def request(user, method, url, status=200, **kwargs):
        if user.pk not in keys:
            keys[user.pk] = actions.api_token_create(actor=None, user=user, name="测试")[1]
        response = getattr(client, method)(
            url, HTTP_AUTHORIZATION=f"Bearer {keys[user.pk]}", **kwargs
        )
        assert response.status_code == status, (url, response.content)
        assert_no_personal_numbers(response.content)
        return response.json()

    return request


def test_orgs_for_county_and_secretary(cast, ledger, call):
    everything = {o["name"] for o in call(cast.county_admin, "get", f"{API}/orgs")}
    assert {"西河社区党委", "公路建设党委", "明珠社区党委"} <= everything
    mine = call(cast.secretary, "get", f"{API}/orgs")
    assert {o["name"] for o in mine} == {"明珠社区党委", "明珠第一党支部", "蓝天超市党支部"}
    branch = call(cast.secretary, "get", f"{API}/orgs/{ledger.branch.pk}")
    assert branch["members"] == 3 and branch["kind_label"] == "党支部"


def test_outsider_gets_404(cast, ledger, call):
    for url in (
        f"{API}/orgs",
        f"{API}/orgs/{ledger.mingzhu.pk}",
        f"{API}/orgs/{ledger.mingzhu.pk}/summary",
        f"{API}/orgs/{ledger.mingzhu.pk}/figures/studies",
        f"{API}/members",
        f"{API}/members/{ledger.members[0].pk}",
        f"{API}/activities",
        f"{API}/activities/{ledger.activity.pk}",
        f"{API}/firms",
        f"{API}/firms/coverage",
    ):
        assert call(cast.outsider, "get", url, status=404) == {"detail": "未找到"}
    call(
        cast.outsider,
        "post",
        f"{API}/members/{ledger.members[3].pk}/advance",
        status=404,
        data={},
        content_type="application/json",
    )
    call(
        cast.outsider,
        "post",
        f"{API}/activities",
        status=404,
        data={"kind": "study", "topic": "x", "held_on": "2024-01-01", "orgs": [ledger.branch.pk]},
        content_type="application/json",
    )
    assert call(cast.outsider, "get", f"{API}/responsibility/items")["count"] == 0


def test_secretary_gets_404_on_xihe(cast, ledger, call):
    call(cast.secretary, "get", f"{API}/orgs/{ledger.xihe.pk}", status=404)
    call(cast.secretary, "get", f"{API}/members/{ledger.xihe_member.pk}", status=404)
    call(cast.secretary, "get", f"{API}/activities/{ledger.xihe_activity.pk}", status=404)


def test_summary_and_each_figures_records(cast, ledger, call):
    body = call(cast.secretary, "get", f"{API}/orgs/{ledger.mingzhu.pk}/summary", data=YEAR)
    figures = {f["name"]: f["count"] for f in body["figures"]}
    assert figures == queries.summary(ledger.mingzhu, date(2024, 1, 1), date(2024, 12, 31))
    assert figures["studies"] == 1 and figures["members"] == 3
    assert body["text"].startswith("2024年1月1日至2024年12月31日，明珠社区党委（党员3名）")
    branch = next(c for c in body["compliance"] if c["org"] == "明珠第一党支部")
    committee = next(c for c in branch["checks"] if c["kind"] == "committee_meeting")
    assert committee["met"] == 1 and "1月" in committee["gaps"]
    for name, count in figures.items():
        records = call(
            cast.secretary, "get", f"{API}/orgs/{ledger.mingzhu.pk}/figures/{name}", data=YEAR
        )
        assert records["count"] == count == len(records["items"])
    studies = call(
        cast.secretary, "get", f"{API}/orgs/{ledger.mingzhu.pk}/figures/studies", data=YEAR
    )
    assert studies["items"] == [{"id": ledger.joint.pk, "text": "2024-01-16 联合主题党日"}]
    call(cast.secretary, "get", f"{API}/orgs/{ledger.mingzhu.pk}/figures/nonsense", status=404)


def test_members_masked_and_filtered(cast, ledger, call):
    body = call(cast.secretary, "get", f"{API}/members")
    assert body["count"] == 4
    first = next(m for m in body["items"] if m["name"] == "明珠党员0")
    assert first["phone"] == "139****0000"
    assert first["id_number"].startswith("652328********")
    applicants = call(cast.county_admin, "get", f"{API}/members", data={"status": "applicant"})
    assert [m["name"] for m in applicants["items"]] == ["申请人甲"]
    xihe = call(cast.county_admin, "get", f"{API}/members", data={"org": ledger.xihe.pk})
    assert [m["name"] for m in xihe["items"]] == ["西河党员"]


def test_advance_a_member_and_the_422(cast, ledger, call):
    url = f"{API}/members/{ledger.members[3].pk}/advance"
    early = call(
        cast.secretary,
        "post",
        url,
        status=422,
        data={"on": "2024-01-01"},
        content_type="application/json",
    )
    assert early["detail"] == "数据校验未通过"
    assert early["errors"]["on"] == ["日期不能早于上一阶段（2024-03-01）"]
    done = call(
        cast.secretary, "post", url, data={"on": "2024-09-01"}, content_type="application/json"
    )
    assert done["status"] == "activist" and done["activist_on"] == "2024-09-01"
    call(cast.evaluator, "post", url, status=404, data={}, content_type="application/json")


def test_activities_list_and_record(cast, ledger, call):
    listed = call(cast.secretary, "get", f"{API}/activities")
    assert {a["topic"] for a in listed["items"]} == {"明珠支委会", "联合主题党日"}
    by_kind = call(cast.secretary, "get", f"{API}/activities", data={"kind": "theme_day"})
    assert [a["orgs"] for a in by_kind["items"]] == [[ledger.branch.pk, ledger.xihe_branch.pk]]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = call(
        cast.secretary,
        "post",
        f"{API}/activities",
        status=422,
        data={"kind": "study", "topic": "读书班", "held_on": tomorrow, "orgs": [ledger.branch.pk]},
        content_type="application/json",
    )
    assert refused["errors"] == {"held_on": ["活动日期不能晚于今天"]}
    outside = call(
        cast.secretary,
        "post",
        f"{API}/activities",
        status=422,
        data={
            "kind": "study",
            "topic": "读书班",
            "held_on": "2024-05-01",
            "orgs": [ledger.xihe_branch.pk],
        },
        content_type="application/json",
    )
    assert outside["errors"]["orgs"] == ["所选党组织不在你的负责范围内"]
    created = call(
        cast.secretary,
        "post",
        f"{API}/activities",
        status=201,
        data={
            "kind": "theme_day",
            "topic": "联合主题党日（小个专）",
            "held_on": "2024-05-01",
            "orgs": [ledger.branch.pk, ledger.shop_org.pk],
            "attendees": [ledger.members[0].pk],
            "minutes": "联系电话 13955556666",
        },
        content_type="application/json",
    )
    assert created["attendees"] == 1 and created["expected"] == 3
    assert created["minutes"] == "联系电话 139****6666"
    assert PartyActivity.objects.get(pk=created["id"]).orgs.count() == 2


def test_responsibility_items(cast, ledger, call):
    items = call(cast.secretary, "get", f"{API}/responsibility/items", data={"overdue": True})
    assert [i["task"] for i in items["items"]] == ["清理7号楼楼道"]
    assert items["items"][0]["overdue"] is True
    owned = call(cast.cadre, "get", f"{API}/responsibility/items")
    assert owned["count"] == 1


def test_firms_and_coverage(cast, ledger, call):
    from jieyou.party.models import Enterprise

    Enterprise.objects.create(
        name="明珠修车铺", kind=Enterprise.Kind.SOLE_TRADER, area=cast.lantian, instructor="王指导"
    )
    firms = call(cast.secretary, "get", f"{API}/firms")
    assert {f["name"]: f["coverage"] for f in firms} == {
        "蓝天超市": "own",
        "明珠修车铺": "instructor",
    }
    by_kind = {c["key"]: c for c in call(cast.secretary, "get", f"{API}/firms/coverage")}
    assert by_kind["micro"]["organisation_rate"] == 1.0
    assert by_kind["sole_trader"]["organisation_rate"] == 0.0
    assert by_kind["sole_trader"]["work_rate"] == 1.0
    by_area = call(cast.secretary, "get", f"{API}/firms/coverage", data={"group": "area"})
    assert by_area == [
        {
            "key": str(cast.lantian.pk),
            "firms": 2,
            "own": 1,
            "joint": 0,
            "instructor": 1,
            "none": 0,
            "organisation_rate": 0.5,
            "work_rate": 1.0,
        }
    ]


def test_members_api_never_shows_full_numbers(cast, ledger, call):
    full = PartyMember.objects.exclude(phone="").values_list("phone", flat=True)
    text = str(call(cast.county_admin, "get", f"{API}/members"))
    assert full and not any(p.removeprefix("+86") in text for p in full)


def test_a_firms_difficulties_and_how_they_are_handled(cast, ledger, call):
    from jieyou.concerns import actions as concern_actions
    from jieyou.party.small_firms import difficulty_raise

    concern = difficulty_raise(
        actor=cast.secretary,
        activity=ledger.joint,
        enterprise=ledger.shop,
        description="希望协调门前停车位，联系人13911113333",
    ).concern
    concern_actions.concern_accept(actor=cast.secretary, concern=concern)
    concern_actions.concern_dispatch(
        actor=cast.secretary, concern=concern, lead_unit=cast.property_co
    )
    url = f"{API}/firms/{ledger.shop.pk}/difficulties"
    [row] = call(cast.secretary, "get", url)
    assert (row["receipt_code"], row["status"], row["lead_unit"]) == (
        concern.receipt_code,
        "in_progress",
        "蓝天物业公司",
    )
    assert row["description"] == "希望协调门前停车位，联系人139****3333"
    # The evaluator reads the ledger, not concerns: where it stands, without its text.
    [seen] = call(cast.evaluator, "get", url)
    assert seen["status"] == "in_progress" and seen["description"] is None
    call(cast.outsider, "get", url, 404)
