from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jieyou.people.models import Resident, Unit
from jieyou.places.models import Area


class Level(models.TextChoices):
    """The escalation ladder."""

    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    TOWN = "town", _("镇（街道）")
    COUNTY = "county", _("县")


class Category(models.Model):
    """A kind of concern with its default handling and its deadlines."""

    code = models.CharField(_("编码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    default_level = models.CharField(
        _("默认处理层级"), max_length=16, choices=Level.choices, default=Level.GRID
    )
    default_unit = models.ForeignKey(
        Unit, verbose_name=_("默认承办单位"), null=True, blank=True, on_delete=models.SET_NULL
    )
    response_hours = models.PositiveIntegerField(_("响应时限（小时）"), default=24)
    resolution_hours = models.PositiveIntegerField(_("办结时限（小时）"), default=168)
    working_days = models.BooleanField(_("按工作日计时"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")

    def __str__(self):
        return self.name


class Concern(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已受理")
        IN_PROGRESS = "in_progress", _("办理中")
        RESOLVED = "resolved", _("已办结待回访")
        CLOSED = "closed", _("已关闭")
        REJECTED = "rejected", _("不予受理")
        MERGED = "merged", _("已合并")

    class Channel(models.TextChoices):
        QR = "qr", _("扫码自助")
        SERVICE_POINT = "point", _("解忧铺窗口")
        VISIT = "visit", _("入户走访")
        HOTLINE = "hotline", _("热线电话")
        HOTLINE_12345 = "12345", _("12345 工单")
        API = "api", _("接口")
        OPEN311 = "open311", _("Open311")
        MEETING = "meeting", _("议事会")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")

    receipt_code = models.CharField(_("回执码"), max_length=16, unique=True)
    external_id = models.CharField(
        _("外部工单编号"), max_length=64, null=True, blank=True, unique=True
    )
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT)
    description = models.TextField(_("诉求内容"), max_length=4000)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    area = models.ForeignKey(Area, verbose_name=_("发生地点"), on_delete=models.PROTECT)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    reporter = models.ForeignKey(
        Resident, verbose_name=_("反映人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # A resident who reports through the public form has no Resident row; the name they give.
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    level = models.CharField(_("处理层级"), max_length=16, choices=Level.choices)
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_concerns",
    )
    assisting_units = models.ManyToManyField(
        Unit, verbose_name=_("协办单位"), blank=True, related_name="assisted_concerns"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_concerns",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_concerns",
    )
    exempt_reason = models.CharField(_("免考核原因"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)
    response_due = models.DateTimeField(_("响应期限"))
    resolution_due = models.DateTimeField(_("办结期限"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    overdue = models.BooleanField(_("已超期"), default=False, db_index=True)
    # Tallies of this concern's follow-ups, written by concern_follow_up in the transaction
    # that writes the FollowUp row, so that the rates read one table in one pass
    # (docs/rates.md). The FollowUp rows stay the record; the tallies are their sums.
    follow_up_count = models.PositiveIntegerField(_("回访次数"), default=0, editable=False)
    solved_count = models.PositiveIntegerField(_("答已解决次数"), default=0, editable=False)
    satisfied_count = models.PositiveIntegerField(_("答满意次数"), default=0, editable=False)
    basic_count = models.PositiveIntegerField(_("答基本满意次数"), default=0, editable=False)
    unsatisfied_count = models.PositiveIntegerField(_("答不满意次数"), default=0, editable=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        indexes = [models.Index(fields=["area", "submitted_at"], name="concern_area_time")]

    def __str__(self):
        return f"{self.receipt_code} {self.category.name}"

    def count_follow_up(self, *, solved: bool, satisfaction: str) -> dict[str, int]:
        """Add one follow-up to the tallies; returns the changed fields and their values."""
        names = ["follow_up_count"]
        if solved:
            names.append("solved_count")
        if satisfaction in ("satisfied", "basic", "unsatisfied"):
            names.append(f"{satisfaction}_count")
        for name in names:
            setattr(self, name, getattr(self, name) + 1)
        return {name: getattr(self, name) for name in names}


class ConcernEvent(models.Model):
    """The history of a concern: one row per step, never edited or deleted."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("动作"), max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")

    def __str__(self):
        return f"{self.concern_id} {self.action}"


class FollowUp(models.Model):
    """The return visit or call (回访) that confirms a fix and records satisfaction."""

    class Method(models.TextChoices):
        VISIT = "visit", _("上门回访")
        CALL = "call", _("电话回访")
        SELF = "self", _("居民自评")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="follow_ups")
    at = models.DateTimeField(_("回访时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    solved = models.BooleanField(_("是否解决"))
    satisfaction = models.CharField(
        _("满意度"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("回访")
        verbose_name_plural = _("回访")

    def __str__(self):
        return f"{self.concern_id} {self.at:%Y-%m-%d}"


def photo_path(instance, filename):
    # Random names: a photo's address must not be guessable from the concern's number.
    return f"concerns/{instance.concern.submitted_at:%Y/%m}/{instance.token}.jpg"


class ConcernPhoto(models.Model):
    """A photo re-encoded without EXIF or GPS; served only through a scoped view."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("反映时")
        PROGRESS = "progress", _("办理中")
        RESOLUTION = "resolution", _("办结时")

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    image = models.FileField(upload_to=photo_path)
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")

    def __str__(self):
        return self.token


class Notification(models.Model):
    """An item in a staff member's in-app inbox."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("新派单")
        OVERDUE = "overdue", _("已超期")
        REOPENED = "reopened", _("被退回重办")
        FOLLOW_UP_DUE = "follow_up_due", _("待回访")
        MERGED = "merged", _("已合并")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("待办提醒")
        verbose_name_plural = _("待办提醒")
        constraints = [
            # The tick may run every minute; one reminder of a kind per person and concern.
            models.UniqueConstraint(
                fields=["user", "concern", "kind"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_once",
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.concern_id}"
