from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jieyou.people"
    label = "people"
    verbose_name = _("人员")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .session_expiry import on_signed_in

        user_logged_in.connect(on_signed_in, dispatch_uid="jieyou.session_clock")
