"""The JSON API at /api/v1/; each app adds its router, OpenAPI at /api/v1/openapi.json."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from jieyou.concerns.api import router as concerns_router
from jieyou.evaluation.api import router as evaluation_router
from jieyou.party.api import router as party_router
from jieyou.people.api import router as people_router
from jieyou.people.api_auth import AUTH
from jieyou.places.api import router as places_router
from jieyou.points.api import router as points_router

api = NinjaAPI(
    title="解忧 Jieyou API",
    version="1",
    description="县域与社区治理平台接口。所有列表和记录都按调用者的权限范围过滤；手机号和身份证号脱敏。",
    auth=AUTH,
    urls_namespace="api-v1",
)
api.add_router("/places/", places_router)
api.add_router("/people/", people_router)
api.add_router("/concerns/", concerns_router)
api.add_router("/party/", party_router)
api.add_router("/points/", points_router)
api.add_router("/evaluation/", evaluation_router)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("未找到")}, status=404)
