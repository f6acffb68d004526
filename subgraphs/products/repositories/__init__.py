"""The products subgraph's SQL: the catalogue (categories, products) and stock (counts, the ledger,
reservations)."""
