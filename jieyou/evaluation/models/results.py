"""What scoring produced, with the numbers behind every point, and appeals against it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cycle import Cycle, Indicator, Scheme, Subject


class Result(models.Model):
    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="result")
    quantitative = models.FloatField(_("定量得分"), null=True)
    inspection = models.FloatField(_("实看得分"), null=True)
    survey = models.FloatField(_("民评得分"), null=True)
    total = models.FloatField(_("总分"), null=True)
    low = models.FloatField(_("区间下限"), null=True)
    high = models.FloatField(_("区间上限"), null=True)
    grade = models.CharField(_("等次"), max_length=8, blank=True)
    # The interval crosses a grade line: shown as such, not silently placed.
    straddles = models.BooleanField(_("跨等次"), default=False)
    rank = models.PositiveIntegerField(_("名次"), null=True)
    # Subjects whose intervals overlap share a tie group and are shown as tied.
    tie_group = models.PositiveIntegerField(null=True)
    ballots = models.PositiveIntegerField(_("有效票数"), default=0)
    # The numbers behind every point, each kept once (actions/scoring.py, layout 2): per
    # indicator of the subject's ScoredScheme the figure counted, its attainment and where it
    # came from; the inspections; the survey groups' counts. The score sheet (views/sheet.py
    # `explained`) works out the rest.
    breakdown = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["rank", "subject_id"]
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")

    def __str__(self):
        return f"{self.subject} {self.total}"


class ScoredScheme(models.Model):
    """A scheme as the cycle's last scoring used it — per indicator its source, weight,
    target and floor; its dimensions' weights and CRs; the cycle's source weights — kept once
    for all its subjects, whose Result breakdowns list their figures in this order."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    columns = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "scheme"], name="scored_scheme_unique"),
        ]

    def __str__(self):
        return f"{self.cycle} · {self.scheme}"


class Appeal(models.Model):
    class Status(models.TextChoices):
        FILED = "filed", _("待复核")
        UPHELD = "upheld", _("申诉成立")
        DISMISSED = "dismissed", _("维持原结果")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="appeals")
    reasons = models.TextField(_("申诉理由"), max_length=4000)
    evidence = models.FileField(_("证明材料"), upload_to="appeals/%Y/%m/", blank=True)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("涉及指标"), null=True, blank=True, on_delete=models.PROTECT
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.FILED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(_("复核意见"), max_length=4000, blank=True)
    # An upheld appeal's corrections, applied by every later scoring (see
    # actions/publication.py): [{"kind": "figure", "indicator": id, "value": x} |
    # {"kind": "inspection", "inspection": id}]. The records they correct stay as they were.
    corrections = models.JSONField(_("更正事项"), default=list, blank=True)
    total_before = models.FloatField(null=True, blank=True)
    total_after = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")

    def __str__(self):
        return f"{self.subject} {self.get_status_display()}"
