from .ledger import (
    ComplianceRule,
    Enterprise,
    FirmDifficulty,
    MemberEvent,
    PartyActivity,
    PartyMember,
    PartyOrg,
)
from .recognition import Article, BrandProfile, BusinessFigure, Honour, MentorPair, RoleModel
from .responsibility import (
    Decision,
    ResponsibilityCheck,
    ResponsibilityItem,
    ResponsibilityProgress,
)
from .tally import ActivityTally
from .teams import CommandoTeam, ModelPost, ResponsibilityZone

__all__ = [
    "ActivityTally",
    "Article",
    "BrandProfile",
    "BusinessFigure",
    "CommandoTeam",
    "ComplianceRule",
    "Decision",
    "Enterprise",
    "FirmDifficulty",
    "Honour",
    "MemberEvent",
    "MentorPair",
    "ModelPost",
    "PartyActivity",
    "PartyMember",
    "PartyOrg",
    "ResponsibilityCheck",
    "ResponsibilityItem",
    "ResponsibilityProgress",
    "ResponsibilityZone",
    "RoleModel",
]
