"""The orders subgraph: checkout, payment simulation, the order state machine and order history."""
