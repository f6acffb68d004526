"""The router's edge: small stages every request passes before the gateway plans or fetches anything
(body size, content type, CSRF, client address, the GraphQL request envelope, batching)."""
