"""Figures a unit reports (economy, education, culture, environment), with evidence, checked
by a second person; the subject never enters or edits their own."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cycle import Indicator, Subject


class ReportedFigure(models.Model):
    class Status(models.TextChoices):
        ENTERED = "entered", _("待核验")
        VERIFIED = "verified", _("已核验")
        RETURNED = "returned", _("退回")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="figures")
    baseline = models.FloatField(_("基期值"), null=True, blank=True)
    value = models.FloatField(_("填报值"))
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["subject_id", "indicator_id"]
        verbose_name = _("填报数据")
        verbose_name_plural = _("填报数据")
        constraints = [
            models.UniqueConstraint(fields=["subject", "indicator"], name="figure_unique"),
        ]

    def __str__(self):
        return f"{self.subject} · {self.indicator}"


class Evidence(models.Model):
    figure = models.ForeignKey(ReportedFigure, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name
