"""The product's settings with one change: the floor's urlconf instead of the product's.

The same middleware, database settings and workers as the product, so that the floor
differs from the measured endpoint only in what the view does.
"""

from jieyou.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_app.urls"
