"""Route modules: products, users, orders."""
