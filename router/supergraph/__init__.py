"""The supergraph: parsed join data per subgraph, and the API schema clients see."""

from router.supergraph.model import FieldDef, FieldJoin, Graph, Supergraph, TypeDef, TypeJoin, TypeKind
from router.supergraph.parse import parse_supergraph

__all__ = [
    "FieldDef",
    "FieldJoin",
    "Graph",
    "Supergraph",
    "TypeDef",
    "TypeJoin",
    "TypeKind",
    "parse_supergraph",
]
