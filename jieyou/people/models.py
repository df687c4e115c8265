from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jieyou.places.models import Area, Grid


class Unit(models.Model):
    """A body that handles concerns: the law-enforcement team, a property company, a bureau."""

    class Kind(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", _("执法队")
        PROPERTY = "property", _("物业公司")
        BUREAU = "bureau", _("政府部门")
        COMMUNITY = "community", _("社区居委会")
        TOWN = "town", _("镇（街道）")
        ENTERPRISE = "enterprise", _("企业")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="units"
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self):
        return self.name


class Staff(models.Model):
    """A staff account's role and where it works; access.py turns this into a scope."""

    class Role(models.TextChoices):
        COUNTY_ADMIN = "county_admin", _("县级管理员")
        COMMUNITY_SECRETARY = "community_secretary", _("社区书记")
        COMMUNITY_STAFF = "community_staff", _("社区工作人员")
        GRID_WORKER = "grid_worker", _("网格员")
        UNIT_HANDLER = "unit_handler", _("单位经办人")
        EVALUATOR = "evaluator", _("考核评价人员")
        AUDITOR = "auditor", _("审计员")
        SECURITY_ADMIN = "security_admin", _("安全管理员")

    class Employment(models.TextChoices):
        FULL_TIME = "full", _("专职")
        PART_TIME = "part", _("兼职")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("工作区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    grids = models.ManyToManyField(
        Grid, verbose_name=_("负责网格"), blank=True, related_name="workers"
    )
    employment = models.CharField(_("专兼职"), max_length=8, choices=Employment.choices, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        ordering = ["role", "name"]
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class Tag(models.Model):
    """A label on a resident that decides care and outreach: 独居老人, 残疾, 低保 …"""

    name = models.CharField(_("标签"), max_length=20, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("居民标签")
        verbose_name_plural = _("居民标签")

    def __str__(self):
        return self.name


class Household(models.Model):
    """A dwelling: a room in a building. Residents who share it form the household."""

    building = models.ForeignKey(
        Area,
        verbose_name=_("楼栋"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"kind": Area.Kind.BUILDING},
    )
    room = models.CharField(_("房号"), max_length=20)

    class Meta:
        ordering = ["building_id", "room"]
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        constraints = [
            models.UniqueConstraint(fields=["building", "room"], name="household_unique_room"),
        ]

    def __str__(self):
        return f"{self.building.name}{self.room}"


class Resident(models.Model):
    """A person served. Phone and ID number are stored once and shown masked."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(max_length=50, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, db_index=True)
    id_number = models.CharField(_("身份证号"), max_length=18, null=True, blank=True, unique=True)
    # The finest known place (building, else compound or community): it decides who may see.
    area = models.ForeignKey(
        Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="residents"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="residents")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        indexes = [models.Index(fields=["name", "phone"], name="resident_name_phone")]

    def __str__(self):
        return self.name


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return self.name


class RosterImport(models.Model):
    """One roster upload and its outcome, kept so that the error list can be downloaded."""

    class Status(models.TextChoices):
        REJECTED = "rejected", _("未导入（有错误）")
        IMPORTED = "imported", _("已导入")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roster_imports"
    )
    community = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    duplicates = models.JSONField(default=list)
    errors = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name


class ApiClient(models.Model):
    """A system that reports on residents' behalf (Open311 `api_key`): a 12345 platform, a
    mini-program. It may submit concerns and read their public status, nothing more."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接入系统")
        verbose_name_plural = _("接入系统")

    def __str__(self):
        return self.name
