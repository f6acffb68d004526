"""The planning walk: every selected field assigned to a subgraph, the work grouped into fetch groups."""
