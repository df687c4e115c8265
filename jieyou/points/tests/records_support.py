"""Shared steps of the meeting, visit, volunteer and event tests."""

from django.test import Client

from jieyou.people import actions as people
from jieyou.places import actions as places
from jieyou.places.models import Area
from jieyou.testing.personal_data import assert_no_personal_numbers


def api(user, method: str, url: str, data=None, headers=None):
    """Call the JSON API with a fresh bearer token of `user`; every answer is checked for
    unmasked phone and ID numbers."""
    key = people.api_token_create(actor=None, user=user, name="测试")[1]
    headers = {"Authorization": f"Bearer {key}", **(headers or {})}
    client = Client()
    if method == "post":
        response = client.post(url, data or {}, content_type="application/json", headers=headers)
    else:
        response = client.get(url, data, headers=headers)
    assert_no_personal_numbers(response.content)
    return response


def page(client, url: str, data=None, **kwargs):
    response = client.get(url, data, **kwargs)
    assert_no_personal_numbers(response.content)
    return response


def outside_household(cast):
    """A household of 明珠社区 in a compound no grid covers (so not the grid worker's)."""
    compound = places.area_create(
        actor=None, name="阳光小区", kind=Area.Kind.COMPOUND, parent=cast.mingzhu
    )
    building = places.area_create(
        actor=None, name="1号楼", kind=Area.Kind.BUILDING, parent=compound
    )
    resident = people.resident_create(actor=None, name="马大姐", area=building, room="101")
    return resident.household
