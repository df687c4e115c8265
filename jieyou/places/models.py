from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """A node of the place tree: county → town/street → community/village → compound → building.

    `path` is the materialised chain of ids (`/1/4/17/`), so that "everything under this
    area" is one indexed prefix match; actions keep it right when the tree changes.
    """

    class Kind(models.TextChoices):
        COUNTY = "county", _("县")
        TOWN = "town", _("镇（街道）")
        COMMUNITY = "community", _("社区（村）")
        COMPOUND = "compound", _("小区")
        BUILDING = "building", _("楼栋")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("层级"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(
        _("区划代码"),
        max_length=12,
        blank=True,
        help_text=_("县填6位 GB/T 2260 代码；镇（街道）和社区（村）填12位统计用区划代码"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="area_code_unique"
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="area_name_unique_in_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]


class Grid(models.Model):
    """A unit of responsibility inside a community, covering compounds or buildings."""

    community = models.ForeignKey(
        Area,
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"kind": Area.Kind.COMMUNITY},
    )
    name = models.CharField(_("网格名称"), max_length=100)
    code = models.CharField(_("网格编码"), max_length=32, blank=True)
    areas = models.ManyToManyField(
        Area,
        verbose_name=_("覆盖小区或楼栋"),
        related_name="covering_grids",
        blank=True,
        limit_choices_to={"kind__in": [Area.Kind.COMPOUND, Area.Kind.BUILDING]},
    )

    class Meta:
        ordering = ["community_id", "name"]
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="grid_name_unique"),
        ]

    def __str__(self):
        return f"{self.community.name}·{self.name}"
