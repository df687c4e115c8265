"""Sign-in, the lockout page and password change.

Audit records for signing in and out come from people.signin_audit; the lockout itself
is axes' (settings.AXES_*), which calls `locked_out` to draw its page.
"""

import math

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import actions


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("用户名或密码不正确，请重新输入。"),
        "inactive": gettext_lazy("该账号已停用，请联系管理员。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = gettext_lazy("用户名")
        self.fields["password"].label = gettext_lazy("密码")


class SignInView(auth_views.LoginView):
    template_name = "people/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """The page axes shows for a locked account, with the minutes left until it opens."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = math.ceil(cool_off.total_seconds() / 60)
    last = AccessAttempt.objects.filter(username=username).aggregate(at=Max("attempt_time"))["at"]
    if last is not None:
        left = (last + cool_off - timezone.now()).total_seconds()
        minutes = max(1, min(minutes, math.ceil(left / 60)))
    return render(
        request,
        "people/locked_out.html",
        {"minutes": minutes, "username": username},
        status=429,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "people/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        actions.password_change(
            actor=self.request.user, user=form.user, password=form.cleaned_data["new_password1"]
        )
        # Keeps this session signed in; other sessions of the user end with the old password.
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "people/password_change_done.html"
