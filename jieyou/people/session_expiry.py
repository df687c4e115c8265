"""Signed-in sessions end after 30 idle minutes and at most 12 hours after sign-in.

Both clocks live in the session. The idle clock is moved at most once a minute, so that
an active user does not cost a session write on every request; idleness is therefore
measured to within a minute, in the user's favour by at most that minute.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

SIGNED_IN_AT = "jy_signed_in_at"
LAST_SEEN_AT = "jy_last_seen_at"
TOUCH_EVERY = timedelta(minutes=1)
# Read by the sign-out audit record, so that the log tells an expiry from a click on 退出.
LOGOUT_REASON = "jieyou_logout_reason"


def mark_signed_in(request) -> None:
    now = timezone.now().isoformat()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


class SessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Only a session makes request.user signed in here; API tokens are read later, in the view.
        if user is not None and user.is_authenticated:
            now = timezone.now()
            reason, message = self._expired(request, now)
            if reason:
                setattr(request, LOGOUT_REASON, reason)
                logout(request)
                if request.path.startswith(reverse("api-v1:api-root")):
                    # The API answers for itself: signed out, the call gets its 401.
                    return self.get_response(request)
                messages.info(request, message)
                if request.headers.get("HX-Request"):
                    # An HTMX fragment request cannot follow a redirect into a whole page.
                    return HttpResponse(
                        status=204, headers={"HX-Redirect": resolve_url(settings.LOGIN_URL)}
                    )
                return redirect_to_login(request.get_full_path())
            last_seen = datetime.fromisoformat(request.session[LAST_SEEN_AT])
            if now - last_seen >= TOUCH_EVERY:
                request.session[LAST_SEEN_AT] = now.isoformat()
        return self.get_response(request)

    @staticmethod
    def _expired(request, now) -> tuple[str, str]:
        signed_in = request.session.get(SIGNED_IN_AT)
        last_seen = request.session.get(LAST_SEEN_AT)
        if not signed_in or not last_seen:
            return "unknown", _("请重新登录")
        if now - datetime.fromisoformat(signed_in) > settings.SESSION_ABSOLUTE_TIMEOUT:
            return "absolute", _("登录已超过12小时，请重新登录")
        if now - datetime.fromisoformat(last_seen) > settings.SESSION_IDLE_TIMEOUT:
            return "idle", _("30分钟未操作，已自动退出，请重新登录")
        return "", ""


def on_signed_in(sender, request, user, **kwargs):
    """Connected to `user_logged_in`, so that every way of signing in starts both clocks."""
    if request is not None and hasattr(request, "session"):
        mark_signed_in(request)
