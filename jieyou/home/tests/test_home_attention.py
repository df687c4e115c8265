"""What the home page asks of each role from the service points and the evaluation (records in
conftest.py, on Wednesday 13 November 2024)."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jieyou.points.actions.events import event_save
from jieyou.points.actions.market import vendor_register
from jieyou.points.models import Event
from jieyou.testing.personal_data import assert_no_personal_numbers

from .conftest import _meeting, at


def home(client_for, user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    assert_no_personal_numbers(response.content)
    return response, response.content.decode()


def suggestion_texts(response):
    return sorted(s.concern.description for s in response.context["open_suggestions"])


# --- grid worker --------------------------------------------------------------------------


def test_grid_worker_sees_this_months_coverage_and_a_visit_link(cast, client_for, points):
    response, html = home(client_for, cast.grid_worker)
    [(grid, coverage)] = response.context["grid_coverage"]
    assert grid == cast.mingzhu_grid
    # 7号楼301 visited in November, 601 only in October.
    assert (coverage.visited, coverage.households) == (1, 2)
    assert "本月已走访 1 / 2 户" in html and "(50%)" in html
    assert reverse("points:visit_new") in html


def test_grid_worker_sees_the_next_market_day_after_a_closure(cast, client_for, points):
    response, html = home(client_for, cast.grid_worker)
    market = response.context["next_market"]
    assert market["day"] == date(2024, 11, 22)  # the 15th is closed for snow
    assert market["markets"] == [points.friday]
    # 马大姐 and 张师傅; 李师傅 cancelled, 王师傅 only on the 29th.
    assert market["vendors"] == 2
    assert sorted(market["products"]) == ["大葱", "白菜"]
    assert "11月22日（周五）" in html and "已登记摊主 2 位" in html
    assert reverse("points:market_book", args=[points.friday.pk]) in html
    assert "周四集市" not in html and "羊肉" not in html


def test_grid_worker_sees_open_suggestions_of_their_grids_only(cast, client_for, points):
    response, html = home(client_for, cast.grid_worker)
    # Of the 1 November meeting at the point in 蓝天家园, the one not closed; the
    # community-wide ones (no place) belong to no grid; 西河's are another community's.
    assert suggestion_texts(response) == ["建议清理地下车库杂物"]
    assert response.context["open_suggestions_count"] == 1
    assert "建议楼道加装声控灯" not in html and "建议增设社区路灯" not in html


def test_outsider_sees_their_own_market_and_suggestions_and_nothing_of_mingzhu(
    cast, client_for, points, evaluation
):
    response, html = home(client_for, cast.outsider)
    assert response.context["next_market"]["day"] == date(2024, 11, 14)
    assert response.context["next_market"]["vendors"] == 1
    assert suggestion_texts(response) == ["建议双茂小区增设停车位"]
    [(grid, coverage)] = response.context["grid_coverage"]
    assert grid == cast.xihe_grid and (coverage.visited, coverage.households) == (1, 1)
    assert "evaluation_work" not in response.context
    for word in ("明珠", "周五集市", "白菜", "地下车库", "路灯", "义诊"):
        assert word not in html


def test_grid_worker_without_markets_or_records_is_told_so(cast, client_for, today):
    response, html = home(client_for, cast.grid_worker)
    assert response.context["next_market"] is None
    assert "近期没有集市安排" in html
    assert response.context["open_suggestions_count"] == 0
    assert "没有未办结的议事建议" in html


# --- community secretary and staff -------------------------------------------------------


def test_secretary_sees_this_years_meeting_sentence_with_a_link(cast, client_for, points):
    response, html = home(client_for, cast.secretary)
    # Owners' meetings in 2024: 1 March and 1 November (not the 2023 one, not the residents'
    # meeting); of their suggestions one was closed as solved.
    assert response.context["meeting_sentence"] == "召开业主会议 2 次，收集并解决群众意见建议 1 条"
    assert "明珠社区 2024 年</a>：召开业主会议 2 次，收集并解决群众意见建议 1 条" in html
    link = reverse("points:community", args=[cast.mingzhu.pk])
    assert f'href="{link}?from=2024-01-01&amp;to=2024-12-31"' in html


def test_secretary_sees_every_open_suggestion_of_the_community(cast, client_for, points):
    response, html = home(client_for, cast.secretary)
    assert suggestion_texts(response) == sorted(
        ["建议清理地下车库杂物", "建议增设社区路灯", "建议修缮围墙"]
    )
    assert response.context["open_suggestions_count"] == 3
    assert "建议双茂小区增设停车位" not in html


def test_suggestion_count_goes_past_the_list(cast, client_for, points):
    _meeting(
        cast.secretary,
        cast.mingzhu,
        "residents",
        date(2024, 11, 12),
        [f"建议第{i}条" for i in range(6)],
    )
    response, html = home(client_for, cast.secretary)
    assert len(response.context["open_suggestions"]) == 5
    assert response.context["open_suggestions_count"] == 9
    assert reverse("points:meeting_list") in html


def test_secretary_sees_this_weeks_events_only(cast, client_for, points):
    response, html = home(client_for, cast.secretary)
    titles = [e.title for e in response.context["week_events"]]
    # Monday 11 to Sunday 17 November, local time: 23:30 on Sunday is still this week.
    assert titles == ["义诊进社区", "周末观影"]
    for title in ("旧物置换日", "法律咨询日", "西河义剪"):
        assert title not in html


def test_community_staff_see_figures_owed_by_their_community(cast, client_for, evaluation):
    response, html = home(client_for, cast.secretary)
    rows = {r.subject.name: (r.missing, r.returned) for r in response.context["figures_to_enter"]}
    # 帕丽达 owes 就业; 明珠社区 had 就业 returned; 西河 is another community's.
    assert rows == {"帕丽达（2024年度）": (1, 0), "明珠社区（集体）": (0, 1)}
    assert "待填报 1 项" in html and "退回待改 1 项" in html
    assert reverse("evaluation:figure_list") in html
    assert "西河社区（集体）" not in html


def test_cadre_sees_nothing_of_their_own_evaluation_but_the_published_result(
    cast, client_for, points, evaluation
):
    response, html = home(client_for, cast.cadre)
    assert reverse("evaluation:result_mine") in html
    rows = [r.subject.name for r in response.context["figures_to_enter"]]
    assert rows == ["明珠社区（集体）"]
    # Of the cadre's two inspection tasks, only the one on 西河: never their own.
    assert response.context["evaluation_work"] == {"inspections": 1}
    assert "帕丽达" not in html
    for word in ("待核验数据", "待复核申诉", "公示期满待锁定"):
        assert word not in html
    # The rest of the community's page is there, as for the secretary.
    assert response.context["open_suggestions_count"] == 3


# --- evaluator and county admin ------------------------------------------------------------


def test_evaluator_sees_the_evaluation_work_they_may_do(cast, client_for, evaluation):
    response, html = home(client_for, cast.evaluator)
    work = response.context["evaluation_work"]
    # Figures: only 帕丽达 绿化 (明珠社区 绿化 they entered, 西河 就业 carries their evidence,
    # 考核员 is themself). Tasks: 明珠社区 (their own is left out, 西河 is done). Appeals:
    # 帕丽达 2023 (上半年 has the evaluator as a subject, so neither of its appeals).
    assert (work["verify"], work["inspections"], work["appeals"]) == (1, 1, 1)
    assert [(c.name, c.n_pending) for c in work["to_lock"]] == [("2023年度考核", 1)]
    for name in (
        "evaluation:figure_queue",
        "evaluation:inspection_tasks",
        "evaluation:appeal_list",
        "evaluation:result_cycles",
    ):
        assert reverse(name) in html
    assert reverse("evaluation:result_cycle", args=[evaluation.ended.pk]) in html
    assert "还有 1 件申诉待复核" in html
    assert "2024上半年考核" not in html  # its window is still open
    assert reverse("evaluation:result_mine") in html  # their own 上半年 result is published


def test_county_admin_sees_all_evaluation_work(cast, client_for, evaluation):
    response, html = home(client_for, cast.county_admin)
    work = response.context["evaluation_work"]
    assert (work["verify"], work["inspections"], work["appeals"]) == (4, 0, 3)
    assert [c.name for c in work["to_lock"]] == ["2023年度考核"]
    assert reverse("evaluation:result_cycle", args=[evaluation.ended.pk]) in html


def test_evaluator_who_is_a_subject_of_the_ended_cycle_is_not_asked_to_lock_it(
    cast, client_for, evaluation
):
    from jieyou.evaluation.models import Subject

    Subject.objects.create(
        cycle=evaluation.ended,
        scheme=evaluation.cadre_2024.scheme,
        kind=Subject.Kind.CADRE,
        name="考核员（2023年度）",
        user=cast.evaluator,
    )
    response, _html = home(client_for, cast.evaluator)
    work = response.context["evaluation_work"]
    assert work["to_lock"] == [] and work["appeals"] == 0


def test_no_evaluation_section_without_evaluation_work(cast, client_for, today):
    response, html = home(client_for, cast.secretary)
    assert "evaluation_work" not in response.context
    assert response.context["figures_to_enter"] == []
    assert "考核数据待填报" not in html
    response, html = home(client_for, cast.evaluator)
    assert response.context["evaluation_work"]["verify"] == 0
    assert "考核待办" in html


# --- speed -------------------------------------------------------------------------------


def test_each_role_stays_within_a_handful_of_queries(
    cast, client_for, points, evaluation, django_assert_max_num_queries
):
    limits = {
        "grid_worker": 26,
        "outsider": 26,
        "secretary": 25,
        "cadre": 25,
        "evaluator": 9,
        "county_admin": 16,
    }
    for role, limit in limits.items():
        client = client_for(getattr(cast, role))
        with django_assert_max_num_queries(limit, info=role):
            assert client.get(reverse("home")).status_code == 200


def test_query_count_does_not_grow_with_the_records(cast, client_for, points, evaluation):
    clients = {r: client_for(getattr(cast, r)) for r in ("grid_worker", "secretary", "evaluator")}

    def counts():
        found = {}
        for role, client in clients.items():
            with CaptureQueriesContext(connection) as queries:
                client.get(reverse("home"))
            found[role] = len(queries)
        return found

    def suggest(n):
        _meeting(
            cast.secretary,
            cast.mingzhu,
            "owners",
            date(2024, 11, 12),
            [f"建议第{i}条" for i in range(n)],
            point=points.point,
        )

    # Past the five shown, the suggestions are counted with one more query, then no more.
    suggest(6)
    before = counts()
    suggest(20)
    for i in range(4):
        event_save(
            actor=cast.secretary,
            point=points.point,
            kind=Event.Kind.OTHER,
            title=f"活动{i}",
            starts_at=at(date(2024, 11, 15), 9 + i),
        )
        vendor_register(
            actor=cast.secretary,
            market=points.friday,
            name=f"摊主{i}",
            phone=f"1390000900{i}",
            products="韭菜、芹菜",
            first_day=date(2024, 11, 22),
        )
    assert counts() == before
