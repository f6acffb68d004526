"""`python -m router`: the same as the `gocart-router` command."""

from router.server.cli import main

if __name__ == "__main__":
    main()
