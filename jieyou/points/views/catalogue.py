"""The staff's catalogue search: live results as one types (HTMX), and what is open this week."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from .. import scope
from ..forms import SearchForm
from ..models import Service
from ..queries import catalogue

# A county-wide week can hold thousands of services; the page shows the first of each day.
WEEK_PER_DAY = 30


def scoped_services(user):
    return catalogue.active(scope.scoped(Service.objects.all(), user, "point__community"))


@login_required
def catalogue_search(request):
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    services = scoped_services(request.user)
    results = catalogue.search(services.select_related("point", "unit"), q) if q else []
    context = {"form": form, "q": q, "results": results}
    if partial_wanted(request):
        return vary_on_htmx(render(request, "points/catalogue_results.html", context))
    context["week"] = catalogue.open_this_week(services, timezone.localdate(), per_day=WEEK_PER_DAY)
    return vary_on_htmx(render(request, "points/catalogue_search.html", context))


def partial_wanted(request) -> bool:
    """An HTMX request for the results alone; a history restore wants the whole page."""
    headers = request.headers
    return bool(headers.get("HX-Request")) and not headers.get("HX-History-Restore-Request")


def vary_on_htmx(response):
    # The same address answers with the results alone or the whole page.
    patch_vary_headers(response, ["HX-Request"])
    return response
