"""API authentication: a bearer token, or the signed-in browser session (with CSRF).

Every API call reads its token, so that read is one plain statement: whether the token is
live, whether its user is active, and what the user's scope rests on (role, area, unit), all
from the database at the call. The user object itself, with its staff record and areas,
comes from this worker's memo under those facts: a new role or place makes a new key and
is read at once; only a change that leaves role, area and unit alone (a name, a phone, a
moved branch of the place tree) may be a minute old.
"""

import pickle
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from jieyou.core.memo import Memo
from jieyou.places.models import Area

from .actions import token_digest
from .models import ApiToken, Staff, Unit

# How stale a token's last_used_at may be: a hot client must not write on every call.
TOUCH_EVERY = timedelta(minutes=1)

User = get_user_model()
# Pickled, so that each request gets its own copy to hang request state on.
_users = Memo(User, Staff, Unit, Area)


def _lookup_sql() -> str:
    name = connection.ops.quote_name
    return (
        "SELECT t.id, t.user_id, s.role, s.area_id, s.unit_id,"
        " t.last_used_at IS NULL OR t.last_used_at < %s"
        f" FROM {name(ApiToken._meta.db_table)} t"
        f" JOIN {name(User._meta.db_table)} u ON u.id = t.user_id"
        f" LEFT JOIN {name(Staff._meta.db_table)} s ON s.user_id = t.user_id"
        " WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
    )


def _user_record(user_id: int) -> bytes:
    # Without its scope: a grid worker's scope follows their grids, which are read per call.
    return pickle.dumps(
        User.objects.select_related("staff__area", "staff__unit__area").get(pk=user_id)
    )


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        now = timezone.now()
        stale_before = connection.ops.adapt_datetimefield_value(now - TOUCH_EVERY)
        with connection.cursor() as cursor:
            cursor.execute(_lookup_sql(), [stale_before, token_digest(token)])
            row = cursor.fetchone()
        if row is None:
            return None
        token_id, user_id, role, area_id, unit_id, stale = row
        if stale:
            # Conditional, so that of the workers seeing the same stale time only one writes.
            ApiToken.objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY),
                pk=token_id,
            ).update(last_used_at=now)
        kept = _users.get((user_id, role, area_id, unit_id), lambda: _user_record(user_id))
        user = pickle.loads(kept)
        request.user = user
        return user


AUTH = [TokenAuth(), SessionAuth()]
