"""Where an indicator's figure comes from: counted from the records of the working systems
(concerns, service points, the party ledger) or reported by the subject's unit and verified by a
second person. Nobody types a record-based figure in.

`measure(subject, indicator)` gives the figure over the cycle's dates, its baseline (the same
figure over the period of equal length just before) and its provenance: the query, the filters,
the period and the counts behind the number, so that the score sheet can show the records.
Rates are ratios between 0 and 1; counts are counts.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jieyou.concerns import queries as concerns
from jieyou.concerns.models import Concern
from jieyou.party import queries as party
from jieyou.places.queries import under_paths

from .models import Indicator, ReportedFigure, Subject

SRC = Indicator.Source
LOCAL = ZoneInfo("Asia/Shanghai")
# Record ids listed in a provenance; the count is always whole, the list is a sample to open.
LISTED = 200


@dataclass(frozen=True)
class Figure:
    value: float | None
    baseline: float | None
    provenance: dict


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    def previous(self) -> "Period":
        """The period of equal length just before: the same number of whole months when the
        period is made of whole months (a year before a year), else the same number of days."""
        end = self.start - timedelta(days=1)
        if self.whole_months:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            index = self.start.year * 12 + self.start.month - 1 - (months + 1)
            return Period(date(index // 12, index % 12 + 1, 1), end)
        return Period(end - (self.end - self.start), end)


def cycle_period(subject: Subject) -> Period:
    return Period(subject.cycle.starts, subject.cycle.ends)


def _none(indicator: Indicator, reason: str, **extra) -> Figure:
    return Figure(None, None, {**_head(indicator), "reason": reason, **extra})


def _head(indicator: Indicator) -> dict:
    return {"source": indicator.source, "label": str(indicator.get_source_display())}


# Concerns: the three rates and the overdue count.

CONCERN_FIGURES = {
    # source: (value, numerator, denominator, definition)
    SRC.RESPONSE_RATE: (
        lambda r: r.response_rate,
        "responded_in_time",
        "due",
        gettext_noop("按时受理的诉求数 ÷ 已受理或已过响应期限的诉求数"),
    ),
    SRC.RESOLUTION_RATE: (
        lambda r: r.resolution_rate,
        "solved",
        "follow_ups",
        gettext_noop("回访答“已解决”的次数 ÷ 回访次数"),
    ),
    SRC.SATISFACTION_RATE: (
        lambda r: r.satisfaction_rate,
        "satisfaction_points",
        "rated",
        gettext_noop("Σ 满意度权重（满意 1、基本满意 0.8、不满意 0）÷ 作答满意度的回访次数"),
    ),
    SRC.OVERDUE: (
        lambda r: float(r.overdue),
        "overdue",
        "concerns",
        gettext_noop("超期诉求数（分母为计入考核的诉求数）"),
    ),
}


def _concerns_of(subject: Subject):
    """The subject's concerns and how they were chosen: placed in its area, or led by its unit."""
    if subject.area_id is not None:
        area = subject.area
        found = Concern.objects.filter(under_paths([area.path], "area__path"))
        return found, {"area_id": area.pk, "area": area.name, "area__path__startswith": area.path}
    if subject.unit_id is not None:
        unit = subject.unit
        return Concern.objects.filter(lead_unit=unit), {
            "lead_unit_id": unit.pk,
            "lead_unit": unit.name,
        }
    return None, {}


def _submitted_in(found, period: Period):
    if period.whole_months:
        return concerns.in_months(found, period.start, period.end.replace(day=1))
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=LOCAL)
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=LOCAL)
    return found.filter(submitted_at__gte=start, submitted_at__lt=end)


def _counts(rates) -> dict:
    return {
        "concerns": rates.concerns,
        "due": rates.due,
        "responded_in_time": rates.responded_in_time,
        "overdue": rates.overdue,
        "follow_ups": rates.follow_ups,
        "solved": rates.solved,
        "rated": rates.rated,
        "satisfaction_points": rates.satisfaction_points,
    }


class _ConcernRates:
    """The rates of one subject over a period and the one before, read once for all four
    concern indicators."""

    def __init__(self, subject: Subject, now=None):
        self.subject = subject
        self.now = now
        self._cache: dict[Period, object] = {}
        self.found, self.filters = _concerns_of(subject)

    def rates(self, period: Period):
        if period not in self._cache:
            self._cache[period] = concerns.rates(_submitted_in(self.found, period), now=self.now)
        return self._cache[period]

    def figure(self, indicator: Indicator) -> Figure:
        if self.found is None:
            return _none(indicator, _("考核对象未设考核区域或所在单位，无法统计诉求"))
        value_of, top, bottom, definition = CONCERN_FIGURES[indicator.source]
        period = cycle_period(self.subject)
        before = period.previous()
        now_rates, old_rates = self.rates(period), self.rates(before)
        value, baseline = value_of(now_rates), value_of(old_rates)
        provenance = {
            **_head(indicator),
            "query": "jieyou.concerns.queries.rates",
            "definition": definition,
            "filters": {**self.filters, "countable": "不含已驳回、已合并和免考核的诉求"},
            "period": period.as_dict(),
            "numerator": getattr(now_rates, top),
            "denominator": getattr(now_rates, bottom),
            "counts": _counts(now_rates),
            "baseline": {
                "period": before.as_dict(),
                "numerator": getattr(old_rates, top),
                "denominator": getattr(old_rates, bottom),
                "counts": _counts(old_rates),
            },
        }
        if value is None:
            provenance["reason"] = _("统计期内没有可计算的诉求记录（分母为 0）")
        return Figure(value, baseline, provenance)


# Service points: visit coverage and meeting suggestions resolved.


def _points_figures():
    try:
        from jieyou.points.queries import figures
    except ImportError:
        return None
    return figures


def _visit_coverage(subject: Subject, indicator: Indicator) -> Figure:
    figures = _points_figures()
    if figures is None:
        return _none(indicator, _("入户走访统计尚不可用"))
    if subject.area_id is None:
        return _none(indicator, _("考核对象未设考核区域，无法统计入户走访"))
    period = cycle_period(subject)
    before = period.previous()
    now = figures.visit_coverage(area=subject.area, start=period.start, end=period.end)
    old = figures.visit_coverage(area=subject.area, start=before.start, end=before.end)
    provenance = {
        **_head(indicator),
        "query": "jieyou.points.queries.figures.visit_coverage",
        "definition": gettext_noop("统计期内走访过的住户数 ÷ 住户总数"),
        "filters": {"area_id": subject.area_id, "area": subject.area.name},
        "period": period.as_dict(),
        "numerator": now.visited,
        "denominator": now.households,
        "baseline": {
            "period": before.as_dict(),
            "numerator": old.visited,
            "denominator": old.households,
        },
    }
    if now.share is None:
        provenance["reason"] = _("考核区域内没有登记住户（分母为 0）")
    return Figure(_float(now.share), _float(old.share), provenance)


def _suggestions_resolved(subject: Subject, indicator: Indicator) -> Figure:
    figures = _points_figures()
    if figures is None:
        return _none(indicator, _("议事会统计尚不可用"))
    if subject.area_id is None:
        return _none(indicator, _("考核对象未设考核区域，无法统计议事会"))
    period = cycle_period(subject)
    before = period.previous()
    now = figures.meeting_figures(area=subject.area, start=period.start, end=period.end)
    old = figures.meeting_figures(area=subject.area, start=before.start, end=before.end)
    return Figure(
        float(now.resolved),
        float(old.resolved),
        {
            **_head(indicator),
            "query": "jieyou.points.queries.figures.meeting_figures",
            "definition": gettext_noop("统计期内议事会议收集的意见建议中已解决的条数"),
            "filters": {"area_id": subject.area_id, "area": subject.area.name},
            "period": period.as_dict(),
            "numerator": now.resolved,
            "denominator": now.suggestions,
            "counts": {"meetings": now.meetings, "by_kind": dict(now.by_kind or {})},
            "baseline": {
                "period": before.as_dict(),
                "numerator": old.resolved,
                "denominator": old.suggestions,
                "counts": {"meetings": old.meetings},
            },
        },
    )


def _float(value) -> float | None:
    return None if value is None else float(value)


# The party ledger: 三会一课 compliance and ledger counts.


def _compliance_over(org, period: Period) -> tuple[int, int, list[dict]]:
    """(periods met, periods due, per branch and rule) over the months of the period; a
    sitting period that has not ended by the period's end is not yet due."""
    today = min(period.end + timedelta(days=1), timezone.localdate())
    met = due = 0
    rows = []
    for branch in party.branches(org).order_by("path"):
        for year in range(period.start.year, period.end.year + 1):
            if branch.founded_on > period.end:
                continue
            months = (
                period.start.month if year == period.start.year else 1,
                period.end.month if year == period.end.year else 12,
            )
            for check in party.compliance(branch, year, today=today, months=months):
                met += check.met
                due += check.periods
                rows.append(
                    {
                        "org_id": branch.pk,
                        "org": branch.name,
                        "year": year,
                        "kind": check.kind,
                        "rule": str(check.label),
                        "due": check.periods,
                        "met": check.met,
                        "gaps": [str(g) for g in check.gaps],
                    }
                )
    return met, due, rows


def _party_compliance(subject: Subject, indicator: Indicator) -> Figure:
    if subject.party_org_id is None:
        return _none(indicator, _("考核对象未设党组织，无法统计三会一课"))
    org = subject.party_org
    period = cycle_period(subject)
    before = period.previous()
    met, due, rows = _compliance_over(org, period)
    old_met, old_due, _rows = _compliance_over(org, before)
    provenance = {
        **_head(indicator),
        "query": "jieyou.party.queries.compliance",
        "definition": gettext_noop("各支部按期召开“三会一课”的期数 ÷ 应开期数"),
        "filters": {"party_org_id": org.pk, "party_org": org.name, "branches": "党组织下全部支部"},
        "period": period.as_dict(),
        "numerator": met,
        "denominator": due,
        "checks": rows,
        "baseline": {"period": before.as_dict(), "numerator": old_met, "denominator": old_due},
    }
    if not due:
        provenance["reason"] = _("统计期内没有应开的组织生活（分母为 0）")
    return Figure(met / due if due else None, old_met / old_due if old_due else None, provenance)


def _party_figure(subject: Subject, indicator: Indicator) -> Figure:
    key = indicator.source_key
    if key not in party.FIGURES:
        return _none(indicator, _("指标未指定党建台账中的计数项"))
    if subject.party_org_id is None:
        return _none(indicator, _("考核对象未设党组织，无法统计党建台账"))
    org = subject.party_org
    period = cycle_period(subject)
    before = period.previous()
    records = party.figure_records(key, org, period.start, period.end)
    count = records.count()
    old = party.figure_records(key, org, before.start, before.end).count()
    return Figure(
        float(count),
        float(old),
        {
            **_head(indicator),
            "query": "jieyou.party.queries.figure_records",
            "figure": key,
            "definition": str(party.FIGURES[key][0]),
            "filters": {"party_org_id": org.pk, "party_org": org.name, "subtree": True},
            "period": period.as_dict(),
            "numerator": count,
            "denominator": None,
            "record_ids": list(records.order_by("pk").values_list("pk", flat=True)[:LISTED]),
            "baseline": {"period": before.as_dict(), "numerator": old},
        },
    )


# Reported figures: only a verified one counts.


def _reported(subject: Subject, indicator: Indicator) -> Figure:
    figure = (
        ReportedFigure.objects.filter(subject=subject, indicator=indicator)
        .select_related("entered_by", "verified_by")
        .prefetch_related("evidence")
        .first()
    )
    if figure is None:
        return _none(indicator, _("尚未填报"))
    provenance = {
        **_head(indicator),
        "query": "jieyou.evaluation.models.ReportedFigure",
        "figure_id": figure.pk,
        "status": figure.status,
        "reported": figure.value,
        "entered_by": figure.entered_by.get_username(),
        "entered_at": figure.entered_at.isoformat(),
        "evidence": [
            {"id": e.pk, "name": e.name, "sha256": e.sha256} for e in figure.evidence.all()
        ],
        "period": cycle_period(subject).as_dict(),
    }
    if figure.status != ReportedFigure.Status.VERIFIED:
        reason = (
            _("填报数据已退回：%(r)s") % {"r": figure.return_reason}
            if figure.status == ReportedFigure.Status.RETURNED
            else _("填报数据尚未经第二人核验")
        )
        return Figure(None, None, {**provenance, "reason": reason})
    provenance["verified_by"] = figure.verified_by.get_username()
    provenance["verified_at"] = figure.verified_at.isoformat()
    return Figure(figure.value, figure.baseline, provenance)


MEASURES: dict[str, Callable[[Subject, Indicator], Figure]] = {
    SRC.VISIT_COVERAGE: _visit_coverage,
    SRC.SUGGESTIONS_RESOLVED: _suggestions_resolved,
    SRC.PARTY_COMPLIANCE: _party_compliance,
    SRC.PARTY_FIGURE: _party_figure,
    SRC.REPORTED: _reported,
}


def measure(subject: Subject, indicator: Indicator) -> Figure:
    """One indicator's figure for one subject over the cycle, with baseline and provenance."""
    # Provenance is kept in the default language, whoever scores: the sheet translates its
    # definitions and reasons when it shows them.
    with translation.override(settings.LANGUAGE_CODE):
        if indicator.source in CONCERN_FIGURES:
            return _ConcernRates(subject).figure(indicator)
        return MEASURES[indicator.source](subject, indicator)


def measure_all(subject: Subject, indicators: Iterable[Indicator] | None = None) -> dict:
    """{indicator id: Figure} for a subject's indicators (its scheme's, by default); the concern
    rates are read once for all of them."""
    if indicators is None:
        indicators = Indicator.objects.filter(dimension__scheme_id=subject.scheme_id)
    rates = _ConcernRates(subject)
    with translation.override(settings.LANGUAGE_CODE):
        return {
            i.pk: rates.figure(i) if i.source in CONCERN_FIGURES else MEASURES[i.source](subject, i)
            for i in indicators
        }
