"""实看: a random draw of figures and sites to check, and what inspectors saw there."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cycle import Cycle, Subject
from .figures import ReportedFigure


class InspectionPlan(models.Model):
    """One audited draw: the seed is published with the plan, so anyone can redo the draw."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="inspection_plans")
    name = models.CharField(_("名称"), max_length=100)
    share = models.FloatField(_("抽查比例"), default=0.3)
    seed = models.CharField(_("随机种子"), max_length=64, editable=False)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField()

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("实地核查计划")
        verbose_name_plural = _("实地核查计划")

    def __str__(self):
        return self.name


class InspectionTask(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待核查")
        DONE = "done", _("已核查")

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="tasks")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="inspection_tasks")
    # A reported figure to check, or a site to see (then figure is empty).
    figure = models.ForeignKey(
        ReportedFigure, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    site = models.CharField(_("核查地点"), max_length=200, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_tasks"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ASSIGNED
    )

    class Meta:
        ordering = ["plan_id", "id"]
        verbose_name = _("核查任务")
        verbose_name_plural = _("核查任务")

    def __str__(self):
        return f"{self.subject} · {self.figure or self.site}"


class Inspection(models.Model):
    task = models.OneToOneField(InspectionTask, on_delete=models.PROTECT, related_name="inspection")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    inspected_at = models.DateTimeField(_("核查时间"))
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    findings = models.TextField(_("核查发现"), max_length=4000)
    observed_value = models.FloatField(_("核实值"), null=True, blank=True)
    # {criterion: score 0–100}: 现场真实性, 群众知晓度 … as the plan's checklist names them.
    criterion_scores = models.JSONField(_("评分"), default=dict)
    # Reported and observed differ by more than the indicator's tolerance.
    distorted = models.BooleanField(_("数据失真"), default=False)

    class Meta:
        ordering = ["-inspected_at"]
        verbose_name = _("实地核查")
        verbose_name_plural = _("实地核查")

    def __str__(self):
        return f"{self.task} {self.inspected_at:%Y-%m-%d}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    image = models.ImageField(upload_to="inspections/%Y/%m/")
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.inspection_id}/{self.pk}"
