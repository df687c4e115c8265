"""Where members lead by example: demonstration posts, commando teams, responsibility zones."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .ledger import PartyMember, PartyOrg


class _Served(models.Model):
    """Something an organisation set up, with its members and the period it stood."""

    name = models.CharField(_("名称"), max_length=100)
    org = models.ForeignKey(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT)
    members = models.ManyToManyField(PartyMember, verbose_name=_("党员"), blank=True)
    started_on = models.DateField(_("设立日期"))
    ended_on = models.DateField(_("撤销日期"), null=True, blank=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-started_on", "name"]

    def __str__(self):
        return self.name


class ModelPost(_Served):
    class Meta(_Served.Meta):
        verbose_name = _("党员示范岗")
        verbose_name_plural = _("党员示范岗")


class CommandoTeam(_Served):
    class Meta(_Served.Meta):
        verbose_name = _("党员突击队")
        verbose_name_plural = _("党员突击队")


class ResponsibilityZone(_Served):
    class Meta(_Served.Meta):
        verbose_name = _("党员责任区")
        verbose_name_plural = _("党员责任区")
