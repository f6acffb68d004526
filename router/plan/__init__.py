"""Plan data: the normalized operation, its selections and the query plan nodes.

Plain immutable records that the planner produces and the executor, limits, demand control and
introspection read; nothing here knows how a plan is made (that is `router.planner`).
"""
