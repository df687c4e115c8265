"""政绩考核: cycles, schemes and subjects; figures from records and from units; on-site
inspections; anonymous surveys; results, publication and appeals."""

from .cycle import Cycle, Dimension, Indicator, RaterGroup, Scheme, Subject
from .figures import Evidence, ReportedFigure
from .inspections import Inspection, InspectionPhoto, InspectionPlan, InspectionTask
from .results import Appeal, Result, ScoredScheme
from .surveys import Ballot, Invitation, SurveySignal, SurveyToken

__all__ = [
    "Appeal",
    "Ballot",
    "Cycle",
    "Dimension",
    "Evidence",
    "Indicator",
    "Inspection",
    "InspectionPhoto",
    "InspectionPlan",
    "InspectionTask",
    "Invitation",
    "RaterGroup",
    "ReportedFigure",
    "Result",
    "Scheme",
    "ScoredScheme",
    "Subject",
    "SurveySignal",
    "SurveyToken",
]
