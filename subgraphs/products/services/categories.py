"""The category tree's use cases: reading it once per request, and admins' changes to its shape.

Changes to the shape take the tree's advisory lock first, so two concurrent moves cannot make a cycle.
"""

from __future__ import annotations

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import require_role
from subgraphs.common.errors import BadUserInputError, ConflictError, NotFoundError
from subgraphs.common.model_inputs import given
from subgraphs.products.caches import TREE_KEY, ProductCaches
from subgraphs.products.category_tree import CategoryTree, LastDecodedTree
from subgraphs.products.deps import ProductsDeps
from subgraphs.products.models import CategoryRecord, CategoryTreeSnapshot
from subgraphs.products.repositories import catalogue
from subgraphs.products.schemas import CategoryCreate, CategoryUpdate
from subgraphs.products.services import STAFF

# Process-wide, as the bytes it is keyed by are the same for every request and app that read them.
LAST_TREE = LastDecodedTree()


async def load_category_tree(*, session: AsyncSession, caches: ProductCaches) -> CategoryTree:
    """The tree from Redis (decoded again only when its bytes changed), or from one SQL query (then
    cached)."""
    raw = await caches.category_tree.get_raw(TREE_KEY)
    tree = LAST_TREE.of(raw) if raw is not None else None
    if tree is not None:
        return tree
    snapshot = CategoryTreeSnapshot(categories=await catalogue.list_categories(session=session))
    await caches.category_tree.put_many({TREE_KEY: snapshot})
    return CategoryTree(snapshot.categories)


async def _locked_tree(deps: ProductsDeps) -> CategoryTree:
    await catalogue.lock_category_tree(session=deps.session)
    return CategoryTree(await catalogue.list_categories(session=deps.session))


async def _saved(deps: ProductsDeps, category: CategoryRecord) -> CategoryRecord:
    await deps.session.commit()
    await deps.caches.forget_category_tree()
    return category


async def create_category(deps: ProductsDeps, new: CategoryCreate) -> CategoryRecord:
    require_role(deps.caller, *STAFF)
    tree = await _locked_tree(deps)
    if new.parent_id is not None and tree.get(new.parent_id) is None:
        raise BadUserInputError("There is no such parent category.", field="parentId")
    return await _saved(deps, await catalogue.insert_category(session=deps.session, values=new.columns()))


async def update_category(
    deps: ProductsDeps, category_id: uuid.UUID, update: CategoryUpdate
) -> CategoryRecord:
    require_role(deps.caller, *STAFF)
    category = await catalogue.update_category(
        session=deps.session, category_id=category_id, changes=given(update)
    )
    if category is None:
        raise NotFoundError("There is no such category.", categoryId=str(category_id))
    return await _saved(deps, category)


async def move_category(
    deps: ProductsDeps, category_id: uuid.UUID, parent_id: uuid.UUID | None
) -> CategoryRecord:
    """Re-parent a category (None makes it a root); refused when it would put it under itself."""
    require_role(deps.caller, *STAFF)
    tree = await _locked_tree(deps)
    if tree.get(category_id) is None:
        raise NotFoundError("There is no such category.", categoryId=str(category_id))
    if parent_id is not None:
        if tree.get(parent_id) is None:
            raise BadUserInputError("There is no such parent category.", field="parentId")
        if tree.is_descendant_or_self(parent_id, of=category_id):
            raise BadUserInputError(
                "A category cannot move under itself or its descendants.", field="parentId"
            )
    category = await catalogue.update_category(
        session=deps.session, category_id=category_id, changes={"parent_id": parent_id}
    )
    if category is None:
        raise NotFoundError("There is no such category.", categoryId=str(category_id))
    return await _saved(deps, category)


async def delete_category(deps: ProductsDeps, category_id: uuid.UUID) -> CategoryRecord:
    """Delete an empty category; one with subcategories or products is refused (move them first)."""
    require_role(deps.caller, *STAFF)
    tree = await _locked_tree(deps)
    category = tree.get(category_id)
    if category is None:
        raise NotFoundError("There is no such category.", categoryId=str(category_id))
    if tree.children(category_id):
        raise ConflictError("The category has subcategories; move or delete them first.")
    if await catalogue.count_products_in_category(session=deps.session, category_id=category_id):
        raise ConflictError("The category has products; move or delete them first.")
    await catalogue.delete_category(session=deps.session, category_id=category_id)
    return await _saved(deps, category)
