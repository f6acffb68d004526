"""Gocart subgraphs: one package per subgraph, with shared plumbing in `common`."""
