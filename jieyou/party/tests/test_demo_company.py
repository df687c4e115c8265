from datetime import date

from jieyou.demo import party as demo
from jieyou.party import queries, summary
from jieyou.party.models import PartyMember, PartyOrg

YEAR = (date(2024, 1, 1), date(2024, 12, 31))


def test_the_seed_pages_2024_figures_are_counted_from_records(db):
    from collections import Counter

    demo.load(Counter())
    committee = PartyOrg.objects.get(name=demo.COMMITTEE)
    figures = queries.summary(committee, *YEAR)
    assert figures == {
        "studies": 28,
        "base_visits": 6,
        "trainings": 4,
        "special_lessons": 8,
        "lessons": 8 + 12 - 1,
        "guidance": 22,
        "temporary_branches": 1,
        "developed": 6,
        "members": 98,
        "model_posts": 24,
        "commando_teams": 5,
        "zones": 2,
        "mentor_pairs": 9,
        "articles": 206,
        "role_models": 15,
        "honours": 5,
    }
    assert committee.children.filter(kind=PartyOrg.Kind.BRANCH).count() == 3
    assert PartyMember.objects.filter(status=PartyMember.Status.APPLICANT).count() == 2
    text = summary.text(committee, *YEAR)
    assert "组织开展各类学习28次" in text and "发展党员6名" in text
    assert "未按期" in text  # the demo leaves gaps in 三会一课 on purpose
    # A second load adds nothing.
    demo.load(Counter())
    assert PartyOrg.objects.filter(name=demo.COMMITTEE).count() == 1


def test_xlsx_has_a_sheet_per_figure_with_its_records(db):
    from collections import Counter
    from io import BytesIO

    from openpyxl import load_workbook

    demo.load(Counter())
    committee = PartyOrg.objects.get(name=demo.COMMITTEE)
    wb = load_workbook(BytesIO(summary.workbook(committee, *YEAR, actor=None)), read_only=True)
    rows = list(wb["汇总"].iter_rows(values_only=True))
    assert ("党员示范岗", 24) in rows
    assert sum(1 for _ in wb["党员示范岗"].iter_rows()) == 24 + 1
