import threading
from datetime import date, timedelta

import pytest
from django.db import close_old_connections, connection, connections
from django.utils import timezone

from jieyou.concerns.models import Category, Concern
from jieyou.points.actions.visits import visit_raise_concern, visit_record
from jieyou.points.errors import PointsError
from jieyou.points.models import Visit

from .records_support import api, outside_household, page

API = "/api/v1/points"
P = Visit.Purpose
DAY = date(2024, 7, 15)


def _visit(cast, **overrides):
    fields = {
        "actor": cast.grid_worker,
        "household": cast.resident.household,
        "purpose": P.HAZARD,
        "findings": "楼顶鸽棚，鸽粪污染晾晒衣物",
        "visited_on": DAY,
        "client_key": "draft-1",
    }
    return visit_record(**{**fields, **overrides})


def _form(cast, **overrides):
    return {
        "household": cast.resident.household.pk,
        "purpose": P.HAZARD,
        "visited_on": DAY.isoformat(),
        "findings": "楼顶鸽棚",
        "client_key": "form-draft-1",
        **overrides,
    }


def test_a_visit_counts_for_the_workers_grid_covering_the_building(cast):
    visit = _visit(cast)
    assert visit.grid == cast.mingzhu_grid
    assert visit.worker == cast.grid_worker
    assert visit.replayed is False


def test_the_same_draft_sent_twice_is_one_visit(cast):
    first = _visit(cast)
    again = _visit(cast)
    assert again.pk == first.pk and again.replayed is True
    assert Visit.objects.count() == 1


def test_the_same_key_with_other_content_is_refused(cast):
    _visit(cast)
    with pytest.raises(PointsError) as refused:
        _visit(cast, findings="另一份记录")
    message = refused.value.message_dict["client_key"][0]
    assert "内容不同" in message
    with pytest.raises(PointsError):
        _visit(cast, actor=cast.secretary)
    assert Visit.objects.count() == 1


def test_a_grid_worker_cannot_record_outside_their_grids(cast):
    for household in (outside_household(cast), cast.xihe_resident.household):
        with pytest.raises(PointsError) as refused:
            _visit(cast, household=household, client_key=f"k{household.pk}")
        assert "household" in refused.value.message_dict
    with pytest.raises(PointsError):
        _visit(cast, actor=cast.outsider)
    assert Visit.objects.count() == 0


def test_who_may_visit(cast):
    # Community staff record visits in the grids of their community; readers do not.
    assert _visit(cast, actor=cast.secretary, client_key="s").grid == cast.mingzhu_grid
    for user in (cast.county_admin, cast.evaluator, cast.handler):
        with pytest.raises(PointsError):
            _visit(cast, actor=user, client_key=f"u{user.pk}")
    # A building no grid covers has no grid to count the visit for.
    with pytest.raises(PointsError) as refused:
        _visit(cast, actor=cast.secretary, household=outside_household(cast), client_key="o")
    assert "网格" in refused.value.message_dict["household"][0]


def test_guards_name_the_field(cast):
    tomorrow = timezone.localdate() + timedelta(days=1)
    for overrides, field in [
        ({"visited_on": tomorrow}, "visited_on"),
        ({"purpose": "gossip"}, "purpose"),
        ({"client_key": ""}, "client_key"),
        ({"client_key": "k" * 65}, "client_key"),
        ({"findings": "长" * 4001}, "findings"),
    ]:
        with pytest.raises(PointsError) as refused:
            _visit(cast, **overrides)
        assert field in refused.value.message_dict, overrides


def test_form_path_sent_twice_makes_one_visit(cast, client_for):
    client = client_for(cast.grid_worker)
    shown = page(client, "/points/visits/new/", {"household": cast.resident.household.pk})
    assert shown.status_code == 200
    text = shown.content.decode()
    assert 'name="client_key"' in text and "visit_draft.js" in text
    assert "<script>" not in text  # CSP: no inline scripts
    first = client.post("/points/visits/new/", _form(cast))
    again = client.post("/points/visits/new/", _form(cast))
    visit = Visit.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/points/visits/{visit.pk}/"


def test_form_path_answers_the_draft_script_in_json(cast, client_for):
    client = client_for(cast.grid_worker)
    json = {"HTTP_ACCEPT": "application/json"}
    first = client.post("/points/visits/new/", _form(cast), **json)
    assert first.status_code == 201
    assert first.json()["message"] == "已保存" and first.json()["replayed"] is False
    again = client.post("/points/visits/new/", _form(cast), **json)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["replayed"] is True
    other = client.post("/points/visits/new/", _form(cast, findings="改过的内容"), **json)
    assert other.status_code == 422
    assert "client_key" in other.json()["errors"]
    missing = client.post("/points/visits/new/", _form(cast, purpose=""), **json)
    assert missing.status_code == 422 and "purpose" in missing.json()["errors"]
    assert Visit.objects.count() == 1


def test_api_path_is_idempotent_on_client_key_and_idempotency_key(cast):
    body = {
        "household": cast.resident.household.pk,
        "purpose": "hazard",
        "visited_on": DAY.isoformat(),
        "findings": "楼顶鸽棚，联系 13912345678",
        "client_key": "api-draft-1",
    }
    first = api(cast.grid_worker, "post", f"{API}/visits", body)
    assert first.status_code == 201, first.content
    assert first.json()["findings"] == "楼顶鸽棚，联系 139****5678"
    again = api(cast.grid_worker, "post", f"{API}/visits", body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = api(cast.grid_worker, "post", f"{API}/visits", {**body, "purpose": "care"})
    assert other.status_code == 422 and "client_key" in other.json()["errors"]
    # Without a client key the Idempotency-Key stands for the draft.
    keyless = {k: v for k, v in body.items() if k != "client_key"}
    headers = {"Idempotency-Key": "visit-42"}
    one = api(cast.grid_worker, "post", f"{API}/visits", keyless, headers)
    two = api(cast.grid_worker, "post", f"{API}/visits", keyless, headers)
    assert one.status_code == 201 and two.status_code == 201
    assert two["Idempotent-Replayed"] == "true" and two.json()["id"] == one.json()["id"]
    assert Visit.objects.count() == 2


def test_a_draft_sent_by_the_form_and_again_by_the_api_is_one_visit(cast, client_for):
    client_for(cast.grid_worker).post("/points/visits/new/", _form(cast))
    body = {**_form(cast), "visited_on": DAY.isoformat()}
    resent = api(cast.grid_worker, "post", f"{API}/visits", body)
    assert resent.status_code == 200
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_of_a_draft_make_one_visit():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves several connections at once")
    from jieyou.testing.cast import build_cast

    cast = build_cast()
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def send():
        close_old_connections()
        try:
            barrier.wait()
            visit = _visit(cast, client_key="race-1")
            outcomes.append((visit.pk, visit.replayed))
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Visit.objects.filter(client_key="race-1").count() == 1
    assert len({pk for pk, _ in outcomes}) == 1
    assert sorted(replayed for _, replayed in outcomes) == [False, True, True, True]


def test_a_concern_raised_from_a_visit_is_linked_and_in_the_right_place(cast):
    visit = _visit(cast)
    concern = visit_raise_concern(
        actor=cast.grid_worker,
        visit=visit,
        category=Category.objects.get(code="WJ"),
        description=visit.findings,
        urgency=Concern.Urgency.URGENT,
        reporter=cast.resident,
    )
    assert list(visit.concerns.all()) == [concern]
    assert concern.channel == Concern.Channel.VISIT
    assert concern.area == cast.building7
    assert concern.reporter == cast.resident
    assert concern.urgency == Concern.Urgency.URGENT
    with pytest.raises(PointsError) as refused:
        visit_raise_concern(
            actor=cast.grid_worker,
            visit=visit,
            category=Category.objects.get(code="WJ"),
            description="不是这一户的人",
            reporter=cast.neighbour,
        )
    assert "reporter" in refused.value.message_dict
    with pytest.raises(PointsError):
        visit_raise_concern(
            actor=cast.outsider,
            visit=visit,
            category=Category.objects.get(code="WJ"),
            description="越权上报",
        )
    assert visit.concerns.count() == 1


def test_one_tap_report_from_the_visit_page(cast, client_for):
    visit = _visit(cast)
    client = client_for(cast.grid_worker)
    shown = page(client, f"/points/visits/{visit.pk}/").content.decode()
    assert "发现问题，一键上报" in shown
    assert visit.findings in shown  # the description comes filled in
    hazard = Category.objects.get(code="AQ")
    assert f'<option value="{hazard.pk}" selected>' in shown
    posted = client.post(
        f"/points/visits/{visit.pk}/concern/",
        {
            "category": hazard.pk,
            "description": visit.findings,
            "urgency": "normal",
            "reporter": cast.resident.pk,
        },
    )
    assert posted.status_code == 302
    concern = visit.concerns.get()
    assert concern.category == hazard and concern.reporter == cast.resident
    assert concern.receipt_code in page(client, f"/points/visits/{visit.pk}/").content.decode()


def test_visit_page_links_the_concern_only_for_those_who_may_open_it(cast, client_for):
    visit = _visit(cast)
    concern = visit_raise_concern(
        actor=cast.grid_worker,
        visit=visit,
        category=Category.objects.get(code="WJ"),
        description=visit.findings,
    )
    link = f'href="/concerns/{concern.pk}/"'
    assert (
        link in page(client_for(cast.grid_worker), f"/points/visits/{visit.pk}/").content.decode()
    )
    shown = page(client_for(cast.evaluator), f"/points/visits/{visit.pk}/")
    assert shown.status_code == 200
    assert concern.receipt_code in shown.content.decode()
    assert link not in shown.content.decode()
    assert client_for(cast.evaluator).get(f"/concerns/{concern.pk}/").status_code == 404
    assert page(client_for(cast.outsider), f"/points/visits/{visit.pk}/").status_code == 404


def test_household_search_stays_in_the_workers_grids(cast, client_for):
    outside_household(cast)
    client = client_for(cast.grid_worker)
    by_room = page(client, "/points/visits/households/", {"q": "7号楼301"}).content.decode()
    assert f"household={cast.resident.household.pk}" in by_room
    assert f"household={cast.neighbour.household.pk}" not in by_room
    by_name = page(client, "/points/visits/households/", {"q": "冶大爷"}).content.decode()
    assert f"household={cast.neighbour.household.pk}" in by_name
    assert "马大姐" not in page(client, "/points/visits/households/", {"q": "马"}).content.decode()


def test_visit_list_shows_coverage_of_the_grid_for_the_month(cast, client_for):
    _visit(cast)
    _visit(cast, client_key="again-same-household", findings="复查")
    text = page(
        client_for(cast.secretary),
        "/points/visits/",
        {"month": "2024-07", "grid": cast.mingzhu_grid.pk},
    ).content.decode()
    assert "走访记录（2）" in text
    # 蓝天家园小区 has two households (7号楼301 and 601); one was visited, twice.
    assert "<td>2</td><td>1</td><td>50%</td>" in text.replace("\n", "").replace(" ", "")


def test_outsider_gets_404_for_another_communitys_visits(cast, client_for):
    visit = _visit(cast)
    client = client_for(cast.outsider)
    assert page(client, f"/points/visits/{visit.pk}/").status_code == 404
    assert page(client, "/points/visits/", {"grid": cast.mingzhu_grid.pk}).status_code == 404
    assert (
        page(client, "/points/visits/new/", {"household": cast.resident.household.pk}).status_code
        == 404
    )
    assert client.post("/points/visits/new/", _form(cast, client_key="x")).status_code == 404
    assert client.post(f"/points/visits/{visit.pk}/concern/", {}).status_code == 404
    assert api(cast.outsider, "get", f"{API}/visits/{visit.pk}").status_code == 404
    assert (
        api(cast.outsider, "get", f"{API}/visits", {"grid": cast.mingzhu_grid.pk}).status_code
        == 404
    )
    assert api(cast.outsider, "get", f"{API}/visits").json()["count"] == 0
    body = {**_form(cast, client_key="y"), "visited_on": DAY.isoformat()}
    assert api(cast.outsider, "post", f"{API}/visits", body).status_code == 404
    concern = {"category": "WJ", "description": "x"}
    assert (
        api(cast.outsider, "post", f"{API}/visits/{visit.pk}/concerns", concern).status_code == 404
    )
    assert Visit.objects.count() == 1
