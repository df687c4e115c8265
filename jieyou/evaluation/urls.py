"""Staff pages under /evaluation/; ballots at /s/ and the public results are mounted apart."""

from django.urls import include, path

app_name = "evaluation"

urlpatterns = [
    path("", include("jieyou.evaluation.setup_urls")),
    path("inspections/", include("jieyou.evaluation.inspection_urls")),
    path("surveys/", include("jieyou.evaluation.survey_urls")),
    path("", include("jieyou.evaluation.result_urls")),
]
