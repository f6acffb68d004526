"""What a custom progressive-override label may look like: a letter, then letters, digits or `_-:./`.

Kept apart from `labels.py` (which needs the planner) so that the router's settings can check labels
without importing graphql-core: `gocart --help` and the settings of every process stay light.
"""

from __future__ import annotations

import re

CUSTOM_LABEL = re.compile(r"[a-zA-Z][a-zA-Z0-9_\-:./]*")
