"""API authentication: a bearer token, or the signed-in browser session (with CSRF)."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .actions import token_digest
from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        # Touch the token at most once a minute: a hot client must not write on every call.
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


AUTH = [TokenAuth(), SessionAuth()]
