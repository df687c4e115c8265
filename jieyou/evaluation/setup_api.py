"""/api/v1/evaluation/: cycles, schemes, subjects and rater groups for managers; reported
figures for the subject's unit or community (entry) and managers (verification). The subject
evaluated gets a 404 for all of it, as does anyone outside the scope."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jieyou.party.models import PartyOrg
from jieyou.people import access
from jieyou.people.models import Unit
from jieyou.places.models import Area

from . import scope, sources
from .actions import figures as figure_actions
from .actions import setup as actions
from .models import Dimension, Indicator, ReportedFigure, Scheme

router = Router(tags=["政绩考核·设置"])


class Refused(Schema):
    detail: str
    errors: dict[str, list[str]]


def refused(error: ValidationError):
    """422 with the action's reasons, by field ("__all__" for the whole request)."""
    if hasattr(error, "error_dict"):
        errors = {str(k or "__all__"): list(v) for k, v in error.message_dict.items()}
    else:
        errors = {"__all__": list(error.messages)}
    return Status(422, {"detail": _("操作未通过校验"), "errors": errors})


def _manager(user):
    if not scope.is_manager(user):
        raise Http404


# Cycles


class RaterGroupOut(Schema):
    kind: str
    kind_label: str
    weight: Decimal

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())


class CycleOut(Schema):
    id: int
    name: str
    period: str
    starts: date
    ends: date
    status: str
    status_label: str
    quantitative_weight: Decimal
    inspection_weight: Decimal
    survey_weight: Decimal
    grade_bands: dict
    min_ballots: int
    rater_groups: list[RaterGroupOut]

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_rater_groups(obj):
        return list(obj.rater_groups.all())


class CycleIn(Schema):
    name: str
    period: str
    starts: date
    ends: date
    quantitative_weight: Decimal = Decimal("0.4")
    inspection_weight: Decimal = Decimal("0.2")
    survey_weight: Decimal = Decimal("0.4")
    grade_bands: dict | None = None
    min_ballots: int = 10


class RaterGroupIn(Schema):
    weight: Decimal


def _cycles(user):
    _manager(user)
    return scope.cycles_for(user).prefetch_related("rater_groups")


@router.get("/cycles", response=list[CycleOut], summary="考核周期列表")
def cycle_list(request):
    return list(_cycles(request.auth))


@router.post("/cycles", response={201: CycleOut, 422: Refused}, summary="新建考核周期（筹备中）")
def cycle_create(request, payload: CycleIn):
    _manager(request.auth)
    try:
        cycle = actions.cycle_create(actor=request.auth, **payload.dict())
    except ValidationError as error:
        return refused(error)
    return Status(201, access.get_or_404(_cycles(request.auth), pk=cycle.pk))


@router.get("/cycles/{cycle_id}", response=CycleOut, summary="考核周期详情")
def cycle_detail(request, cycle_id: int):
    return access.get_or_404(_cycles(request.auth), pk=cycle_id)


@router.post(
    "/cycles/{cycle_id}/open",
    response={200: CycleOut, 422: Refused},
    summary="开始考核：方案和评价群体的权重自此固定",
)
def cycle_open(request, cycle_id: int):
    cycle = access.get_or_404(_cycles(request.auth), pk=cycle_id)
    try:
        actions.cycle_open(actor=request.auth, cycle=cycle)
    except ValidationError as error:
        return refused(error)
    return access.get_or_404(_cycles(request.auth), pk=cycle_id)


@router.put(
    "/cycles/{cycle_id}/rater-groups/{kind}",
    response={200: CycleOut, 422: Refused},
    summary="设置评价群体权重（仅筹备中）",
)
def rater_group_set(request, cycle_id: int, kind: str, payload: RaterGroupIn):
    cycle = access.get_or_404(_cycles(request.auth), pk=cycle_id)
    try:
        actions.rater_group_set(actor=request.auth, cycle=cycle, kind=kind, weight=payload.weight)
    except ValidationError as error:
        return refused(error)
    return access.get_or_404(_cycles(request.auth), pk=cycle_id)


# Subjects


class SubjectOut(Schema):
    id: int
    cycle_id: int
    scheme_id: int
    kind: str
    name: str
    post: str
    user_id: int | None
    area_id: int | None
    unit_id: int | None
    party_org_id: int | None


class SubjectIn(Schema):
    scheme_id: int
    kind: str
    name: str
    post: str = ""
    user_id: int | None = None
    area_id: int | None = None
    unit_id: int | None = None
    party_org_id: int | None = None


@router.get("/cycles/{cycle_id}/subjects", response=list[SubjectOut], summary="考核对象")
def subject_list(request, cycle_id: int):
    cycle = access.get_or_404(_cycles(request.auth), pk=cycle_id)
    return list(scope.subjects_for(request.auth).filter(cycle=cycle))


def _or_none(model, pk, field):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("所选对象不存在")]})
    return found


@router.post(
    "/cycles/{cycle_id}/subjects",
    response={201: SubjectOut, 422: Refused},
    summary="添加考核对象",
)
def subject_add(request, cycle_id: int, payload: SubjectIn):
    cycle = access.get_or_404(_cycles(request.auth), pk=cycle_id)
    try:
        subject = actions.subject_add(
            actor=request.auth,
            cycle=cycle,
            scheme=_or_none(Scheme, payload.scheme_id, "scheme"),
            kind=payload.kind,
            name=payload.name,
            post=payload.post,
            user=_or_none(get_user_model(), payload.user_id, "user"),
            area=_or_none(Area, payload.area_id, "area"),
            unit=_or_none(Unit, payload.unit_id, "unit"),
            party_org=_or_none(PartyOrg, payload.party_org_id, "party_org"),
        )
    except ValidationError as error:
        return refused(error)
    return Status(201, subject)


class FigureOut(Schema):
    value: float | None
    baseline: float | None
    provenance: dict


@router.get(
    "/subjects/{subject_id}/sources/{indicator_id}",
    response=FigureOut,
    summary="某项指标从业务记录或核验数据得出的数值及其来源",
)
def subject_source(request, subject_id: int, indicator_id: int):
    _manager(request.auth)
    subject = access.get_or_404(scope.subjects_for(request.auth), pk=subject_id)
    indicator = access.get_or_404(
        Indicator.objects.filter(dimension__scheme_id=subject.scheme_id), pk=indicator_id
    )
    figure = sources.measure(subject, indicator)
    return {"value": figure.value, "baseline": figure.baseline, "provenance": figure.provenance}


# Schemes


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    visibility: str
    direction: str
    unit: str
    source: str
    source_key: str
    weight: Decimal
    target: float
    floor: float
    tolerance: float


class DimensionOut(Schema):
    id: int
    code: str
    label: str
    weight: Decimal
    ahp_matrix: list[list[float]] | None
    ahp_cr: Decimal | None
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_label(obj):
        return str(obj.get_code_display())

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())


class SchemeOut(Schema):
    id: int
    name: str
    post_type: str
    description: str
    ahp_matrix: list[list[float]] | None
    ahp_cr: Decimal | None
    in_use: bool
    problems: list[str]
    dimensions: list[DimensionOut]

    @staticmethod
    def resolve_in_use(obj):
        return actions.scheme_in_use(obj)

    @staticmethod
    def resolve_problems(obj):
        return [str(p) for p in actions.scheme_problems(obj)]

    @staticmethod
    def resolve_dimensions(obj):
        return list(obj.dimensions.all())


class SchemeIn(Schema):
    name: str
    post_type: str
    description: str = ""


class DimensionIn(Schema):
    code: str
    weight: Decimal


class IndicatorIn(Schema):
    code: str
    name: str
    kind: str
    visibility: str
    direction: str = Indicator.Direction.BENEFIT
    unit: str = ""
    source: str
    source_key: str = ""
    weight: Decimal
    target: float
    floor: float
    tolerance: float = 0.1


class WeightsIn(Schema):
    weights: dict[int, Decimal]


class MatrixIn(Schema):
    matrix: list[list[float]]


class AhpOut(Schema):
    weights: list[float]
    lambda_max: float
    ci: float
    cr: float


def _schemes(user):
    _manager(user)
    return Scheme.objects.prefetch_related("dimensions__indicators")


def _scheme(user, pk) -> Scheme:
    return access.get_or_404(_schemes(user), pk=pk)


def _dimension(user, pk) -> Dimension:
    _manager(user)
    return access.get_or_404(Dimension.objects.select_related("scheme"), pk=pk)


@router.get("/schemes", response=list[SchemeOut], summary="考核方案（含维度、指标和权重）")
def scheme_list(request):
    return list(_schemes(request.auth))


@router.get("/schemes/{scheme_id}", response=SchemeOut, summary="考核方案详情")
def scheme_detail(request, scheme_id: int):
    return _scheme(request.auth, scheme_id)


@router.post("/schemes", response={201: SchemeOut, 422: Refused}, summary="新建考核方案")
def scheme_create(request, payload: SchemeIn):
    _manager(request.auth)
    try:
        scheme = actions.scheme_save(actor=request.auth, **payload.dict())
    except ValidationError as error:
        return refused(error)
    return Status(201, _scheme(request.auth, scheme.pk))


@router.post(
    "/schemes/{scheme_id}/dimensions",
    response={201: SchemeOut, 422: Refused},
    summary="添加维度",
)
def dimension_create(request, scheme_id: int, payload: DimensionIn):
    scheme = _scheme(request.auth, scheme_id)
    try:
        actions.dimension_save(actor=request.auth, scheme=scheme, **payload.dict())
    except ValidationError as error:
        return refused(error)
    return Status(201, _scheme(request.auth, scheme_id))


@router.post(
    "/dimensions/{dimension_id}/indicators",
    response={201: SchemeOut, 422: Refused},
    summary="添加指标",
)
def indicator_create(request, dimension_id: int, payload: IndicatorIn):
    dimension = _dimension(request.auth, dimension_id)
    try:
        actions.indicator_save(actor=request.auth, dimension=dimension, **payload.dict())
    except ValidationError as error:
        return refused(error)
    return Status(201, _scheme(request.auth, dimension.scheme_id))


@router.put(
    "/schemes/{scheme_id}/weights",
    response={200: SchemeOut, 422: Refused},
    summary="直接设置各维度权重（合计须为 1）",
)
def scheme_weights(request, scheme_id: int, payload: WeightsIn):
    scheme = _scheme(request.auth, scheme_id)
    try:
        actions.dimension_weights_set(actor=request.auth, scheme=scheme, weights=payload.weights)
    except ValidationError as error:
        return refused(error)
    return _scheme(request.auth, scheme_id)


@router.put(
    "/dimensions/{dimension_id}/weights",
    response={200: SchemeOut, 422: Refused},
    summary="直接设置维度内各指标权重（合计须为 1）",
)
def dimension_weights(request, dimension_id: int, payload: WeightsIn):
    dimension = _dimension(request.auth, dimension_id)
    try:
        actions.indicator_weights_set(
            actor=request.auth, dimension=dimension, weights=payload.weights
        )
    except ValidationError as error:
        return refused(error)
    return _scheme(request.auth, dimension.scheme_id)


def _ahp_out(result):
    return {
        "weights": list(result.weights),
        "lambda_max": result.lambda_max,
        "ci": result.ci,
        "cr": result.cr,
    }


@router.post(
    "/schemes/{scheme_id}/ahp",
    response={200: AhpOut, 422: Refused},
    summary="按判断矩阵计算维度权重（CR ≥ 0.10 拒绝）",
)
def scheme_ahp(request, scheme_id: int, payload: MatrixIn):
    scheme = _scheme(request.auth, scheme_id)
    try:
        result = actions.scheme_weights_from_ahp(
            actor=request.auth, scheme=scheme, matrix=payload.matrix
        )
    except ValidationError as error:
        return refused(error)
    return _ahp_out(result)


@router.post(
    "/dimensions/{dimension_id}/ahp",
    response={200: AhpOut, 422: Refused},
    summary="按判断矩阵计算维度内指标权重（CR ≥ 0.10 拒绝）",
)
def dimension_ahp(request, dimension_id: int, payload: MatrixIn):
    dimension = _dimension(request.auth, dimension_id)
    try:
        result = actions.dimension_weights_from_ahp(
            actor=request.auth, dimension=dimension, matrix=payload.matrix
        )
    except ValidationError as error:
        return refused(error)
    return _ahp_out(result)


# Reported figures


class EvidenceOut(Schema):
    id: int
    name: str
    sha256: str


class ReportedOut(Schema):
    id: int
    subject_id: int
    indicator_id: int
    value: float
    baseline: float | None
    note: str
    status: str
    status_label: str
    entered_at: str
    verified: bool
    return_reason: str
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_entered_at(obj):
        return obj.entered_at.isoformat()

    @staticmethod
    def resolve_verified(obj):
        return obj.status == ReportedFigure.Status.VERIFIED

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class ReportedIn(Schema):
    value: float
    baseline: float | None = None
    note: str = ""


class ReturnIn(Schema):
    reason: str


def _reported_for(user):
    if not scope.sees_figure_pages(user):
        raise Http404
    return ReportedFigure.objects.filter(
        subject__in=scope.figure_subjects_for(user)
    ).prefetch_related("evidence")


@router.get("/figures", response=list[ReportedOut], summary="可见的填报数据")
def figure_list(request, status: str = ""):
    figures = _reported_for(request.auth)
    if status:
        figures = figures.filter(status=status)
    return list(figures)


@router.post(
    "/subjects/{subject_id}/figures/{indicator_id}",
    response={200: ReportedOut, 422: Refused},
    summary="填报或更正一项数据（附证明材料，multipart）",
)
def figure_enter(
    request,
    subject_id: int,
    indicator_id: int,
    payload: Form[ReportedIn],
    evidence_files: File[list[UploadedFile]] = None,
):
    user = request.auth
    if not scope.sees_figure_pages(user):
        raise Http404
    subject = access.get_or_404(scope.figure_subjects_for(user), pk=subject_id)
    indicator = access.get_or_404(
        Indicator.objects.filter(
            dimension__scheme_id=subject.scheme_id, source=Indicator.Source.REPORTED
        ),
        pk=indicator_id,
    )
    try:
        figure = figure_actions.figure_enter(
            actor=user,
            subject=subject,
            indicator=indicator,
            evidence_files=evidence_files or [],
            **payload.dict(),
        )
    except ValidationError as error:
        return refused(error)
    return access.get_or_404(_reported_for(user), pk=figure.pk)


def _managed_figure(user, pk) -> ReportedFigure:
    _manager(user)
    return access.get_or_404(
        ReportedFigure.objects.filter(subject__in=scope.subjects_for(user)), pk=pk
    )


@router.post(
    "/figures/{figure_id}/verify",
    response={200: ReportedOut, 422: Refused},
    summary="核验（须由填报人以外的考核人员）",
)
def figure_verify(request, figure_id: int):
    figure = _managed_figure(request.auth, figure_id)
    try:
        figure_actions.figure_verify(actor=request.auth, figure=figure)
    except ValidationError as error:
        return refused(error)
    return access.get_or_404(_reported_for(request.auth), pk=figure_id)


@router.post(
    "/figures/{figure_id}/return",
    response={200: ReportedOut, 422: Refused},
    summary="退回重新填报",
)
def figure_return(request, figure_id: int, payload: ReturnIn):
    figure = _managed_figure(request.auth, figure_id)
    try:
        figure_actions.figure_return(actor=request.auth, figure=figure, reason=payload.reason)
    except ValidationError as error:
        return refused(error)
    return access.get_or_404(_reported_for(request.auth), pk=figure_id)
