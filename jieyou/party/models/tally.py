"""A rollup of organisational life by organisation, kind and month.

A committee's year-end figures would otherwise read every activity of every branch through
the organisations join; from here they read a few hundred rows (bench/ledger.py). The
activities stay the record: the rows are written by `actions.activity_record` in the
transaction that records the activity and rebuilt from the records by `manage.py
party_tally` (party.tally). Activities are never edited and organisations never move in the
tree; an action that did either would have to rebuild or adjust these rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .ledger import PartyActivity, PartyOrg


class ActivityTally(models.Model):
    # Indexed by the unique key, which starts with it.
    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(_("类型"), max_length=20, choices=PartyActivity.Kind.choices)
    month = models.DateField(_("月份"))  # its first day
    # Activities of the organisation or of any organisation under it; a joint activity of
    # several organisations in the subtree is one activity.
    in_subtree = models.PositiveIntegerField(default=0)
    # Activities the organisation itself took part in (三会一课 is checked per branch).
    own = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("组织生活月度统计")
        verbose_name_plural = _("组织生活月度统计")
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "month"], name="activity_tally_key")
        ]
        # With `own` in the index, the 三会一课 check of a committee's branches reads the
        # index alone (SQLite would otherwise visit the table for every row).
        indexes = [models.Index(fields=["org", "kind", "month", "own"], name="activity_tally_own")]

    def __str__(self):
        return f"{self.org_id} {self.month:%Y-%m} {self.kind} {self.in_subtree}"
