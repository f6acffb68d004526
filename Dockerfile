# Gocart's images: one per service, built from this one file, sharing their layers
# (docs/operations.md, "Running in containers"):
#
#   docker build --target router -t gocart-router .      # and rest, users, products, orders
#
# The router and the REST layer get the base package only: no database driver, ORM, migrations or password
# hashing in the images that face clients. The subgraphs add the `[subgraphs]` extra. The quick start's
# embedded servers (`[local]`) are in none of them. Each image runs its service's own command as an
# unprivileged user, listens on every interface of its container, and probes itself with
# `gocart-healthcheck`. Settings come from the environment at run time; none is baked in but the address.

# The base image, by exact version (the same in every stage, so the environments built below run as they
# were built). To pin its digest as well, append the one `docker buildx imagetools inspect` reports.
FROM python:3.11.17-slim-trixie AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gocart gocart
COPY subgraphs subgraphs
COPY router router
COPY rest-compat rest-compat
COPY telemetry telemetry
# Gocart's wheel, and a wheel of every dependency of every image, so the environments below install with
# no index at all. No compiler is installed here either: every native dependency ships a wheel.
RUN pip wheel --wheel-dir /wheels ".[subgraphs]"

# The environments: virtual environments without pip, filled from the wheels above. With no index, only
# those wheels can be installed, which is why hadolint's "pin versions in pip" (DL3013) does not apply.
FROM builder AS edge-environment
# hadolint ignore=DL3013
RUN python -m venv --without-pip /opt/gocart \
    && pip --python /opt/gocart/bin/python install --no-index --find-links /wheels gocart

FROM builder AS subgraph-environment
# hadolint ignore=DL3013
RUN python -m venv --without-pip /opt/gocart \
    && pip --python /opt/gocart/bin/python install --no-index --find-links /wheels "gocart[subgraphs]"

# What every image runs on: the base image, an unprivileged user, and the environment on the PATH.
FROM python:3.11.17-slim-trixie AS runtime
ENV PATH=/opt/gocart/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN groupadd --system --gid 10001 gocart \
    && useradd --system --uid 10001 --gid gocart --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin gocart
WORKDIR /app

FROM runtime AS edge
COPY --from=edge-environment /opt/gocart /opt/gocart
USER 10001:10001

FROM runtime AS subgraph
COPY --from=subgraph-environment /opt/gocart /opt/gocart
USER 10001:10001

FROM subgraph AS users
ENV GOCART_USERS_HOST=0.0.0.0
EXPOSE 4002
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["gocart-healthcheck", "users"]
ENTRYPOINT ["gocart-users"]

FROM subgraph AS products
ENV GOCART_PRODUCTS_HOST=0.0.0.0
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["gocart-healthcheck", "products"]
ENTRYPOINT ["gocart-products"]

FROM subgraph AS orders
ENV GOCART_ORDERS_HOST=0.0.0.0
EXPOSE 4003
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["gocart-healthcheck", "orders"]
ENTRYPOINT ["gocart-orders"]

FROM edge AS rest
ENV GOCART_REST_HOST=0.0.0.0
EXPOSE 4010
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["gocart-healthcheck", "rest"]
ENTRYPOINT ["gocart-rest"]

# The default target. The supergraph is read from schema/supergraph.graphql under the working directory
# (the router's default): mount another one there, or point GOCART_ROUTER_SUPERGRAPH elsewhere.
FROM edge AS router
COPY schema/supergraph.graphql /app/schema/supergraph.graphql
ENV GOCART_ROUTER_HOST=0.0.0.0
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["gocart-healthcheck", "router"]
ENTRYPOINT ["gocart-router"]
