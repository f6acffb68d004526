"""Fault injection: real Redis, PostgreSQL and service processes stopped, restarted and killed."""
