"""/api/v1/points/: the same lists, the market question and the community figures as the
pages, scoped like them."""

from ninja import Router

from .catalogue_api import router as catalogue
from .figures_api import router as figures
from .market_api import router as market
from .records_api import router as records

router = Router(tags=["解忧铺"])
router.add_router("", catalogue)
router.add_router("/market", market)
router.add_router("", records)
router.add_router("", figures)
