"""The orders subgraph's use cases, by what they do: `checkout`, `lifecycle` (cancel, fulfilment),
`stock_tasks` (what products is still owed), `queries` (listings) and `access` (who sees what)."""
