"""Seeded random operations over an API schema, for property tests of planning and execution."""

from __future__ import annotations

import random

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)


class RandomOperations:
    """Random selections: up to three fields per level, three levels deep, with aliases and fragments.

    Aliases are sometimes the name of another field of the same type, the kind that collides with keys
    the planner adds; operations that turn out invalid are for the caller to skip.
    """

    def __init__(self, seed: int, schema: GraphQLSchema | None = None) -> None:
        self.rng = random.Random(seed)
        self.schema = schema
        self._variables: set[str] = set()

    def operation(self, root: GraphQLObjectType, depth: int = 3) -> str:
        """A whole operation; `@include(if: $yes)`/`@skip(if: $no)` use variables with defaults."""
        self._variables = set()
        body = self.selection(root, depth)
        declared = {"yes": "$yes: Boolean = true", "no": "$no: Boolean = false"}
        definitions = ", ".join(declared[name] for name in sorted(self._variables))
        return f"query ({definitions}) {body}" if definitions else f"query {body}"

    def selection(self, named: GraphQLNamedType, depth: int) -> str:
        if isinstance(named, GraphQLUnionType):
            members = self.rng.sample(named.types, k=min(len(named.types), 2))
            fragments = [f"... on {member.name} {self.selection(member, depth)}" for member in members]
            return "{ __typename " + " ".join(fragments) + " }"
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        fields = self.rng.sample(list(named.fields.items()), k=min(len(named.fields), self.rng.randint(1, 3)))
        parts = [self.field(name, field, depth, list(named.fields)) for name, field in fields]
        if isinstance(named, GraphQLInterfaceType) and self.schema is not None and self.rng.random() < 0.5:
            implementations = self.schema.get_possible_types(named)
            if implementations:
                implementation = self.rng.choice(implementations)
                parts.append(f"... on {implementation.name} {self.selection(implementation, depth)}")
        body = " ".join(part for part in parts if part)
        if self.rng.random() < 0.2:
            body = f"... on {named.name} {{ {body} }}"
        return "{ " + body + " __typename }"

    def field(self, name: str, field: GraphQLField, depth: int, siblings: list[str]) -> str:
        arguments = ", ".join(
            f"{arg_name}: {self._literal(str(arg.type))}"
            for arg_name, arg in field.args.items()
            if isinstance(arg.type, GraphQLNonNull)
        )
        head = f"{name}({arguments})" if arguments else name
        roll = self.rng.random()
        if roll < 0.15:
            head = f"{self.rng.choice(siblings)}: {head}"
        elif roll < 0.3:
            head = f"alias{self.rng.randint(1, 99)}: {head}"
        roll = self.rng.random()
        if roll < 0.1:
            head += " @include(if: $yes)"
            self._variables.add("yes")
        elif roll < 0.2:
            head += " @skip(if: $no)"
            self._variables.add("no")
        elif roll < 0.25:
            head += " @include(if: false)"
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            return head
        return f"{head} {self.selection(inner, depth - 1)}" if depth > 0 else ""

    @staticmethod
    def _literal(type_name: str) -> str:
        return '"x"' if "String" in type_name or "ID" in type_name else "1"
