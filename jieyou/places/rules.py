"""What makes an area fit its parent: the kind ladder and the code that extends the parent's."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Area

K = Area.Kind
ALLOWED_PARENT = {
    K.COUNTY: {None},
    K.TOWN: {K.COUNTY},
    K.COMMUNITY: {K.TOWN},
    K.COMPOUND: {K.COMMUNITY},
    K.BUILDING: {K.COMPOUND, K.COMMUNITY},
}
CODED = {K.COUNTY: 6, K.TOWN: 12, K.COMMUNITY: 12}


def check_area(*, kind: str, parent: Area | None, code: str) -> None:
    """Raise a ValidationError naming the field and the rule when kind or code do not fit."""
    errors: dict[str, list[str]] = {}
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENT[kind]:
        errors["parent"] = [
            _("%(kind)s的上级不能是%(parent)s")
            % {"kind": K(kind).label, "parent": K(parent_kind).label if parent_kind else _("空")}
        ]
    code_error = _code_error(kind, parent, code)
    if code_error:
        errors["code"] = [code_error]
    if errors:
        raise ValidationError(errors)


def _code_error(kind: str, parent: Area | None, code: str) -> str | None:
    width = CODED.get(kind)
    if width is None:
        return _("小区和楼栋不填区划代码") if code else None
    if not re.fullmatch(rf"\d{{{width}}}", code or ""):
        return _("%(kind)s的区划代码应为%(n)d位数字") % {"kind": K(kind).label, "n": width}
    if kind == K.TOWN:
        if parent is not None and not code.startswith(parent.code):
            return _("镇（街道）代码应以所属县代码 %(p)s 开头") % {"p": parent.code}
        if not code.endswith("000") or code[6:9] == "000":
            return _("镇（街道）代码第7–9位为乡级代码（非000），末3位应为000")
    if kind == K.COMMUNITY:
        if parent is not None and code[:9] != parent.code[:9]:
            return _("社区（村）代码前9位应与所属镇（街道）代码 %(p)s 相同") % {
                "p": parent.code[:9]
            }
        if code.endswith("000"):
            return _("社区（村）代码末3位为村级代码，不能为000")
    return None


def check_grid_areas(*, community: Area, areas) -> None:
    """A grid covers only compounds and buildings of its own community."""
    outside = [
        a.name
        for a in areas
        if not a.path.startswith(community.path) or a.kind not in (K.COMPOUND, K.BUILDING)
    ]
    if outside:
        raise ValidationError(
            {
                "areas": [
                    _("以下区划不是本社区的小区或楼栋：%(names)s") % {"names": "、".join(outside)}
                ]
            }
        )
