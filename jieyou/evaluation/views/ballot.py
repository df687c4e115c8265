"""The public ballot page /s/<token>/: no account, large text, one answer per token.

An unknown and a spent token get the same words, so that the page tells a guesser nothing.
Addresses are rate-limited like the concerns' public form; a hidden field catches robots. A
long-lived random cookie marks the device, only to count many ballots from one device."""

import secrets

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jieyou.core.limits import over_limit

from ..actions import surveys
from ..errors import EvaluationError

DEVICE_COOKIE = "jy_device"
DEVICE_COOKIE_AGE = 2 * 365 * 24 * 3600
# Unknown or spent codes per address: plenty for typos, hopeless for guessing 10 letters.
MISS_LIMIT, MISS_WINDOW = 10, 600
# Ballots per address: a meeting room or a carrier's shared address sends many honest ones.
CAST_LIMIT, CAST_WINDOW = 60, 600


def device_key(request) -> str:
    """The device cookie and the browser's name, or '' when the browser keeps no cookie."""
    cookie = request.COOKIES.get(DEVICE_COOKIE, "")
    if not cookie:
        return ""
    return f"{cookie[:64]}|{request.META.get('HTTP_USER_AGENT', '')[:200]}"


def _with_device(request, response):
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
        )
    return response


def _page(request, template: str, context=None, status: int = 200):
    return _with_device(
        request, render(request, f"evaluation/{template}", context or {}, status=status)
    )


def _limited(request):
    return _page(request, "ballot_limited.html", status=429)


def _invalid(request):
    return _page(request, "ballot_invalid.html", {"message": surveys.INVALID_TOKEN}, status=404)


@never_cache
@require_GET
def enter(request):
    """The box for typing the code from a slip."""
    code = surveys.normalize_token(request.GET.get("code", ""))
    if code:
        return redirect("ballot_page", token=code)
    return _page(request, "ballot_enter.html")


@never_cache
@require_http_methods(["GET", "POST"])
def page(request, token: str):
    if over_limit(request, "ballot_miss", MISS_LIMIT, MISS_WINDOW, count=False):
        return _limited(request)
    token = surveys.normalize_token(token)
    form = surveys.ballot_form(token)
    if form is None:
        over_limit(request, "ballot_miss", MISS_LIMIT, MISS_WINDOW)
        return _invalid(request)
    if not form.open:
        return _page(request, "ballot_invalid.html", {"message": surveys.NOT_OPEN})
    answers, errors = {}, []
    if request.method == "POST":
        if over_limit(request, "ballot_cast", CAST_LIMIT, CAST_WINDOW):
            return _limited(request)
        if (request.POST.get("website") or "").strip():
            # The robot is thanked and the token stays unspent for its owner.
            return HttpResponseRedirect(reverse("ballot_thanks"))
        answers = {q.name: request.POST.get(q.name, "") for q in form.questions}
        dims = {q.code: answers[q.name] for q in form.questions if q.code}
        try:
            surveys.ballot_cast(
                token=token,
                overall=answers["overall"],
                dimensions=dims,
                device_key=device_key(request),
            )
        except EvaluationError as exc:
            code = getattr(exc, "code", None)
            if code == "token":
                over_limit(request, "ballot_miss", MISS_LIMIT, MISS_WINDOW)
                return _invalid(request)
            if code == "closed":
                return _page(request, "ballot_invalid.html", {"message": surveys.NOT_OPEN})
            errors = exc.messages
        else:
            return HttpResponseRedirect(reverse("ballot_thanks"))
    return _page(
        request,
        "ballot_form.html",
        {
            "form": form,
            "rows": [(q, answers.get(q.name, "")) for q in form.questions],
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@never_cache
@require_GET
def thanks(request):
    return _page(request, "ballot_done.html")
