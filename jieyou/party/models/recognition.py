"""Mentor pairs, publicity, role models, honours, the brand and the business figures."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .ledger import PartyMember, PartyOrg


class MentorPair(models.Model):
    org = models.ForeignKey(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT)
    mentor = models.ForeignKey(
        PartyMember, verbose_name=_("师傅"), on_delete=models.PROTECT, related_name="+"
    )
    apprentice = models.CharField(_("徒弟"), max_length=50)
    started_on = models.DateField(_("结对日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("师徒结对")
        verbose_name_plural = _("师徒结对")

    def __str__(self):
        return f"{self.mentor}—{self.apprentice}"


class Article(models.Model):
    org = models.ForeignKey(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT)
    title = models.CharField(_("标题"), max_length=200)
    channel = models.CharField(_("刊发渠道"), max_length=100)
    published_on = models.DateField(_("刊发日期"))

    class Meta:
        ordering = ["-published_on"]
        verbose_name = _("宣传稿件")
        verbose_name_plural = _("宣传稿件")

    def __str__(self):
        return self.title


class RoleModel(models.Model):
    org = models.ForeignKey(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT)
    member = models.ForeignKey(PartyMember, verbose_name=_("党员"), on_delete=models.PROTECT)
    title = models.CharField(_("称号"), max_length=100)
    selected_on = models.DateField(_("选树日期"))

    class Meta:
        ordering = ["-selected_on"]
        verbose_name = _("风采人物")
        verbose_name_plural = _("风采人物")

    def __str__(self):
        return f"{self.member} {self.title}"


class Honour(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        REGION = "region", _("自治区级")
        PREFECTURE = "prefecture", _("州（地）级")
        COUNTY = "county", _("县级")
        GROUP = "group", _("集团（系统）内")

    org = models.ForeignKey(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT)
    title = models.CharField(_("荣誉名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    issuer = models.CharField(_("授予单位"), max_length=100)
    awarded_on = models.DateField(_("授予日期"))

    class Meta:
        ordering = ["-awarded_on"]
        verbose_name = _("荣誉奖项")
        verbose_name_plural = _("荣誉奖项")

    def __str__(self):
        return self.title


class BrandProfile(models.Model):
    org = models.OneToOneField(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT)
    name = models.CharField(_("品牌名称"), max_length=50)
    meaning = models.TextField(_("品牌内涵"))
    colours = models.CharField(_("标准色"), max_length=100, blank=True)
    logo = models.FileField(_("标识"), upload_to="party/brands/", blank=True)

    class Meta:
        verbose_name = _("党建品牌")
        verbose_name_plural = _("党建品牌")

    def __str__(self):
        return self.name


class BusinessFigure(models.Model):
    """A yearly business figure (bids won, new contracts, output) kept beside the ledger."""

    org = models.ForeignKey(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("指标"), max_length=50)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=20)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("经营指标")
        verbose_name_plural = _("经营指标")
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "name"], name="business_figure_once")
        ]

    def __str__(self):
        return f"{self.year} {self.name}"
