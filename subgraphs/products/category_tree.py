"""The category tree in memory: parents, children, breadcrumbs and descendants without more SQL.

A shop has at most a few thousand categories, so the whole tree is loaded (and cached) at once and
every question about it is answered here.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

from subgraphs.products.models import CategoryRecord, CategoryTreeSnapshot


class CategoryTree:
    def __init__(self, categories: Iterable[CategoryRecord]) -> None:
        self._by_id = {category.id: category for category in categories}
        self._by_slug = {category.slug: category for category in self._by_id.values()}
        children: defaultdict[uuid.UUID | None, list[CategoryRecord]] = defaultdict(list)
        for category in sorted(self._by_id.values(), key=lambda c: (c.name.lower(), c.id)):
            children[category.parent_id].append(category)
        self._children = children

    def get(self, category_id: uuid.UUID) -> CategoryRecord | None:
        return self._by_id.get(category_id)

    def by_slug(self, slug: str) -> CategoryRecord | None:
        return self._by_slug.get(slug)

    def roots(self) -> list[CategoryRecord]:
        return list(self._children[None])

    def all(self) -> list[CategoryRecord]:
        """Every category, depth first, each parent before its children."""
        ordered: list[CategoryRecord] = []
        seen: set[uuid.UUID] = set()
        stack = list(reversed(self.roots()))
        while stack:
            category = stack.pop()
            if category.id in seen:
                continue
            seen.add(category.id)
            ordered.append(category)
            stack.extend(reversed(self._children[category.id]))
        return ordered

    def children(self, category_id: uuid.UUID) -> list[CategoryRecord]:
        return list(self._children[category_id])

    def ancestors_and_self(self, category_id: uuid.UUID) -> list[CategoryRecord]:
        """The breadcrumb: root first, the category itself last."""
        path: list[CategoryRecord] = []
        current = self._by_id.get(category_id)
        while current is not None and len(path) <= len(self._by_id):
            path.append(current)
            current = self._by_id.get(current.parent_id) if current.parent_id else None
        return list(reversed(path))

    def descendants_and_self(self, category_id: uuid.UUID) -> list[uuid.UUID]:
        """The category and everything under it (each once, even if the data ever held a cycle)."""
        found: list[uuid.UUID] = []
        seen: set[uuid.UUID] = set()
        stack = [category_id]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            found.append(current)
            stack.extend(child.id for child in self._children[current])
        return found

    def is_descendant_or_self(self, candidate: uuid.UUID, of: uuid.UUID) -> bool:
        """Would making `candidate` the parent of `of` close a cycle?"""
        return any(category.id == of for category in self.ancestors_and_self(candidate))


class LastDecodedTree:
    """The tree decoded from the cached JSON this process saw last: most requests read the same
    bytes from Redis, and decoding them and building the tree again cost more than the read.
    Keyed by the exact bytes, so a changed (or invalidated) tree is always decoded afresh."""

    def __init__(self) -> None:
        self._raw: bytes | str | None = None
        self._tree: CategoryTree | None = None

    def of(self, raw: bytes | str) -> CategoryTree | None:
        """The tree those bytes hold; None when they no longer decode (then read from SQL)."""
        if raw != self._raw or self._tree is None:
            try:
                snapshot = CategoryTreeSnapshot.model_validate_json(raw)
            except ValueError:
                return None
            self._raw, self._tree = raw, CategoryTree(snapshot.categories)
        return self._tree
