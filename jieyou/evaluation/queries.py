"""Reads of the evaluation for other apps' pages: the work waiting on a user. Each starts
from scope, so that a cadre evaluated never finds here what feeds their own score; each
also leaves out what the actions would refuse the user, so that a count on a page is work
the user can actually do."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import scope
from .models import Appeal, Cycle, Indicator, InspectionTask, ReportedFigure, Subject

S = Cycle.Status
F = ReportedFigure.Status
RUNNING = (S.DRAFT, S.OPEN)


def figures_to_verify(user) -> QuerySet[ReportedFigure]:
    """Figures entered in running cycles that wait for a second person and that this manager
    may verify: not on their own evaluation, not entered by them, no evidence uploaded by
    them (actions.figures.figure_verify)."""
    return (
        ReportedFigure.objects.filter(
            subject__in=scope.subjects_for(user),
            status=F.ENTERED,
            subject__cycle__status__in=RUNNING,
        )
        .exclude(entered_by=user)
        .exclude(evidence__uploaded_by=user)
    )


def inspections_to_do(user) -> QuerySet[InspectionTask]:
    """Inspection tasks assigned to the user and not yet recorded (none on their own
    evaluation: scope.inspection_tasks_for)."""
    return scope.inspection_tasks_for(user).filter(status=InspectionTask.Status.ASSIGNED)


def appeals_to_decide(user) -> QuerySet[Appeal]:
    """Appeals filed in cycles under publication that this manager may decide: none in a
    cycle where the manager is a subject too (actions.publication.appeal_decide)."""
    return Appeal.objects.filter(
        subject__in=scope.subjects_for(user),
        status=Appeal.Status.FILED,
        subject__cycle__status=S.PUBLISHED,
    ).exclude(subject__cycle__subjects__user=user)


def cycles_to_lock(user, now=None) -> QuerySet[Cycle]:
    """Cycles whose publication window has ended and that this manager may lock, each with
    `n_pending`, the appeals still to decide first (actions.publication.cycle_lock)."""
    now = now or timezone.now()
    return (
        scope.cycles_for(user)
        .filter(status=S.PUBLISHED, publication_ends__lte=now)
        .exclude(subjects__user=user)
        .annotate(
            n_pending=Count(
                "subjects__appeals",
                filter=Q(subjects__appeals__status=Appeal.Status.FILED),
                distinct=True,
            )
        )
        .order_by("publication_ends", "pk")
    )


@dataclass(frozen=True)
class EntryDue:
    subject: Subject
    missing: int  # reported indicators of its scheme with no figure yet
    returned: int  # figures sent back to be corrected


def figures_to_enter(user) -> list[EntryDue]:
    """The subjects of running cycles whose reported figures the user's unit or community
    still owes (scope.figure_subjects_for: never their own), with what is missing or was
    sent back. Three queries; meant for a unit's or community's staff, who report for a
    handful of subjects."""
    subjects = list(
        scope.figure_subjects_for(user)
        .filter(cycle__status__in=RUNNING)
        .select_related("cycle")
        .order_by("cycle__name", "name")
    )
    if not subjects:
        return []
    reported: dict[int, set[int]] = defaultdict(set)
    for scheme_id, indicator_id in Indicator.objects.filter(
        source=Indicator.Source.REPORTED,
        dimension__scheme_id__in={s.scheme_id for s in subjects},
    ).values_list("dimension__scheme_id", "pk"):
        reported[scheme_id].add(indicator_id)
    entered: dict[int, dict[int, str]] = defaultdict(dict)
    for subject_id, indicator_id, status in ReportedFigure.objects.filter(
        subject__in=subjects
    ).values_list("subject_id", "indicator_id", "status"):
        entered[subject_id][indicator_id] = status
    rows = []
    for subject in subjects:
        mine, owed = entered[subject.pk], reported[subject.scheme_id]
        missing = sum(1 for i in owed if i not in mine)
        returned = sum(1 for i in owed if mine.get(i) == F.RETURNED)
        if missing or returned:
            rows.append(EntryDue(subject, missing, returned))
    return rows
