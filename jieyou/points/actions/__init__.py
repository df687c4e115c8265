"""Every state change of the service points, one module per kind of record
(`from jieyou.points.actions import market`)."""
