"""Every change to residents, staff and tokens goes through here."""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from jieyou.core import audit
from jieyou.core.chinese import pinyin_keys

from .models import ApiToken, Household, Resident, Staff, Tag


def resident_fields(name: str) -> dict:
    full, initials = pinyin_keys(name)
    return {"name": name, "name_pinyin": full, "name_initials": initials}


def resident_create(
    *,
    actor,
    name: str,
    area,
    gender: str = "",
    birth_year: int | None = None,
    phone: str = "",
    id_number: str | None = None,
    room: str = "",
    tags=(),
) -> Resident:
    """Create a resident; `phone` and `id_number` must already be normalised by a form."""
    with transaction.atomic():
        household = None
        if room and area.kind == "building":
            household, _ = Household.objects.get_or_create(building=area, room=room)
        resident = Resident.objects.create(
            **resident_fields(name),
            gender=gender,
            birth_year=birth_year,
            phone=phone,
            id_number=id_number or None,
            area=area,
            household=household,
        )
        if tags:
            resident.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
        audit.record("resident.create", actor=actor, obj=resident)
    return resident


def resident_reveal(*, actor, resident: Resident, field: str) -> str:
    """Return one unmasked number and leave an audit record of who looked at it."""
    if field not in ("phone", "id_number"):
        raise ValueError(field)
    audit.record("resident.reveal", actor=actor, obj=resident, detail={"field": field})
    return getattr(resident, field) or ""


def staff_create(
    *,
    actor,
    username: str,
    password: str,
    name: str,
    role: str,
    area=None,
    unit=None,
    grids=(),
    employment: str = "",
    phone: str = "",
) -> Staff:
    User = get_user_model()
    user = User(username=username, first_name=name)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.is_staff = role == Staff.Role.COUNTY_ADMIN
        user.save()
        staff = Staff.objects.create(
            user=user,
            name=name,
            role=role,
            area=area,
            unit=unit,
            employment=employment,
            phone=phone,
        )
        if grids:
            staff.grids.set(grids)
        audit.record("staff.create", actor=actor, obj=staff, detail={"role": role})
    return staff


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the only copy of its secret."""
    key = "jy_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, digest=token_digest(key))
        audit.record("api_token.create", actor=actor, obj=token, detail={"name": name})
    return token, key


def api_token_revoke(*, actor, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("api_token.revoke", actor=actor, obj=token)
