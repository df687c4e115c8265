"""解忧铺: service points and what happens at them.

The figures a community reports ("召开业主会议 43 次，收集并解决群众意见建议 79 条", visit
coverage, people served) are never stored: points.queries counts them from these rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jieyou.concerns.models import Concern
from jieyou.people.models import Household, Resident, Unit
from jieyou.places.models import Area, Grid

# ISO weekdays (Monday 1 … Sunday 7), kept as a string of digits ("5" = every Friday,
# "135" = Monday, Wednesday, Friday) so that one column holds a weekly schedule.
WEEKDAYS_HELP = _("每周哪几天：1=周一 … 7=周日，可填多个，如 135")


class ServicePoint(models.Model):
    community = models.ForeignKey(
        Area,
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="service_points",
        limit_choices_to={"kind": Area.Kind.COMMUNITY},
    )
    # The compound it sits in, when it has one: the QR form places concerns there.
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("名称"), max_length=100, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["community_id", "name"]
        verbose_name = _("解忧铺")
        verbose_name_plural = _("解忧铺")

    def __str__(self):
        return self.name


class Zone(models.Model):
    class Kind(models.TextChoices):
        MARKET = "market", _("蔬菜集市区")
        CONSULTATION = "consultation", _("居民议事区")
        MEDIATION = "mediation", _("矛盾调解区")
        SWAP = "swap", _("旧物置换区")
        CLINIC = "clinic", _("公益义诊区")
        HAIRCUT = "haircut", _("爱心义剪区")
        LEGAL = "legal", _("法律咨询区")
        POLICY = "policy", _("政策宣传区")
        HELP = "help", _("“万事帮”区")
        OTHER = "other", _("其他")

    point = models.ForeignKey(
        ServicePoint, verbose_name=_("解忧铺"), on_delete=models.CASCADE, related_name="zones"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["point_id", "kind"]
        verbose_name = _("功能区")
        verbose_name_plural = _("功能区")
        constraints = [
            models.UniqueConstraint(fields=["point", "kind", "name"], name="zone_unique"),
        ]

    def __str__(self):
        return self.name or self.get_kind_display()


class Service(models.Model):
    """One thing a resident can get done at a point, by whom and when."""

    class Provider(models.TextChoices):
        VOLUNTEER = "volunteer", _("志愿者")
        VENDOR = "vendor", _("商户")
        UNIT = "unit", _("单位")
        COMMUNITY = "community", _("社区")

    point = models.ForeignKey(
        ServicePoint, verbose_name=_("解忧铺"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("服务项目"), max_length=50)
    name_pinyin = models.CharField(max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(max_length=50, db_index=True, editable=False)
    provider_kind = models.CharField(_("提供方类型"), max_length=16, choices=Provider.choices)
    provider = models.CharField(_("提供方"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("提供单位"), null=True, blank=True, on_delete=models.SET_NULL
    )
    weekdays = models.CharField(_("服务日"), max_length=7, blank=True, help_text=WEEKDAYS_HELP)
    starts = models.TimeField(_("开始时间"), null=True, blank=True)
    ends = models.TimeField(_("结束时间"), null=True, blank=True)
    schedule_note = models.CharField(_("时间说明"), max_length=100, blank=True)
    price_note = models.CharField(_("收费说明"), max_length=100, blank=True)
    # Where it is given when not at the point itself (the 15-minute circle measures from here).
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["point_id", "name"]
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")

    def __str__(self):
        return self.name


class Market(models.Model):
    """A recurring market at a point ("每周五的解忧集市"), optionally for a season."""

    point = models.ForeignKey(
        ServicePoint, verbose_name=_("解忧铺"), on_delete=models.PROTECT, related_name="markets"
    )
    name = models.CharField(_("名称"), max_length=50)
    weekdays = models.CharField(_("集市日"), max_length=7, help_text=WEEKDAYS_HELP)
    opens = models.TimeField(_("开市时间"), null=True, blank=True)
    closes = models.TimeField(_("闭市时间"), null=True, blank=True)
    first_day = models.DateField(_("起始日期"), null=True, blank=True)
    last_day = models.DateField(_("截止日期"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["point_id", "name"]
        verbose_name = _("集市")
        verbose_name_plural = _("集市")

    def __str__(self):
        return self.name


class MarketClosure(models.Model):
    """A market day that does not take place (weather, holiday)."""

    market = models.ForeignKey(
        Market, verbose_name=_("集市"), on_delete=models.CASCADE, related_name="closures"
    )
    day = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=100)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["market", "day"], name="market_closure_unique"),
        ]

    def __str__(self):
        return f"{self.market} {self.day}"


class SeasonalProduce(models.Model):
    """What the market sells in which months; the page's autumn list replaces the summer one."""

    name = models.CharField(_("品名"), max_length=20, unique=True)
    months = models.CharField(_("上市月份"), max_length=40, help_text=_("如 9,10,11,12"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("时令农产品")
        verbose_name_plural = _("时令农产品")

    def __str__(self):
        return self.name


class Vendor(models.Model):
    name = models.CharField(_("摊主"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    note = models.CharField(_("备注"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("摊主")
        verbose_name_plural = _("摊主")

    def __str__(self):
        return self.name


class VendorRegistration(models.Model):
    """A line in the market book: this vendor brings these products on these market days."""

    market = models.ForeignKey(
        Market, verbose_name=_("集市"), on_delete=models.PROTECT, related_name="registrations"
    )
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("摊主"), on_delete=models.PROTECT, related_name="registrations"
    )
    products = models.CharField(_("品种"), max_length=200)
    stall = models.CharField(_("摊位"), max_length=20, blank=True)
    # One market day when equal; every market day between them otherwise.
    first_day = models.DateField(_("从"))
    last_day = models.DateField(_("至"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_day", "id"]
        verbose_name = _("集市登记")
        verbose_name_plural = _("集市登记")
        indexes = [models.Index(fields=["market", "last_day"], name="registration_market_day")]

    def __str__(self):
        return f"{self.vendor} {self.products}"


class RegisteredProduct(models.Model):
    """A registration's products, one row each under their canonical name, so that the
    question "有卖白菜的吗" is one indexed lookup."""

    registration = models.ForeignKey(
        VendorRegistration, on_delete=models.CASCADE, related_name="product_rows"
    )
    name = models.CharField(max_length=20)
    canonical = models.CharField(max_length=20, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class Meeting(models.Model):
    class Kind(models.TextChoices):
        OWNERS = "owners", _("业主会议")
        RESIDENTS = "residents", _("居民议事会")
        COURTYARD = "courtyard", _("庭院会")

    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="meetings"
    )
    point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("解忧铺"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("日期"), db_index=True)
    attendance = models.PositiveIntegerField(_("参会人数"), default=0)
    topics = models.TextField(_("议题"), max_length=2000)
    minutes = models.TextField(_("会议记录"), max_length=10000, blank=True)
    decisions = models.TextField(_("议定事项"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("议事会议")
        verbose_name_plural = _("议事会议")

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()}"


class MeetingSuggestion(models.Model):
    """A suggestion raised at a meeting; it lives on as a concern (channel "meeting")."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="suggestions")
    concern = models.OneToOneField(Concern, on_delete=models.PROTECT, related_name="suggestion")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return str(self.concern)


class Visit(models.Model):
    class Purpose(models.TextChoices):
        CALL = "call", _("走访")
        POLICY = "policy", _("政策宣传")
        HAZARD = "hazard", _("隐患排查")
        DISPUTE = "dispute", _("矛盾化解")
        CARE = "care", _("关爱帮扶")

    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.PROTECT, related_name="visits"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="visits"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("走访日期"), db_index=True)
    purpose = models.CharField(_("事由"), max_length=16, choices=Purpose.choices)
    findings = models.TextField(_("走访情况"), max_length=4000, blank=True)
    # The phone form's key for this draft: a resend after a dropped network finds the visit
    # it already made instead of making a second one.
    client_key = models.CharField(max_length=64, unique=True)
    concerns = models.ManyToManyField(Concern, blank=True, related_name="visits")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        indexes = [models.Index(fields=["grid", "visited_on"], name="visit_grid_day")]

    def __str__(self):
        return f"{self.visited_on} {self.household}"


class Volunteer(models.Model):
    class Background(models.TextChoices):
        VETERAN_MEMBER = "veteran_member", _("老党员")
        MODEL = "model", _("先进模范")
        CADRE = "cadre", _("社区干部")
        BUILDING_HEAD = "building_head", _("楼栋长")
        GRID_WORKER = "grid_worker", _("网格员")
        RESIDENT_MEMBER = "resident_member", _("居民党员")
        PROPERTY = "property", _("物业人员")
        RESIDENT = "resident", _("群众代表")

    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="volunteers"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    background = models.CharField(_("身份"), max_length=20, choices=Background.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.SET_NULL
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("居民档案"), null=True, blank=True, on_delete=models.SET_NULL
    )
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        ordering = ["community_id", "name"]
        verbose_name = _("解忧智囊团成员")
        verbose_name_plural = _("解忧智囊团成员")

    def __str__(self):
        return self.name


class VolunteerRole(models.Model):
    class Role(models.TextChoices):
        PATROL = "patrol", _("巡逻员")
        MEDIATOR = "mediator", _("调解员")
        INFORMANT = "informant", _("信息员")
        OUTREACH = "outreach", _("宣讲员")
        LIAISON = "liaison", _("联络员")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("职责"), max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "role"], name="volunteer_role_unique"),
        ]

    def __str__(self):
        return self.get_role_display()


class VolunteerActivity(models.Model):
    class Kind(models.TextChoices):
        PATROL = "patrol", _("巡逻")
        MEDIATION = "mediation", _("调解")
        OUTREACH = "outreach", _("宣讲")
        SERVICE = "service", _("志愿服务")
        INFORMATION = "information", _("信息收集")

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    day = models.DateField(_("日期"), db_index=True)
    hours = models.DecimalField(_("时长（小时）"), max_digits=4, decimal_places=1, default=0)
    note = models.CharField(_("内容"), max_length=500, blank=True)
    point = models.ForeignKey(
        ServicePoint, verbose_name=_("解忧铺"), null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("智囊团活动")
        verbose_name_plural = _("智囊团活动")

    def __str__(self):
        return f"{self.volunteer} {self.get_kind_display()} {self.day}"


class Event(models.Model):
    class Kind(models.TextChoices):
        CLINIC = "clinic", _("义诊")
        HAIRCUT = "haircut", _("义剪")
        SWAP = "swap", _("旧物置换")
        SONG_DANCE = "song_dance", _("歌舞")
        SKIT = "skit", _("小品")
        OPERA = "opera", _("戏曲")
        POLICY = "policy", _("政策宣讲")
        LEGAL = "legal", _("法律咨询")
        OTHER = "other", _("其他")

    point = models.ForeignKey(
        ServicePoint, verbose_name=_("解忧铺"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    providers = models.CharField(_("服务提供方"), max_length=200, blank=True)
    people_served = models.PositiveIntegerField(_("服务人次"), default=0)
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")

    def __str__(self):
        return self.title


class ServiceDelivery(models.Model):
    """A service given: how many residents it served that day (代收快递 12 件, 理发 8 人)."""

    service = models.ForeignKey(
        Service, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="deliveries"
    )
    day = models.DateField(_("日期"), db_index=True)
    people = models.PositiveIntegerField(_("服务人次"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")

    def __str__(self):
        return f"{self.service} {self.day}"


class VisitTally(models.Model):
    """The months of a year in which a household was visited, per grid the visits were
    recorded for: bit m - 1 of `months` for month m.

    Households visited over a year of a county would otherwise be the distinct households
    among every visit of the year; from here they are the rows of the year, about one per
    household (bench/points.py). The visits stay the record: the rows are written by
    `actions.visits.visit_record` in the visit's transaction and rebuilt from the visits by
    `manage.py points_tally` (points.tally). Visits are never edited or deleted; an action
    that did either would have to rebuild these rows."""

    # Indexed by the unique key, which starts with it.
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Indexed by visit_tally_grid, which starts with it.
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(_("年份"))
    months = models.PositiveSmallIntegerField(_("走访月份"), default=0)

    class Meta:
        verbose_name = _("入户走访月度统计")
        verbose_name_plural = _("入户走访月度统计")
        constraints = [
            models.UniqueConstraint(fields=["household", "grid", "year"], name="visit_tally_key")
        ]
        indexes = [models.Index(fields=["grid", "year"], name="visit_tally_grid")]

    def __str__(self):
        return f"{self.household_id} {self.grid_id} {self.year} {self.months:012b}"
