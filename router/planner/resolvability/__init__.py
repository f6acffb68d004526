"""What the supergraph allows: which subgraph resolves a field, what one subgraph can do alone, and a
field's type in one subgraph. Questions without planning state, asked by every stage of the walk."""
