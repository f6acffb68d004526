"""The users subgraph: accounts, sign-in with JWTs, sessions and roles."""
