"""Open311 GeoReport v2, mounted at /open311/v2/; each resource ends in .json or .xml."""

from django.urls import re_path

from . import open311

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + FMT, open311.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + FMT, open311.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, open311.request_detail, name="request"),
    # The spec's swagger file spells the single request in the singular.
    re_path(r"^request/(?P<request_id>[^/]+?)" + FMT, open311.request_detail),
    re_path(r"^tokens/(?P<token_id>[^/]+?)" + FMT, open311.token, name="token"),
]
