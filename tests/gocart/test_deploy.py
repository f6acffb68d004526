"""The Kubernetes manifests in deploy/, rendered by kustomize as `kubectl apply -k` would send them, checked
without a cluster: against the Kubernetes JSON schemas (kubernetes-validate, strict: an unknown field is
an error), and against each other and the code (probes on paths the services serve, every HPA, PDB,
Service and Ingress pointing at real pods, every Secret key in the templates, every environment
variable a setting the service has, every URL a Service and port that exists)."""

from __future__ import annotations

import os
import re
import tomllib
import typing
from pathlib import Path

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
from pydantic import BaseModel
from pydantic_settings import BaseSettings

from gocart.cli import SUBGRAPHS, build_parser
from gocart.settings import StackSettings
from rest_compat.app import create_app as create_rest_app
from rest_compat.config import RestSettings
from router.config import CONFIG_ENV, RouterSettings, load_settings
from router.server.app import create_app as create_router_app
from router.supergraph import parse_supergraph
from subgraphs.orders.config import OrdersSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.products.main import create_app as create_products_app
from subgraphs.users.config import UsersSettings
from tests.support.manifests import (
    DEPLOY,
    ROOT,
    SECRET_TEMPLATES,
    Manifest,
    deployments,
    env_sources,
    named,
    of_kind,
    render,
    secret_templates,
    selects,
    workloads,
)

KUSTOMIZATIONS = ["base", "overlays/production"]
KUBERNETES_VERSIONS = ["1.32", "1.37"]  # the oldest we support, and the newest the schemas cover
SERVICES = {"users", "products", "orders", "router", "rest"}
READY_PATH = {
    "users": "/ready",  # PostgreSQL and Redis answer
    "products": "/ready",
    "orders": "/ready",
    "router": "/health",  # no /ready: 503 until the supergraph is loaded, then UP whatever subgraphs do
    "rest": "/health",  # no /ready: while the router is down it answers 503 with Retry-After itself
}
SETTINGS: dict[str, tuple[type[BaseSettings], str]] = {
    "users": (UsersSettings, "GOCART_USERS_"),
    "products": (ProductsSettings, "GOCART_PRODUCTS_"),
    "orders": (OrdersSettings, "GOCART_ORDERS_"),
    "router": (RouterSettings, "GOCART_ROUTER_"),
    "rest": (RestSettings, "GOCART_REST_"),
    "wait-for-migrations": (StackSettings, "GOCART_"),
    "migrate": (StackSettings, "GOCART_"),
}
NOT_SETTINGS = {CONFIG_ENV}  # read by gocart-router itself: where the settings file is
SERVICE_URL = re.compile(r"http://([a-z0-9-]+):(\d+)(/[^\s\"']*)?")


@pytest.fixture(scope="module", params=KUSTOMIZATIONS)
def manifests(request: pytest.FixtureRequest) -> list[Manifest]:
    return render(DEPLOY / request.param)


@pytest.fixture(scope="module")
def production() -> list[Manifest]:
    return render(DEPLOY / "overlays" / "production")


@pytest.fixture(scope="module")
def templates() -> dict[str, dict[str, str]]:
    """Each Secret template's keys and example values."""
    return {secret["metadata"]["name"]: secret["stringData"] for secret in secret_templates()}


def schema_errors(manifest: Manifest, version: str) -> list[str]:
    where = f"{manifest['kind']}/{manifest['metadata']['name']} (Kubernetes {version})"
    try:
        kubernetes_validate.validate(manifest, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        return [f"{where}: {path}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"{where}: {error.message}"]
    return []


# ---------------------------------------------------------------- the Kubernetes schemas


@pytest.mark.slow  # each case loads and checks against the Kubernetes schemas of one version
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_rendered_manifest_is_valid_kubernetes(manifests: list[Manifest], version: str) -> None:
    errors = [error for manifest in manifests for error in schema_errors(manifest, version)]
    assert errors == []


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_the_secret_templates_are_valid_kubernetes(version: str) -> None:
    errors = [error for secret in secret_templates() for error in schema_errors(secret, version)]
    assert errors == []


def test_an_unknown_field_is_refused_by_the_schema_check(manifests: list[Manifest]) -> None:
    deployment = deployments(manifests)[0].manifest
    misspelt = {**deployment, "spec": {**deployment["spec"], "replica": 2}}

    assert schema_errors(misspelt, KUBERNETES_VERSIONS[0]) != []


# ---------------------------------------------------------------- what runs


def test_every_service_is_deployed_once(manifests: list[Manifest]) -> None:
    names = [workload.name for workload in deployments(manifests)]
    assert sorted(names) == sorted(SERVICES)


def test_containers_run_the_services_console_scripts(manifests: list[Manifest]) -> None:
    scripts = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"])
    for workload in deployments(manifests):
        command = workload.main["command"]
        assert command == [f"gocart-{workload.name}"], workload.name
        assert command[0] in scripts


def test_the_migration_job_runs_gocart_migrate(manifests: list[Manifest]) -> None:
    job = next(workload for workload in workloads(manifests) if workload.kind == "Job")

    assert job.main["command"] == ["gocart", "migrate"]
    assert job.pod["restartPolicy"] == "Never"
    assert [name for name, _, _ in env_sources(job.main, "secretKeyRef")] == ["GOCART_DATABASE_URL"]


def test_subgraphs_wait_for_their_migrations_with_their_own_database_credentials(
    manifests: list[Manifest],
) -> None:
    for workload in deployments(manifests):
        init = workload.pod.get("initContainers", [])
        if workload.name not in SUBGRAPHS:
            assert init == [], workload.name
            continue
        (waiting,) = init
        arguments = build_parser().parse_args(waiting["command"][1:])
        own_url = {
            (name, key)
            for variable, name, key in env_sources(workload.main, "secretKeyRef")
            if variable.endswith("_DATABASE_URL")
        }
        waits_with = {(name, key) for _, name, key in env_sources(waiting, "secretKeyRef")}
        literal = {variable["name"]: variable.get("value") for variable in workload.main["env"]}
        prefix = SETTINGS[workload.name][1]

        assert waiting["command"][0] == "gocart"
        assert (arguments.command, arguments.check, arguments.subgraphs) == ("migrate", True, [workload.name])
        assert arguments.wait > 0
        assert waits_with == own_url
        assert literal[f"{prefix}MIGRATE_ON_STARTUP"] == "false"


def image_of(container: Manifest) -> tuple[str, str]:
    name, _, tag = container["image"].rpartition(":")
    return name, tag


def test_every_pod_runs_its_service_s_image_of_one_release(manifests: list[Manifest]) -> None:
    """One image per service (the Dockerfile's targets): a Deployment's containers, its init container
    too, run its own; the Job a subgraph's, which has every subgraph's migrations."""
    tags = set()
    for workload in workloads(manifests):
        expected = f"gocart-{workload.name}" if workload.kind == "Deployment" else "gocart-users"
        for container in workload.containers():
            name, tag = image_of(container)
            assert name.rpartition("/")[2] == expected, (workload.name, container["name"])
            tags.add(tag)
    (tag,) = tags
    assert tag not in ("", "latest")


def test_the_dockerfile_builds_every_image_the_manifests_run(manifests: list[Manifest]) -> None:
    targets = set(re.findall(r"^FROM \S+ AS (\S+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE))
    images = {image_of(c)[0].rpartition("/")[2] for w in workloads(manifests) for c in w.containers()}

    assert {image.removeprefix("gocart-") for image in images} <= targets


# ---------------------------------------------------------------- probes and resources


def served_paths() -> dict[str, set[str]]:
    """The paths each service's app really routes (built, not started; every subgraph's app comes from
    the one factory in subgraphs/common/app.py, so products stands for the three)."""
    subgraph = {getattr(route, "path", "") for route in create_products_app(ProductsSettings()).routes}
    return {
        "users": subgraph,
        "products": subgraph,
        "orders": subgraph,
        "router": {getattr(route, "path", "") for route in create_router_app(RouterSettings()).routes},
        "rest": {getattr(route, "path", "") for route in create_rest_app(RestSettings()).routes},
    }


def test_every_deployment_has_its_probes_on_paths_the_service_serves(manifests: list[Manifest]) -> None:
    paths = served_paths()
    for workload in deployments(manifests):
        container = workload.main
        port_names = {port["name"] for port in container["ports"]}
        probes = {kind: container[f"{kind}Probe"]["httpGet"] for kind in ("startup", "readiness", "liveness")}

        assert probes["readiness"]["path"] == READY_PATH[workload.name], workload.name
        assert probes["liveness"]["path"] == "/health", workload.name
        assert probes["startup"]["path"] == "/health", workload.name
        for probe in probes.values():
            assert probe["path"] in paths[workload.name], (workload.name, probe["path"])
            assert probe["port"] in port_names, workload.name


def test_every_container_requests_cpu_and_memory_and_caps_memory(manifests: list[Manifest]) -> None:
    for workload in workloads(manifests):
        for container in workload.containers():
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), (workload.name, container["name"])
            assert "memory" in resources["limits"], (workload.name, container["name"])


def test_pods_run_unprivileged(manifests: list[Manifest]) -> None:
    """What the production namespace's `restricted` Pod Security level demands, and a read-only root."""
    for workload in workloads(manifests):
        pod = workload.pod
        assert pod["securityContext"]["runAsNonRoot"] is True, workload.name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, workload.name
        assert pod["automountServiceAccountToken"] is False, workload.name
        for container in workload.containers():
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, container["name"]
            assert context["readOnlyRootFilesystem"] is True, container["name"]
            assert context["capabilities"] == {"drop": ["ALL"]}, container["name"]


# ---------------------------------------------------------------- scaling and disruptions


def test_every_deployment_is_scaled_by_one_hpa_that_owns_its_replica_count(manifests: list[Manifest]) -> None:
    by_target = {}
    for hpa in of_kind(manifests, "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment"
        named(manifests, "Deployment", target["name"])  # exists
        assert target["name"] not in by_target, f"two HPAs scale {target['name']}"
        by_target[target["name"]] = hpa["spec"]
    for workload in deployments(manifests):
        spec = by_target[workload.name]
        assert "replicas" not in workload.manifest["spec"], workload.name  # apply would reset the HPA's
        assert 2 <= spec["minReplicas"] <= spec["maxReplicas"], workload.name
        assert {metric["resource"]["name"] for metric in spec["metrics"]} == {"cpu"}


def test_every_deployment_has_one_pdb_selecting_its_pods_only(manifests: list[Manifest]) -> None:
    covered: dict[str, str] = {}
    for pdb in of_kind(manifests, "PodDisruptionBudget"):
        selected = [w.name for w in workloads(manifests) if selects(pdb["spec"]["selector"], w.pod_labels)]
        assert len(selected) == 1, (pdb["metadata"]["name"], selected)
        assert selected[0] not in covered
        assert pdb["spec"]["maxUnavailable"] == 1
        covered[selected[0]] = pdb["metadata"]["name"]
    assert set(covered) == SERVICES


def test_every_service_selects_one_deployment_on_a_port_it_declares(manifests: list[Manifest]) -> None:
    for service in of_kind(manifests, "Service"):
        selected = [
            w
            for w in deployments(manifests)
            if selects({"matchLabels": service["spec"]["selector"]}, w.pod_labels)
        ]
        assert [workload.name for workload in selected] == [service["metadata"]["name"]]
        port_names = {port["name"] for port in selected[0].main["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names


def test_the_deployment_selectors_match_their_own_pods(manifests: list[Manifest]) -> None:
    for workload in deployments(manifests):
        assert selects(workload.manifest["spec"]["selector"], workload.pod_labels), workload.name


# ---------------------------------------------------------------- secrets, config and settings


def test_every_secret_reference_is_in_the_templates_and_every_template_key_is_read(
    manifests: list[Manifest], templates: dict[str, dict[str, str]]
) -> None:
    read: set[tuple[str, str]] = set()
    for workload in workloads(manifests):
        for container in workload.containers():
            read |= {(name, key) for _, name, key in env_sources(container, "secretKeyRef")}
        for volume in workload.pod.get("volumes", []):
            if "secret" in volume:
                name = volume["secret"]["secretName"]
                read |= {(name, key) for key in templates[name]}
    offered = {(name, key) for name, keys in templates.items() for key in keys}

    assert read - offered == set(), "read from Secrets that no template has"
    assert offered - read == set(), "template keys nothing reads"


def test_every_file_a_setting_names_is_mounted_from_a_secret_with_that_key(
    manifests: list[Manifest], templates: dict[str, dict[str, str]]
) -> None:
    for workload in workloads(manifests):
        volumes = {volume["name"]: volume for volume in workload.pod.get("volumes", [])}
        for container in workload.containers():
            mounts = {
                mount["mountPath"]: volumes[mount["name"]] for mount in container.get("volumeMounts", [])
            }
            for variable in container.get("env", []):
                if not variable["name"].endswith("_FILE"):
                    continue
                path = Path(variable["value"])
                secret = mounts[str(path.parent)]["secret"]["secretName"]
                assert path.name in templates[secret], variable["name"]


def secret_volumes_by_workload(manifests: list[Manifest]) -> dict[str, set[str]]:
    """Which workloads mount each Secret as files."""
    mounted: dict[str, set[str]] = {}
    for workload in workloads(manifests):
        for volume in workload.pod.get("volumes", []):
            if "secret" in volume:
                mounted.setdefault(volume["secret"]["secretName"], set()).add(workload.name)
    return mounted


def test_each_private_key_is_mounted_only_where_it_signs(manifests: list[Manifest]) -> None:
    """The users subgraph's keys sign customers' and admins' tokens, the orders subgraph's key its service
    tokens only (docs/operations.md, "Service identity"): neither pod holds the other's."""
    mounted = secret_volumes_by_workload(manifests)

    assert mounted["gocart-users-keys"] == {"users"}
    assert mounted["gocart-orders-service-key"] == {"orders"}
    assert mounted["gocart-service-jwks"] == set(SUBGRAPHS)


def test_every_subgraph_trusts_the_services_keys_and_the_users_keys(manifests: list[Manifest]) -> None:
    for workload in deployments(manifests):
        if workload.name not in SUBGRAPHS:
            continue
        prefix = SETTINGS[workload.name][1]
        names = {variable["name"] for variable in workload.main["env"]}
        assert f"{prefix}JWT_SERVICE_JWKS_FILE" in names, workload.name
        users_keys = {f"{prefix}JWT_JWKS_URL", f"{prefix}JWT_PUBLISHED_JWKS_FILE"}
        assert names & users_keys, workload.name  # users publishes its own; the others fetch it


def test_every_config_map_reference_resolves(manifests: list[Manifest]) -> None:
    config_maps = {item["metadata"]["name"]: item["data"] for item in of_kind(manifests, "ConfigMap")}
    for workload in workloads(manifests):
        for container in workload.containers():
            for variable, name, key in env_sources(container, "configMapKeyRef"):
                assert key in config_maps[name], variable
        for volume in workload.pod.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps


def container_environment(
    manifests: list[Manifest], container: Manifest, templates: dict[str, dict[str, str]]
) -> dict[str, str]:
    """The environment a container starts with: literals, the templates' example secrets, config maps."""
    config_maps = {item["metadata"]["name"]: item["data"] for item in of_kind(manifests, "ConfigMap")}
    environment = {}
    for variable in container.get("env", []):
        source = variable.get("valueFrom", {})
        if "secretKeyRef" in source:
            reference = source["secretKeyRef"]
            environment[variable["name"]] = templates[reference["name"]][reference["key"]]
        elif "configMapKeyRef" in source:
            reference = source["configMapKeyRef"]
            environment[variable["name"]] = config_maps[reference["name"]][reference["key"]]
        else:
            environment[variable["name"]] = variable["value"]
    return environment


def is_setting(model: type[BaseModel], path: list[str]) -> bool:
    """Whether `a__b__c` names a field of `model` (nested sections with `__`, as pydantic-settings reads)."""
    field = model.model_fields.get(path[0])
    if field is None:
        return False
    if len(path) == 1:
        return True
    annotation = field.annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return is_setting(annotation, path[1:])
    return typing.get_origin(annotation) is dict  # traffic_shaping.subgraphs.<name>: any key


def every_container(manifests: list[Manifest]) -> list[Manifest]:
    return [container for workload in workloads(manifests) for container in workload.containers()]


def test_every_environment_variable_is_a_setting_of_its_service(manifests: list[Manifest]) -> None:
    """pydantic-settings ignores variables it does not know: a misspelt one would change nothing, silently."""
    for container in every_container(manifests):
        model, prefix = SETTINGS[container["name"]]
        for variable in container.get("env", []):
            name = variable["name"]
            if name in NOT_SETTINGS:
                continue
            assert name.startswith(prefix), name
            assert is_setting(model, name[len(prefix) :].lower().split("__")), name


def rendered_router_config(manifests: list[Manifest], tmp_path: Path) -> Path:
    """The router's settings file, written where the router would read it from its config map."""
    router = named(manifests, "Deployment", "router")
    container = router["spec"]["template"]["spec"]["containers"][0]
    path = Path(next(variable["value"] for variable in container["env"] if variable["name"] == CONFIG_ENV))
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == str(path.parent))
    volume = next(v for v in router["spec"]["template"]["spec"]["volumes"] if v["name"] == mount["name"])
    config_map = named(manifests, "ConfigMap", volume["configMap"]["name"])
    copy = tmp_path / path.name
    copy.write_text(config_map["data"][path.name])
    return copy


def test_every_service_accepts_its_settings(
    manifests: list[Manifest],
    templates: dict[str, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The settings each container starts with validate: JSON lists, networks, numbers, the router's file."""
    router_config = rendered_router_config(manifests, tmp_path)
    for container in every_container(manifests):
        with monkeypatch.context() as scoped:
            for name in [name for name in os.environ if name.startswith("GOCART_")]:
                scoped.delenv(name)
            for name, value in container_environment(manifests, container, templates).items():
                scoped.setenv(name, value)
            model, _ = SETTINGS[container["name"]]
            if model is RouterSettings:
                load_settings(router_config)
            else:
                model()


def test_the_router_config_overrides_every_subgraph_of_the_supergraph(
    manifests: list[Manifest], tmp_path: Path
) -> None:
    settings = load_settings(rendered_router_config(manifests, tmp_path))
    supergraph = parse_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())

    assert set(settings.subgraph_urls) == set(supergraph.graphs)
    assert f"COPY schema/supergraph.graphql {settings.supergraph}\n" in (ROOT / "Dockerfile").read_text()
    assert settings.expose_query_plan is False


def test_every_url_between_services_names_a_service_and_its_port(
    manifests: list[Manifest], tmp_path: Path
) -> None:
    ports = {
        service["metadata"]["name"]: {port["port"] for port in service["spec"]["ports"]}
        for service in of_kind(manifests, "Service")
    }
    texts = [rendered_router_config(manifests, tmp_path).read_text()]
    texts += [
        str(variable.get("value", "")) for c in every_container(manifests) for variable in c.get("env", [])
    ]
    urls = [match for text in texts for match in SERVICE_URL.findall(text)]

    assert (
        len(urls) >= 8
    )  # the router's subgraphs and JWKS, the subgraphs' JWKS, orders' products, REST's router
    for host, port, _ in urls:
        assert int(port) in ports.get(host, set()), f"http://{host}:{port}"


# ---------------------------------------------------------------- the edge


def test_the_ingress_exposes_only_the_router_s_graphql_and_the_rest_layer(manifests: list[Manifest]) -> None:
    services = {service["metadata"]["name"]: service for service in of_kind(manifests, "Service")}
    for ingress in of_kind(manifests, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                declared = {port["name"] for port in services[backend["name"]]["spec"]["ports"]}
                assert backend["port"]["name"] in declared
                assert backend["name"] in ("router", "rest"), "subgraphs stay inside the cluster"
                if backend["name"] == "router":  # its /metrics stays inside too
                    assert path["path"] in ("/graphql", "/graphiql-assets"), path["path"]


def test_production_network_policies_cover_every_service(production: list[Manifest]) -> None:
    covered = set()
    for policy in of_kind(production, "NetworkPolicy"):
        selected = {
            w.name for w in deployments(production) if selects(policy["spec"]["podSelector"], w.pod_labels)
        }
        assert selected, policy["metadata"]["name"]
        covered |= selected
    assert covered == SERVICES


def test_production_runs_in_a_restricted_namespace(production: list[Manifest]) -> None:
    (namespace,) = of_kind(production, "Namespace")
    labels = namespace["metadata"]["labels"]

    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert {item["metadata"].get("namespace") for item in production if item["kind"] != "Namespace"} == {
        namespace["metadata"]["name"]
    }


def test_the_secret_templates_hold_no_real_secret() -> None:
    text = SECRET_TEMPLATES.read_text()
    for secret in secret_templates():
        for key, value in secret["stringData"].items():
            if key != "email":
                assert "CHANGE-ME" in value, key
    assert "PRIVATE KEY-----\n    CHANGE-ME" in text
