"""What is evaluated, by which scheme, over which period."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jieyou.people.models import Unit
from jieyou.places.models import Area


def default_grade_bands() -> dict:
    # Lower bounds of each grade on the 0–100 total; below the last is 较差.
    return {"优秀": 90, "良好": 80, "一般": 60}


class Cycle(models.Model):
    class Period(models.TextChoices):
        YEAR = "year", _("年度")
        HALF = "half", _("半年")
        QUARTER = "quarter", _("季度")

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备")
        OPEN = "open", _("进行中")
        PUBLISHED = "published", _("公示中")
        LOCKED = "locked", _("已锁定")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    period = models.CharField(_("周期"), max_length=8, choices=Period.choices)
    starts = models.DateField(_("起始日期"))
    ends = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # Weights of the three sources in the composite: 定量 / 实看 / 民评 (sum to 1).
    quantitative_weight = models.DecimalField(
        _("定量权重"), max_digits=4, decimal_places=3, default=Decimal("0.4")
    )
    inspection_weight = models.DecimalField(
        _("实看权重"), max_digits=4, decimal_places=3, default=Decimal("0.2")
    )
    survey_weight = models.DecimalField(
        _("民评权重"), max_digits=4, decimal_places=3, default=Decimal("0.4")
    )
    grade_bands = models.JSONField(_("等次分数线"), default=default_grade_bands)
    min_ballots = models.PositiveSmallIntegerField(_("最少样本数"), default=10)
    published_at = models.DateTimeField(_("公示开始"), null=True, blank=True)
    publication_ends = models.DateTimeField(_("公示截止"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts"]
        verbose_name = _("考核周期")
        verbose_name_plural = _("考核周期")

    def __str__(self):
        return self.name


class Scheme(models.Model):
    """The indicator tree for one post type (社区书记, 镇长 …)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    post_type = models.CharField(_("岗位类型"), max_length=50)
    description = models.TextField(_("说明"), blank=True)
    # The pairwise matrix of the dimensions, when their weights come from AHP.
    ahp_matrix = models.JSONField(_("判断矩阵"), null=True, blank=True)
    ahp_cr = models.DecimalField(
        _("一致性比率"), max_digits=6, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")

    def __str__(self):
        return self.name


class Dimension(models.Model):
    class Code(models.TextChoices):
        ECONOMY = "economy", _("经济")
        EDUCATION = "education", _("教育")
        CULTURE = "culture", _("文化")
        ENVIRONMENT = "environment", _("环境")
        LIVELIHOOD = "livelihood", _("民生")
        GOVERNANCE = "governance", _("治理")
        PARTY = "party", _("党建")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(_("维度"), max_length=16, choices=Code.choices)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=4)
    # The pairwise matrix of this dimension's indicators, when their weights come from AHP.
    ahp_matrix = models.JSONField(_("判断矩阵"), null=True, blank=True)
    ahp_cr = models.DecimalField(
        _("一致性比率"), max_digits=6, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["scheme_id", "id"]
        verbose_name = _("考核维度")
        verbose_name_plural = _("考核维度")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="dimension_unique"),
        ]

    def __str__(self):
        return self.get_code_display()


class Indicator(models.Model):
    class Kind(models.TextChoices):
        QUANTITY = "quantity", _("数量")
        QUALITY = "quality", _("质量")
        EFFECT = "effect", _("效益")

    class Visibility(models.TextChoices):
        VISIBLE = "visible", _("显绩")
        LATENT = "latent", _("潜绩")

    class Direction(models.TextChoices):
        BENEFIT = "benefit", _("越高越好")
        COST = "cost", _("越低越好")

    class Source(models.TextChoices):
        RESPONSE_RATE = "response_rate", _("诉求响应率")
        RESOLUTION_RATE = "resolution_rate", _("诉求解决率")
        SATISFACTION_RATE = "satisfaction_rate", _("诉求满意率")
        OVERDUE = "overdue", _("超期诉求数")
        VISIT_COVERAGE = "visit_coverage", _("入户走访覆盖率")
        SUGGESTIONS_RESOLVED = "suggestions_resolved", _("议事建议解决数")
        PARTY_COMPLIANCE = "party_compliance", _("三会一课完成率")
        PARTY_FIGURE = "party_figure", _("党建台账计数")
        REPORTED = "reported", _("单位填报")

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    visibility = models.CharField(_("显绩/潜绩"), max_length=8, choices=Visibility.choices)
    direction = models.CharField(
        _("方向"), max_length=8, choices=Direction.choices, default=Direction.BENEFIT
    )
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    source = models.CharField(_("数据来源"), max_length=32, choices=Source.choices)
    # For PARTY_FIGURE: the figure's name in party.queries.FIGURES.
    source_key = models.CharField(_("来源参数"), max_length=50, blank=True)
    weight = models.DecimalField(_("维度内权重"), max_digits=6, decimal_places=4)
    target = models.FloatField(_("目标值"))
    floor = models.FloatField(_("底线值"))
    # Relative gap between a reported and an observed figure above which it is 数据失真.
    tolerance = models.FloatField(_("核查容差"), default=0.1)

    class Meta:
        ordering = ["dimension_id", "id"]
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="indicator_unique"),
        ]

    def __str__(self):
        return self.name


class Subject(models.Model):
    """A cadre in a post, or a unit or community, evaluated in one cycle."""

    class Kind(models.TextChoices):
        CADRE = "cadre", _("干部")
        UNIT = "unit", _("单位")
        COMMUNITY = "community", _("社区")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="subjects")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="subjects")
    kind = models.CharField(_("对象类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    # The account of the cadre evaluated: the guards keep this user away from everything
    # that feeds the score.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被考核人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    # Where the records-based figures are counted (the community a secretary leads).
    area = models.ForeignKey(
        Area, verbose_name=_("考核区域"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        ordering = ["cycle_id", "name"]
        verbose_name = _("考核对象")
        verbose_name_plural = _("考核对象")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="subject_unique_in_cycle"),
        ]

    def __str__(self):
        return self.name


class RaterGroup(models.Model):
    """Who judges (the public served, related departments, supervising units, peers) and how
    much their judgement weighs; fixed once the survey opens."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("服务对象（群众）")
        DEPARTMENTS = "departments", _("相关部门")
        SUPERVISORS = "supervisors", _("上级主管单位")
        PEERS = "peers", _("同级")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="rater_groups")
    kind = models.CharField(_("评价群体"), max_length=16, choices=Kind.choices)
    weight = models.DecimalField(_("权重"), max_digits=4, decimal_places=3)

    class Meta:
        ordering = ["cycle_id", "id"]
        verbose_name = _("评价群体")
        verbose_name_plural = _("评价群体")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="rater_group_unique"),
        ]

    def __str__(self):
        return self.get_kind_display()
