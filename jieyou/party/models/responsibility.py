"""研究部署 → 责任清单 → 跟踪落实 → 监督检查: decisions, items, progress and checks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .ledger import PartyActivity, PartyOrg


class Decision(models.Model):
    """What a meeting decided; its responsibility items carry it out."""

    org = models.ForeignKey(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT)
    meeting = models.ForeignKey(
        PartyActivity,
        verbose_name=_("研究部署会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    title = models.CharField(_("部署事项"), max_length=200)
    decided_on = models.DateField(_("部署日期"))

    class Meta:
        ordering = ["-decided_on"]
        verbose_name = _("研究部署")
        verbose_name_plural = _("研究部署")

    def __str__(self):
        return self.title


class ResponsibilityItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("推进中")
        DONE = "done", _("已完成")
        RECTIFYING = "rectifying", _("整改中")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="items")
    task = models.CharField(_("任务"), max_length=200)
    measure = models.TextField(_("措施"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        related_name="party_responsibilities",
    )
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("责任清单事项")
        verbose_name_plural = _("责任清单事项")

    def __str__(self):
        return self.task


class ResponsibilityProgress(models.Model):
    item = models.ForeignKey(ResponsibilityItem, on_delete=models.PROTECT, related_name="progress")
    on = models.DateField(_("日期"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("进展"))
    percent = models.PositiveSmallIntegerField(_("完成比例"), default=0)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("跟踪落实")
        verbose_name_plural = _("跟踪落实")

    def __str__(self):
        return f"{self.item_id} {self.on}"


class ResponsibilityCheck(models.Model):
    """A supervisor's check; findings that need fixing carry a deadline to rectify."""

    item = models.ForeignKey(ResponsibilityItem, on_delete=models.PROTECT, related_name="checks")
    on = models.DateField(_("检查日期"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(_("发现问题"))
    needs_rectification = models.BooleanField(_("需要整改"), default=False)
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成"), null=True, blank=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")

    def __str__(self):
        return f"{self.item_id} {self.on}"
