from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jieyou.people"
    label = "people"
    verbose_name = _("人员")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import signin_audit
        from .session_expiry import on_signed_in

        user_logged_in.connect(on_signed_in, dispatch_uid="jieyou.session_clock")
        user_logged_in.connect(signin_audit.on_logged_in, dispatch_uid="jieyou.audit_login")
        user_login_failed.connect(signin_audit.on_login_failed, dispatch_uid="jieyou.audit_fail")
        user_logged_out.connect(signin_audit.on_logged_out, dispatch_uid="jieyou.audit_logout")
