"""Template helpers: masked numbers and the signed-in user's scope."""

from django import template

from jieyou.core.masking import mask_id_number, mask_phone, mask_text

from .. import access

register = template.Library()
register.filter("mask_phone", mask_phone)
register.filter("mask_id_number", mask_id_number)
register.filter("mask_text", mask_text)


@register.simple_tag
def scope_of(user):
    return access.scope_for(user)
