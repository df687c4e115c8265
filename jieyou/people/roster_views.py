"""Roster pages: upload an xlsx, see what was imported or why not, download lists."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jieyou.places.models import Area

from . import access, actions, roster_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_PROBLEMS = 200


def _communities(user):
    return access.areas(user).filter(kind=Area.Kind.COMMUNITY).order_by("path")


def _xlsx_response(write, file_name: str) -> FileResponse:
    """Write into a temporary file (rosters can be large) and send it as a download."""
    # FileResponse closes the file once it has been sent.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        write(spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=file_name, content_type=XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def roster_home(request):
    """Export for anyone who sees residents; the import form for those who may import."""
    scope = access.scope_for(request.user)
    if not (scope.resident_paths or scope.can_import):
        raise Http404
    if request.method == "POST" and not scope.can_import:
        raise Http404
    communities = list(_communities(request.user))
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        chosen = request.POST.get("community") or (
            str(communities[0].pk) if len(communities) == 1 else ""
        )
        if not chosen:
            error = _("请选择要导入的社区")
        elif upload is None:
            error = _("请选择要上传的花名册文件（.xlsx）")
        else:
            community = access.get_or_404(_communities(request.user), pk=chosen)
            record = actions.roster_import(
                actor=request.user, community=community, file_name=upload.name, fileobj=upload
            )
            return redirect("roster:result", pk=record.pk)
    return render(
        request,
        "people/roster_upload.html",
        {
            "can_import": scope.can_import,
            "can_export": bool(scope.resident_paths),
            "communities": communities,
            "imports": access.roster_imports(request.user).select_related("community")[:20],
            "error": error,
        },
    )


@login_required
@require_GET
def roster_result(request, pk):
    record = access.get_or_404(
        access.roster_imports(request.user).select_related("community"), pk=pk
    )
    return render(
        request,
        "people/roster_result.html",
        {
            "record": record,
            "errors": record.errors[:SHOWN_PROBLEMS],
            "duplicates": record.duplicates[:SHOWN_PROBLEMS],
            "shown": SHOWN_PROBLEMS,
        },
    )


@login_required
@require_GET
def roster_problems(request, pk):
    record = access.get_or_404(access.roster_imports(request.user), pk=pk)
    return _xlsx_response(
        lambda f: roster_export.problems_write(record, f),
        _("导入问题清单-%(n)d.xlsx") % {"n": record.pk},
    )


@login_required
@require_GET
def roster_template(request):
    if not access.scope_for(request.user).can_import:
        raise Http404
    community = None
    if request.GET.get("community"):
        community = access.get_or_404(_communities(request.user), pk=request.GET["community"])
    return _xlsx_response(
        lambda f: roster_export.template_write(f, community=community),
        _("居民花名册模板.xlsx"),
    )


@login_required
@require_GET
def roster_download(request):
    if not access.scope_for(request.user).resident_paths:
        raise Http404
    area = None
    if request.GET.get("area"):
        area = access.get_or_404(access.areas(request.user), pk=request.GET["area"])
    return _xlsx_response(
        lambda f: roster_export.residents_write(actor=request.user, fileobj=f, area=area),
        roster_export.export_file_name(area),
    )
