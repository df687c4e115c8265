"""A point's page for residents, opened from its QR poster without an account: what can
be got done here and when, a button to report a concern, and a search of the catalogue.

Nothing personal is shown: no staff names, no mobile numbers (a point's office landline,
when it has one, is shown so residents can call).
"""

import phonenumbers
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from jieyou.places.models import Area

from ..forms import SearchForm
from ..models import Service, ServicePoint
from ..queries import catalogue
from .catalogue import partial_wanted, vary_on_htmx

PUBLIC_RESULTS = 20


def _point(pk: int) -> ServicePoint:
    return get_object_or_404(ServicePoint.objects.select_related("community", "area"), pk=pk)


def office_phone(phone: str) -> str:
    """The number in national form when it is a landline; a mobile is someone's own phone."""
    if not phone:
        return ""
    try:
        parsed = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return ""
    if phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.FIXED_LINE:
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def report_url(point: ServicePoint) -> str:
    """The concern form, with the point's compound (else its community) preset as the place."""
    area = point.area
    if area is not None and area.kind == Area.Kind.BUILDING:
        area = area.parent
    if area is None or area.kind != Area.Kind.COMPOUND:
        area = point.community
    return reverse("intake:public", args=[area.pk])


def _found(point: ServicePoint, q: str) -> list[Service]:
    """County-wide results, this point's own first within the same rank."""
    if not q:
        return []
    services = catalogue.active(Service.objects.all()).select_related("point")
    found = list(catalogue.search(services, q, limit=PUBLIC_RESULTS))
    found.sort(key=lambda s: (s.rank, s.point_id != point.pk))
    return found


@require_GET
def point_public(request, pk: int):
    point = _point(pk)
    context = {"point": point, "form": SearchForm(), "report_url": report_url(point)}
    if point.active:
        services = catalogue.active(point.services.all())
        context.update(
            zones=catalogue.zones_in_order(point),
            services=services.order_by("name"),
            week=catalogue.open_this_week(services, timezone.localdate()),
            by_appointment=catalogue.by_appointment(services),
            phone=office_phone(point.phone),
        )
    return render(request, "points/public_point.html", context)


@require_GET
def point_public_search(request, pk: int):
    point = _point(pk)
    if not point.active:
        raise Http404
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"point": point, "form": form, "q": q, "results": _found(point, q)}
    if partial_wanted(request):
        return vary_on_htmx(render(request, "points/public_results.html", context))
    context["report_url"] = report_url(point)
    return vary_on_htmx(render(request, "points/public_search.html", context))
