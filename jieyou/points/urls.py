"""Staff pages under /points/ and the residents' pages of each point."""

from django.urls import include, path

app_name = "points"

urlpatterns = [
    path("", include("jieyou.points.catalogue_urls")),
    path("market/", include("jieyou.points.market_urls")),
    path("", include("jieyou.points.records_urls")),
    path("", include("jieyou.points.figures_urls")),
]
