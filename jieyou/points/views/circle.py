"""The 15-minute service circle: per community, the share of households with a service
within a walk; per building, the services near it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jieyou.people import access

from .. import scope
from ..models import Service
from ..queries import catalogue, circle


def counted_services():
    """Every active service in the county counts for every building: residents walk across
    community lines, and the catalogue is public on each point's page anyway, so the share
    is the same whoever looks at it."""
    return catalogue.active(Service.objects.all())


@login_required
def circle_list(request):
    services = counted_services()
    items = circle.located(services)
    rows = [
        circle.coverage(c, services, items=items)
        for c in scope.communities_for(request.user).order_by("path")
    ]
    return render(
        request,
        "points/circle_list.html",
        {"rows": rows, "metres": circle.radius_metres()},
    )


@login_required
def circle_community(request, pk: int):
    community = access.get_or_404(scope.communities_for(request.user), pk=pk)
    result = circle.coverage(community, counted_services())
    return render(request, "points/circle_community.html", {"c": result})
