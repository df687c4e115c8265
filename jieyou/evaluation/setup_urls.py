"""Managers' setup pages and the figure entry pages under /evaluation/."""

from django.urls import path

from .views import figures, setup

urlpatterns = [
    path("cycles/", setup.cycle_list, name="setup_cycles"),
    path("cycles/new/", setup.cycle_new, name="setup_cycle_new"),
    path("cycles/<int:pk>/", setup.cycle_detail, name="setup_cycle"),
    path("cycles/<int:pk>/edit/", setup.cycle_edit, name="setup_cycle_edit"),
    path("cycles/<int:pk>/open/", setup.cycle_open, name="setup_cycle_open"),
    path("cycles/<int:pk>/subjects/new/", setup.subject_new, name="setup_subject_new"),
    path("cycles/<int:pk>/rater-groups/", setup.rater_group_set, name="setup_rater_group_set"),
    path(
        "cycles/<int:pk>/rater-groups/<str:kind>/remove/",
        setup.rater_group_remove,
        name="setup_rater_group_remove",
    ),
    path("subjects/", setup.subject_list, name="setup_subjects"),
    path("schemes/", setup.scheme_list, name="setup_schemes"),
    path("schemes/new/", setup.scheme_new, name="setup_scheme_new"),
    path("schemes/<int:pk>/", setup.scheme_detail, name="setup_scheme"),
    path("schemes/<int:pk>/edit/", setup.scheme_edit, name="setup_scheme_edit"),
    path("schemes/<int:pk>/copy/", setup.scheme_copy, name="setup_scheme_copy"),
    path("schemes/<int:pk>/weights/", setup.scheme_weights, name="setup_scheme_weights"),
    path("schemes/<int:pk>/ahp/", setup.scheme_ahp, name="setup_scheme_ahp"),
    path("schemes/<int:pk>/dimensions/new/", setup.dimension_new, name="setup_dimension_new"),
    path("dimensions/<int:pk>/edit/", setup.dimension_edit, name="setup_dimension_edit"),
    path("dimensions/<int:pk>/weights/", setup.dimension_weights, name="setup_dimension_weights"),
    path("dimensions/<int:pk>/ahp/", setup.dimension_ahp, name="setup_dimension_ahp"),
    path("dimensions/<int:pk>/indicators/new/", setup.indicator_new, name="setup_indicator_new"),
    path("indicators/<int:pk>/edit/", setup.indicator_edit, name="setup_indicator_edit"),
    path("figures/", figures.figure_list, name="figure_list"),
    path("figures/queue/", figures.figure_queue, name="figure_queue"),
    path(
        "figures/<int:subject_pk>/<int:indicator_pk>/",
        figures.figure_entry,
        name="figure_entry",
    ),
    path("figures/<int:pk>/verify/", figures.figure_verify, name="figure_verify"),
    path("figures/<int:pk>/return/", figures.figure_return, name="figure_return"),
    path("evidence/<int:pk>/", figures.evidence_file, name="figure_evidence"),
]
