"""Staff pages of the service points: list, detail, forms and the printable poster. Every
list and fetch goes through points.scope; out of scope is a 404."""

from urllib.parse import urljoin

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jieyou.people import access

from .. import scope
from ..actions import points as point_actions
from ..actions import services as service_actions
from ..forms import DeliveryForm, PointForm, ServiceForm, kept_communities
from ..models import Service, ServiceDelivery
from ..queries import catalogue

RECENT_DELIVERIES = 20


def _point(user, pk: int):
    return access.get_or_404(
        scope.points_for(user).select_related("community", "area", "contact__staff"), pk=pk
    )


def _keeps(user, point) -> bool:
    return scope.may_keep(user, point.community)


def _require_keeper(user, point) -> None:
    # Readers (the evaluator) see the point; changing it is not theirs, and says so.
    if not _keeps(user, point):
        raise Http404


@login_required
def point_list(request):
    points = (
        scope.points_for(request.user)
        .select_related("community", "area")
        .prefetch_related("zones")
        .order_by("community__path", "-active", "name")
    )
    points = list(points)
    for p in points:
        p.ordered_zones = catalogue.zones_in_order(p)
    return render(
        request,
        "points/point_list.html",
        {"points": points, "may_add": bool(kept_communities(request.user))},
    )


@login_required
def point_detail(request, pk: int):
    point = _point(request.user, pk)
    services = point.services.select_related("unit").order_by("-active", "name")
    open_services = catalogue.active(point.services.all())
    deliveries = (
        ServiceDelivery.objects.filter(service__point=point)
        .select_related("service")
        .order_by("-day", "-pk")[:RECENT_DELIVERIES]
    )
    return render(
        request,
        "points/point_detail.html",
        {
            "point": point,
            "zones": catalogue.zones_in_order(point),
            "services": services,
            "week": catalogue.open_this_week(open_services, timezone.localdate()),
            "by_appointment": catalogue.by_appointment(open_services),
            "deliveries": deliveries,
            "keeps": _keeps(request.user, point),
            "public_url": public_url(point),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def point_new(request):
    if not kept_communities(request.user):
        raise Http404
    form = PointForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        point = form.save(request.user)
        if point is not None:
            messages.success(request, _("已新建解忧铺：%(name)s") % {"name": point.name})
            return redirect("points:catalogue_point", pk=point.pk)
    return render(request, "points/point_form.html", {"form": form, "title": _("新建解忧铺")})


@login_required
@require_http_methods(["GET", "POST"])
def point_edit(request, pk: int):
    point = _point(request.user, pk)
    _require_keeper(request.user, point)
    form = PointForm(request.POST or None, user=request.user, point=point)
    if request.method == "POST" and form.is_valid():
        saved = form.save(request.user)
        if saved is not None:
            messages.success(request, _("已保存"))
            return redirect("points:catalogue_point", pk=saved.pk)
    return render(
        request,
        "points/point_form.html",
        {"form": form, "point": point, "title": _("修改解忧铺：%(name)s") % {"name": point.name}},
    )


@login_required
@require_POST
def point_retire(request, pk: int):
    point = _point(request.user, pk)
    _require_keeper(request.user, point)
    reopen = request.POST.get("active") == "1"
    point_actions.point_retire(actor=request.user, point=point, active=reopen)
    messages.success(request, _("已重新启用") if reopen else _("已停用"))
    return redirect("points:catalogue_point", pk=point.pk)


def public_url(point) -> str:
    """The absolute address of the point's residents' page, as its QR code carries it."""
    base = settings.JIEYOU_PUBLIC_URL.rstrip("/") + "/"
    return urljoin(base, reverse("point_public", args=[point.pk]).lstrip("/"))


def qr_svg(url: str) -> str:
    """An inline SVG of the QR code for `url`: no style attribute, no script (CSP)."""
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=10, border=2, dark="#000", light="#fff", omitsize=True, title=url
    )


@login_required
def point_poster(request, pk: int):
    point = _point(request.user, pk)
    url = public_url(point)
    return render(
        request,
        "points/point_poster.html",
        {"point": point, "zones": catalogue.zones_in_order(point), "url": url, "qr": qr_svg(url)},
    )


# ---- services ---------------------------------------------------------------------------


def _service(user, pk: int) -> Service:
    services = scope.scoped(Service.objects.all(), user, "point__community")
    return access.get_or_404(services.select_related("point__community"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request, pk: int):
    point = _point(request.user, pk)
    _require_keeper(request.user, point)
    form = ServiceForm(request.POST or None, user=request.user, point=point)
    if request.method == "POST" and form.is_valid():
        service = form.save(request.user)
        if service is not None:
            messages.success(request, _("已添加服务：%(name)s") % {"name": service.name})
            return redirect("points:catalogue_point", pk=point.pk)
    return render(
        request,
        "points/point_service_form.html",
        {"form": form, "point": point, "title": _("添加服务项目")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, pk: int):
    service = _service(request.user, pk)
    point = service.point
    _require_keeper(request.user, point)
    form = ServiceForm(request.POST or None, user=request.user, point=point, service=service)
    if request.method == "POST" and form.is_valid() and form.save(request.user) is not None:
        messages.success(request, _("已保存"))
        return redirect("points:catalogue_point", pk=point.pk)
    return render(
        request,
        "points/point_service_form.html",
        {
            "form": form,
            "point": point,
            "service": service,
            "title": _("修改服务项目：%(name)s") % {"name": service.name},
        },
    )


@login_required
@require_POST
def service_retire(request, pk: int):
    service = _service(request.user, pk)
    _require_keeper(request.user, service.point)
    reopen = request.POST.get("active") == "1"
    service_actions.service_retire(actor=request.user, service=service, active=reopen)
    messages.success(request, _("已重新启用") if reopen else _("已停用"))
    return redirect("points:catalogue_point", pk=service.point_id)


@login_required
@require_http_methods(["GET", "POST"])
def delivery_new(request, pk: int):
    point = _point(request.user, pk)
    _require_keeper(request.user, point)
    form = DeliveryForm(
        request.POST or None, point=point, initial={"service": request.GET.get("service")}
    )
    if request.method == "POST" and form.is_valid() and form.save(request.user) is not None:
        messages.success(request, _("已登记服务记录"))
        return redirect("points:catalogue_point", pk=point.pk)
    return render(
        request,
        "points/point_service_form.html",
        {"form": form, "point": point, "title": _("登记服务记录")},
    )
