"""The ledger's pages for the county, a community secretary, and the outsider."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jieyou.party import actions, queries
from jieyou.party.models import PartyActivity, PartyMember, PartyOrg, ResponsibilityCheck
from jieyou.testing.personal_data import assert_no_personal_numbers

from .test_scope import build_ledger

YEAR = "?year=2024"


@pytest.fixture
def ledger(cast):
    return build_ledger(cast)


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert_no_personal_numbers(response.content)
    return response


def test_tree_for_county_and_secretary(cast, ledger, client_for):
    county = get(client_for(cast.county_admin), "/party/").content.decode()
    for name in (
        "明珠社区党委",
        "明珠第一党支部",
        "西河社区党委",
        "公路建设党委",
        "蓝天超市党支部",
    ):
        assert name in county
    mine = get(client_for(cast.secretary), "/party/").content.decode()
    assert "明珠第一党支部" in mine and "蓝天超市党支部" in mine
    assert "西河" not in mine and "公路建设党委" not in mine


def test_outsider_gets_404_on_mingzhu(cast, ledger, client_for):
    outsider = client_for(cast.outsider)
    for url in (
        "/party/",
        f"/party/orgs/{ledger.mingzhu.pk}/",
        f"/party/orgs/{ledger.mingzhu.pk}/figures/studies/",
        f"/party/orgs/{ledger.mingzhu.pk}/summary.xlsx",
        "/party/members/",
        f"/party/members/{ledger.members[0].pk}/",
        "/party/activities/",
        f"/party/activities/{ledger.activity.pk}/",
        "/party/activities/new/",
        "/party/members/new/",
        f"/party/responsibility/{ledger.item.pk}/",
        "/party/firms/",
        f"/party/firms/{ledger.shop.pk}/",
    ):
        get(outsider, url, 404)
    assert outsider.post(f"/party/members/{ledger.members[3].pk}/advance/").status_code == 404


def test_secretary_gets_404_on_xihe(cast, ledger, client_for):
    secretary = client_for(cast.secretary)
    get(secretary, f"/party/orgs/{ledger.xihe.pk}/", 404)
    get(secretary, f"/party/members/{ledger.xihe_member.pk}/", 404)
    get(secretary, f"/party/activities/{ledger.xihe_activity.pk}/", 404)
    get(secretary, f"/party/activities/{ledger.joint.pk}/")


def test_nav_link_for_those_who_see_the_ledger(cast, client_for):
    assert "党建台账" in get(client_for(cast.secretary), "/").content.decode()
    assert "党建台账" not in get(client_for(cast.grid_worker), "/").content.decode()


def test_org_page_summary_compliance_and_overdue(cast, ledger, client_for):
    response = get(client_for(cast.secretary), f"/party/orgs/{ledger.mingzhu.pk}/{YEAR}")
    page = response.content.decode()
    assert response.context["text"].startswith("2024年1月1日至2024年12月31日，明珠社区党委")
    assert "组织开展各类学习1次" in page  # the joint theme day
    # 三会一课 gaps of the branch: 支委会 only in March.
    compliance = response.context["compliance"]
    # Read in one query for all branches, the same as branch by branch.
    assert compliance == [
        (b, queries.compliance(b, 2024)) for b in queries.branches(ledger.mingzhu)
    ]
    checks = dict(compliance)[ledger.branch]
    committee = next(c for c in checks if c.kind == PartyActivity.Kind.COMMITTEE_MEETING)
    assert committee.met == 1 and "1月" in committee.gaps

    temporary = actions.org_create(
        actor=None,
        name="项目临时党支部",
        kind=PartyOrg.Kind.TEMPORARY,
        parent=ledger.mingzhu,
        founded_on=date(2024, 6, 15),
    )
    later = get(client_for(cast.secretary), f"/party/orgs/{ledger.mingzhu.pk}/{YEAR}")
    checks = dict(later.context["compliance"])[temporary]
    # Periods that ended before the branch was founded were never due.
    committee = next(c for c in checks if c.kind == PartyActivity.Kind.COMMITTEE_MEETING)
    general = next(c for c in checks if c.kind == PartyActivity.Kind.GENERAL_MEETING)
    assert committee.gaps[0] == "6月" and committee.periods == 7
    assert general.gaps == ["第2季度", "第3季度", "第4季度"]
    assert "清理7号楼楼道" in page  # overdue since 2024-03-01
    for name in queries.FIGURES:
        assert f"/party/orgs/{ledger.mingzhu.pk}/figures/{name}/?year=2024" in page


def test_each_figure_opens_to_as_many_records_as_it_counts(cast, ledger, client_for):
    client = client_for(cast.county_admin)
    page = get(client, f"/party/orgs/{ledger.mingzhu.pk}/{YEAR}")
    figures = {name: count for name, _label, count in page.context["figures"]}
    assert figures["studies"] == 1 and figures["members"] == 3
    for name, count in figures.items():
        records = get(client, f"/party/orgs/{ledger.mingzhu.pk}/figures/{name}/{YEAR}")
        assert records.context["page"].paginator.count == count
        assert len(records.context["rows"]) == count
    studies = get(client, f"/party/orgs/{ledger.mingzhu.pk}/figures/studies/{YEAR}")
    assert f"/party/activities/{ledger.joint.pk}/" in studies.content.decode()
    get(client, f"/party/orgs/{ledger.mingzhu.pk}/figures/nonsense/", 404)


def test_workbook_download(cast, ledger, client_for):
    response = client_for(cast.secretary).get(f"/party/orgs/{ledger.mingzhu.pk}/summary.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_members_list_masked_with_pipeline_and_filters(cast, ledger, client_for):
    client = client_for(cast.secretary)
    response = get(client, "/party/members/")
    page = response.content.decode()
    assert "139****0000" in page and "652328********" in page
    pipeline = {s: n for s, _label, n in response.context["pipeline"]}
    assert pipeline[PartyMember.Status.FULL] == 3 and pipeline[PartyMember.Status.APPLICANT] == 1
    applicants = get(client, "/party/members/?status=applicant").context["page"]
    assert [m.name for m in applicants] == ["申请人甲"]
    get(client, f"/party/members/?org={ledger.xihe.pk}", 404)
    detail = get(client, f"/party/members/{ledger.members[0].pk}/").content.decode()
    assert "139****0000" in detail and "登记" in detail


def test_register_member_with_chinese_errors(cast, ledger, client_for):
    client = client_for(cast.secretary)
    get(client, f"/party/members/new/?org={ledger.branch.pk}")
    bad = client.post(
        "/party/members/new/",
        {
            "name": "新党员",
            "phone": "12345",
            "id_number": "652328199001011230",
            "org": ledger.xihe_branch.pk,
            "status": "applicant",
            "on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "电话号码" in errors["phone"][0]
    assert errors["org"] == ["所选党组织不在你的负责范围内"]
    assert errors["on"] == ["日期不能晚于今天"]
    assert "身份证" in errors["id_number"][0]
    # Only the number the user typed, echoed back into its own field, may appear.
    assert_no_personal_numbers(bad.content.decode().replace("652328199001011230", ""))
    good = client.post(
        "/party/members/new/",
        {
            "name": "新党员",
            "phone": "13911112222",
            "org": ledger.branch.pk,
            "status": "applicant",
            "on": "2024-05-01",
        },
    )
    member = PartyMember.objects.get(name="新党员")
    assert good.status_code == 302 and good["Location"] == f"/party/members/{member.pk}/"
    assert member.phone == "+8613911112222" and member.events.get().action == "register"


def test_evaluator_may_read_but_not_register(cast, ledger, client_for):
    evaluator = client_for(cast.evaluator)
    get(evaluator, f"/party/orgs/{ledger.mingzhu.pk}/")
    get(evaluator, "/party/members/new/", 404)
    get(evaluator, "/party/activities/new/", 404)


def test_advance_a_step_and_the_chinese_error(cast, ledger, client_for):
    client = client_for(cast.secretary)
    applicant = ledger.members[3]
    early = client.post(f"/party/members/{applicant.pk}/advance/", {"on": "2024-01-01"})
    assert early.status_code == 422
    assert "日期不能早于上一阶段" in early.content.decode()
    done = client.post(f"/party/members/{applicant.pk}/advance/", {"on": "2024-09-01"})
    assert done.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == PartyMember.Status.ACTIVIST
    history = get(client, f"/party/members/{applicant.pk}/").content.decode()
    assert "入党申请人 → 入党积极分子" in history
    full = client.post(f"/party/members/{ledger.members[0].pk}/advance/", {"on": "2024-09-01"})
    assert "不能再进入下一阶段" in full.content.decode()


def test_activity_list_and_detail_mask_minutes(cast, ledger, client_for):
    client = client_for(cast.secretary)
    listed = get(client, "/party/activities/?year=2024")
    assert {a.topic for a in listed.context["page"]} == {"明珠支委会", "联合主题党日"}
    by_kind = get(client, "/party/activities/?kind=theme_day").context["page"]
    assert [a.topic for a in by_kind] == ["联合主题党日"]
    detail = get(client, f"/party/activities/{ledger.activity.pk}/").content.decode()
    assert "139****0000" in detail and "实到 2 人" in detail


def test_date_pickers_carry_iso_dates(cast, ledger, client_for):
    # zh-hans formats dates as 2024/06/01, which a date picker drops as invalid.
    today = timezone.localdate().isoformat()
    for url, field in (("/party/activities/new/", "held_on"), ("/party/members/new/", "on")):
        html = get(client_for(cast.secretary), url).content.decode()
        assert f'type="date" name="{field}" value="{today}"' in html, url
    get(client_for(cast.outsider), "/party/activities/new/", status=404)


def test_record_a_joint_theme_day_and_the_chinese_errors(cast, ledger, client_for):
    client = client_for(cast.secretary)
    form_page = get(client, f"/party/activities/new/?org={ledger.branch.pk}")
    assert "明珠党员0" in form_page.content.decode()  # attendees of the chosen branch
    choices = get(client, f"/party/activities/attendees/?orgs={ledger.shop_org.pk}")
    assert "明珠党员0" not in choices.content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    bad = client.post(
        "/party/activities/new/",
        {"kind": "theme_day", "topic": "", "held_on": tomorrow.isoformat()},
    )
    errors = bad.context["form"].errors
    assert errors["topic"] == ["这个字段是必填项。"] and errors["orgs"] == ["这个字段是必填项。"]
    future = client.post(
        "/party/activities/new/",
        {
            "kind": "theme_day",
            "topic": "主题党日",
            "held_on": tomorrow.isoformat(),
            "orgs": [ledger.branch.pk],
        },
    )
    assert future.context["form"].errors["held_on"] == ["活动日期不能晚于今天"]
    stranger = client.post(
        "/party/activities/new/",
        {
            "kind": "theme_day",
            "topic": "主题党日",
            "held_on": "2024-06-01",
            "orgs": [ledger.shop_org.pk],
            "attendees": [ledger.members[0].pk],
        },
    )
    assert stranger.context["form"].errors["attendees"] == ["所选党员不属于参加的党组织"]
    too_many = client.post(
        "/party/activities/new/",
        {
            "kind": "theme_day",
            "topic": "主题党日",
            "held_on": "2024-06-01",
            "orgs": [ledger.branch.pk],
            "attendees": [m.pk for m in ledger.members[:3]],
            "expected": 2,
        },
    )
    assert too_many.context["form"].errors["attendees"] == ["实到人数不能多于应到人数"]
    done = client.post(
        "/party/activities/new/",
        {
            "kind": "theme_day",
            "topic": "“党员先锋行”联合主题党日",
            "held_on": "2024-06-01",
            "orgs": [ledger.branch.pk, ledger.shop_org.pk],
            "attendees": [ledger.members[0].pk],
            "place": "蓝天超市",
        },
    )
    activity = PartyActivity.objects.get(topic="“党员先锋行”联合主题党日")
    assert done.status_code == 302
    assert set(activity.orgs.all()) == {ledger.branch, ledger.shop_org}
    assert activity.expected == 3


def test_responsibility_progress_check_and_rectification(cast, ledger, client_for):
    secretary, cadre = client_for(cast.secretary), client_for(cast.cadre)
    item = ledger.item
    listed = get(secretary, "/party/responsibility/?overdue=1")
    assert list(listed.context["items"]) == [item]
    page = get(secretary, f"/party/responsibility/{item.pk}/")
    assert page.context["progress_form"] is None and page.context["check_form"] is not None
    not_owner = secretary.post(
        f"/party/responsibility/{item.pk}/progress/",
        {"on": "2024-02-10", "note": "进行中", "percent": 50},
    )
    assert "只有责任人可以填报进展" in not_owner.content.decode()
    owner_page = get(cadre, f"/party/responsibility/{item.pk}/")
    assert owner_page.context["check_form"] is None
    own_check = cadre.post(
        f"/party/responsibility/{item.pk}/check/", {"on": "2024-02-10", "findings": "自查"}
    )
    assert "责任人不能检查自己的事项" in own_check.content.decode()
    bad_percent = cadre.post(
        f"/party/responsibility/{item.pk}/progress/",
        {"on": "2024-02-10", "note": "完成", "percent": 120},
    )
    assert "完成比例应在0到100之间" in bad_percent.content.decode()
    assert (
        cadre.post(
            f"/party/responsibility/{item.pk}/progress/",
            {"on": "2024-02-20", "note": "已清理", "percent": 100},
        ).status_code
        == 302
    )
    assert (
        secretary.post(
            f"/party/responsibility/{item.pk}/check/",
            {"on": "2024-03-05", "findings": "仍有杂物", "rectify_by": "2024-03-10"},
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.status == "rectifying"
    org_page = get(secretary, f"/party/orgs/{ledger.mingzhu.pk}/").content.decode()
    assert "仍有杂物" in org_page  # unrectified past its deadline, seen up the tree
    check = ResponsibilityCheck.objects.get()
    assert cadre.post(f"/party/checks/{check.pk}/rectified/").status_code == 404
    assert (
        cadre.post(
            f"/party/responsibility/checks/{check.pk}/rectified/", {"on": "2024-03-09"}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.status == "done"
    get(client_for(cast.outsider), f"/party/responsibility/{item.pk}/", 404)


def test_small_firms_coverage_and_difficulties(cast, ledger, client_for):
    from jieyou.party.models import Enterprise

    Enterprise.objects.create(
        name="明珠修车铺", kind=Enterprise.Kind.SOLE_TRADER, area=cast.lantian, instructor="王指导"
    )
    Enterprise.objects.create(
        name="明珠小吃店", kind=Enterprise.Kind.SOLE_TRADER, area=cast.lantian
    )
    Enterprise.objects.create(name="西河菜市场", kind=Enterprise.Kind.MARKET, area=cast.shuangmao)
    client = client_for(cast.secretary)
    response = get(client, "/party/firms/")
    firms = {f.name: covered for f, covered in response.context["firms"]}
    assert firms == {
        "蓝天超市": "单独建立党组织",
        "明珠修车铺": "党建指导员",
        "明珠小吃店": "未覆盖",
    }
    by_area = dict(response.context["coverage_tables"])["按区域"]
    assert [(r["label"], r["organisation_rate"], r["work_rate"]) for r in by_area] == [
        ("蓝天家园小区", "33%", "67%")
    ]
    detail = get(client, f"/party/firms/{ledger.shop.pk}/").content.decode()
    assert "蓝天超市党支部" in detail and "没有反映的困难" in detail
    xihe_market = Enterprise.objects.get(name="西河菜市场")
    get(client, f"/party/firms/{xihe_market.pk}/", 404)


def test_firm_difficulty_shows_receipt_and_status(cast, ledger, client_for):
    from jieyou.party.small_firms import difficulty_raise

    difficulty = difficulty_raise(
        actor=cast.secretary,
        activity=ledger.joint,
        enterprise=ledger.shop,
        description="希望协调门前停车位，联系人13911113333",
    )
    client = client_for(cast.secretary)
    page = get(client, f"/party/firms/{ledger.shop.pk}/").content.decode()
    assert difficulty.concern.receipt_code in page
    assert difficulty.concern.get_status_display() in page
    assert (
        difficulty.concern.receipt_code
        in get(client, f"/party/activities/{ledger.joint.pk}/").content.decode()
    )


def test_year_selector_falls_back_on_nonsense(cast, ledger, client_for):
    page = get(client_for(cast.secretary), f"/party/orgs/{ledger.mingzhu.pk}/?year=abc")
    assert page.context["year"] == timezone.localdate().year
    assert page.context["years"][0] == timezone.localdate().year


def test_workbook_download_is_audited_and_the_outsiders_is_not_made(cast, ledger, client_for):
    from jieyou.core.models import AuditEntry

    url = f"/party/orgs/{ledger.mingzhu.pk}/summary.xlsx{YEAR}"
    assert client_for(cast.secretary).get(url).status_code == 200
    entry = AuditEntry.objects.get(action="party_summary.export")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        cast.secretary.pk,
        "party.partyorg",
        str(ledger.mingzhu.pk),
    )
    year = (date(2024, 1, 1), date(2024, 12, 31))
    listed = sum(
        queries.figure_records(name, ledger.mingzhu, *year).count() for name in queries.FIGURES
    )
    assert listed > 0
    assert entry.detail == {"start": "2024-01-01", "end": "2024-12-31", "records": listed}
    get(client_for(cast.outsider), url, 404)
    assert AuditEntry.objects.filter(action="party_summary.export").count() == 1


def test_firm_difficulty_links_to_its_concern_and_shows_how_it_is_handled(cast, ledger, client_for):
    from jieyou.concerns import actions as concern_actions
    from jieyou.party.small_firms import difficulty_raise

    concern = difficulty_raise(
        actor=cast.secretary,
        activity=ledger.joint,
        enterprise=ledger.shop,
        description="希望协调门前停车位，联系人13911113333",
    ).concern
    firm_url, activity_url = (
        f"/party/firms/{ledger.shop.pk}/",
        f"/party/activities/{ledger.joint.pk}/",
    )
    concern_url = f"/concerns/{concern.pk}/"
    secretary = client_for(cast.secretary)
    page = get(secretary, firm_url).content.decode()
    assert f'href="{concern_url}"' in page and "已提交" in page
    assert "希望协调门前停车位" in page and "139****3333" in page
    assert secretary.get(concern_url).status_code == 200  # the link opens the concern

    concern_actions.concern_accept(actor=cast.secretary, concern=concern)
    concern_actions.concern_dispatch(
        actor=cast.secretary, concern=concern, lead_unit=cast.property_co
    )
    page = get(secretary, firm_url).content.decode()
    assert "办理中" in page and "主办单位：蓝天物业公司" in page and "已超期" not in page
    concern.refresh_from_db()
    concern_actions.concerns_mark_overdue(now=concern.resolution_due + timedelta(hours=1))
    page = get(secretary, firm_url).content.decode()
    assert "已超期" in page
    joint = get(secretary, activity_url).content.decode()
    assert f'href="{concern_url}"' in joint and "蓝天物业公司" in joint

    # The evaluator reads the ledger but not concerns: where it stands, without its text.
    evaluator = client_for(cast.evaluator)
    seen = get(evaluator, firm_url).content.decode()
    assert concern.receipt_code in seen and "办理中" in seen and "蓝天物业公司" in seen
    assert concern_url not in seen and "停车位" not in seen
    get(evaluator, concern_url, 404)

    outsider = client_for(cast.outsider)
    for url in (firm_url, activity_url, concern_url):
        get(outsider, url, 404)
