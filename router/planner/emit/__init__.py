"""Emitting fetches: each finished fetch group becomes an immutable `FetchNode` with its operation text."""
