"""Reported figures: entered by the subject's community with evidence, verified by a second
person, never touched by the subject; the pages and the API keep the subject and outsiders
out (404)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jieyou.core.models import AuditEntry
from jieyou.evaluation.actions import figures
from jieyou.evaluation.actions.figures import MAX_EVIDENCE_BYTES
from jieyou.evaluation.errors import EvaluationError
from jieyou.evaluation.models import Evidence, ReportedFigure, Subject
from jieyou.people import actions as people

from .conftest import jpeg, pdf

F = ReportedFigure.Status
API = "/api/v1/evaluation"


@pytest.fixture(autouse=True)
def _media(media):
    return media


def enter(user, subject, indicator, value=4200, files=None, **kwargs):
    return figures.figure_enter(
        actor=user,
        subject=subject,
        indicator=indicator,
        value=value,
        evidence_files=[pdf()] if files is None else files,
        **kwargs,
    )


def test_community_staff_enter_with_evidence_and_the_entry_is_audited(
    cast, subject, greening, media
):
    evidence = pdf(body=b"greening ledger")
    figure = enter(cast.secretary, subject, greening, baseline=3000, files=[evidence])
    assert (figure.status, figure.value, figure.baseline) == (F.ENTERED, 4200, 3000)
    stored = Evidence.objects.get(figure=figure)
    evidence.seek(0)
    assert stored.sha256 == hashlib.sha256(evidence.read()).hexdigest()
    assert stored.name == "证明.pdf"
    # Stored under a random name, not the uploaded one.
    assert "证明" not in stored.file.name and stored.file.name.endswith(".pdf")
    entry = AuditEntry.objects.get(action="evaluation_figure.enter", object_id=str(figure.pk))
    assert entry.actor_id == cast.secretary.pk
    assert entry.detail["evidence"][0]["sha256"] == stored.sha256
    # A grid worker of the same community may report too.
    enter(cast.grid_worker, subject, greening, value=4300)
    figure.refresh_from_db()
    assert figure.value == 4300 and figure.entered_by == cast.grid_worker


def test_the_subject_never_enters_or_edits_their_own_figures(cast, subject, greening):
    with pytest.raises(EvaluationError, match="被考核人不能操作与本人考核有关的数据"):
        enter(cast.cadre, subject, greening)
    figure = enter(cast.secretary, subject, greening)
    with pytest.raises(EvaluationError, match="被考核人不能操作"):
        enter(cast.cadre, subject, greening, value=99999)
    with pytest.raises(EvaluationError):
        figures.figure_verify(actor=cast.cadre, figure=figure)
    with pytest.raises(EvaluationError):
        figures.figure_return(actor=cast.cadre, figure=figure, reason="不对")
    figure.refresh_from_db()
    assert (figure.value, figure.status) == (4200, F.ENTERED)


def test_outsiders_cannot_enter(cast, subject, greening):
    for user in (cast.outsider, cast.handler):
        with pytest.raises(EvaluationError, match="只有被考核单位（社区）的工作人员"):
            enter(user, subject, greening)
    assert not ReportedFigure.objects.exists()


def test_the_second_person_rule(cast, subject, greening):
    figure = enter(cast.evaluator, subject, greening)
    with pytest.raises(EvaluationError, match="填报人不能核验自己填报的数据"):
        figures.figure_verify(actor=cast.evaluator, figure=figure)
    with pytest.raises(EvaluationError, match="只有考核评价人员"):
        figures.figure_verify(actor=cast.secretary, figure=figure)
    verified = figures.figure_verify(actor=cast.county_admin, figure=figure)
    assert verified.status == F.VERIFIED and verified.verified_by == cast.county_admin
    assert AuditEntry.objects.filter(action="evaluation_figure.verify", object_id=str(figure.pk))


def test_someone_who_added_evidence_is_not_a_second_person(cast, subject, greening):
    figure = enter(cast.secretary, subject, greening)
    # The evaluator adds a file and re-enters; the county admin then corrects the value.
    enter(cast.evaluator, subject, greening, files=[jpeg()])
    enter(cast.county_admin, subject, greening, value=4100, files=[])
    with pytest.raises(EvaluationError, match="填报人不能核验"):
        figures.figure_verify(actor=cast.evaluator, figure=figure)


def test_a_verified_figure_is_returned_before_it_changes(cast, subject, greening):
    figure = enter(cast.secretary, subject, greening)
    figures.figure_verify(actor=cast.evaluator, figure=figure)
    with pytest.raises(EvaluationError, match="已核验，不能修改"):
        enter(cast.secretary, subject, greening, value=6000)
    with pytest.raises(EvaluationError, match="请填写退回原因"):
        figures.figure_return(actor=cast.evaluator, figure=figure, reason=" ")
    returned = figures.figure_return(actor=cast.evaluator, figure=figure, reason="面积不符")
    assert returned.status == F.RETURNED and returned.verified_by is None
    again = enter(cast.secretary, subject, greening, value=3900, files=[])
    assert (again.status, again.value, again.return_reason) == (F.ENTERED, 3900, "")
    trail = AuditEntry.objects.filter(
        object_id=str(figure.pk), action__startswith="evaluation_figure"
    )
    assert list(trail.values_list("action", flat=True)) == [
        "evaluation_figure.enter",
        "evaluation_figure.verify",
        "evaluation_figure.return",
        "evaluation_figure.enter",
    ]


def test_evidence_is_checked_by_its_bytes_and_size(cast, subject, greening):
    with pytest.raises(EvaluationError, match="请上传至少一份证明材料"):
        enter(cast.secretary, subject, greening, files=[])
    fake = SimpleUploadedFile("报表.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(EvaluationError, match=r"“报表\.pdf”不是 PDF、JPEG 或 PNG 文件"):
        enter(cast.secretary, subject, greening, files=[fake])
    big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES)
    with pytest.raises(EvaluationError, match="超过 10 MB"):
        enter(cast.secretary, subject, greening, files=[big])
    with pytest.raises(EvaluationError, match="填报值必须是数字"):
        enter(cast.secretary, subject, greening, value="很多")
    assert not ReportedFigure.objects.exists() and not Evidence.objects.exists()


def test_record_based_indicators_cannot_be_reported(cast, scheme, subject):
    response = scheme.dimensions.get(code="governance").indicators.get(code="response")
    with pytest.raises(EvaluationError, match="由系统从业务记录中统计"):
        enter(cast.secretary, subject, response, value=1.0)


# Pages


def test_entry_page_for_community_staff(cast, subject, greening, client_for):
    client = client_for(cast.secretary)
    listing = client.get("/evaluation/figures/")
    assert listing.status_code == 200 and "新增绿化面积" in listing.content.decode()
    url = f"/evaluation/figures/{subject.pk}/{greening.pk}/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"value": "5000"})
    assert refused.status_code == 422 and "请上传至少一份证明材料" in refused.content.decode()
    done = client.post(url, {"value": "5000", "baseline": "3000", "evidence_files": [pdf()]})
    assert done.status_code == 302
    figure = ReportedFigure.objects.get()
    assert figure.value == 5000 and figure.entered_by == cast.secretary
    evidence = figure.evidence.get()
    assert client.get(f"/evaluation/evidence/{evidence.pk}/").status_code == 200
    # The secretary is no manager: no queue, no verifying.
    assert client.get("/evaluation/figures/queue/").status_code == 404
    assert client.post(f"/evaluation/figures/{figure.pk}/verify/").status_code == 404


def test_subject_and_outsider_see_none_of_the_figure_pages(cast, subject, greening, client_for):
    figure = enter(cast.secretary, subject, greening)
    evidence = figure.evidence.get()
    urls = [
        "/evaluation/figures/",
        f"/evaluation/figures/{subject.pk}/{greening.pk}/",
        "/evaluation/figures/queue/",
        f"/evaluation/evidence/{evidence.pk}/",
    ]
    for user in (cast.cadre, cast.outsider):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        posted = client.post(
            f"/evaluation/figures/{subject.pk}/{greening.pk}/",
            {"value": "99999", "evidence_files": [pdf()]},
        )
        assert posted.status_code == 404
        assert client.post(f"/evaluation/figures/{figure.pk}/verify/").status_code == 404
    figure.refresh_from_db()
    assert (figure.value, figure.status) == (4200, F.ENTERED)


def test_verification_queue_and_the_second_person(cast, subject, greening, client_for):
    figure = enter(cast.evaluator, subject, greening)
    own = client_for(cast.evaluator)
    page = own.get("/evaluation/figures/queue/").content.decode()
    assert "这是你填报的数据，须由另一名考核人员核验" in page
    own.post(f"/evaluation/figures/{figure.pk}/verify/")
    figure.refresh_from_db()
    assert figure.status == F.ENTERED
    other = client_for(cast.county_admin)
    assert other.post(f"/evaluation/figures/{figure.pk}/verify/").status_code == 302
    figure.refresh_from_db()
    assert figure.status == F.VERIFIED
    returned = other.post(f"/evaluation/figures/{figure.pk}/return/", {"reason": "佐证不足"})
    assert returned.status_code == 302
    figure.refresh_from_db()
    assert (figure.status, figure.return_reason) == (F.RETURNED, "佐证不足")


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


def test_api_entry_verification_and_the_subject(cast, subject, greening, call):
    url = f"{API}/subjects/{subject.pk}/figures/{greening.pk}"
    body = call(
        cast.secretary,
        "post",
        url,
        data={"value": "4200", "baseline": "3000", "evidence_files": [pdf()]},
    )
    assert body["status"] == "entered" and len(body["evidence"]) == 1
    for user in (cast.cadre, cast.outsider):
        call(user, "post", url, status=404, data={"value": "1", "evidence_files": [pdf()]})
        call(user, "get", f"{API}/figures", status=404)
        call(user, "post", f"{API}/figures/{body['id']}/verify", status=404)
    refused = call(cast.secretary, "post", f"{API}/figures/{body['id']}/verify", status=404)
    assert refused["detail"] == "未找到"
    verified = call(cast.evaluator, "post", f"{API}/figures/{body['id']}/verify")
    assert verified["verified"] is True
    again = call(cast.secretary, "post", url, status=422, data={"value": "9000"})
    assert "已核验，不能修改" in again["errors"]["value"][0]


def test_a_units_handler_reports_for_the_unit_only(
    cast, cycle, scheme, subject, greening, client_for
):
    unit_subject = Subject.objects.create(
        cycle=cycle, scheme=scheme, kind="unit", name="蓝天物业", unit=cast.property_co
    )
    figure = enter(cast.handler, unit_subject, greening)
    assert figure.entered_by == cast.handler
    with pytest.raises(EvaluationError, match="只有被考核单位（社区）的工作人员"):
        enter(cast.handler, subject, greening)
    client = client_for(cast.handler)
    listing = client.get("/evaluation/figures/").content.decode()
    assert "蓝天物业" in listing and "明珠社区书记" not in listing
    assert client.get(f"/evaluation/figures/{unit_subject.pk}/{greening.pk}/").status_code == 200
    assert client.get(f"/evaluation/figures/{subject.pk}/{greening.pk}/").status_code == 404
    # The secretary of 明珠 does not report for the property company.
    secretary = client_for(cast.secretary)
    assert secretary.get(f"/evaluation/figures/{unit_subject.pk}/{greening.pk}/").status_code == 404
