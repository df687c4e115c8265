"""解忧智囊团: the volunteers of a community, their roles and their activity log."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import audit
from jieyou.core.validators import normalize_phone
from jieyou.places.models import Area

from ..errors import PointsError
from ..models import ServicePoint, Volunteer, VolunteerActivity, VolunteerRole
from ..scope import may_keep

MAX_HOURS = Decimal("24")


def _require_keeper(actor, community: Area) -> None:
    if not may_keep(actor, community):
        raise PointsError({"community": [_("社区：您无权维护该社区的解忧智囊团")]})


def _roles(roles) -> list[str]:
    chosen = []
    for role in roles:
        if role not in VolunteerRole.Role.values:
            raise PointsError({"roles": [_("职责：不认识的职责“%(r)s”") % {"r": role}]})
        if role not in chosen:
            chosen.append(role)
    return chosen


def volunteer_save(
    *,
    actor,
    community: Area,
    volunteer: Volunteer | None = None,
    name: str,
    background: str,
    phone: str = "",
    roles=(),
    unit=None,
    resident=None,
    joined_on: date | None = None,
) -> Volunteer:
    """Add a volunteer to `community` (volunteer=None) or change one; `roles` (VolunteerRole
    values: patrol, mediator, informant, outreach, liaison) replace the roles held so far.
    The phone is stored in E.164 and shown masked. Only keepers of the community."""
    _require_keeper(actor, community)
    if volunteer is not None and volunteer.community_id != community.pk:
        raise PointsError({"community": [_("社区：不能把成员移到另一个社区")]})
    name = (name or "").strip()
    if not name:
        raise PointsError({"name": [_("姓名：请填写姓名")]})
    if len(name) > 50:
        raise PointsError({"name": [_("姓名：不能超过50字")]})
    if background not in Volunteer.Background.values:
        raise PointsError({"background": [_("身份：请选择身份")]})
    if (phone or "").strip():
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            raise PointsError({"phone": [_("手机号：%(m)s") % {"m": exc.messages[0]}]}) from None
    else:
        phone = ""
    if resident is not None and not resident.area.path.startswith(community.path):
        raise PointsError({"resident": [_("居民档案：须是本社区的居民")]})
    if joined_on is not None and joined_on > timezone.localdate():
        raise PointsError({"joined_on": [_("加入日期：不能晚于今天")]})
    chosen = _roles(roles)
    fields = {
        "name": name,
        "phone": phone,
        "background": background,
        "unit": unit,
        "resident": resident,
        "joined_on": joined_on,
    }
    with transaction.atomic():
        if volunteer is None:
            volunteer = Volunteer.objects.create(community=community, **fields)
            action = "points.volunteer_create"
        else:
            volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
            for field, value in fields.items():
                setattr(volunteer, field, value)
            volunteer.save(update_fields=list(fields))
            action = "points.volunteer_update"
        volunteer.roles.exclude(role__in=chosen).delete()
        held = set(volunteer.roles.values_list("role", flat=True))
        VolunteerRole.objects.bulk_create(
            VolunteerRole(volunteer=volunteer, role=role) for role in chosen if role not in held
        )
        audit.record(action, actor=actor, obj=volunteer, detail={"roles": chosen})
    return volunteer


def volunteer_retire(*, actor, volunteer: Volunteer) -> Volunteer:
    """Take a volunteer off the roll; the activity log stays, and counts for its dates."""
    _require_keeper(actor, volunteer.community)
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if not locked.active:
            raise PointsError({"active": [_("在册：该成员已退出")]})
        locked.active = False
        locked.save(update_fields=["active"])
        audit.record("points.volunteer_retire", actor=actor, obj=locked)
    return locked


def activity_record(
    *,
    actor,
    volunteer: Volunteer,
    kind: str,
    day: date,
    hours=0,
    note: str = "",
    point: ServicePoint | None = None,
) -> VolunteerActivity:
    """One entry in a volunteer's log: patrol, mediation, outreach, service or information
    (VolunteerActivity.Kind), on `day`, for `hours`, at `point` (one of the volunteer's
    community) if given. Only keepers of the community; not for a retired volunteer."""
    _require_keeper(actor, volunteer.community)
    if not volunteer.active:
        raise PointsError({"volunteer": [_("成员：该成员已退出，不能再记录活动")]})
    if kind not in VolunteerActivity.Kind.values:
        raise PointsError({"kind": [_("类型：请选择巡逻、调解、宣讲、志愿服务或信息收集")]})
    if not isinstance(day, date):
        raise PointsError({"day": [_("日期：请填写日期")]})
    if day > timezone.localdate():
        raise PointsError({"day": [_("日期：不能晚于今天")]})
    try:
        hours = Decimal(str(hours or 0)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise PointsError({"hours": [_("时长：须为数字")]}) from None
    if not Decimal(0) <= hours <= MAX_HOURS:
        raise PointsError({"hours": [_("时长：须在0到24小时之间")]})
    note = (note or "").strip()
    if len(note) > 500:
        raise PointsError({"note": [_("内容：不能超过500字")]})
    if point is not None and point.community_id != volunteer.community_id:
        raise PointsError({"point": [_("解忧铺：须是本社区的解忧铺")]})
    with transaction.atomic():
        activity = VolunteerActivity.objects.create(
            volunteer=volunteer,
            kind=kind,
            day=day,
            hours=hours,
            note=note,
            point=point,
            recorded_by=actor,
        )
    return activity
