"""The score sheet, the results pages and their API: managers read every sheet, the subject
only their own once published, anyone else gets a 404; the public page needs no account and
shows no ballots and no personal numbers; the PDF and the workbook carry the same totals."""

import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from jieyou.core.models import AuditEntry
from jieyou.evaluation.actions import publication, surveys
from jieyou.evaluation.actions.scoring import cycle_score
from jieyou.evaluation.models import Ballot, Cycle, Indicator, RaterGroup, Result, Subject
from jieyou.evaluation.views.sheet import explained
from jieyou.testing.personal_data import assert_no_personal_numbers

from . import scored

API = "/api/v1/evaluation"
RATER = ("王评议", "+8613987654321")


@pytest.fixture(autouse=True)
def _media(media):
    return media


@pytest.fixture
def result(cast, cycle, subject):
    scored.build(cast, cycle, subject)
    group = RaterGroup.objects.get(cycle=cycle, kind=RaterGroup.Kind.PUBLIC)
    surveys.invite(
        actor=cast.evaluator,
        subject=subject,
        group=group,
        people=[RATER],
        basis="花名册抽样",
        channel="slip",
    )
    [found] = cycle_score(actor=cast.evaluator, cycle=cycle)
    return found


@pytest.fixture
def other(cast, cycle, scheme, party_org, result):
    """A second subject of the same cycle, 西河, scored beside the first."""
    found = Subject.objects.create(
        cycle=cycle,
        scheme=scheme,
        kind=Subject.Kind.COMMUNITY,
        name="西河社区",
        area=cast.xihe,
        party_org=party_org,
    )
    cycle_score(actor=cast.evaluator, cycle=cycle)
    return found


def publish(cast, cycle):
    return publication.cycle_publish(actor=cast.evaluator, cycle=cycle, days=7)


def sheet_url(subject):
    return f"/evaluation/subjects/{subject.pk}/sheet/"


def nothing_of_the_survey_but_counts(text: str, subject):
    for ballot_id in Ballot.objects.filter(subject=subject).values_list("id", flat=True):
        assert str(ballot_id) not in text
    assert RATER[0] not in text
    assert_no_personal_numbers(text)


def test_a_manager_reads_the_sheet_down_to_the_records(cast, client_for, subject, result):
    response = client_for(cast.evaluator).get(sheet_url(subject))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{result.total:g}" in text and "一般" in text
    assert "数据失真" in text and "样本不足" in text
    assert "定量" in text and "实看" in text and "民评" in text
    figure = subject.figures.get()
    assert f"/evaluation/figures/{subject.pk}/{figure.indicator_id}/" in text
    assert f"/evaluation/evidence/{figure.evidence.get().pk}/" in text
    task = figure.tasks.get()
    assert f"/evaluation/inspections/tasks/{task.pk}/" in text
    assert "/concerns/rates/?by=community&amp;from=2024-01&amp;to=2024-12" in text
    assert "完成度 = (实际值 − 底线值)" in text
    nothing_of_the_survey_but_counts(text, subject)


def test_the_subject_reads_only_their_own_sheet_and_only_once_published(
    cast, client_for, cycle, subject, result, other
):
    client = client_for(cast.cadre)
    assert client.get(sheet_url(subject)).status_code == 404
    assert client.get(f"/evaluation/subjects/{subject.pk}/sheet.pdf").status_code == 404
    assert client.get("/evaluation/mine/").status_code == 200
    assert "/evaluation/mine/" not in client.get("/").content.decode()
    publish(cast, cycle)
    # Published: the home page leads the subject to their result.
    assert "/evaluation/mine/" in client.get("/").content.decode()
    response = client.get(sheet_url(subject))
    assert response.status_code == 200
    text = response.content.decode()
    # The subject gets the numbers but no links into the records they may not open.
    assert "/evaluation/evidence/" not in text and "/inspections/tasks/" not in text
    nothing_of_the_survey_but_counts(text, subject)
    assert client.get(sheet_url(other)).status_code == 404
    assert client.get(f"/evaluation/subjects/{other.pk}/sheet.xlsx").status_code == 404
    mine = client.get("/evaluation/mine/").content.decode()
    assert "提出申诉" in mine and other.name not in mine


def test_the_subject_runs_no_step_of_their_own_evaluation(cast, client_for, cycle, subject, result):
    client = client_for(cast.cadre)
    base = f"/evaluation/cycles/{cycle.pk}/results/"
    assert client.get(base).status_code == 404
    for step in ("score/", "publish/", "lock/"):
        assert client.post(base + step, {"days": 7}).status_code == 404
    assert client.post(f"{API}/cycles/{cycle.pk}/score").status_code == 404
    assert (
        client.post(f"{API}/cycles/{cycle.pk}/publish", {"days": 7}, "application/json").status_code
        == 404
    )
    publish(cast, cycle)
    appeal = publication.appeal_file(actor=cast.cadre, subject=subject, reasons="绿化面积有误")
    assert client.get(f"/evaluation/appeals/{appeal.pk}/").status_code == 404
    response = client.post(
        f"/evaluation/appeals/{appeal.pk}/decide/", {"upheld": "1", "decision": "成立"}
    )
    assert response.status_code == 404
    response = client.post(
        f"{API}/appeals/{appeal.pk}/decide",
        {"upheld": True, "decision": "成立"},
        "application/json",
    )
    assert response.status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == appeal.Status.FILED
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.PUBLISHED


def test_outsiders_get_a_404_everywhere(cast, client_for, cycle, subject, result):
    publish(cast, cycle)
    for user in (cast.outsider, cast.secretary, cast.handler):
        client = client_for(user)
        for url in (
            sheet_url(subject),
            f"/evaluation/subjects/{subject.pk}/sheet.pdf",
            f"/evaluation/cycles/{cycle.pk}/results/",
            "/evaluation/results/",
            "/evaluation/appeals/",
            f"{API}/cycles/{cycle.pk}/results",
            f"{API}/subjects/{subject.pk}/result",
            f"{API}/appeals",
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.get(f"{API}/me/results").json() == []


def test_the_pdf_and_the_workbook_carry_the_sheet(cast, client_for, subject, result):
    client = client_for(cast.evaluator)
    pdf = client.get(f"/evaluation/subjects/{subject.pk}/sheet.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 2000
    assert b"STSong-Light" in pdf.content
    xlsx = client.get(f"/evaluation/subjects/{subject.pk}/sheet.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    summary = {row[0]: row[1] for row in book["总览"].iter_rows(values_only=True) if row}
    assert summary["总分"] == pytest.approx(result.total)
    assert summary["等次"] == "一般"
    indicators = list(book["指标"].iter_rows(values_only=True))
    header, rows = indicators[0], indicators[1:]
    greening = dict(zip(header, next(r for r in rows if r[3] == "新增绿化面积"), strict=True))
    assert (greening["填报值"], greening["核实值"], greening["计分值"]) == (4200, 3000, 3000)
    assert greening["数据失真"] == "是"
    groups = {r[0]: r for r in book["民主评议"].iter_rows(values_only=True)}
    assert groups["相关部门"][5] == "样本不足"
    downloads = AuditEntry.objects.filter(action="evaluation_sheet.download")
    assert sorted(downloads.values_list("detail__format", flat=True)) == ["pdf", "xlsx"]


def test_formula_text_in_the_workbook_is_neutralised(cast, client_for, subject, result):
    first = explained(result)["dimensions"][0]["indicators"][0]["id"]
    Indicator.objects.filter(pk=first).update(name='=HYPERLINK("http://x")')
    xlsx = client_for(cast.evaluator).get(f"/evaluation/subjects/{subject.pk}/sheet.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content))["指标"].iter_rows(values_only=True))
    assert rows[1][3] == '\'=HYPERLINK("http://x")'


def test_the_results_page_ranks_with_intervals_and_ties(
    cast, client_for, cycle, subject, result, other
):
    response = client_for(cast.evaluator).get(f"/evaluation/cycles/{cycle.pk}/results/")
    assert response.status_code == 200
    text = response.content.decode()
    assert subject.name in text and other.name in text
    assert 'id="results-chart-data"' in text and "evaluation/results.js" in text
    assert "公示结果" in text
    rows = response.context["rows"]
    assert [r["result"].rank for r in rows] == [1, 2]


def test_publish_and_score_from_the_page(cast, client_for, cycle, subject, result):
    client = client_for(cast.evaluator)
    base = f"/evaluation/cycles/{cycle.pk}/results/"
    assert client.post(base + "publish/", {"days": "99"}).status_code == 422
    assert client.post(base + "score/").status_code == 302
    assert Result.objects.get(subject=subject).version == 2
    assert client.post(base + "publish/", {"days": "5"}).status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.PUBLISHED
    # Published: the page no longer scores by hand.
    client.post(base + "score/")
    assert Result.objects.get(subject=subject).version == 2
    assert client.post(f"{API}/cycles/{cycle.pk}/score").status_code == 409


def test_the_public_page_shows_results_without_ballots_or_personal_numbers(
    cast, client, cycle, subject, result
):
    url = f"/evaluation/public/{cycle.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(f"{API}/public/cycles/{cycle.pk}").status_code == 404
    publish(cast, cycle)
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert subject.name in text and subject.post in text and "一般" in text
    assert f"{result.total:g}" in text and "样本不足" in text
    nothing_of_the_survey_but_counts(text, subject)
    assert "4200" not in text  # no figures, no provenance: the sheet is for the subject
    api = client.get(f"{API}/public/cycles/{cycle.pk}")
    assert api.status_code == 200
    [row] = api.json()["results"]
    assert row["total"] == result.total and row["ballots"] == 26
    assert set(row) >= {"quantitative", "inspection", "survey", "grade", "groups"}
    assert "breakdown" not in row
    nothing_of_the_survey_but_counts(api.content.decode(), subject)


def test_grades_are_shown_in_the_page_language_and_kept_in_chinese(
    cast, client, cycle, subject, result
):
    publish(cast, cycle)
    assert result.grade == "一般"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(f"/evaluation/public/{cycle.pk}/").content.decode()
    assert "<td>Fair" in text and "<td>一般" not in text
    # The stored grade and the API keep the name the bands were given.
    assert client.get(f"{API}/public/cycles/{cycle.pk}").json()["results"][0]["grade"] == "一般"


def test_the_sheet_shows_the_definitions_in_the_page_language(
    cast, client_for, cycle, subject, result
):
    client = client_for(cast.evaluator)
    chinese = client.get(sheet_url(subject)).content.decode()
    assert "按时受理的诉求数 ÷ 已受理或已过响应期限的诉求数" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(sheet_url(subject)).content.decode()
    assert (
        "concerns accepted in time ÷ concerns accepted or past their response deadline" in english
    )
    assert "按时受理的诉求数" not in english


def test_the_api_for_managers_and_the_subject(cast, client_for, cycle, subject, result):
    manager = client_for(cast.evaluator)
    rows = manager.get(f"{API}/cycles/{cycle.pk}/results").json()
    assert [r["total"] for r in rows] == [result.total]
    detail = manager.get(f"{API}/subjects/{subject.pk}/result").json()
    assert detail["breakdown"]["survey"]["groups"][1]["sufficient"] is False
    mine = client_for(cast.cadre)
    assert mine.get(f"{API}/subjects/{subject.pk}/result").status_code == 404
    assert mine.get(f"{API}/me/results").json() == []
    response = manager.post(f"{API}/cycles/{cycle.pk}/publish", {"days": 7}, "application/json")
    assert response.status_code == 200 and response.json()["status"] == "published"
    [own] = mine.get(f"{API}/me/results").json()
    assert own["total"] == result.total
    nothing_of_the_survey_but_counts(str(own), subject)
    filed = mine.post(f"{API}/me/subjects/{subject.pk}/appeals", {"reasons": "响应率统计口径有误"})
    assert filed.status_code == 201 and filed.json()["status"] == "filed"
    appeal_id = filed.json()["id"]
    decided = manager.post(
        f"{API}/appeals/{appeal_id}/decide",
        {"upheld": False, "decision": "口径符合方案规定，维持"},
        "application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "dismissed"
    assert (
        client_for(cast.outsider)
        .post(f"{API}/me/subjects/{subject.pk}/appeals", {"reasons": "x"})
        .status_code
        == 404
    )
