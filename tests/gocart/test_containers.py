"""The Dockerfile and docker-compose.yml, checked statically: no Docker engine runs here or in CI, so
nothing is built or started. hadolint lints the Dockerfile, the compose files are validated against the
Compose Specification's schema (check-jsonschema's copy), and the properties the deployment relies on
are asserted one by one. The Dockerfile is read with Docker's own parser (the `dockerfile` package)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import dockerfile
import pytest
import yaml
from pydantic_settings import BaseSettings

from rest_compat.config import RestSettings
from router.config import RouterSettings
from subgraphs.orders.config import OrdersSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.users.config import UsersSettings
from tests.support.project import ROOT, console_scripts

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "docker-compose.yml"
PORTS_OVERRIDE = ROOT / "docker-compose.ports.yml"
TOOLS = Path(sys.executable).parent  # hadolint and check-jsonschema come with `[dev]`

# Each Gocart service: its image's Dockerfile target (and compose service) -> its settings.
SERVICES: dict[str, type[BaseSettings]] = {
    "users": UsersSettings,
    "products": ProductsSettings,
    "orders": OrdersSettings,
    "router": RouterSettings,
    "rest": RestSettings,
}
EDGE = ("router", "rest")
# The installed environment each image copies in: the router and the REST layer get no subgraph dependency.
ENVIRONMENT_OF = {
    "users": "subgraph-environment",
    "products": "subgraph-environment",
    "orders": "subgraph-environment",
    "router": "edge-environment",
    "rest": "edge-environment",
}
BACKING_SERVICES = ("postgres", "redis", "broker")
# The optional `observability` profile (docker compose --profile observability up).
OBSERVABILITY = ("otel-collector", "jaeger", "prometheus", "grafana")
# PostgreSQL's versions have two parts (16.13); everything else we use has three (3.11.17, 7.4.11).
VERSION_PARTS = {"postgres": 2}


def is_pinned(image: str) -> bool:
    """Pinned by digest, or by a tag that names one exact release (`python:3.11.17-slim-trixie`)."""
    if re.search(r"@sha256:[0-9a-f]{64}$", image):
        return True
    name, _, tag = image.partition(":")
    parts = VERSION_PARTS.get(name, 3)
    return re.match(r"v?" + r"\.".join([r"\d+"] * parts) + r"(-[a-z0-9.-]+)?$", tag) is not None


@dataclass
class Stage:
    name: str
    base: str  # an image, or an earlier stage's name
    commands: list[dockerfile.Command] = field(default_factory=list)

    def values(self, instruction: str) -> list[tuple[str, ...]]:
        return [command.value for command in self.commands if command.cmd == instruction]

    def environment(self) -> dict[str, str]:
        """What its ENV instructions set (each instruction's value is name, value, name, value...)."""
        return {
            value[index]: value[index + 1]
            for value in self.values("ENV")
            for index in range(0, len(value), 2)
        }


@cache
def stages() -> dict[str, Stage]:
    """The Dockerfile's stages by name, in order."""
    found: dict[str, Stage] = {}
    current: Stage | None = None
    for command in dockerfile.parse_file(str(DOCKERFILE)):
        if command.cmd == "FROM":
            base, *alias = command.value
            if len(alias) != 2 or alias[0].upper() != "AS":
                raise ValueError(f"every stage is named (FROM image AS name): {command.original}")
            current = found[alias[1]] = Stage(alias[1], base)
        elif current is not None:
            current.commands.append(command)
    return found


def lineage(target: str) -> list[Stage]:
    """The target's stage and the stages it is built on, nearest first (images excluded)."""
    chain: list[Stage] = []
    name: str | None = target
    while name in stages():
        chain.append(stages()[name])
        name = stages()[name].base
    return chain


def effective(target: str, instruction: str) -> tuple[str, ...] | None:
    """The value of the last `instruction` the image of `target` carries (inherited from its stages)."""
    for stage in lineage(target):
        values = stage.values(instruction)
        if values:
            return values[-1]
    return None


def base_images() -> Iterator[str]:
    for stage in stages().values():
        if stage.base not in stages():
            yield stage.base


@cache
def compose_file(path: Path = COMPOSE) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def compose_services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = compose_file()["services"]
    return services


def run_tool(name: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (a tool of the test environment, fixed arguments)
        [str(TOOLS / name), *arguments], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


# The Dockerfile


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    linted = run_tool("hadolint", "--no-color", "--failure-threshold", "info", str(DOCKERFILE))

    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert linted.stdout == ""


def test_every_base_image_is_pinned_to_an_exact_version() -> None:
    loose = [image for image in base_images() if not is_pinned(image)]

    assert list(base_images()), "the Dockerfile starts from some image"
    assert loose == []


def test_every_stage_starts_from_the_same_base_image() -> None:
    """The environments are built on the image that runs them: their interpreter paths must match."""
    assert len(set(base_images())) == 1


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("python:3.11.17-slim-trixie", True),
        ("python:3.11-slim", False),
        ("python:3-slim", False),
        ("python", False),
        ("python:latest", False),
        ("postgres:16.13", True),
        ("postgres:16", False),
        ("redis:7.4.11", True),
        ("redis:7", False),
        ("rabbitmq:3.13.7-management", True),
        ("rabbitmq:3-management", False),
        ("python:3.11-slim@sha256:" + "a" * 64, True),
    ],
)
def test_an_image_is_pinned_only_by_an_exact_release_or_a_digest(image: str, pinned: bool) -> None:
    assert is_pinned(image) is pinned


@pytest.mark.parametrize("target", SERVICES)
def test_each_service_image_runs_as_an_unprivileged_numeric_user(target: str) -> None:
    user = effective(target, "USER")

    assert user is not None, f"{target} sets no USER: it would run as root"
    uid = user[0].partition(":")[0]
    assert uid.isdigit(), f"{target}: USER {uid} (a numeric uid lets Kubernetes' runAsNonRoot check it)"
    assert int(uid) != 0


@pytest.mark.parametrize("target", SERVICES)
def test_each_service_image_starts_its_own_console_script(target: str) -> None:
    entrypoint = effective(target, "ENTRYPOINT")

    assert entrypoint == (f"gocart-{target}",)
    assert f"gocart-{target}" in console_scripts()


@pytest.mark.parametrize("target", SERVICES)
def test_each_service_image_probes_its_own_service(target: str) -> None:
    probe = effective(target, "HEALTHCHECK")

    assert probe == ("CMD", "gocart-healthcheck", target)
    assert "gocart-healthcheck" in console_scripts()


@pytest.mark.parametrize("target", SERVICES)
def test_each_service_image_listens_on_every_interface_of_its_container(target: str) -> None:
    prefix = str(SERVICES[target].model_config.get("env_prefix", "")).upper()
    environment: dict[str, str] = {}
    for stage in reversed(lineage(target)):
        environment |= stage.environment()

    assert environment[f"{prefix}HOST"] == "0.0.0.0"  # noqa: S104


def test_the_wheel_is_built_in_a_builder_stage_the_images_do_not_inherit() -> None:
    builds = [
        name for name, stage in stages().items() if any("pip wheel" in run[0] for run in stage.values("RUN"))
    ]

    assert builds == ["builder"]
    for target in SERVICES:
        assert "builder" not in {stage.name for stage in lineage(target)}, target


@pytest.mark.parametrize("target", SERVICES)
def test_each_service_image_copies_in_only_its_installed_environment(target: str) -> None:
    sources = [
        flag.removeprefix("--from=")
        for stage in lineage(target)
        for command in stage.commands
        if command.cmd == "COPY"
        for flag in command.flags
        if flag.startswith("--from=")
    ]

    assert sources == [ENVIRONMENT_OF[target]]


@pytest.mark.parametrize("target", SERVICES)
def test_no_service_image_installs_system_packages_or_compilers(target: str) -> None:
    """python:*-slim ships no compiler; nothing in an image's own stages adds one (or anything else)."""
    runs = [value[0] for stage in lineage(target) for value in stage.values("RUN")]

    installers = re.compile(r"\b(apt-get|apt|apk|dpkg|gcc|g\+\+|cc|clang|make|build-essential)\b")

    assert runs, "the images create their user"
    assert [run for run in runs if installers.search(run)] == []


@pytest.mark.parametrize(
    ("environment", "requirement"),
    [("edge-environment", "gocart"), ("subgraph-environment", '"gocart[subgraphs]"')],
)
def test_each_environment_installs_gocart_with_only_its_own_extras(
    environment: str, requirement: str
) -> None:
    (run,) = stages()[environment].values("RUN")

    assert run[0].endswith(f"--no-index --find-links /wheels {requirement}")


def test_the_build_context_admits_only_what_the_dockerfile_copies() -> None:
    lines = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()]
    rules = [line for line in lines if line and not line.startswith("#")]
    admitted = [PurePosixPath(rule.removeprefix("!").rstrip("/")) for rule in rules if rule.startswith("!")]
    copied = [
        PurePosixPath(source.rstrip("/"))
        for stage in stages().values()
        for command in stage.commands
        if command.cmd == "COPY" and not command.flags
        for source in command.value[:-1]
    ]

    assert rules[0] == "*", "everything is ignored first, then what is needed admitted"
    assert [source for source in copied if not any(source.is_relative_to(a) for a in admitted)] == []
    assert not [path for path in admitted if path.parts[0] in {".gocart", ".venv", "tests", "docs"}]


# docker-compose.yml


@pytest.mark.slow  # check-jsonschema as a process
def test_the_compose_files_are_valid_compose_specification_documents() -> None:
    validated = run_tool(
        "check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE), str(PORTS_OVERRIDE)
    )

    assert validated.returncode == 0, validated.stdout + validated.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_each_gocart_service_is_built_from_its_dockerfile_target(service: str) -> None:
    build = compose_services()[service]["build"]

    assert build == {"context": ".", "target": service}
    assert service in stages()
    assert compose_services()[service]["image"].startswith(f"gocart-{service}:")


def test_every_compose_service_has_a_healthcheck() -> None:
    missing = [
        name for name, service in compose_services().items() if not service.get("healthcheck", {}).get("test")
    ]

    assert missing == []


@pytest.mark.parametrize("service", SERVICES)
def test_each_gocart_service_healthcheck_probes_that_service(service: str) -> None:
    test = compose_services()[service]["healthcheck"]["test"]

    assert test[:3] == ["CMD", "gocart-healthcheck", service]


def test_every_dependency_is_waited_for_until_healthy() -> None:
    services = compose_services()
    waits = {
        (name, dependency): condition.get("condition")
        for name, service in services.items()
        for dependency, condition in (service.get("depends_on") or {}).items()
    }

    assert waits, "services wait for each other"
    assert {pair: c for pair, c in waits.items() if c != "service_healthy"} == {}
    assert {dependency for _, dependency in waits} <= set(services)


def test_no_database_redis_or_broker_port_is_published_by_default() -> None:
    published = {
        name: service["ports"]
        for name, service in compose_services().items()
        if service.get("ports") and name not in OBSERVABILITY
    }

    assert set(published) == set(EDGE), "only the router and the REST layer are reachable from outside"
    assert not set(published) & set(BACKING_SERVICES)


def test_the_observability_services_run_only_in_their_profile() -> None:
    profiles = {name: compose_services()[name].get("profiles") for name in OBSERVABILITY}

    assert profiles == {name: ["observability"] for name in OBSERVABILITY}


def test_the_observability_uis_are_published_on_the_loopback_address_only() -> None:
    ports = [port for name in OBSERVABILITY for port in compose_services()[name].get("ports", [])]

    assert ports
    assert [port for port in ports if not port.startswith("127.0.0.1:")] == []


def test_every_file_the_observability_services_mount_is_checked_in() -> None:
    sources = [
        str(volume).split(":")[0]
        for name in OBSERVABILITY
        for volume in compose_services()[name].get("volumes", [])
    ]

    assert sources
    assert [source for source in sources if not (ROOT / source).exists()] == []


def test_the_ports_override_publishes_on_the_loopback_address_only() -> None:
    overridden = compose_file(PORTS_OVERRIDE)["services"]
    ports = [port for service in overridden.values() for port in service["ports"]]

    assert set(overridden) <= set(compose_services())
    assert set(BACKING_SERVICES) <= set(overridden)
    assert [port for port in ports if not port.startswith("127.0.0.1:")] == []


def test_every_third_party_image_is_pinned_to_an_exact_version() -> None:
    images = {name: s["image"] for name, s in compose_services().items() if "build" not in s}

    assert set(images) == set(BACKING_SERVICES) | set(OBSERVABILITY)
    assert {name: image for name, image in images.items() if not is_pinned(image)} == {}


@pytest.mark.parametrize("service", SERVICES)
def test_each_gocart_service_is_configured_only_with_settings_it_has(service: str) -> None:
    """A misspelt or misplaced variable would be ignored by the service (its settings ignore extras)."""
    settings = SERVICES[service]
    prefix = str(settings.model_config.get("env_prefix", "")).upper()
    names = set(compose_services()[service].get("environment", {}))
    fields = {name.upper() for name in settings.model_fields}

    unknown = {
        name
        for name in names
        if not name.startswith(prefix) or name[len(prefix) :].split("__")[0] not in fields
    }

    assert names
    assert unknown == set()


def test_every_secret_a_service_uses_is_defined() -> None:
    defined = set(compose_file().get("secrets", {}))
    used = {secret for service in compose_services().values() for secret in service.get("secrets", [])}

    assert used <= defined
