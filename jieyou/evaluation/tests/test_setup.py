"""Cycles, schemes and weights, subjects and rater groups: who may set them up, and the rules
on weights (sum to 1 per level; AHP with CR ≥ 0.10 refused with the ratio)."""

from datetime import date
from decimal import Decimal

import pytest

from jieyou.core.models import AuditEntry
from jieyou.evaluation import scoring
from jieyou.evaluation.actions import setup
from jieyou.evaluation.errors import EvaluationError
from jieyou.evaluation.models import Cycle, Dimension, Indicator, RaterGroup, Subject

# Saaty's 4×4 example from the issue: CR .0161.
CONSISTENT = [[1, 1, 5, 3], [1, 1, 5, 3], [1 / 5, 1 / 5, 1, 1 / 3], [1 / 3, 1 / 3, 3, 1]]
# a > b, b > c and yet c ≫ a: reciprocal but far from consistent.
INCONSISTENT = [[1, 3, 1 / 5], [1 / 3, 1, 3], [5, 1 / 3, 1]]


def messages(error: EvaluationError) -> str:
    return " ".join(error.messages)


def test_ahp_cr_refusal_names_the_ratio(cast, scheme):
    expected = scoring.ahp_weights(INCONSISTENT).cr
    assert expected >= scoring.CR_LIMIT
    dimension = Dimension.objects.create(scheme=scheme, code="economy", weight=0)
    for code in ("a", "b", "c"):
        Indicator.objects.create(
            dimension=dimension,
            code=code,
            name=code,
            kind="quantity",
            visibility="visible",
            source="reported",
            weight=Decimal("0.3333"),
            target=1,
            floor=0,
        )
    with pytest.raises(EvaluationError) as refused:
        setup.dimension_weights_from_ahp(
            actor=cast.evaluator, dimension=dimension, matrix=INCONSISTENT
        )
    assert f"判断矩阵一致性比率 CR={expected:.2f} ≥ 0.10，请调整" in messages(refused.value)
    assert refused.value.error_dict.keys() == {"ahp_matrix"}
    dimension.refresh_from_db()
    assert dimension.ahp_matrix is None
    weights = list(dimension.indicators.values_list("weight", flat=True))
    assert weights == [Decimal("0.3333")] * 3  # untouched


def test_scheme_weights_from_a_consistent_matrix_are_stored_with_cr(cast, scheme):
    actor = cast.evaluator
    for code in ("economy", "culture"):
        setup.dimension_save(actor=actor, scheme=scheme, code=code, weight="0")
    result = setup.scheme_weights_from_ahp(actor=actor, scheme=scheme, matrix=CONSISTENT)
    assert result.cr == pytest.approx(0.0161, abs=1e-4)
    scheme.refresh_from_db()
    assert scheme.ahp_cr == Decimal("0.0161")
    assert scheme.ahp_matrix[2][0] == pytest.approx(0.2)
    weights = [float(d.weight) for d in scheme.dimensions.all()]
    assert list(result.weights) == pytest.approx([0.3899, 0.3899, 0.0679, 0.1524], abs=1e-4)
    # Each stored weight is within a rounding step of the exact one.
    assert weights == pytest.approx(list(result.weights), abs=1e-4)
    # Rounded to four places, they still sum to exactly one.
    assert sum(d.weight for d in scheme.dimensions.all()) == Decimal("1")
    entry = AuditEntry.objects.filter(action="evaluation_scheme.weights").last()
    assert entry.detail["method"] == "ahp" and entry.detail["cr"] == pytest.approx(
        result.cr, abs=1e-6
    )
    assert setup.scheme_problems(scheme)[0].startswith(
        "方案“社区书记考核方案”的“经济”维度还没有指标"
    )


def test_ahp_matrix_of_the_wrong_order_is_refused(cast, scheme):
    with pytest.raises(EvaluationError, match="2×2"):
        setup.scheme_weights_from_ahp(actor=cast.evaluator, scheme=scheme, matrix=CONSISTENT)


def test_rounded_weights_sum_to_one():
    weights = setup.rounded_weights([1 / 3, 1 / 3, 1 / 3])
    assert sum(weights) == Decimal("1")
    assert sorted(weights) == [Decimal("0.3333"), Decimal("0.3333"), Decimal("0.3334")]


def test_direct_weights_must_sum_to_one_per_level(cast, scheme):
    actor = cast.evaluator
    dims = {d.code: d for d in scheme.dimensions.all()}
    with pytest.raises(EvaluationError, match=r"维度权重之和必须等于 1（现为 0\.9000）"):
        setup.dimension_weights_set(
            actor=actor,
            scheme=scheme,
            weights={dims["governance"].pk: "0.5", dims["party"].pk: "0.4"},
        )
    setup.dimension_weights_set(
        actor=actor,
        scheme=scheme,
        weights={dims["governance"].pk: "0.7", dims["party"].pk: "0.3"},
    )
    assert Dimension.objects.get(pk=dims["governance"].pk).weight == Decimal("0.7")
    indicators = list(dims["party"].indicators.all())
    with pytest.raises(EvaluationError, match="指标权重之和必须等于 1"):
        setup.indicator_weights_set(
            actor=actor, dimension=dims["party"], weights={i.pk: "0.6" for i in indicators}
        )
    with pytest.raises(EvaluationError, match="须为每一项填写指标权重"):
        setup.indicator_weights_set(
            actor=actor, dimension=dims["party"], weights={indicators[0].pk: "1"}
        )


def test_a_cycle_does_not_open_until_every_level_sums_to_one(cast, cycle, subject, scheme):
    party = scheme.dimensions.get(code="party")
    setup.dimension_save(
        actor=cast.evaluator, scheme=scheme, dimension=party, code="party", weight="0.5"
    )
    with pytest.raises(EvaluationError) as refused:
        setup.cycle_open(actor=cast.evaluator, cycle=cycle)
    assert "各维度权重之和必须等于 1（现为 1.1000）" in messages(refused.value)
    setup.dimension_save(
        actor=cast.evaluator, scheme=scheme, dimension=party, code="party", weight="0.4"
    )
    opened = setup.cycle_open(actor=cast.evaluator, cycle=cycle)
    assert opened.status == Cycle.Status.OPEN
    assert AuditEntry.objects.filter(action="evaluation_cycle.open", object_id=str(cycle.pk))


def test_cycle_source_weights_and_dates_are_checked(cast):
    with pytest.raises(EvaluationError, match="三项权重之和必须等于 1"):
        setup.cycle_create(
            actor=cast.evaluator,
            name="权重不对",
            period="year",
            starts=date(2024, 1, 1),
            ends=date(2024, 12, 31),
            survey_weight="0.5",
        )
    with pytest.raises(EvaluationError, match="截止日期必须晚于起始日期"):
        setup.cycle_create(
            actor=cast.evaluator,
            name="日期不对",
            period="year",
            starts=date(2024, 12, 31),
            ends=date(2024, 1, 1),
        )


def test_weights_are_fixed_once_the_cycle_opens(cast, cycle, scheme, opened):
    with pytest.raises(EvaluationError, match="已在考核开始时固定"):
        setup.rater_group_set(actor=cast.evaluator, cycle=cycle, kind="public", weight="0.5")
    assert RaterGroup.objects.get(cycle=cycle, kind="public").weight == Decimal("0.6")
    party = scheme.dimensions.get(code="party")
    with pytest.raises(EvaluationError, match="复制为新方案"):
        setup.dimension_save(
            actor=cast.evaluator, scheme=scheme, dimension=party, code="party", weight="0.3"
        )
    with pytest.raises(EvaluationError, match="考核周期已开始"):
        setup.cycle_update(actor=cast.evaluator, cycle=cycle, name="改名")
    copy = setup.scheme_copy(actor=cast.evaluator, scheme=scheme, name="社区书记考核方案（2025）")
    assert copy.dimensions.count() == 2
    assert Indicator.objects.filter(dimension__scheme=copy).count() == 5
    setup.dimension_save(
        actor=cast.evaluator,
        scheme=copy,
        dimension=copy.dimensions.get(code="party"),
        code="party",
        weight="0.3",
    )
    assert scheme.dimensions.get(code="party").weight == Decimal("0.4")


def test_only_managers_set_up_and_every_change_is_audited(cast, cycle, scheme):
    for user in (cast.secretary, cast.grid_worker, cast.outsider, cast.cadre, cast.handler):
        with pytest.raises(EvaluationError, match="只有考核评价人员或县级管理员"):
            setup.cycle_create(
                actor=user,
                name=f"{user.pk}",
                period="year",
                starts=date(2024, 1, 1),
                ends=date(2024, 12, 31),
            )
        with pytest.raises(EvaluationError):
            setup.rater_group_set(actor=user, cycle=cycle, kind="peers", weight="0.1")
        with pytest.raises(EvaluationError):
            setup.scheme_save(actor=user, scheme=scheme, name="改", post_type="改")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "evaluation_cycle.create",
        "evaluation_rater_group.set",
        "evaluation_scheme.create",
        "evaluation_dimension.create",
        "evaluation_indicator.create",
    } <= actions


def test_subject_rules(cast, cycle, scheme, party_org):
    actor = cast.evaluator
    with pytest.raises(EvaluationError, match="不能把自己列为考核对象"):
        setup.subject_add(
            actor=actor,
            cycle=cycle,
            scheme=scheme,
            kind="cadre",
            name="考核员自己",
            user=actor,
            area=cast.mingzhu,
            party_org=party_org,
        )
    with pytest.raises(EvaluationError, match="须关联其本人账号"):
        setup.subject_add(
            actor=actor,
            cycle=cycle,
            scheme=scheme,
            kind="cadre",
            name="无账号",
            area=cast.mingzhu,
            party_org=party_org,
        )
    with pytest.raises(EvaluationError, match="须选择党组织"):
        setup.subject_add(
            actor=actor,
            cycle=cycle,
            scheme=scheme,
            kind="community",
            name="明珠社区",
            area=cast.mingzhu,
        )
    community = setup.subject_add(
        actor=actor,
        cycle=cycle,
        scheme=scheme,
        kind="community",
        name="明珠社区",
        area=cast.mingzhu,
        party_org=party_org,
    )
    assert community.kind == Subject.Kind.COMMUNITY
    entry = AuditEntry.objects.get(action="evaluation_subject.add", object_id=str(community.pk))
    assert entry.detail["area"] == cast.mingzhu.pk


def test_indicator_direction_and_floor_are_checked(cast, scheme):
    dimension = scheme.dimensions.get(code="governance")
    base = {
        "code": "x",
        "name": "测试",
        "kind": "quantity",
        "visibility": "visible",
        "source": "reported",
        "weight": "0.1",
    }
    with pytest.raises(EvaluationError, match="底线值应低于目标值"):
        setup.indicator_save(actor=cast.evaluator, dimension=dimension, target=10, floor=20, **base)
    with pytest.raises(EvaluationError, match="底线值应高于目标值"):
        setup.indicator_save(
            actor=cast.evaluator,
            dimension=dimension,
            target=10,
            floor=5,
            direction="cost",
            **base,
        )
    with pytest.raises(EvaluationError, match="台账中的一项指标"):
        setup.indicator_save(
            actor=cast.evaluator,
            dimension=dimension,
            target=10,
            floor=5,
            **{**base, "source": "party_figure", "source_key": "nonsense"},
        )


# Pages


def test_manager_pages_for_cycles_and_subjects(cast, cycle, subject, client_for):
    client = client_for(cast.evaluator)
    listing = client.get("/evaluation/cycles/").content.decode()
    assert "2024年度社区书记考核" in listing
    page = client.get(f"/evaluation/cycles/{cycle.pk}/").content.decode()
    assert "明珠社区书记" in page and "服务对象（群众）" in page and "筹备" in page
    created = client.post(
        "/evaluation/cycles/new/",
        {
            "name": "2025年上半年",
            "period": "half",
            "starts": "2025-01-01",
            "ends": "2025-06-30",
            "quantitative_weight": "0.5",
            "inspection_weight": "0.2",
            "survey_weight": "0.2",
            "excellent": "90",
            "good": "80",
            "fair": "60",
            "min_ballots": "10",
        },
    )
    assert created.status_code == 422
    assert "定量、实看、民评三项权重之和必须等于 1（现为 0.9000）" in created.content.decode()
    refused = client.post(
        f"/evaluation/cycles/{cycle.pk}/rater-groups/", {"kind": "peers", "weight": "1.5"}
    )
    assert refused.status_code == 422
    assert client.post(f"/evaluation/cycles/{cycle.pk}/open/").status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.OPEN
    page = client.get(f"/evaluation/cycles/{cycle.pk}/").content.decode()
    assert "评价群体及其权重已固定" in page
    subjects = client.get(f"/evaluation/subjects/?cycle={cycle.pk}").content.decode()
    assert "明珠社区书记" in subjects


def test_subject_added_through_the_page(cast, cycle, scheme, party_org, client_for):
    client = client_for(cast.county_admin)
    response = client.post(
        f"/evaluation/cycles/{cycle.pk}/subjects/new/",
        {
            "scheme": scheme.pk,
            "kind": "cadre",
            "name": "明珠社区书记",
            "user": cast.cadre.pk,
            "area": cast.mingzhu.pk,
            "party_org": party_org.pk,
        },
    )
    assert response.status_code == 302
    added = Subject.objects.get(cycle=cycle)
    assert added.user == cast.cadre and added.area == cast.mingzhu


def test_scheme_editor_shows_the_cr_refusal_and_the_cr(cast, scheme, client_for):
    client = client_for(cast.evaluator)
    party = scheme.dimensions.get(code="party")
    governance = scheme.dimensions.get(code="governance")
    assert client.get(f"/evaluation/schemes/{scheme.pk}/").status_code == 200
    # 治理 has three indicators: response, overdue, greening (in that order).
    bad = client.post(
        f"/evaluation/dimensions/{governance.pk}/ahp/",
        {
            f"d{governance.pk}-a0_1": "3",
            f"d{governance.pk}-a0_2": "1/5",
            f"d{governance.pk}-a1_2": "3",
        },
    )
    expected = scoring.ahp_weights(INCONSISTENT).cr
    assert bad.status_code == 422
    assert f"判断矩阵一致性比率 CR={expected:.2f} ≥ 0.10，请调整" in bad.content.decode()
    good = client.post(
        f"/evaluation/dimensions/{governance.pk}/ahp/",
        {
            f"d{governance.pk}-a0_1": "2",
            f"d{governance.pk}-a0_2": "1",
            f"d{governance.pk}-a1_2": "1/2",
        },
    )
    assert good.status_code == 302
    governance.refresh_from_db()
    assert governance.ahp_matrix[1][0] == pytest.approx(0.5)
    weights = list(governance.indicators.order_by("pk").values_list("weight", flat=True))
    # A perfectly consistent matrix: response = greening = 2 × overdue.
    assert weights == [Decimal("0.4"), Decimal("0.2"), Decimal("0.4")]
    assert governance.ahp_cr == Decimal("0")
    page = client.get(f"/evaluation/schemes/{scheme.pk}/").content.decode()
    assert f"CR={governance.ahp_cr}" in page
    summed = client.post(
        f"/evaluation/dimensions/{party.pk}/weights/",
        {f"d{party.pk}-w{i.pk}": "0.3" for i in party.indicators.all()},
    )
    assert summed.status_code == 422 and "指标权重之和必须等于 1" in summed.content.decode()


def test_a_single_indicator_has_no_ahp_form(cast, scheme, client_for):
    client = client_for(cast.evaluator)
    party = scheme.dimensions.get(code="party")
    governance = scheme.dimensions.get(code="governance")
    party.indicators.exclude(code="compliance").delete()
    page = client.get(f"/evaluation/schemes/{scheme.pk}/").content.decode()
    assert f"/evaluation/dimensions/{governance.pk}/ahp/" in page
    assert f"/evaluation/dimensions/{party.pk}/ahp/" not in page
    # The weights form stays: the one indicator's weight must still be 1.
    assert f"/evaluation/dimensions/{party.pk}/weights/" in page


def test_setup_pages_are_404_for_everyone_but_managers(cast, cycle, scheme, subject, client_for):
    dimension = scheme.dimensions.first()
    indicator = dimension.indicators.first()
    gets = [
        "/evaluation/cycles/",
        "/evaluation/cycles/new/",
        f"/evaluation/cycles/{cycle.pk}/",
        f"/evaluation/cycles/{cycle.pk}/edit/",
        f"/evaluation/cycles/{cycle.pk}/subjects/new/",
        "/evaluation/subjects/",
        "/evaluation/schemes/",
        "/evaluation/schemes/new/",
        f"/evaluation/schemes/{scheme.pk}/",
        f"/evaluation/dimensions/{dimension.pk}/edit/",
        f"/evaluation/indicators/{indicator.pk}/edit/",
    ]
    posts = [
        f"/evaluation/cycles/{cycle.pk}/open/",
        f"/evaluation/cycles/{cycle.pk}/rater-groups/",
        f"/evaluation/schemes/{scheme.pk}/ahp/",
        f"/evaluation/dimensions/{dimension.pk}/weights/",
    ]
    for user in (cast.cadre, cast.outsider, cast.secretary, cast.handler):
        client = client_for(user)
        for url in gets:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url, {"kind": "peers", "weight": "1"}).status_code == 404
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DRAFT


# API


@pytest.fixture
def call(client):
    from jieyou.people import actions as people

    keys = {}

    def request(user, method, url, status=200, **kwargs):
        if user.pk not in keys:
            keys[user.pk] = people.api_token_create(actor=None, user=user, name="测试")[1]
        response = getattr(client, method)(
            url, HTTP_AUTHORIZATION=f"Bearer {keys[user.pk]}", **kwargs
        )
        assert response.status_code == status, (url, response.content)
        return response.json()

    return request


def test_api_cycles_schemes_and_ahp(cast, cycle, scheme, subject, call):
    api = "/api/v1/evaluation"
    cycles = call(cast.evaluator, "get", f"{api}/cycles")
    assert [c["name"] for c in cycles] == ["2024年度社区书记考核"]
    assert {g["kind"] for g in cycles[0]["rater_groups"]} == {"public", "departments"}
    tree = call(cast.evaluator, "get", f"{api}/schemes/{scheme.pk}")
    assert [d["code"] for d in tree["dimensions"]] == ["governance", "party"]
    assert tree["problems"] == []
    governance = tree["dimensions"][0]["id"]
    refused = call(
        cast.evaluator,
        "post",
        f"{api}/dimensions/{governance}/ahp",
        status=422,
        data={"matrix": INCONSISTENT},
        content_type="application/json",
    )
    assert "判断矩阵一致性比率 CR=" in refused["errors"]["ahp_matrix"][0]
    source = call(
        cast.evaluator,
        "get",
        f"{api}/subjects/{subject.pk}/sources/{tree['dimensions'][0]['indicators'][0]['id']}",
    )
    assert source["provenance"]["query"] == "jieyou.concerns.queries.rates"
    opened = call(cast.evaluator, "post", f"{api}/cycles/{cycle.pk}/open")
    assert opened["status"] == "open"
    fixed = call(
        cast.evaluator,
        "put",
        f"{api}/cycles/{cycle.pk}/rater-groups/public",
        status=422,
        data={"weight": "0.5"},
        content_type="application/json",
    )
    assert "已在考核开始时固定" in fixed["errors"]["weight"][0]
    for user in (cast.cadre, cast.outsider, cast.secretary):
        call(user, "get", f"{api}/cycles", status=404)
        call(user, "get", f"{api}/schemes/{scheme.pk}", status=404)
        call(user, "get", f"{api}/cycles/{cycle.pk}/subjects", status=404)
        call(user, "get", f"{api}/subjects/{subject.pk}/sources/1", status=404)
