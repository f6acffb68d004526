"""Progressive `@override`: which `overrideLabel`s are in force for a request, chosen outside the planner.

The planner takes the active label set as an input (`QueryPlanner.plan(operation, labels)`); `draw.py`
decides that set per request, and `labels.py` tells which labels can change one operation's plan, so
the plan cache keys on those only. (Nothing is imported here: `router.config` imports `syntax.py` alone.)
"""
