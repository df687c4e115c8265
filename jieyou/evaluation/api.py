"""/api/v1/evaluation/: setup, figures, inspections and results for evaluators; a subject
reads only their own published result."""

from ninja import Router

from .inspection_api import router as inspection
from .result_api import router as result
from .setup_api import router as setup
from .survey_api import router as survey

router = Router(tags=["政绩考核"])
router.add_router("", setup)
router.add_router("/inspections", inspection)
router.add_router("/surveys", survey)
router.add_router("", result)
