"""The concern state machine: which action may move a concern from which status to which."""

from django.utils.translation import gettext_lazy as _

from .models import Concern, Level

S = Concern.Status
OPEN = (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS)

# action → (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "accept": ((S.SUBMITTED,), S.ACCEPTED),
    "claim": ((S.ACCEPTED, S.IN_PROGRESS), None),
    "dispatch": ((S.ACCEPTED, S.IN_PROGRESS), S.IN_PROGRESS),
    "progress": ((S.ACCEPTED, S.IN_PROGRESS), S.IN_PROGRESS),
    "escalate": (OPEN, None),
    "resolve": ((S.ACCEPTED, S.IN_PROGRESS), S.RESOLVED),
    "follow_up": ((S.RESOLVED,), None),  # closed when solved, back in progress when not
    "reject": ((S.SUBMITTED, S.ACCEPTED), S.REJECTED),
    "merge": (OPEN, S.MERGED),
    "reopen": ((S.RESOLVED, S.CLOSED), S.IN_PROGRESS),
    "exempt": ((*OPEN, S.RESOLVED, S.CLOSED), None),
}

ACTION_LABELS = {
    "submit": _("提交"),
    "accept": _("受理"),
    "claim": _("认领"),
    "dispatch": _("派单"),
    "progress": _("办理进展"),
    "escalate": _("上报"),
    "resolve": _("办结"),
    "follow_up": _("回访"),
    "reject": _("不予受理"),
    "merge": _("合并"),
    "reopen": _("重新办理"),
    "exempt": _("免考核"),
    "overdue": _("超期"),
}

LADDER = [Level.GRID, Level.COMMUNITY, Level.TOWN, Level.COUNTY]


def next_level(level: str) -> str | None:
    i = LADDER.index(level)
    return LADDER[i + 1] if i + 1 < len(LADDER) else None
