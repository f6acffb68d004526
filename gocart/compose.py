"""Composing `schema/supergraph.graphql` from the subgraphs' SDL with Apollo's composition.

Composition is a development step: it runs Apollo's `@apollo/composition` (pinned in
`schema/compose/package.json`) on the machine's Node.js. The router only ever reads the composed file.
A hint is an error unless its code and message are accepted on purpose in `accepted-hints.json`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
COMPOSE_DIR = SCHEMA_DIR / "compose"
SUPERGRAPH = SCHEMA_DIR / "supergraph.graphql"


@dataclass(frozen=True)
class SubgraphSource:
    name: str
    url: str
    sdl: str


@dataclass(frozen=True)
class Message:
    code: str
    message: str


@dataclass(frozen=True)
class Composition:
    supergraph_sdl: str | None
    hints: list[Message]
    errors: list[Message]

    def unaccepted_hints(self, accepted: Sequence[Message]) -> list[Message]:
        return [hint for hint in self.hints if hint not in accepted]


class CompositionError(RuntimeError):
    pass


def _node_and_npm() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise CompositionError("Composition needs Node.js and npm on the PATH (development only).")
    return node, npm


def install_composer() -> None:
    """Install the pinned composition packages once (`npm ci`), from the lock file."""
    _, npm = _node_and_npm()
    if (COMPOSE_DIR / "node_modules" / "@apollo" / "composition").is_dir():
        return
    subprocess.run(  # noqa: S603  (fixed arguments)
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=COMPOSE_DIR, check=True, timeout=600
    )


def compose(subgraphs: Sequence[SubgraphSource]) -> Composition:
    """Run Apollo's composition over the subgraphs, in order."""
    node, _ = _node_and_npm()
    install_composer()
    payload = json.dumps([{"name": s.name, "url": s.url, "sdl": s.sdl} for s in subgraphs])
    completed = subprocess.run(  # noqa: S603  (fixed arguments)
        [node, str(COMPOSE_DIR / "compose.mjs")],
        input=payload,
        capture_output=True,
        text=True,
        cwd=COMPOSE_DIR,
        timeout=300,
        check=False,
    )
    if completed.returncode != 0:
        raise CompositionError(f"composition crashed: {completed.stderr.strip()}")
    result = json.loads(completed.stdout)
    return Composition(
        supergraph_sdl=result["supergraphSdl"],
        hints=[Message(**hint) for hint in result["hints"]],
        errors=[Message(**error) for error in result["errors"]],
    )


def accepted_hints() -> list[Message]:
    """Hints we accept on purpose, each with the reason in `why` (only code and message are compared)."""
    entries = json.loads((COMPOSE_DIR / "accepted-hints.json").read_text())
    return [Message(code=entry["code"], message=entry["message"]) for entry in entries]
