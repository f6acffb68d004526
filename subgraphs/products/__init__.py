"""The products subgraph: catalogue, categories, search and inventory."""
