"""Plumbing shared by every subgraph: settings, database, Redis, auth, loaders, logging, the app factory.

Nothing here knows about a particular subgraph; each subgraph passes its own settings and schema in.
"""
