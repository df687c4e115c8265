"""The party-building ledger: organisations, members and their organisational life.

Year-end figures are counted from these records (party.queries); the activities are also
counted per organisation and month in a rollup (models.tally) that the records rebuild.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jieyou.people.models import Unit
from jieyou.places.models import Area


class Enterprise(models.Model):
    """An enterprise or other body whose party work is kept here; small firms, sole traders and
    specialised markets (小个专) are enterprises of those kinds."""

    class Kind(models.TextChoices):
        STATE = "state", _("国有企业")
        PRIVATE = "private", _("民营企业")
        MICRO = "micro", _("小微企业")
        SOLE_TRADER = "sole_trader", _("个体工商户")
        MARKET = "market", _("专业市场")
        PUBLIC = "public", _("机关事业单位")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("所在区域"), null=True, blank=True, on_delete=models.PROTECT
    )
    employees = models.PositiveIntegerField(_("从业人员"), default=0)
    # Members employed here whose membership is kept elsewhere (a community, a hometown branch):
    # the ledger cannot count them, so the registry records them as reported.
    members_elsewhere = models.PositiveIntegerField(_("组织关系在外的党员"), default=0)
    instructor = models.CharField(_("党建指导员"), max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业（单位）")
        verbose_name_plural = _("企业（单位）")

    def __str__(self):
        return self.name


class PartyOrg(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")
        TEMPORARY = "temporary", _("临时党支部")
        JOINT = "joint", _("联合党支部")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("所在企业"), blank=True, related_name="party_orgs"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    area = models.ForeignKey(
        Area, verbose_name=_("所在社区"), null=True, blank=True, on_delete=models.PROTECT
    )
    secretary = models.ForeignKey(
        "PartyMember",
        verbose_name=_("书记"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    founded_on = models.DateField(_("成立日期"))
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")

    def __str__(self):
        return self.name


class PartyMember(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("入党申请人")
        ACTIVIST = "activist", _("入党积极分子")
        CANDIDATE = "candidate", _("发展对象")
        PROBATIONARY = "probationary", _("预备党员")
        FULL = "full", _("正式党员")
        TRANSFERRED_OUT = "out", _("已转出")

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, null=True, blank=True, unique=True)
    org = models.ForeignKey(
        PartyOrg, verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    # The date each step of the pipeline was reached; counted for 发展党员 N 名.
    applied_on = models.DateField(_("递交申请"), null=True, blank=True)
    activist_on = models.DateField(_("确定积极分子"), null=True, blank=True)
    candidate_on = models.DateField(_("确定发展对象"), null=True, blank=True)
    probationary_on = models.DateField(_("接收预备党员"), null=True, blank=True)
    full_on = models.DateField(_("转为正式党员"), null=True, blank=True)
    joined_org_on = models.DateField(_("转入本组织"), null=True, blank=True)
    left_org_on = models.DateField(_("转出"), null=True, blank=True)

    class Meta:
        ordering = ["org_id", "name"]
        verbose_name = _("党员")
        verbose_name_plural = _("党员")

    def __str__(self):
        return self.name


class MemberEvent(models.Model):
    """A member's history: each step and each transfer, never edited."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="events")
    on = models.DateField(_("日期"))
    action = models.CharField(_("事项"), max_length=16)
    from_value = models.CharField(max_length=100, blank=True)
    to_value = models.CharField(max_length=100, blank=True)
    recorded_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.member_id} {self.action}"


class PartyActivity(models.Model):
    """One sitting of organisational life; a joint theme day has several organisations."""

    class Kind(models.TextChoices):
        GENERAL_MEETING = "general_meeting", _("支部党员大会")
        COMMITTEE_MEETING = "committee_meeting", _("支委会")
        GROUP_MEETING = "group_meeting", _("党小组会")
        LESSON = "lesson", _("党课")
        SPECIAL_LESSON = "special_lesson", _("专题党课")
        THEME_DAY = "theme_day", _("主题党日")
        STUDY = "study", _("理论学习/读书班")
        FIRST_TOPIC = "first_topic", _("“第一议题”学习")
        BASE_VISIT = "base_visit", _("参观教育基地")
        TRAINING = "training", _("培训班")
        DEMOCRATIC_LIFE = "democratic_life", _("民主生活会")
        ORG_LIFE = "org_life", _("组织生活会")
        GUIDANCE = "guidance", _("一线指导帮扶")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    topic = models.CharField(_("主题"), max_length=200)
    held_on = models.DateField(_("日期"), db_index=True)
    orgs = models.ManyToManyField(PartyOrg, verbose_name=_("参加党组织"), related_name="activities")
    place = models.CharField(_("地点"), max_length=100, blank=True)
    speaker = models.CharField(_("主讲人"), max_length=50, blank=True)
    attendees = models.ManyToManyField(
        PartyMember, verbose_name=_("参加党员"), blank=True, related_name="activities"
    )
    expected = models.PositiveIntegerField(_("应到人数"), default=0)
    minutes = models.TextField(_("记录"), blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("组织生活")
        verbose_name_plural = _("组织生活")

    def __str__(self):
        return f"{self.held_on} {self.topic}"


class ComplianceRule(models.Model):
    """How often an activity of a kind is required of a branch (三会一课)."""

    class Every(models.TextChoices):
        MONTH = "month", _("每月")
        QUARTER = "quarter", _("每季度")
        HALF = "half", _("每半年")
        YEAR = "year", _("每年")

    kind = models.CharField(
        _("活动类型"), max_length=20, choices=PartyActivity.Kind.choices, unique=True
    )
    every = models.CharField(_("频次"), max_length=8, choices=Every.choices)

    class Meta:
        verbose_name = _("三会一课要求")
        verbose_name_plural = _("三会一课要求")

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_every_display()}"


class FirmDifficulty(models.Model):
    """A difficulty a firm raised at a theme day, answered through the concerns workflow."""

    activity = models.ForeignKey(
        PartyActivity,
        verbose_name=_("主题党日"),
        on_delete=models.PROTECT,
        related_name="difficulties",
    )
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT)
    concern = models.OneToOneField(
        "concerns.Concern", verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("企业困难诉求")
        verbose_name_plural = _("企业困难诉求")

    def __str__(self):
        return f"{self.enterprise} {self.concern_id}"
