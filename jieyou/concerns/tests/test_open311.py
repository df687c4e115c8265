import json
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from jieyou.concerns import actions as a
from jieyou.concerns.models import Category, Concern
from jieyou.core.idempotency import request_hash
from jieyou.core.models import AuditEntry, IdempotencyRecord
from jieyou.people import actions as people
from jieyou.testing.personal_data import assert_no_personal_numbers

V2 = "/open311/v2"
CONFORMANCE = Path(__file__).parent / "conformance"
SCHEMAS = {
    name: json.loads((CONFORMANCE / name).read_text())
    for name in (
        "service.json",
        "services.json",
        "service-definition.json",
        "request.json",
        "requests.json",
    )
}
REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(schema, default_specification=DRAFT7))
    for name, schema in SCHEMAS.items()
)
SWAGGER = json.loads((CONFORMANCE / "swagger.json").read_text())["definitions"]
# The shared files have no schema for the answer to POST; the swagger definition is used, with
# account_id allowed to be null the way the shared request schemas write optional fields.
POSTED = {
    "type": "array",
    "minItems": 1,
    "items": {
        **SWAGGER["RequestResponse"],
        "required": ["service_request_id"],
        "properties": {
            **SWAGGER["RequestResponse"]["properties"],
            "account_id": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
    },
}
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}


def validate(data, schema):
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    Draft7Validator(schema, registry=REGISTRY).validate(data)


def local_time(value: str) -> datetime:
    assert value.endswith("+08:00"), value
    return datetime.fromisoformat(value)


def xml_records(response) -> list[dict]:
    """The records of an XML answer as dicts of element text, for comparing with the JSON."""
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    return [{child.tag: child.text for child in record} for record in root]


def as_xml_text(record: dict) -> dict:
    def text(value):
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {key: text(value) for key, value in record.items()}


@pytest.fixture
def api_key(db):
    return people.api_client_create(actor=None, name="12345平台")[1]


@pytest.fixture
def report(client, api_key):
    """POST a report with the given fields (api_key added unless given)."""

    def post(fmt="json", headers=None, **fields):
        data = {"api_key": api_key, **fields}
        response = client.post(f"{V2}/requests.{fmt}", data, headers=headers)
        assert_no_personal_numbers(response.content)
        return response

    return post


def pigeons(**overrides):
    fields = {
        "service_code": "WJ",
        "description": "7号楼楼顶搭建鸽棚，联系 13912345678",
        "address_string": "蓝天家园小区",
        "attribute[building]": "7号楼",
        "attribute[urgency]": "urgent",
        "phone": "139-1234-5678",
        "first_name": "女士",
        "last_name": "李",
        "email": "li@example.cn",
    }
    return {**fields, **overrides}


def get(client, url, **params):
    response = client.get(f"{V2}/{url}", params)
    assert_no_personal_numbers(response.content)
    return response


def test_discovery(client):
    body = get(client, "discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = ET.fromstring(get(client, "discovery.xml").content)
    assert root.tag == "discovery"
    formats = [f.text for f in root.find("endpoints/endpoint/formats")]
    assert formats == ["text/xml", "application/json"]


def test_services_list_every_active_category(cast, client):
    Category.objects.filter(code="QY").update(active=False)
    body = get(client, "services.json").json()
    validate(body, "services.json")
    codes = {s["service_code"] for s in body}
    assert codes == set(Category.objects.filter(active=True).values_list("code", flat=True))
    assert "QY" not in codes
    wj = next(s for s in body if s["service_code"] == "WJ")
    assert wj["service_name"] == "违法建设" and wj["metadata"] is True
    assert wj["type"] == "realtime" and "违建" in wj["keywords"]
    assert [as_xml_text(s) for s in body] == xml_records(get(client, "services.xml"))


def test_service_definitions(cast, client):
    for code in ("WY", "WJ", "MD"):
        body = get(client, f"services/{code}.json").json()
        validate(body, "service-definition.json")
        by_code = {attribute["code"]: attribute for attribute in body["attributes"]}
        assert by_code["urgency"]["datatype"] == "singlevaluelist"
        assert [v["key"] for v in by_code["urgency"]["values"]] == ["normal", "urgent"]
        assert ("building" in by_code) == (code in ("WY", "WJ"))
    root = ET.fromstring(get(client, "services/WY.xml").content)
    assert root.tag == "service_definition" and root.findtext("service_code") == "WY"
    attributes = root.findall("attributes/attribute")
    assert [x.findtext("code") for x in attributes] == ["urgency", "building"]
    assert [v.findtext("name") for v in attributes[0].findall("values/value")] == ["一般", "紧急"]


def test_post_request_lands_in_the_named_building(
    cast, report, django_capture_on_commit_callbacks, outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = report(**pigeons())
    assert response.status_code == 200
    body = response.json()
    validate(body, POSTED)
    concern = Concern.objects.get(pk=body[0]["service_request_id"])
    assert concern.channel == Concern.Channel.OPEN311
    assert concern.area == cast.building7
    assert concern.address == "蓝天家园小区 7号楼"
    assert concern.urgency == "urgent"
    assert concern.contact_phone == "+8613912345678"
    assert concern.contact_name == "李女士"
    assert body[0]["service_notice"] and "小时" in body[0]["service_notice"]
    entry = AuditEntry.objects.filter(action="concern.submit", object_id=str(concern.pk)).get()
    assert entry.detail["name"] == "12345平台"
    # The reporter is texted the receipt code; the Open311 answer never carries it.
    assert [phone for phone, _text in outbox] == ["+8613912345678"]
    assert concern.receipt_code not in response.content.decode()


def test_post_request_in_xml(cast, report):
    response = report(fmt="xml", **pigeons())
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    record = root.find("request")
    assert Concern.objects.filter(pk=record.findtext("service_request_id")).exists()
    assert record.findtext("token") and record.findtext("service_notice")


def test_post_request_by_coordinates_or_default_area(cast, report, settings):
    cast.lantian.latitude, cast.lantian.longitude = Decimal("43.836000"), Decimal("90.282000")
    cast.lantian.save(update_fields=["latitude", "longitude"])
    near = report(**pigeons(address_string="", lat="43.8361", long="90.2821")).json()
    concern = Concern.objects.get(pk=near[0]["service_request_id"])
    assert concern.area == cast.lantian
    assert concern.latitude == Decimal("43.836100")
    # Far from every known place and no address: the configured default area.
    settings.JIEYOU_OPEN311_DEFAULT_AREA_CODE = cast.mingzhu.code
    far = report(
        **pigeons(address_string="", lat="39.9", long="116.4", **{"attribute[building]": ""})
    )
    assert Concern.objects.get(pk=far.json()[0]["service_request_id"]).area == cast.mingzhu
    settings.JIEYOU_OPEN311_DEFAULT_AREA_CODE = ""
    nowhere = report(service_code="HJ", description="路灯不亮").json()
    assert Concern.objects.get(pk=nowhere[0]["service_request_id"]).area == cast.county


@pytest.mark.parametrize(
    ("fields", "status", "needle"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "jyc_not-a-key"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "NOPE"}, 404, "service_code"),
        ({"description": "字" * 4001}, 400, "description"),
        ({"lat": "abc", "long": "90.1"}, 400, "lat 必须是数字"),
        ({"lat": "43.8"}, 400, "long"),
        ({"lat": "95", "long": "90"}, 400, "lat"),
        ({"phone": "12345"}, 400, "phone"),
        ({"attribute[urgency]": "very"}, 400, "urgency"),
    ],
)
def test_post_request_bad_inputs(cast, report, fields, status, needle):
    for fmt in ("json", "xml"):
        response = report(fmt=fmt, **pigeons(**fields))
        assert response.status_code == status
        if fmt == "json":
            body = response.json()
            validate(body, ERRORS)
            assert body[0]["code"] == status and needle in body[0]["description"]
        else:
            root = ET.fromstring(response.content)
            assert root.tag == "errors"
            assert root.findtext("error/code") == str(status)
            assert needle in root.findtext("error/description")
    assert not Concern.objects.exists()


def test_revoked_key_is_refused(cast, report, api_key):
    client = people.ApiClient.objects.get(name="12345平台")
    people.api_client_revoke(actor=None, client=client)
    assert report(**pigeons()).status_code == 403


def test_post_without_csrf_token_from_another_system(cast, api_key):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{V2}/requests.json", {"api_key": api_key, **pigeons()})
    assert response.status_code == 200


def test_post_honours_idempotency_key(cast, report, api_key, rf, client):
    key = {"Idempotency-Key": "12345-20241020-0001"}
    first = report(headers=key, **pigeons())
    again = report(headers=key, **pigeons())
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert Concern.objects.count() == 1
    # The same fields urlencoded rather than multipart are the same request.
    encoded = client.post(
        f"{V2}/requests.json",
        urlencode({"api_key": api_key, **pigeons()}),
        content_type="application/x-www-form-urlencoded",
        headers=key,
    )
    assert encoded.content == first.content and encoded["Idempotent-Replayed"] == "true"
    changed = report(headers=key, **pigeons(description="另一件事"))
    assert changed.status_code == 422
    validate(changed.json(), ERRORS)

    form = {"api_key": api_key, **pigeons(service_code="HJ")}
    probe = rf.post(f"{V2}/requests.json", form)
    client_id = people.ApiClient.objects.get().pk
    IdempotencyRecord.objects.create(
        owner=f"client:{client_id}",
        key="busy",
        request_hash=request_hash(probe, urlencode(sorted(form.items())).encode()),
    )
    busy = report(headers={"Idempotency-Key": "busy"}, **pigeons(service_code="HJ"))
    assert busy.status_code == 409 and busy.json()[0]["code"] == 409
    assert Concern.objects.count() == 1


def test_token_gives_the_request_id(cast, report, client):
    posted = report(**pigeons()).json()[0]
    body = get(client, f"tokens/{posted['token']}.json").json()
    assert body == [{"service_request_id": posted["service_request_id"], "token": posted["token"]}]
    assert get(client, "tokens/1:forged.json").status_code == 404


@pytest.fixture
def history(cast):
    """Three concerns in three states, with personal data in their texts."""
    wj, wy = Category.objects.get(code="WJ"), Category.objects.get(code="WY")
    pigeons = a.concern_submit(
        actor=cast.grid_worker,
        category=wj,
        description="反映鸽棚，电话 13912345678，身份证 652328196803150022",
        channel=Concern.Channel.VISIT,
        area=cast.building7,
        reporter=cast.resident,
        contact_phone=cast.resident.phone,
        contact_name="李女士",
    )
    a.concern_accept(actor=cast.secretary, concern=pigeons)
    a.concern_dispatch(actor=cast.secretary, concern=pigeons, lead_unit=cast.property_co)
    doors = a.concern_submit(
        actor=cast.outsider,
        category=wy,
        description="地下室门",
        channel=Concern.Channel.VISIT,
        area=cast.shuangmao1,
    )
    a.concern_accept(actor=cast.outsider, concern=doors)
    a.concern_resolve(actor=cast.outsider, concern=doors, note="已拆除")
    a.concern_follow_up(
        actor=cast.secretary, concern=doors, method="call", solved=True, satisfaction="satisfied"
    )
    old = a.concern_submit(
        actor=cast.grid_worker,
        category=wj,
        description="旧事",
        channel=Concern.Channel.VISIT,
        area=cast.building8,
        at=timezone.now() - timedelta(days=120),
    )
    return pigeons, doors, old


def test_get_requests_public_without_personal_data(cast, client, history):
    pigeons, doors, _old = history
    response = get(client, "requests.json")
    body = response.json()
    validate(body, "requests.json")
    assert [r["service_request_id"] for r in body] == [str(doors.pk), str(pigeons.pk)]
    text = response.content.decode()
    assert "李女士" not in text and "陈丹" not in text
    assert "652328196803150022" not in text and "13912345678" not in text
    assert pigeons.receipt_code not in text

    first = {r["service_request_id"]: r for r in body}
    assert first[str(pigeons.pk)]["status"] == "open"
    assert first[str(pigeons.pk)]["status_notes"] == "派单"
    assert first[str(pigeons.pk)]["agency_responsible"] == "蓝天物业公司"
    assert first[str(doors.pk)]["status"] == "closed"
    assert first[str(doors.pk)]["status_notes"] == "回访"
    closed_at = local_time(first[str(doors.pk)]["updated_datetime"])
    assert abs(closed_at - Concern.objects.get(pk=doors.pk).closed_at) < timedelta(seconds=1)
    requested = local_time(first[str(pigeons.pk)]["requested_datetime"])
    assert abs(requested - pigeons.submitted_at) < timedelta(seconds=1)
    local_time(first[str(pigeons.pk)]["expected_datetime"])

    assert [as_xml_text(r) for r in body] == xml_records(get(client, "requests.xml"))


def test_get_requests_filters(cast, client, history):
    pigeons, doors, old = history

    def ids(**params):
        response = get(client, "requests.json", **params)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert ids(status="open") == [str(pigeons.pk)]
    assert ids(status="closed") == [str(doors.pk)]
    assert ids(status="open,closed") == [str(doors.pk), str(pigeons.pk)]
    assert ids(service_code="WY") == [str(doors.pk)]
    assert ids(service_request_id=f"{old.pk},{pigeons.pk}") == [str(pigeons.pk), str(old.pk)]
    start = (timezone.now() - timedelta(days=200)).date().isoformat()
    assert str(old.pk) in ids(start_date=start)
    end = (timezone.now() - timedelta(days=100)).isoformat()
    assert ids(start_date=start, end_date=end) == [str(old.pk)]
    for bad in ({"status": "pending"}, {"start_date": "yesterday"}, {"service_request_id": "x"}):
        response = get(client, "requests.json", **bad)
        assert response.status_code == 400
        assert response.json()[0]["code"] == 400


def test_single_request_and_unknown_id(cast, client, history):
    pigeons, _doors, _old = history
    for path in (f"requests/{pigeons.pk}", f"request/{pigeons.pk}"):
        body = get(client, f"{path}.json").json()
        validate(body, "requests.json")
        assert body[0]["service_request_id"] == str(pigeons.pk)
        assert "139****5678" in body[0]["description"]
    missing = get(client, "requests/999999.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404
    assert get(client, "requests/abc.xml").status_code == 400
    root = ET.fromstring(get(client, "requests/999999.xml").content)
    assert root.findtext("error/code") == "404"


def test_apikey_command(cast, client):
    out = StringIO()
    call_command("apikey", "create", "--name", "小程序", stdout=out)
    key = out.getvalue().strip()
    assert key.startswith("jyc_")
    posted = client.post(f"{V2}/requests.json", {"api_key": key, **pigeons()})
    assert posted.status_code == 200
    with pytest.raises(CommandError, match="同名"):
        call_command("apikey", "create", "--name", "小程序", stdout=StringIO())
    listing = StringIO()
    call_command("apikey", "list", stdout=listing)
    assert "小程序" in listing.getvalue() and key not in listing.getvalue()
    revoked = StringIO()
    call_command("apikey", "revoke", "--name", "小程序", stdout=revoked)
    assert "已停用" in revoked.getvalue()
    refused = client.post(f"{V2}/requests.json", {"api_key": key, **pigeons()})
    assert refused.status_code == 403
    with pytest.raises(CommandError, match="不存在"):
        call_command("apikey", "revoke", "--name", "无此系统", stdout=StringIO())
