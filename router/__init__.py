"""Gocart's Apollo-Federation-2-compatible router: supergraph, planner, executor, server."""
