"""The audit log, for auditors and security administrators only (everyone else gets a 404)."""

import json
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.core.masking import mask_text
from jieyou.core.models import AuditEntry

from . import access, actions

PAGE_SIZE = 50


class AuditFilter(forms.Form):
    action = forms.CharField(
        label=gettext_lazy("操作"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("按开头匹配，如 auth. 为全部登录相关操作"),
    )
    actor = forms.CharField(label=gettext_lazy("操作人"), required=False, max_length=150)
    date_from = forms.DateField(
        label=gettext_lazy("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def filter(self, entries):
        data = self.cleaned_data
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_name__icontains=data["actor"])
        # Dates are local (Asia/Shanghai) calendar days; entries are stored in UTC.
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data["date_to"]:
            end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, zone)
            entries = entries.filter(at__lt=end)
        return entries


@login_required
def audit_log(request):
    if not access.scope_for(request.user).sees_audit_log:
        raise Http404
    if request.method == "POST":
        return _verify(request)
    form = AuditFilter(request.GET or None)
    entries = AuditEntry.objects.order_by("-id")
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        detail = entry.detail
        entry.detail_text = mask_text(json.dumps(detail, ensure_ascii=False)) if detail else ""
    return render(request, "people/audit_log.html", {"form": form, "page": page})


def _verify(request):
    broken = actions.audit_chain_verify(actor=request.user)
    if broken is None:
        messages.success(request, _("审计链完整，未发现改动。"))
    else:
        where = f"#{broken.entry_id}" if broken.entry_id is not None else _("链尾")
        messages.error(
            request,
            _("审计链断裂于%(where)s：%(reason)s") % {"where": where, "reason": broken.reason},
        )
    query = request.GET.urlencode()
    return redirect(f"{request.path}?{query}" if query else request.path)
