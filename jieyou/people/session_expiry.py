"""Signed-in sessions end after 30 idle minutes and at most 12 hours after sign-in."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

SIGNED_IN_AT = "jy_signed_in_at"
LAST_SEEN_AT = "jy_last_seen_at"


def mark_signed_in(request) -> None:
    now = timezone.now().isoformat()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


class SessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Authorization" not in request.headers:
            expired = self._expired(request)
            if expired:
                logout(request)
                messages.info(request, expired)
                login_url = resolve_url(settings.LOGIN_URL)
                if request.headers.get("HX-Request"):
                    # An HTMX fragment request cannot follow a redirect into a whole page.
                    return HttpResponse(status=204, headers={"HX-Redirect": login_url})
                return redirect(f"{login_url}?next={request.path}")
            request.session[LAST_SEEN_AT] = timezone.now().isoformat()
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> str | None:
        now = timezone.now()
        signed_in = request.session.get(SIGNED_IN_AT)
        last_seen = request.session.get(LAST_SEEN_AT)
        if not signed_in or not last_seen:
            return _("请重新登录")
        if now - datetime.fromisoformat(signed_in) > settings.SESSION_ABSOLUTE_TIMEOUT:
            return _("登录已超过12小时，请重新登录")
        if now - datetime.fromisoformat(last_seen) > settings.SESSION_IDLE_TIMEOUT:
            return _("30分钟未操作，已自动退出，请重新登录")
        return None


def on_signed_in(sender, request, user, **kwargs):
    """Connected to `user_logged_in`, so that every way of signing in starts both clocks."""
    if request is not None and hasattr(request, "session"):
        mark_signed_in(request)
