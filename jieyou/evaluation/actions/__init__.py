"""Every state change of an evaluation, one module per stage
(`from jieyou.evaluation.actions import surveys`)."""
