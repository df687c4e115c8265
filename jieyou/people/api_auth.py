"""API authentication: a bearer token, or the signed-in browser session (with CSRF)."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .actions import token_digest
from .models import ApiToken

# How stale a token's last_used_at may be: a hot client must not write on every call.
TOUCH_EVERY = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        # The user's staff record and its area come in the same read: every endpoint builds
        # the caller's scope from them next.
        try:
            found = ApiToken.objects.select_related("user__staff__area").get(
                digest=token_digest(token), revoked_at__isnull=True, user__is_active=True
            )
        except ApiToken.DoesNotExist:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            # Conditional, so that of the workers seeing the same stale time only one writes.
            ApiToken.objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY),
                pk=found.pk,
            ).update(last_used_at=now)
        request.user = found.user
        return found.user


AUTH = [TokenAuth(), SessionAuth()]
