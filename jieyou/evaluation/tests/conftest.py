"""Fixtures of an evaluation: a 2024 cycle, a scheme for community secretaries, the cadre of
明珠社区 as its subject. Everything is made through the actions, by the county's evaluator."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jieyou.evaluation.actions import setup
from jieyou.evaluation.models import Dimension, Indicator, RaterGroup, Subject
from jieyou.party import actions as party
from jieyou.party.models import PartyOrg

SRC = Indicator.Source


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def party_org(cast):
    """明珠社区党委 with one branch, founded long before the cycle."""
    org = party.org_create(
        actor=None,
        name="明珠社区党委",
        kind=PartyOrg.Kind.COMMITTEE,
        parent=None,
        founded_on=date(2020, 1, 1),
        area=cast.mingzhu,
    )
    party.org_create(
        actor=None,
        name="明珠第一党支部",
        kind=PartyOrg.Kind.BRANCH,
        parent=org,
        founded_on=date(2020, 1, 1),
    )
    return org


@pytest.fixture
def scheme(cast):
    """社区书记: 治理 0.6 (response rate 0.4, overdue 0.2, a reported figure 0.4) and 党建 0.4
    (三会一课 0.5, studies counted in the ledger 0.5)."""
    actor = cast.evaluator
    scheme = setup.scheme_save(actor=actor, name="社区书记考核方案", post_type="社区书记")
    governance = setup.dimension_save(
        actor=actor, scheme=scheme, code=Dimension.Code.GOVERNANCE, weight="0.6"
    )
    party_dim = setup.dimension_save(
        actor=actor, scheme=scheme, code=Dimension.Code.PARTY, weight="0.4"
    )
    common = {"kind": Indicator.Kind.QUALITY, "visibility": Indicator.Visibility.VISIBLE}
    setup.indicator_save(
        actor=actor,
        dimension=governance,
        code="response",
        name="诉求响应率",
        source=SRC.RESPONSE_RATE,
        weight="0.4",
        target=0.95,
        floor=0.6,
        **common,
    )
    setup.indicator_save(
        actor=actor,
        dimension=governance,
        code="overdue",
        name="超期诉求数",
        source=SRC.OVERDUE,
        direction=Indicator.Direction.COST,
        weight="0.2",
        target=0,
        floor=10,
        unit="件",
        **common,
    )
    setup.indicator_save(
        actor=actor,
        dimension=governance,
        code="greening",
        name="新增绿化面积",
        source=SRC.REPORTED,
        kind=Indicator.Kind.QUANTITY,
        visibility=Indicator.Visibility.VISIBLE,
        weight="0.4",
        target=5000,
        floor=1000,
        unit="平方米",
        tolerance=0.1,
    )
    setup.indicator_save(
        actor=actor,
        dimension=party_dim,
        code="compliance",
        name="三会一课完成率",
        source=SRC.PARTY_COMPLIANCE,
        visibility=Indicator.Visibility.LATENT,
        kind=Indicator.Kind.QUALITY,
        weight="0.5",
        target=1.0,
        floor=0.6,
    )
    setup.indicator_save(
        actor=actor,
        dimension=party_dim,
        code="studies",
        name="组织学习次数",
        source=SRC.PARTY_FIGURE,
        source_key="studies",
        visibility=Indicator.Visibility.LATENT,
        kind=Indicator.Kind.QUANTITY,
        weight="0.5",
        target=24,
        floor=6,
        unit="次",
    )
    return scheme


@pytest.fixture
def cycle(cast):
    """2024年度 as a draft, with 群众 0.6 and 相关部门 0.4 as its rater groups."""
    actor = cast.evaluator
    cycle = setup.cycle_create(
        actor=actor,
        name="2024年度社区书记考核",
        period="year",
        starts=date(2024, 1, 1),
        ends=date(2024, 12, 31),
    )
    setup.rater_group_set(
        actor=actor, cycle=cycle, kind=RaterGroup.Kind.PUBLIC, weight=Decimal("0.6")
    )
    setup.rater_group_set(
        actor=actor, cycle=cycle, kind=RaterGroup.Kind.DEPARTMENTS, weight=Decimal("0.4")
    )
    return cycle


@pytest.fixture
def subject(cast, cycle, scheme, party_org) -> Subject:
    """The cadre of 明珠社区 (mz_cadre, community staff there) as the subject evaluated."""
    return setup.subject_add(
        actor=cast.evaluator,
        cycle=cycle,
        scheme=scheme,
        kind=Subject.Kind.CADRE,
        name="明珠社区书记",
        post="社区党委书记",
        user=cast.cadre,
        area=cast.mingzhu,
        party_org=party_org,
    )


@pytest.fixture
def opened(cast, cycle, subject):
    """The cycle, opened with its subject in it."""
    return setup.cycle_open(actor=cast.evaluator, cycle=cycle)


@pytest.fixture
def greening(scheme) -> Indicator:
    return Indicator.objects.get(dimension__scheme=scheme, code="greening")


def pdf(name="证明.pdf", body=b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n" + body + b"\n%%EOF\n", content_type="application/pdf"
    )


def jpeg(name="现场.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (20, 120, 40))
    exif = image.getexif()
    exif[0x010F] = "TestPhone"  # camera make, to be stripped
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
