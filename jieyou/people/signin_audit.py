"""Audit records for signing in and out.

They hang on Django's auth signals rather than on our login view, so that every way in —
the login page, the admin login, anything else that calls `authenticate` — leaves the
same trail. The receivers are connected after axes' own (axes comes first in
INSTALLED_APPS), so they see the lockout state axes has just put on the request.
"""

from jieyou.core import audit
from jieyou.core.models import AuditEntry

from .session_expiry import LOGOUT_REASON

Result = AuditEntry.Result


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already blanked the password in `credentials`; only the name is kept.
    username = str(credentials.get("username") or "")[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    # While an account is locked, axes refuses before any password is checked and does not
    # count the attempt; such an attempt is a refusal, not a wrong password.
    refused = locked and getattr(request, "axes_failures_since_start", None) is None
    if not refused:
        audit.record("auth.login", result=Result.FAILED, detail={"username": username})
    if locked:
        audit.record("auth.lockout", result=Result.DENIED, detail={"username": username})


def on_logged_in(sender, request, user, **kwargs):
    audit.record("auth.login", actor=user, obj=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, LOGOUT_REASON, "") if request is not None else ""
    audit.record("auth.logout", actor=user, obj=user, detail={"reason": reason or "user"})
