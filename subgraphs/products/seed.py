"""Demo data: a category tree and about fifty products with stock.

Ids are derived from slugs and SKUs, so seeding again adds only what is missing and never touches
what an admin has changed since.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from subgraphs.products.caches import ProductCaches
from subgraphs.products.models import Category, MovementKind, Product, StockMovement, utc_now

NAMESPACE = uuid.UUID("6f1c2b1e-93a4-4c55-9d53-5a4f0f1a7c10")

# slug, name, parent slug
CATEGORIES: list[tuple[str, str, str | None]] = [
    ("electronics", "Electronics", None),
    ("phones", "Phones", "electronics"),
    ("laptops", "Laptops", "electronics"),
    ("audio", "Audio", "electronics"),
    ("headphones", "Headphones", "audio"),
    ("speakers", "Speakers", "audio"),
    ("cameras", "Cameras", "electronics"),
    ("home-kitchen", "Home & Kitchen", None),
    ("kitchen", "Kitchen", "home-kitchen"),
    ("furniture", "Furniture", "home-kitchen"),
    ("clothing", "Clothing", None),
    ("mens", "Men", "clothing"),
    ("womens", "Women", "clothing"),
    ("books", "Books", None),
    ("sports-outdoors", "Sports & Outdoors", None),
]

# sku, name, category slug, price, stock, description
PRODUCTS: list[tuple[str, str, str, str, int, str]] = [
    (
        "PH-ORB-12",
        "Orbit 12 Smartphone",
        "phones",
        "799.00",
        40,
        "6.1-inch OLED display, 128 GB, dual camera.",
    ),
    (
        "PH-ORB-12P",
        "Orbit 12 Pro Smartphone",
        "phones",
        "999.00",
        25,
        "Pro camera system, 256 GB, titanium frame.",
    ),
    ("PH-NOVA-5", "Nova 5 Budget Phone", "phones", "249.00", 80, "Big battery, 64 GB, expandable storage."),
    ("PH-FLIP-2", "Flip 2 Foldable Phone", "phones", "1199.00", 10, "Folding screen that fits a pocket."),
    ("PH-CASE-01", "Rugged Phone Case", "phones", "29.99", 200, "Shock-absorbing case with raised edges."),
    (
        "LT-AIR-13",
        "AirLite 13 Ultrabook Laptop",
        "laptops",
        "1099.00",
        20,
        "13-inch, 16 GB RAM, 18-hour battery.",
    ),
    ("LT-PRO-16", "ProBook 16 Laptop", "laptops", "2399.00", 8, "16-inch workstation laptop for creators."),
    (
        "LT-GAME-15",
        "Raptor 15 Gaming Laptop",
        "laptops",
        "1799.00",
        12,
        "144 Hz display, dedicated graphics.",
    ),
    (
        "LT-CHR-11",
        "Chromebook 11 Student Laptop",
        "laptops",
        "299.00",
        60,
        "Light, durable and fast to boot.",
    ),
    (
        "LT-DOCK-01",
        "USB-C Laptop Dock",
        "laptops",
        "149.00",
        45,
        "Two displays, Ethernet and 100 W charging.",
    ),
    (
        "HP-QUIET-3",
        "QuietComfort Wireless Headphones",
        "headphones",
        "349.00",
        30,
        "Noise-cancelling over-ear headphones with 30-hour battery.",
    ),
    (
        "HP-SPORT-1",
        "Sport Wireless Earbuds",
        "headphones",
        "129.00",
        75,
        "Sweat-proof earbuds with ear hooks.",
    ),
    ("HP-STUDIO-7", "Studio 7 Wired Headphones", "headphones", "199.00", 18, "Reference sound for mixing."),
    ("HP-KIDS-2", "Kids Safe Headphones", "headphones", "39.00", 50, "Volume-limited and bendable."),
    (
        "SP-BOOM-2",
        "Boom 2 Bluetooth Speaker",
        "speakers",
        "99.00",
        55,
        "Waterproof speaker with 360-degree sound.",
    ),
    (
        "SP-HOME-5",
        "Home 5 Smart Speaker",
        "speakers",
        "179.00",
        35,
        "Voice assistant and room-filling sound.",
    ),
    (
        "SP-BAR-9",
        "Cinema 9 Soundbar",
        "speakers",
        "499.00",
        14,
        "Dolby Atmos soundbar with wireless subwoofer.",
    ),
    ("CM-MIRR-24", "Alpha 24 Mirrorless Camera", "cameras", "1499.00", 9, "24 MP full-frame, 4K video."),
    ("CM-ACT-4", "Action 4 Camera", "cameras", "349.00", 22, "Stabilised 4K action camera, waterproof."),
    ("CM-INST-1", "Instant Film Camera", "cameras", "89.00", 40, "Prints photos in seconds."),
    ("CM-LENS-50", "50mm f/1.8 Prime Lens", "cameras", "249.00", 16, "Bright portrait lens."),
    (
        "KT-KETL-1",
        "Electric Kettle 1.7 L",
        "kitchen",
        "49.00",
        70,
        "Boils in under four minutes, auto shut-off.",
    ),
    ("KT-PAN-28", "Cast Iron Skillet 28 cm", "kitchen", "59.00", 35, "Pre-seasoned, oven-safe skillet."),
    ("KT-KNIFE-8", "Chef's Knife 8-inch", "kitchen", "89.00", 28, "Forged German steel."),
    ("KT-BLEND-2", "PowerBlend Blender", "kitchen", "129.00", 24, "1200 W blender with glass jar."),
    ("KT-COFF-3", "Pour-Over Coffee Set", "kitchen", "45.00", 42, "Dripper, carafe and filters."),
    ("KT-ESPR-1", "Barista Espresso Machine", "kitchen", "649.00", 6, "15-bar pump with steam wand."),
    ("FN-DESK-1", "Standing Desk", "furniture", "449.00", 11, "Electric height-adjustable desk, 140 cm."),
    ("FN-CHAIR-2", "Ergonomic Office Chair", "furniture", "329.00", 15, "Lumbar support and mesh back."),
    ("FN-SHELF-5", "Oak Bookshelf", "furniture", "189.00", 9, "Five shelves in solid oak."),
    ("FN-LAMP-3", "Arc Floor Lamp", "furniture", "119.00", 20, "Dimmable arc lamp with marble base."),
    ("CL-TEE-M", "Organic Cotton T-Shirt (Men)", "mens", "19.99", 150, "Soft, breathable organic cotton."),
    ("CL-JEAN-M", "Slim Fit Jeans (Men)", "mens", "59.00", 90, "Stretch denim, slim fit."),
    ("CL-JACK-M", "Rain Jacket (Men)", "mens", "129.00", 30, "Waterproof, breathable shell."),
    ("CL-TEE-W", "Organic Cotton T-Shirt (Women)", "womens", "19.99", 140, "Relaxed fit organic cotton."),
    ("CL-DRESS-W", "Linen Summer Dress", "womens", "79.00", 40, "Lightweight linen dress."),
    ("CL-COAT-W", "Wool Coat (Women)", "womens", "229.00", 12, "Tailored wool-blend coat."),
    ("CL-SNKR-U", "Everyday Sneakers", "clothing", "89.00", 65, "Comfortable sneakers for every day."),
    ("BK-PYTH-1", "Fluent Python", "books", "59.99", 25, "Clear, concise and effective programming."),
    (
        "BK-DDIA-1",
        "Designing Data-Intensive Applications",
        "books",
        "49.99",
        30,
        "The big ideas behind reliable, scalable systems.",
    ),
    ("BK-GQL-1", "Production Ready GraphQL", "books", "39.99", 20, "Designing and running GraphQL APIs."),
    ("BK-COOK-1", "Salt Fat Acid Heat", "books", "35.00", 18, "Mastering the elements of good cooking."),
    ("BK-NOVEL-1", "The Midnight Library", "books", "16.99", 45, "A novel about the lives we could live."),
    ("SO-TENT-2", "Trail 2 Backpacking Tent", "sports-outdoors", "279.00", 10, "Two-person, 1.6 kg tent."),
    (
        "SO-BOTL-1",
        "Insulated Water Bottle",
        "sports-outdoors",
        "29.00",
        120,
        "Keeps drinks cold for 24 hours.",
    ),
    ("SO-YOGA-1", "Yoga Mat", "sports-outdoors", "39.00", 60, "Non-slip, 6 mm cushioning."),
    ("SO-BIKE-H", "Bike Helmet", "sports-outdoors", "69.00", 33, "Lightweight helmet with MIPS."),
    (
        "SO-RUN-W",
        "Running Watch",
        "sports-outdoors",
        "249.00",
        0,
        "GPS running watch with heart-rate sensor.",
    ),
    ("SO-DUMB-10", "Adjustable Dumbbells", "sports-outdoors", "299.00", 5, "From 2 to 24 kg each."),
    ("SO-PACK-30", "Daypack 30 L", "sports-outdoors", "99.00", 27, "Hiking backpack with rain cover."),
]


def category_id(slug: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"category:{slug}")


def product_id(sku: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"product:{sku}")


async def seed(engine: AsyncEngine, caches: ProductCaches | None = None) -> int:
    """Insert the demo catalogue where missing; returns how many products were added."""
    now = utc_now()
    async with engine.begin() as connection:
        for slug, name, parent in CATEGORIES:
            await connection.execute(
                insert(Category)
                .values(
                    id=category_id(slug),
                    name=name,
                    slug=slug,
                    description="",
                    parent_id=category_id(parent) if parent else None,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing()
            )
        added = 0
        for sku, name, slug, price, stock, description in PRODUCTS:
            result = await connection.execute(
                insert(Product)
                .values(
                    id=product_id(sku),
                    sku=sku,
                    name=name,
                    description=description,
                    price=Decimal(price),
                    currency="USD",
                    image_url=f"https://images.gocart.example/{sku.lower()}.jpg",
                    category_id=category_id(slug),
                    active=True,
                    stock_on_hand=stock,
                    stock_reserved=0,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing()
                .returning(col(Product.id))
            )
            if result.first() is None:
                continue
            added += 1
            if stock:
                await connection.execute(
                    insert(StockMovement).values(
                        id=uuid.uuid4(),
                        product_id=product_id(sku),
                        kind=MovementKind.RESTOCK.value,
                        on_hand_delta=stock,
                        reserved_delta=0,
                        reason="demo data",
                        actor="seed",
                        created_at=now,
                    )
                )
    if caches is not None:
        await caches.forget_category_tree()
        await caches.forget_products([product_id(sku) for sku, *_ in PRODUCTS])
    return added
