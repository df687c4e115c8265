"""/api/v1/people/: residents, units and the caller; phone and ID numbers always masked."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from jieyou.core.masking import mask_id_number, mask_phone, mask_text

from . import access, queries
from .forms import ResidentForm
from .models import Tag

router = Router(tags=["people"])


class ResidentOut(Schema):
    id: int
    name: str
    gender: str
    birth_year: int | None
    phone: str
    id_number: str
    area_id: int
    area_name: str
    household: str
    tags: list[str]

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_area_name(obj):
        return obj.area.name

    @staticmethod
    def resolve_household(obj):
        return str(obj.household) if obj.household_id else ""

    @staticmethod
    def resolve_tags(obj):
        return [t.name for t in obj.tags.all()]


class ResidentIn(Schema):
    name: str
    gender: str = ""
    birth_year: int | None = None
    phone: str = ""
    id_number: str = ""
    area: int
    room: str = ""
    tags: list[int] = []


class FormErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    area_id: int
    area_name: str
    phone: str
    address: str

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_area_name(obj):
        return obj.area.name

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_address(obj):
        return mask_text(obj.address)


class ScopeOut(Schema):
    areas: int
    grids: int
    residents: int
    units: int
    can_unmask: bool


class MeOut(Schema):
    username: str
    name: str
    role: str | None
    role_label: str
    area_id: int | None
    area_name: str
    unit_id: int | None
    scope: ScopeOut


def _residents(user):
    return (
        access.residents(user)
        .select_related("area", "household__building")
        .prefetch_related("tags")
    )


@router.get(
    "/residents", response=list[ResidentOut], summary="居民列表（可按姓名、拼音、首字母搜索）"
)
@paginate(PageNumberPagination, page_size=50)
def resident_list(request, q: str = "", tag: int | None = None, grid: int | None = None):
    user = request.auth
    residents = queries.search_residents(_residents(user), q)
    if tag is not None:
        residents = residents.filter(tags=access.get_or_404(Tag.objects.all(), pk=tag))
    if grid is not None:
        residents = queries.in_grid(residents, access.get_or_404(access.grids(user), pk=grid))
    return residents


@router.get("/residents/{resident_id}", response=ResidentOut, summary="居民详情")
def resident_detail(request, resident_id: int):
    return access.get_or_404(_residents(request.auth), pk=resident_id)


@router.post(
    "/residents",
    response={201: ResidentOut, 422: FormErrors},
    summary="登记居民",
)
def resident_create(request, payload: ResidentIn):
    user = request.auth
    if access.scope_for(user).role not in access.RESIDENT_ROLES:
        raise Http404
    form = ResidentForm(data=payload.dict(), user=user)
    if not form.is_valid():
        errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        return Status(422, {"detail": _("数据校验未通过"), "errors": errors})
    resident = form.create(actor=user)
    return Status(201, access.get_or_404(_residents(user), pk=resident.pk))


@router.get("/units", response=list[UnitOut], summary="单位列表")
def unit_list(request):
    return list(access.units(request.auth).select_related("area"))


@router.get("/units/{unit_id}", response=UnitOut, summary="单位详情")
def unit_detail(request, unit_id: int):
    return access.get_or_404(access.units(request.auth).select_related("area"), pk=unit_id)


@router.get("/me", response=MeOut, summary="当前用户与权限范围")
def me(request):
    user = request.auth
    staff = access.staff_of(user)
    scope = access.scope_for(user)
    return {
        "username": user.get_username(),
        "name": staff.name if staff else user.get_full_name(),
        "role": scope.role,
        "role_label": str(staff.get_role_display()) if staff else "",
        "area_id": staff.area_id if staff else None,
        "area_name": staff.area.name if staff and staff.area else "",
        "unit_id": staff.unit_id if staff else None,
        "scope": {
            "areas": access.areas(user).count(),
            "grids": access.grids(user).count(),
            "residents": access.residents(user).count(),
            "units": access.units(user).count(),
            "can_unmask": scope.can_unmask,
        },
    }
