"""实看: the audited, reproducible draw; inspectors from outside the subject's community; the
inspection record with photos and the 数据失真 flag; the pages and API for the inspector, and
the 404 for the subject and outsiders."""

import hashlib
import hmac
import io
import math
import re

import pytest
from django.utils import timezone
from PIL import Image

from jieyou.core.models import AuditEntry
from jieyou.evaluation.actions import figures, inspections
from jieyou.evaluation.errors import EvaluationError
from jieyou.evaluation.models import (
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    InspectionTask,
    ReportedFigure,
    Subject,
)
from jieyou.people import actions as people

from .conftest import jpeg, pdf

SCORES = {"现场真实性": 60, "群众知晓度": 80, "工作成效": 70}
API = "/api/v1/evaluation/inspections"


@pytest.fixture(autouse=True)
def _media(media):
    return media


@pytest.fixture
def population(cast, cycle, scheme, subject, greening):
    """The cadre of 明珠 and four 西河 subjects, each with a verified greening figure: 明珠's
    entered by its secretary, 西河's by its grid worker, all verified by the evaluator."""
    subjects = [subject] + [
        Subject.objects.create(
            cycle=cycle, scheme=scheme, kind="community", name=f"西河对象{i}", area=cast.xihe
        )
        for i in range(4)
    ]
    for i, s in enumerate(subjects):
        enterer = cast.secretary if s.area == cast.mingzhu else cast.outsider
        figure = figures.figure_enter(
            actor=enterer,
            subject=s,
            indicator=greening,
            value=4200 + i,
            evidence_files=[pdf()],
        )
        figures.figure_verify(actor=cast.evaluator, figure=figure)
    return subjects


@pytest.fixture
def inspectors(cast):
    return [cast.evaluator, cast.county_admin, cast.outsider, cast.grid_worker, cast.secretary]


def draw(cast, cycle, inspectors, share=0.5, name="第一轮实地核查"):
    return inspections.plan_draw(
        actor=cast.evaluator, cycle=cycle, name=name, share=share, inspectors=inspectors
    )


def rank(seed, label):
    return hmac.new(seed.encode(), label.encode(), hashlib.sha256).hexdigest()


def test_draw_is_reproducible_from_its_seed_and_audited(cast, cycle, population, inspectors):
    plan = draw(cast, cycle, inspectors)
    assert re.fullmatch(r"[0-9a-f]{32}", plan.seed)
    entry = AuditEntry.objects.get(action="evaluation_plan.draw", object_id=str(plan.pk))
    assert entry.detail["seed"] == plan.seed and entry.actor_id == cast.evaluator.pk
    ids = sorted(ReportedFigure.objects.values_list("pk", flat=True))
    assert sorted(int(k) for k in entry.detail["figures"]) == ids
    # Anyone can redo the sample by the published rule: the ⌈0.5 × 5⌉ = 3 smallest ranks.
    expected = sorted(sorted(ids, key=lambda pk: rank(plan.seed, f"figure:{pk}"))[:3])
    drawn = sorted(plan.tasks.exclude(figure=None).values_list("figure_id", flat=True))
    assert drawn == expected
    assert inspections.draw_figures(plan.seed, list(reversed(ids)), 0.5) == expected
    # One site per subject besides: the community's compound for 明珠, the area for 西河.
    sites = dict(plan.tasks.filter(figure=None).values_list("subject_id", "site"))
    assert sites[population[0].pk] == "蓝天家园小区"
    assert len(sites) == 5
    # The whole draw, inspectors included, redone from the seed and the recorded inputs.
    assert inspections.plan_redo_draw(plan) == inspections.plan_picks(plan)
    assert len(inspections.plan_picks(plan)) == 8


def test_a_changed_task_no_longer_matches_the_redone_draw(cast, cycle, population, inspectors):
    plan = draw(cast, cycle, inspectors)
    task = plan.tasks.exclude(figure=None).first()
    others = [u for u in inspectors if u.pk != task.inspector_id]
    InspectionTask.objects.filter(pk=task.pk).update(inspector=others[0])
    assert inspections.plan_redo_draw(plan) != inspections.plan_picks(plan)


def test_inspectors_never_come_from_the_subjects_own_community(cast, cycle, population, inspectors):
    mingzhu_people = {cast.secretary.pk, cast.grid_worker.pk, cast.cadre.pk}
    for round_ in range(5):
        plan = draw(cast, cycle, inspectors, share=1, name=f"第{round_}轮")
        for task in plan.tasks.select_related("subject", "figure"):
            if task.subject.area_id == cast.mingzhu.pk:
                assert task.inspector_id not in mingzhu_people
            else:
                assert task.inspector_id != cast.outsider.pk
            if task.figure_id:
                # Nor someone who entered or verified the figure.
                assert task.inspector_id not in {
                    task.figure.entered_by_id,
                    task.figure.verified_by_id,
                }


def test_no_eligible_inspector_refuses_the_draw(cast, cycle, population):
    with pytest.raises(EvaluationError, match="“明珠社区书记”没有可派的核查人员") as refused:
        draw(cast, cycle, [cast.secretary, cast.grid_worker], share=1)
    assert refused.value.error_dict.keys() == {"inspectors"}
    assert not InspectionPlan.objects.exists()
    assert not AuditEntry.objects.filter(action="evaluation_plan.draw").exists()


def test_only_managers_draw(cast, cycle, population, inspectors):
    for user in (cast.cadre, cast.secretary, cast.outsider):
        with pytest.raises(EvaluationError, match="只有考核评价人员"):
            inspections.plan_draw(
                actor=user, cycle=cycle, name="自己抽", share=1, inspectors=inspectors
            )
    with pytest.raises(EvaluationError, match="抽查比例必须大于 0"):
        draw(cast, cycle, inspectors, share=0)


def figure_task(cast, cycle, inspectors, subject):
    plan = draw(cast, cycle, inspectors, share=1)
    return plan.tasks.select_related("plan", "subject", "figure__indicator").get(
        subject=subject, figure__isnull=False
    )


def record(task, user, observed, photos=None, **kwargs):
    return inspections.inspection_record(
        actor=user,
        task=task,
        inspected_at=timezone.now(),
        latitude=43.834512,
        longitude=90.283401,
        place="蓝天家园小区中心绿地",
        findings=kwargs.pop("findings", "实测绿化面积明显小于填报"),
        observed_value=observed,
        criterion_scores=SCORES,
        photos=[jpeg()] if photos is None else photos,
        **kwargs,
    )


def test_an_inflated_figure_is_flagged_as_distorted(cast, cycle, population, inspectors):
    task = figure_task(cast, cycle, inspectors, population[0])
    assert task.figure.value == 4200 and task.figure.indicator.tolerance == 0.1
    inspector = task.inspector
    inspection = record(task, inspector, observed=3000)
    # |4200 − 3000| / 4200 = 0.286 > 0.1.
    assert inspection.distorted is True
    task.refresh_from_db()
    assert task.status == InspectionTask.Status.DONE
    entry = AuditEntry.objects.get(
        action="evaluation_inspection.record", object_id=str(inspection.pk)
    )
    assert entry.detail["distorted"] is True
    assert entry.detail["gap"] == pytest.approx(1200 / 4200)
    # The reported figure itself is left as reported: the results replace it.
    assert ReportedFigure.objects.get(pk=task.figure_id).value == 4200


def test_an_honest_figure_within_tolerance_is_not_flagged(cast, cycle, population, inspectors):
    task = figure_task(cast, cycle, inspectors, population[1])
    reported = task.figure.value
    inspection = record(task, task.inspector, observed=reported * 0.95)
    assert inspection.distorted is False
    assert inspections.gap(reported, reported * 0.95) == pytest.approx(0.05)
    assert inspections.gap(0, 1) > 1e6  # a claimed zero against a real one is a large gap


def test_only_the_assigned_inspector_records_once(cast, cycle, population, inspectors):
    task = figure_task(cast, cycle, inspectors, population[0])
    for user in (
        cast.cadre,
        cast.secretary,
        cast.evaluator if task.inspector != cast.evaluator else cast.county_admin,
    ):
        with pytest.raises(EvaluationError, match="只有被指派的核查人员"):
            record(task, user, observed=4200)
    with pytest.raises(EvaluationError, match="须填写核实值"):
        record(task, task.inspector, observed=None)
    with pytest.raises(EvaluationError, match="至少一张现场照片"):
        record(task, task.inspector, observed=4200, photos=[])
    with pytest.raises(EvaluationError, match="评分必须在 0 到 100 之间"):
        inspections.inspection_record(
            actor=task.inspector,
            task=task,
            inspected_at=timezone.now(),
            place="现场",
            findings="无",
            observed_value=4200,
            criterion_scores={"现场真实性": 120},
            photos=[jpeg()],
        )
    record(task, task.inspector, observed=4200)
    with pytest.raises(EvaluationError, match="该任务已核查"):
        record(task, task.inspector, observed=4200)
    assert Inspection.objects.count() == 1


def test_photos_are_reencoded_without_exif(cast, cycle, population, inspectors):
    task = figure_task(cast, cycle, inspectors, population[0])
    inspection = record(task, task.inspector, observed=4200)
    photo = InspectionPhoto.objects.get(inspection=inspection)
    data = photo.image.read()
    assert b"TestPhone" not in data and b"Exif" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    bad = io.BytesIO(b"not an image")
    bad.name = "x.jpg"
    other = figure_task(cast, cycle, inspectors, population[2])
    with pytest.raises(EvaluationError, match="不是有效的 JPEG、PNG 或 WebP 图片"):
        record(other, other.inspector, observed=4200, photos=[bad])


def test_sample_size():
    assert inspections.sample_size(0.3, 10) == 3
    assert inspections.sample_size(0.3, 11) == math.ceil(3.3)
    assert inspections.sample_size(1, 7) == 7
    assert inspections.sample_size(0.5, 0) == 0


# Pages


def test_draw_page_shows_the_seed_and_the_picks(cast, cycle, population, client_for):
    client = client_for(cast.evaluator)
    assert client.get("/evaluation/inspections/draw/").status_code == 200
    response = client.post(
        "/evaluation/inspections/draw/",
        {
            "cycle": cycle.pk,
            "name": "页面抽签",
            "share": "1",
            "inspectors": [cast.county_admin.pk, cast.outsider.pk, cast.grid_worker.pk],
        },
    )
    assert response.status_code == 302
    plan = InspectionPlan.objects.get()
    page = client.get(response.url).content.decode()
    assert plan.seed in page.replace("<wbr>", "")
    assert "按种子重新抽签，结果与下列任务一致" in page
    assert "新增绿化面积" in page and "蓝天家园小区" in page
    refused = client.post(
        "/evaluation/inspections/draw/",
        {"cycle": cycle.pk, "name": "无人可派", "share": "1", "inspectors": [cast.secretary.pk]},
    )
    assert refused.status_code == 422 and "没有可派的核查人员" in refused.content.decode()


def test_inspector_pages_and_the_phone_form(cast, cycle, population, inspectors, client_for):
    task = figure_task(cast, cycle, inspectors, population[0])
    client = client_for(task.inspector)
    listing = client.get("/evaluation/inspections/tasks/").content.decode()
    assert "明珠社区书记" in listing
    form = client.get(f"/evaluation/inspections/tasks/{task.pk}/").content.decode()
    assert "jieyou/locate.js" in form and "data-locate" in form
    response = client.post(
        f"/evaluation/inspections/tasks/{task.pk}/record/",
        {
            "inspected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "中心绿地",
            "latitude": "43.834512",
            "longitude": "90.283401",
            "observed_value": "2000",
            "findings": "绿地面积不足填报的一半",
            "score0": "50",
            "score1": "70",
            "score2": "60",
            "photos": [jpeg()],
        },
    )
    assert response.status_code == 302, response.content.decode()
    inspection = Inspection.objects.get(task=task)
    assert inspection.distorted and float(inspection.latitude) == pytest.approx(43.834512)
    page = client.get(f"/evaluation/inspections/tasks/{task.pk}/").content.decode()
    assert "数据失真" in page
    photo = inspection.photos.get()
    assert client.get(f"/evaluation/inspections/photos/{photo.pk}/").status_code == 200


def test_the_subject_and_outsiders_get_404(cast, cycle, population, client_for):
    # The outsider of the cast inspects nothing here: only the county admin was given.
    plan = draw(cast, cycle, [cast.county_admin], share=1)
    task = plan.tasks.exclude(figure=None).first()
    record(task, cast.county_admin, observed=4200)
    photo = InspectionPhoto.objects.get()
    urls = [
        "/evaluation/inspections/",
        "/evaluation/inspections/draw/",
        f"/evaluation/inspections/plans/{plan.pk}/",
        "/evaluation/inspections/tasks/",
        f"/evaluation/inspections/tasks/{task.pk}/",
        f"/evaluation/inspections/photos/{photo.pk}/",
        "/evaluation/cycles/",
        f"/evaluation/cycles/{cycle.pk}/",
        "/evaluation/schemes/",
        f"/evaluation/schemes/{cycle.subjects.first().scheme_id}/",
        "/evaluation/subjects/",
    ]
    for user in (cast.cadre, cast.outsider, cast.secretary):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    assert (
        client_for(cast.cadre)
        .post(f"/evaluation/inspections/tasks/{task.pk}/record/", {"findings": "x"})
        .status_code
        == 404
    )


# API


@pytest.fixture
def call(client):
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


def test_api_draw_tasks_and_record(cast, cycle, population, call):
    plan = call(
        cast.evaluator,
        "post",
        f"{API}/plans",
        status=201,
        data={
            "cycle_id": cycle.pk,
            "name": "接口抽签",
            "share": 1,
            "inspector_ids": [cast.county_admin.pk, cast.outsider.pk, cast.grid_worker.pk],
        },
        content_type="application/json",
    )
    assert plan["redo_holds"] is True and len(plan["seed"]) == 32
    for user in (cast.cadre, cast.outsider, cast.secretary):
        call(user, "get", f"{API}/plans", status=404)
        call(user, "get", f"{API}/plans/{plan['id']}", status=404)
    mine = call(cast.county_admin, "get", f"{API}/tasks")
    assert mine and all(t["inspector_id"] == cast.county_admin.pk for t in mine)
    task = next(t for t in mine if t["figure_id"])
    call(cast.cadre, "get", f"{API}/tasks/{task['id']}", status=404)
    call(
        cast.cadre,
        "post",
        f"{API}/tasks/{task['id']}/inspection",
        status=404,
        data={"inspected_at": timezone.now().isoformat(), "findings": "x"},
    )
    done = call(
        cast.county_admin,
        "post",
        f"{API}/tasks/{task['id']}/inspection",
        status=201,
        data={
            "inspected_at": timezone.now().isoformat(),
            "place": "现场",
            "findings": "实测面积偏小",
            "observed_value": str(task["reported_value"] / 2),
            "criterion_scores": '{"现场真实性": 40}',
            "photos": [jpeg()],
        },
    )
    assert done["inspection"]["distorted"] is True and len(done["inspection"]["photos"]) == 1
