"""The `gocart` command line: run, migrate and seed the local stack."""
