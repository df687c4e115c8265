"""Every change to residents, staff and tokens goes through here."""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import audit
from jieyou.core.chinese import pinyin_keys
from jieyou.places.models import Area

from . import access
from . import roster_import as roster
from .models import ApiClient, ApiToken, Household, Resident, RosterImport, Staff, Tag, Unit


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


def unit_create(*, actor, name: str, kind: str, area, phone: str = "", address: str = "") -> Unit:
    with transaction.atomic():
        unit = Unit.objects.create(name=name, kind=kind, area=area, phone=phone, address=address)
        audit.record("unit.create", actor=actor, obj=unit, detail={"name": name, "kind": kind})
    return unit


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


def password_change(*, actor, user, password: str) -> None:
    """Set a new password that passes the password rules (settings.AUTH_PASSWORD_VALIDATORS)."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record("auth.password_change", actor=actor, obj=user)


def audit_chain_verify(*, actor) -> audit.Break | None:
    """Check the audit chain; who checked it, and what they found, is itself recorded."""
    broken = audit.verify()
    if broken is None:
        audit.record("audit.verify", actor=actor)
    else:
        audit.record(
            "audit.verify",
            actor=actor,
            result="failed",
            detail={"entry_id": broken.entry_id, "reason": broken.reason},
        )
    return broken


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


ROSTER_WRITE_BATCH = 2000


def roster_import(*, actor, community: Area, file_name: str, fileobj) -> RosterImport:
    """Import a resident roster into one community: every row or, if any row fails, none.

    A rejected file leaves only its RosterImport row, whose error list can be downloaded.
    People already registered are listed as duplicates and skipped, so a second import of
    the same file adds nothing.
    """
    if not (
        access.scope_for(actor).can_import
        and community.kind == Area.Kind.COMMUNITY
        and access.areas(actor).filter(pk=community.pk).exists()
    ):
        raise PermissionDenied
    file_name = file_name[: RosterImport._meta.get_field("file_name").max_length]
    check = roster.check_roster(fileobj, community=community)
    if check.ok:
        try:
            with transaction.atomic():
                counts = _roster_write(check.rows)
                record = RosterImport.objects.create(
                    user=actor,
                    community=community,
                    file_name=file_name,
                    status=RosterImport.Status.IMPORTED,
                    rows=check.total,
                    created=counts["residents"],
                    duplicates=check.duplicates,
                )
                audit.record(
                    "resident.import",
                    actor=actor,
                    obj=record,
                    detail={
                        "community": community.pk,
                        "rows": check.total,
                        "duplicates": len(check.duplicates),
                        **counts,
                    },
                )
            return record
        except IntegrityError:
            # Someone registered one of these people between the check and the write.
            check.error(None, "", _("导入期间有居民被他人登记，本次未导入任何数据，请重新导入"))
    with transaction.atomic():
        record = RosterImport.objects.create(
            user=actor,
            community=community,
            file_name=file_name,
            status=RosterImport.Status.REJECTED,
            rows=check.total,
            errors=check.errors,
            duplicates=check.duplicates,
        )
        audit.record(
            "resident.import",
            actor=actor,
            obj=record,
            result="rejected",
            detail={"community": community.pk, "rows": check.total, "errors": check.error_count},
        )
    return record


def _roster_write(rows: list[roster.Row]) -> dict:
    """Bulk-write checked rows; households and tags are found or created once, not per row."""
    tag_ids, new_tags = _tags_by_name({tag for row in rows for tag in row.tags})
    household_ids, new_households = _households_by_room(
        {(row.building_id, row.room) for row in rows if row.room}
    )
    through = Resident.tags.through
    for start in range(0, len(rows), ROSTER_WRITE_BATCH):
        batch = rows[start : start + ROSTER_WRITE_BATCH]
        residents = Resident.objects.bulk_create(
            [
                Resident(
                    **resident_fields(row.name),
                    gender=row.gender,
                    birth_year=row.birth_year,
                    phone=row.phone,
                    id_number=row.id_number,
                    area_id=row.area_id,
                    household_id=household_ids.get((row.building_id, row.room)),
                )
                for row in batch
            ]
        )
        through.objects.bulk_create(
            [
                through(resident_id=resident.pk, tag_id=tag_ids[tag])
                for resident, row in zip(residents, batch, strict=True)
                for tag in row.tags
            ]
        )
    return {"residents": len(rows), "households": new_households, "tags": new_tags}


def _tags_by_name(names: set[str]) -> tuple[dict[str, int], int]:
    names = sorted(names)
    found = _in_batches(Tag.objects.values_list("name", "pk"), "name__in", names)
    missing = [Tag(name=name) for name in names if name not in found]
    if not missing:
        return found, 0
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    return _in_batches(Tag.objects.values_list("name", "pk"), "name__in", names), len(missing)


def _households_by_room(keys: set[tuple[int, str]]) -> tuple[dict[tuple[int, str], int], int]:
    buildings = sorted({building for building, _room in keys})
    rows = Household.objects.filter(building_id__in=buildings).values_list(
        "building_id", "room", "pk"
    )
    found = {(building, room): pk for building, room, pk in rows}
    missing = [Household(building_id=b, room=r) for b, r in sorted(keys) if (b, r) not in found]
    if not missing:
        return found, 0
    Household.objects.bulk_create(missing, ignore_conflicts=True, batch_size=ROSTER_WRITE_BATCH)
    return {(building, room): pk for building, room, pk in rows.all()}, len(missing)


def _in_batches(queryset, lookup: str, values: list) -> dict:
    found = {}
    for start in range(0, len(values), roster.LOOKUP_BATCH):
        found.update(queryset.filter(**{lookup: values[start : start + roster.LOOKUP_BATCH]}))
    return found


def record_save(*, actor, obj, changed_fields, created: bool, via: str) -> None:
    """Save a unit, staff profile or tag edited in the admin, with its audit record."""
    with transaction.atomic():
        obj.save()
        audit.record(
            f"{obj._meta.model_name}.{'create' if created else 'update'}",
            actor=actor,
            obj=obj,
            detail={"fields": sorted(changed_fields), "via": via},
        )


def record_delete(*, actor, obj, via: str) -> None:
    with transaction.atomic():
        audit.record(
            f"{obj._meta.model_name}.delete",
            actor=actor,
            obj=obj,
            detail={"name": str(obj), "via": via},
        )
        obj.delete()


def api_client_create(*, actor, name: str) -> tuple[ApiClient, str]:
    """Register a system that reports for residents (Open311 `api_key`); the key is returned
    this once and only its digest is kept."""
    key = "jyc_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = ApiClient.objects.create(name=name, digest=token_digest(key))
        audit.record("api_client.create", actor=actor, obj=client, detail={"name": name})
    return client, key


def api_client_revoke(*, actor, client: ApiClient) -> None:
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record("api_client.revoke", actor=actor, obj=client)
