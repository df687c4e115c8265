"""民评: who was invited, the single-use tokens, and the ballots, kept so that no ballot can be
traced back to a token, a person, an address or an exact time."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cycle import RaterGroup, Subject


class Invitation(models.Model):
    """That a person was invited to rate a subject; it holds no token and no answer."""

    class Channel(models.TextChoices):
        SLIP = "slip", _("纸质评价卡")
        SMS = "sms", _("短信")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="invitations")
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="invitations")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # Why this person is eligible: "诉求已办结 ABC123", "花名册抽样", "相关单位联系人".
    basis = models.CharField(_("遴选依据"), max_length=100)
    channel = models.CharField(_("发放方式"), max_length=8, choices=Channel.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_on = models.DateField()

    class Meta:
        ordering = ["subject_id", "group_id", "id"]
        verbose_name = _("评价邀请")
        verbose_name_plural = _("评价邀请")

    def __str__(self):
        return f"{self.subject} · {self.group}"


class SurveyToken(models.Model):
    """Only the HMAC of a token is kept; spending it deletes the row in one statement."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="tokens")
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("评价码")
        verbose_name_plural = _("评价码")

    def __str__(self):
        return f"{self.subject} · {self.group}"


class Ballot(models.Model):
    """Answers only. A random key, not a sequence, so that insertion order tells nothing."""

    class Answer(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")
        UNKNOWN = "unknown", _("不了解")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="ballots")
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="ballots")
    overall = models.CharField(max_length=16, choices=Answer.choices)
    # {dimension code: answer}
    dimensions = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("评价票")
        verbose_name_plural = _("评价票")

    def __str__(self):
        return f"{self.subject} · {self.group}"


class SurveySignal(models.Model):
    """Signs of a gamed survey, counted apart from the ballots: bursts of answers in a short
    window, many identical answer patterns, many ballots from one device."""

    class Kind(models.TextChoices):
        BURST = "burst", _("短时集中提交")
        PATTERN = "pattern", _("答案模式雷同")
        DEVICE = "device", _("同一设备多次提交")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="signals")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    # A keyed hash of the device or the hour, never the address itself.
    key = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("异常信号")
        verbose_name_plural = _("异常信号")
        constraints = [
            models.UniqueConstraint(fields=["subject", "kind", "key"], name="signal_unique"),
        ]

    def __str__(self):
        return f"{self.subject} {self.get_kind_display()} {self.count}"
