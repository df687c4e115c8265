"""The public showing (公示) of a cycle's results, without an account, during and after the
publication window: names, posts, grades, component scores, ranks with ties and how many
ballots each group counted. Never a ballot, a token, an invitation, a phone or ID number;
a cycle not yet published is a 404."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..actions import publication
from ..models import Cycle, RaterGroup
from .results import ranking

SHOWN = (Cycle.Status.PUBLISHED, Cycle.Status.LOCKED)


def published_cycle(cycle_id) -> Cycle:
    cycle = Cycle.objects.filter(pk=cycle_id, status__in=SHOWN).first()
    if cycle is None:
        raise Http404
    return cycle


def public_rows(cycle: Cycle) -> list[dict]:
    """What the public page and the public API show for each subject, and nothing more."""
    rows = []
    for row in ranking(cycle, breakdown=True):
        r = row["result"]
        groups = r.breakdown.get("survey", {}).get("groups", [])
        rows.append(
            {
                "name": row["subject"].name,
                "post": row["subject"].post,
                "rank": r.rank,
                "tied": row["tied"],
                "tie_first": row["tie_first"],
                "tie_last": row["tie_last"],
                "total": r.total,
                "low": r.low,
                "high": r.high,
                "grade": r.grade,
                "straddles": r.straddles,
                "quantitative": r.quantitative,
                "inspection": r.inspection,
                "survey": r.survey,
                "ballots": r.ballots,
                "groups": [
                    {"name": g["name"], "n": g["n"], "sufficient": g["sufficient"]} for g in groups
                ],
            }
        )
    return rows


@require_GET
def cycle_public(request, cycle_id):
    cycle = published_cycle(cycle_id)
    context = {
        "cycle": cycle,
        "rows": public_rows(cycle),
        "groups": RaterGroup.objects.filter(cycle=cycle).order_by("pk"),
        "in_window": publication.in_window(cycle, timezone.now()),
    }
    return render(request, "evaluation/public_cycle.html", context)


@require_GET
def cycle_index(request):
    cycles = Cycle.objects.filter(status__in=SHOWN).order_by("-starts")
    return render(request, "evaluation/public_index.html", {"cycles": cycles})
