"""Managers' pages for setting an evaluation up: cycles (subjects, rater groups, status),
schemes (dimensions, indicators, weights typed in or from an AHP matrix with its CR) and the
subject list. Anyone who is not a manager gets a 404, the subjects evaluated included."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieyou.people import access

from .. import scope
from ..actions import setup as actions
from ..forms import (
    AhpForm,
    CycleForm,
    DimensionForm,
    IndicatorForm,
    RaterGroupForm,
    SchemeCopyForm,
    SchemeForm,
    SubjectForm,
    WeightsForm,
    add_action_error,
)
from ..models import Cycle, Dimension, Indicator, Scheme


def _manager(request):
    if not scope.is_manager(request.user):
        raise Http404


def _cycle(request, pk) -> Cycle:
    return access.get_or_404(scope.cycles_for(request.user), pk=pk)


def _scheme(request, pk) -> Scheme:
    _manager(request)
    return access.get_or_404(Scheme.objects.all(), pk=pk)


def _dimension(request, pk) -> Dimension:
    _manager(request)
    return access.get_or_404(Dimension.objects.select_related("scheme"), pk=pk)


def _form_page(request, form, title, *, back=None, status=200):
    return render(
        request,
        "evaluation/setup_form.html",
        {"form": form, "title": title, "back": back},
        status=status,
    )


def _try(form, action, **kwargs):
    """Run an action; on refusal put its reason on the form and return None."""
    try:
        return action(**kwargs)
    except ValidationError as error:
        add_action_error(form, error)
        return None


def _form_view(request, form, action, *, title, goto, back=None, done=None, values=None, **kwargs):
    """One form on its own page: a valid POST runs the action with the form's values (or
    `values(form)`) and goes to `goto(result)`, saying `done(result)` if given; otherwise the form
    again, 400 when it has errors."""
    if request.method == "POST" and form.is_valid():
        fields = values(form) if values else form.cleaned_data
        result = _try(form, action, actor=request.user, **kwargs, **fields)
        if result is not None:
            if done:
                messages.success(request, done(result))
            return redirect(*goto(result))
    return _form_page(request, form, title, back=back, status=422 if form.errors else 200)


# Cycles


@login_required
def cycle_list(request):
    _manager(request)
    cycles = scope.cycles_for(request.user).annotate(n_subjects=Count("subjects"))
    return render(request, "evaluation/setup_cycles.html", {"cycles": cycles})


@login_required
def cycle_new(request):
    _manager(request)
    return _form_view(
        request,
        CycleForm(request.POST or None),
        actions.cycle_create,
        title=_("新建考核周期"),
        values=CycleForm.values,
        done=lambda cycle: _("已创建考核周期“%(n)s”") % {"n": cycle.name},
        goto=lambda cycle: ("evaluation:setup_cycle", cycle.pk),
    )


@login_required
def cycle_edit(request, pk):
    cycle = _cycle(request, pk)
    back = ("evaluation:setup_cycle", cycle.pk)
    return _form_view(
        request,
        CycleForm(request.POST or None, initial=CycleForm.initial_of(cycle)),
        actions.cycle_update,
        cycle=cycle,
        values=lambda form: {k: v for k, v in form.values().items() if v != getattr(cycle, k)},
        title=_("修改考核周期"),
        back=back,
        done=lambda _done: _("已保存"),
        goto=lambda _done: back,
    )


def _cycle_page(request, cycle, *, group_form=None, error=None, status=200):
    subjects = (
        scope.subjects_for(request.user)
        .filter(cycle=cycle)
        .select_related("scheme", "user__staff", "area", "unit", "party_org")
    )
    context = {
        "cycle": cycle,
        "subjects": subjects,
        "groups": cycle.rater_groups.all(),
        "group_total": sum(g.weight for g in cycle.rater_groups.all()),
        "draft": cycle.status == Cycle.Status.DRAFT,
        "problems": actions.cycle_problems(cycle) if cycle.status == Cycle.Status.DRAFT else [],
        "group_form": group_form or RaterGroupForm(),
        "error": error,
    }
    return render(request, "evaluation/setup_cycle.html", context, status=status)


@login_required
def cycle_detail(request, pk):
    return _cycle_page(request, _cycle(request, pk))


@require_POST
@login_required
def cycle_open(request, pk):
    cycle = _cycle(request, pk)
    try:
        actions.cycle_open(actor=request.user, cycle=cycle)
    except ValidationError as error:
        return _cycle_page(request, cycle, error=error.messages, status=422)
    messages.success(request, _("考核周期已开始，方案和评价群体的权重自此固定"))
    return redirect("evaluation:setup_cycle", pk=cycle.pk)


@require_POST
@login_required
def rater_group_set(request, pk):
    cycle = _cycle(request, pk)
    form = RaterGroupForm(request.POST)
    if form.is_valid():
        done = _try(
            form, actions.rater_group_set, actor=request.user, cycle=cycle, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("已保存评价群体“%(g)s”") % {"g": done})
            return redirect("evaluation:setup_cycle", pk=cycle.pk)
    return _cycle_page(request, cycle, group_form=form, status=422)


@require_POST
@login_required
def rater_group_remove(request, pk, kind):
    cycle = _cycle(request, pk)
    try:
        actions.rater_group_remove(actor=request.user, cycle=cycle, kind=kind)
    except ValidationError as error:
        return _cycle_page(request, cycle, error=error.messages, status=422)
    return redirect("evaluation:setup_cycle", pk=cycle.pk)


@login_required
def subject_new(request, pk):
    cycle = _cycle(request, pk)
    back = ("evaluation:setup_cycle", cycle.pk)
    return _form_view(
        request,
        SubjectForm(request.POST or None),
        actions.subject_add,
        cycle=cycle,
        title=_("添加考核对象 · %(c)s") % {"c": cycle.name},
        back=back,
        done=lambda subject: _("已添加考核对象“%(n)s”") % {"n": subject.name},
        goto=lambda _subject: back,
    )


@login_required
def subject_list(request):
    _manager(request)
    cycles = scope.cycles_for(request.user)
    subjects = scope.subjects_for(request.user).select_related(
        "cycle", "scheme", "area", "unit", "party_org", "user__staff"
    )
    chosen = None
    if request.GET.get("cycle"):
        chosen = access.get_or_404(cycles, pk=request.GET["cycle"])
        subjects = subjects.filter(cycle=chosen)
    context = {
        "subjects": subjects.order_by("cycle__name", "name"),
        "cycles": cycles,
        "chosen": chosen,
    }
    return render(request, "evaluation/setup_subjects.html", context)


# Schemes


@login_required
def scheme_list(request):
    _manager(request)
    schemes = Scheme.objects.annotate(
        n_dimensions=Count("dimensions", distinct=True), n_subjects=Count("subjects", distinct=True)
    )
    return render(request, "evaluation/setup_schemes.html", {"schemes": schemes})


@login_required
def scheme_new(request):
    _manager(request)
    return _form_view(
        request,
        SchemeForm(request.POST or None),
        actions.scheme_save,
        title=_("新建考核方案"),
        goto=lambda scheme: ("evaluation:setup_scheme", scheme.pk),
    )


@login_required
def scheme_edit(request, pk):
    scheme = _scheme(request, pk)
    initial = {
        "name": scheme.name,
        "post_type": scheme.post_type,
        "description": scheme.description,
    }
    back = ("evaluation:setup_scheme", scheme.pk)
    return _form_view(
        request,
        SchemeForm(request.POST or None, initial=initial),
        actions.scheme_save,
        scheme=scheme,
        title=_("修改考核方案"),
        back=back,
        goto=lambda _done: back,
    )


def _scheme_page(request, scheme, *, forms=None, status=200):
    """The editor: the tree with weights, one direct-weights form and one AHP form per level."""
    forms = forms or {}
    dimensions = list(
        scheme.dimensions.prefetch_related(Prefetch("indicators", Indicator.objects.order_by("pk")))
    )
    levels = []
    for d in dimensions:
        indicators = list(d.indicators.all())
        levels.append(
            {
                "dimension": d,
                "indicators": indicators,
                "weights": forms.get(("weights", d.pk))
                or WeightsForm(items=indicators, prefix=f"d{d.pk}"),
                "ahp": forms.get(("ahp", d.pk))
                or AhpForm(items=indicators, matrix=d.ahp_matrix, prefix=f"d{d.pk}"),
            }
        )
    context = {
        "scheme": scheme,
        "levels": levels,
        "in_use": actions.scheme_in_use(scheme),
        "problems": actions.scheme_problems(scheme),
        "weights": forms.get(("weights", None)) or WeightsForm(items=dimensions, prefix="s"),
        "ahp": forms.get(("ahp", None))
        or AhpForm(items=dimensions, matrix=scheme.ahp_matrix, prefix="s"),
        "copy_form": forms.get("copy") or SchemeCopyForm(),
    }
    return render(request, "evaluation/setup_scheme.html", context, status=status)


@login_required
def scheme_detail(request, pk):
    return _scheme_page(request, _scheme(request, pk))


def _weights_post(request, scheme, form, action, *, level, message, **kwargs):
    """Weights typed in for one level of the scheme (`level`: None for its dimensions, a
    dimension's pk for that dimension's indicators)."""
    if form.is_valid() and _try(form, action, actor=request.user, weights=form.weights(), **kwargs):
        messages.success(request, message)
        return redirect("evaluation:setup_scheme", pk=scheme.pk)
    return _scheme_page(request, scheme, forms={("weights", level): form}, status=422)


def _ahp_post(request, scheme, form, action, *, level, message, **kwargs):
    """Weights from one level's pairwise matrix; `message` takes the matrix's CR."""
    if form.is_valid():
        result = _try(form, action, actor=request.user, matrix=form.matrix(), **kwargs)
        if result is not None:
            messages.success(request, message % {"cr": f"{result.cr:.4f}"})
            return redirect("evaluation:setup_scheme", pk=scheme.pk)
    return _scheme_page(request, scheme, forms={("ahp", level): form}, status=422)


@require_POST
@login_required
def scheme_weights(request, pk):
    scheme = _scheme(request, pk)
    return _weights_post(
        request,
        scheme,
        WeightsForm(request.POST, items=scheme.dimensions.all(), prefix="s"),
        actions.dimension_weights_set,
        scheme=scheme,
        level=None,
        message=_("已保存维度权重"),
    )


@require_POST
@login_required
def scheme_ahp(request, pk):
    scheme = _scheme(request, pk)
    return _ahp_post(
        request,
        scheme,
        AhpForm(request.POST, items=scheme.dimensions.all(), prefix="s"),
        actions.scheme_weights_from_ahp,
        scheme=scheme,
        level=None,
        message=_("已按判断矩阵计算维度权重，CR=%(cr)s"),
    )


@require_POST
@login_required
def scheme_copy(request, pk):
    scheme = _scheme(request, pk)
    form = SchemeCopyForm(request.POST)
    if form.is_valid():
        copy = _try(
            form,
            actions.scheme_copy,
            actor=request.user,
            scheme=scheme,
            name=form.cleaned_data["name"],
        )
        if copy is not None:
            return redirect("evaluation:setup_scheme", pk=copy.pk)
    return _scheme_page(request, scheme, forms={"copy": form}, status=422)


@login_required
def dimension_new(request, pk):
    scheme = _scheme(request, pk)
    back = ("evaluation:setup_scheme", scheme.pk)
    return _form_view(
        request,
        DimensionForm(request.POST or None),
        actions.dimension_save,
        scheme=scheme,
        title=_("添加维度 · %(s)s") % {"s": scheme.name},
        back=back,
        goto=lambda _done: back,
    )


@login_required
def dimension_edit(request, pk):
    dimension = _dimension(request, pk)
    back = ("evaluation:setup_scheme", dimension.scheme_id)
    return _form_view(
        request,
        DimensionForm(
            request.POST or None, initial={"code": dimension.code, "weight": dimension.weight}
        ),
        actions.dimension_save,
        scheme=dimension.scheme,
        dimension=dimension,
        title=_("修改维度"),
        back=back,
        goto=lambda _done: back,
    )


@require_POST
@login_required
def dimension_weights(request, pk):
    dimension = _dimension(request, pk)
    return _weights_post(
        request,
        dimension.scheme,
        WeightsForm(request.POST, items=dimension.indicators.all(), prefix=f"d{dimension.pk}"),
        actions.indicator_weights_set,
        dimension=dimension,
        level=dimension.pk,
        message=_("已保存指标权重"),
    )


@require_POST
@login_required
def dimension_ahp(request, pk):
    dimension = _dimension(request, pk)
    return _ahp_post(
        request,
        dimension.scheme,
        AhpForm(request.POST, items=dimension.indicators.all(), prefix=f"d{dimension.pk}"),
        actions.dimension_weights_from_ahp,
        dimension=dimension,
        level=dimension.pk,
        message=_("已按判断矩阵计算指标权重，CR=%(cr)s"),
    )


@login_required
def indicator_new(request, pk):
    dimension = _dimension(request, pk)
    back = ("evaluation:setup_scheme", dimension.scheme_id)
    return _form_view(
        request,
        IndicatorForm(request.POST or None),
        actions.indicator_save,
        dimension=dimension,
        title=_("添加指标 · %(d)s") % {"d": dimension},
        back=back,
        goto=lambda _done: back,
    )


@login_required
def indicator_edit(request, pk):
    _manager(request)
    indicator = access.get_or_404(Indicator.objects.select_related("dimension"), pk=pk)
    initial = {f: getattr(indicator, f) for f in actions.INDICATOR_FIELDS}
    back = ("evaluation:setup_scheme", indicator.dimension.scheme_id)
    return _form_view(
        request,
        IndicatorForm(request.POST or None, initial=initial),
        actions.indicator_save,
        dimension=indicator.dimension,
        indicator=indicator,
        title=_("修改指标"),
        back=back,
        goto=lambda _done: back,
    )
