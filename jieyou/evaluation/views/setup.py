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


# Cycles


@login_required
def cycle_list(request):
    _manager(request)
    cycles = scope.cycles_for(request.user).annotate(n_subjects=Count("subjects"))
    return render(request, "evaluation/setup_cycles.html", {"cycles": cycles})


@login_required
def cycle_new(request):
    _manager(request)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cycle = _try(form, actions.cycle_create, actor=request.user, **form.values())
        if cycle is not None:
            messages.success(request, _("已创建考核周期“%(n)s”") % {"n": cycle.name})
            return redirect("evaluation:setup_cycle", pk=cycle.pk)
    return _form_page(request, form, _("新建考核周期"), status=400 if form.errors else 200)


@login_required
def cycle_edit(request, pk):
    cycle = _cycle(request, pk)
    form = CycleForm(request.POST or None, initial=CycleForm.initial_of(cycle))
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.values().items() if v != getattr(cycle, k)}
        done = _try(form, actions.cycle_update, actor=request.user, cycle=cycle, **changed)
        if done is not None:
            messages.success(request, _("已保存"))
            return redirect("evaluation:setup_cycle", pk=cycle.pk)
    return _form_page(
        request,
        form,
        _("修改考核周期"),
        back=("evaluation:setup_cycle", cycle.pk),
        status=400 if form.errors else 200,
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
        return _cycle_page(request, cycle, error=error.messages, status=400)
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
    return _cycle_page(request, cycle, group_form=form, status=400)


@require_POST
@login_required
def rater_group_remove(request, pk, kind):
    cycle = _cycle(request, pk)
    try:
        actions.rater_group_remove(actor=request.user, cycle=cycle, kind=kind)
    except ValidationError as error:
        return _cycle_page(request, cycle, error=error.messages, status=400)
    return redirect("evaluation:setup_cycle", pk=cycle.pk)


@login_required
def subject_new(request, pk):
    cycle = _cycle(request, pk)
    form = SubjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = _try(
            form, actions.subject_add, actor=request.user, cycle=cycle, **form.cleaned_data
        )
        if subject is not None:
            messages.success(request, _("已添加考核对象“%(n)s”") % {"n": subject.name})
            return redirect("evaluation:setup_cycle", pk=cycle.pk)
    return _form_page(
        request,
        form,
        _("添加考核对象 · %(c)s") % {"c": cycle.name},
        back=("evaluation:setup_cycle", cycle.pk),
        status=400 if form.errors else 200,
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
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scheme = _try(form, actions.scheme_save, actor=request.user, **form.cleaned_data)
        if scheme is not None:
            return redirect("evaluation:setup_scheme", pk=scheme.pk)
    return _form_page(request, form, _("新建考核方案"), status=400 if form.errors else 200)


@login_required
def scheme_edit(request, pk):
    scheme = _scheme(request, pk)
    initial = {
        "name": scheme.name,
        "post_type": scheme.post_type,
        "description": scheme.description,
    }
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _try(
            form, actions.scheme_save, actor=request.user, scheme=scheme, **form.cleaned_data
        )
        if done is not None:
            return redirect("evaluation:setup_scheme", pk=scheme.pk)
    return _form_page(
        request,
        form,
        _("修改考核方案"),
        back=("evaluation:setup_scheme", scheme.pk),
        status=400 if form.errors else 200,
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


@require_POST
@login_required
def scheme_weights(request, pk):
    scheme = _scheme(request, pk)
    form = WeightsForm(request.POST, items=scheme.dimensions.all(), prefix="s")
    if form.is_valid() and _try(
        form,
        actions.dimension_weights_set,
        actor=request.user,
        scheme=scheme,
        weights=form.weights(),
    ):
        messages.success(request, _("已保存维度权重"))
        return redirect("evaluation:setup_scheme", pk=scheme.pk)
    return _scheme_page(request, scheme, forms={("weights", None): form}, status=400)


@require_POST
@login_required
def scheme_ahp(request, pk):
    scheme = _scheme(request, pk)
    form = AhpForm(request.POST, items=scheme.dimensions.all(), prefix="s")
    if form.is_valid():
        result = _try(
            form,
            actions.scheme_weights_from_ahp,
            actor=request.user,
            scheme=scheme,
            matrix=form.matrix(),
        )
        if result is not None:
            messages.success(
                request, _("已按判断矩阵计算维度权重，CR=%(cr)s") % {"cr": f"{result.cr:.4f}"}
            )
            return redirect("evaluation:setup_scheme", pk=scheme.pk)
    return _scheme_page(request, scheme, forms={("ahp", None): form}, status=400)


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
    return _scheme_page(request, scheme, forms={"copy": form}, status=400)


@login_required
def dimension_new(request, pk):
    scheme = _scheme(request, pk)
    form = DimensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _try(
            form, actions.dimension_save, actor=request.user, scheme=scheme, **form.cleaned_data
        )
        if done is not None:
            return redirect("evaluation:setup_scheme", pk=scheme.pk)
    return _form_page(
        request,
        form,
        _("添加维度 · %(s)s") % {"s": scheme.name},
        back=("evaluation:setup_scheme", scheme.pk),
        status=400 if form.errors else 200,
    )


@login_required
def dimension_edit(request, pk):
    dimension = _dimension(request, pk)
    form = DimensionForm(
        request.POST or None, initial={"code": dimension.code, "weight": dimension.weight}
    )
    if request.method == "POST" and form.is_valid():
        done = _try(
            form,
            actions.dimension_save,
            actor=request.user,
            scheme=dimension.scheme,
            dimension=dimension,
            **form.cleaned_data,
        )
        if done is not None:
            return redirect("evaluation:setup_scheme", pk=dimension.scheme_id)
    return _form_page(
        request,
        form,
        _("修改维度"),
        back=("evaluation:setup_scheme", dimension.scheme_id),
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def dimension_weights(request, pk):
    dimension = _dimension(request, pk)
    form = WeightsForm(request.POST, items=dimension.indicators.all(), prefix=f"d{dimension.pk}")
    if form.is_valid() and _try(
        form,
        actions.indicator_weights_set,
        actor=request.user,
        dimension=dimension,
        weights=form.weights(),
    ):
        messages.success(request, _("已保存指标权重"))
        return redirect("evaluation:setup_scheme", pk=dimension.scheme_id)
    return _scheme_page(
        request, dimension.scheme, forms={("weights", dimension.pk): form}, status=400
    )


@require_POST
@login_required
def dimension_ahp(request, pk):
    dimension = _dimension(request, pk)
    form = AhpForm(request.POST, items=dimension.indicators.all(), prefix=f"d{dimension.pk}")
    if form.is_valid():
        result = _try(
            form,
            actions.dimension_weights_from_ahp,
            actor=request.user,
            dimension=dimension,
            matrix=form.matrix(),
        )
        if result is not None:
            messages.success(
                request, _("已按判断矩阵计算指标权重，CR=%(cr)s") % {"cr": f"{result.cr:.4f}"}
            )
            return redirect("evaluation:setup_scheme", pk=dimension.scheme_id)
    return _scheme_page(request, dimension.scheme, forms={("ahp", dimension.pk): form}, status=400)


def _indicator_values(form) -> dict:
    return dict(form.cleaned_data)


@login_required
def indicator_new(request, pk):
    dimension = _dimension(request, pk)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _try(
            form,
            actions.indicator_save,
            actor=request.user,
            dimension=dimension,
            **_indicator_values(form),
        )
        if done is not None:
            return redirect("evaluation:setup_scheme", pk=dimension.scheme_id)
    return _form_page(
        request,
        form,
        _("添加指标 · %(d)s") % {"d": dimension},
        back=("evaluation:setup_scheme", dimension.scheme_id),
        status=400 if form.errors else 200,
    )


@login_required
def indicator_edit(request, pk):
    _manager(request)
    indicator = access.get_or_404(Indicator.objects.select_related("dimension"), pk=pk)
    initial = {f: getattr(indicator, f) for f in actions.INDICATOR_FIELDS}
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _try(
            form,
            actions.indicator_save,
            actor=request.user,
            dimension=indicator.dimension,
            indicator=indicator,
            **_indicator_values(form),
        )
        if done is not None:
            return redirect("evaluation:setup_scheme", pk=indicator.dimension.scheme_id)
    return _form_page(
        request,
        form,
        _("修改指标"),
        back=("evaluation:setup_scheme", indicator.dimension.scheme_id),
        status=400 if form.errors else 200,
    )
