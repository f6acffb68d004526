"""REST compatibility: the documented legacy CRUD endpoints, served from the supergraph through the router."""
