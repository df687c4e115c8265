"""Read-only admin pages for an evaluation's setup, figures and inspections.

Every change goes through the actions, which check who may make it and audit it, so nothing
here can be added, edited or deleted. Invitations, tokens and ballots are not listed at all:
they stay behind the survey pages, which show counts only."""

from django.contrib import admin

from .models import (
    Cycle,
    Dimension,
    Indicator,
    Inspection,
    InspectionPlan,
    InspectionTask,
    RaterGroup,
    ReportedFigure,
    Scheme,
    Subject,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ["name", "period", "starts", "ends", "status"]
    list_filter = ["status", "period"]


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ["name", "post_type", "ahp_cr"]


@admin.register(Dimension)
class DimensionAdmin(ReadOnlyAdmin):
    list_display = ["scheme", "code", "weight", "ahp_cr"]
    list_filter = ["scheme"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["name", "dimension", "source", "weight", "target", "floor", "tolerance"]
    list_filter = ["source", "dimension__scheme"]


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "cycle", "kind", "scheme", "area", "unit"]
    list_filter = ["cycle", "kind"]


@admin.register(RaterGroup)
class RaterGroupAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "kind", "weight"]


@admin.register(ReportedFigure)
class ReportedFigureAdmin(ReadOnlyAdmin):
    list_display = ["subject", "indicator", "value", "status", "entered_at", "verified_at"]
    list_filter = ["status"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "cycle", "share", "seed", "drawn_at"]


@admin.register(InspectionTask)
class InspectionTaskAdmin(ReadOnlyAdmin):
    list_display = ["plan", "subject", "figure", "site", "inspector", "status"]
    list_filter = ["status"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["task", "inspected_at", "observed_value", "distorted"]
    list_filter = ["distorted"]
