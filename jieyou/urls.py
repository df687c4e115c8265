from django.contrib import admin
from django.urls import include, path

from jieyou.api import api

admin.site.site_header = "解忧 · 管理后台"
admin.site.site_title = "解忧"

urlpatterns = [
    path("", include("jieyou.home.urls")),
    path("accounts/", include("jieyou.people.account_urls")),
    path("places/", include("jieyou.places.urls")),
    path("people/roster/", include("jieyou.people.roster_urls")),
    path("people/", include("jieyou.people.urls")),
    path("concerns/rates/", include("jieyou.concerns.rates_urls")),
    # Public /c/ form and /t/ tracking, plus staff intake, 12345 import and photos under concerns/.
    path("", include("jieyou.concerns.intake_urls")),
    path("concerns/", include("jieyou.concerns.urls")),
    path("party/", include("jieyou.party.urls")),
    path("points/", include("jieyou.points.urls")),
    path("p/", include("jieyou.points.public_urls")),
    path("evaluation/", include("jieyou.evaluation.urls")),
    path("evaluation/public/", include("jieyou.evaluation.public_urls")),
    path("s/", include("jieyou.evaluation.ballot_urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("jieyou.concerns.open311_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
