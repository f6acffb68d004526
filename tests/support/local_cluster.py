"""The pods deploy/ describes, run as processes on this machine: what a cluster would do with the
rendered manifests, as far as one machine without a container engine can.

Each container gets the environment its manifest gives it (literals, Secrets, ConfigMaps), and each
volume is written to a folder of its own, so settings that name files find them. Only what a cluster
decides is replaced, and only that: a Service's address (`http://users:4002` becomes a free port on
127.0.0.1, in environment values and in mounted files alike), where each process listens (its HOST and
PORT settings), the image's folders (`/app/schema` is this repository's), each mount path (a folder
under the test's own), and each command, run by this Python from its console script's entry point.
A test may add settings of its own (a Redis namespace): `extra_env`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gocart.processes import ProcessSpec
from testbed.ports import unused_port
from tests.support.manifests import ROOT, Manifest, Workload, deployments, env_sources, of_kind

IMAGE_FOLDERS = {"/app/schema/": f"{ROOT / 'schema'}/"}
CONSOLE_SCRIPTS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
SERVICE_URL = re.compile(r"http://([a-z0-9-]+):(\d+)")
PREFIXES = {
    "users": "GOCART_USERS_",
    "products": "GOCART_PRODUCTS_",
    "orders": "GOCART_ORDERS_",
    "router": "GOCART_ROUTER_",
    "rest": "GOCART_REST_",
}


def python_argv(command: list[str]) -> list[str]:
    """The container's command as this checkout's Python runs it: the console script's own entry point
    (pyproject.toml), whether or not the scripts are installed on this machine's PATH."""
    script, *arguments = command
    module, _, function = CONSOLE_SCRIPTS[script].partition(":")
    run = f"import sys; from {module} import {function}; sys.exit({function}())"
    return [sys.executable, "-c", run, *arguments]


@dataclass
class LocalCluster:
    manifests: list[Manifest]
    secrets: Mapping[str, Mapping[str, str]]  # what `kubectl create secret` would have stored
    root: Path
    extra_env: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # by container name
    ports: dict[str, int] = field(default_factory=dict)  # each Service's local port

    def __post_init__(self) -> None:
        for service in of_kind(self.manifests, "Service"):
            self.ports[service["metadata"]["name"]] = unused_port()

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def localize(self, text: str) -> str:
        """Service addresses and the image's folders as they are on this machine."""
        for image_folder, local in IMAGE_FOLDERS.items():
            text = text.replace(image_folder, local)
        return SERVICE_URL.sub(lambda match: self.url(match.group(1)), text)

    def _config_maps(self) -> dict[str, dict[str, str]]:
        return {item["metadata"]["name"]: item["data"] for item in of_kind(self.manifests, "ConfigMap")}

    def _mounts(self, workload: Workload, container: Manifest) -> dict[str, Path]:
        """Each of the container's mount paths, written to a folder of its own with the volume's files."""
        volumes = {volume["name"]: volume for volume in workload.pod.get("volumes", [])}
        mounts: dict[str, Path] = {}
        for mount in container.get("volumeMounts", []):
            volume = volumes[mount["name"]]
            folder = self.root / workload.name / container["name"] / mount["mountPath"].strip("/")
            folder.mkdir(parents=True, exist_ok=True)
            if "secret" in volume:
                files = self.secrets[volume["secret"]["secretName"]]
            elif "configMap" in volume:
                files = self._config_maps()[volume["configMap"]["name"]]
            else:
                files = {}  # an empty dir
            for name, content in files.items():
                (folder / name).write_text(self.localize(content))
            mounts[mount["mountPath"]] = folder
        return mounts

    def environment(self, workload: Workload, container: Manifest) -> dict[str, str]:
        config_maps = self._config_maps()
        environment: dict[str, str] = {}
        for variable in container.get("env", []):
            if "value" in variable:
                environment[variable["name"]] = variable["value"]
        for name, secret, key in env_sources(container, "secretKeyRef"):
            environment[name] = self.secrets[secret][key]
        for name, config_map, key in env_sources(container, "configMapKeyRef"):
            environment[name] = config_maps[config_map][key]
        mounts = self._mounts(workload, container)
        for name, value in environment.items():
            mounted = [path for path in mounts if value.startswith(f"{path}/")]
            if mounted:
                mount_path = max(mounted, key=len)
                value = str(mounts[mount_path] / value[len(mount_path) + 1 :])
            environment[name] = self.localize(value)
        prefix = PREFIXES.get(container["name"])
        if prefix is not None and container["name"] == workload.name:  # the service itself
            environment[f"{prefix}HOST"] = "127.0.0.1"
            environment[f"{prefix}PORT"] = str(self.ports[workload.name])
        return {**environment, **self.extra_env.get(container["name"], {})}

    def run_to_completion(self, workload: Workload, container: Manifest) -> subprocess.Popen[str]:
        """An init container or a Job's container, started; the caller waits for it."""
        return subprocess.Popen(  # noqa: S603  (this checkout's own commands)
            python_argv(container["command"]),
            cwd=self.root,
            env={**_clean_environment(), **self.environment(workload, container)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def service_specs(self) -> list[ProcessSpec]:
        """Each Deployment's container as a supervised process, up when its readiness probe answers."""
        specs = []
        for workload in deployments(self.manifests):
            container = workload.main
            probe = container["readinessProbe"]["httpGet"]["path"]
            env = self.environment(workload, container)  # the Supervisor adds this process's environment
            argv = python_argv(container["command"])
            specs.append(ProcessSpec(workload.name, argv, env, f"{self.url(workload.name)}{probe}"))
        return specs


def _clean_environment() -> dict[str, str]:
    """This process's environment without any GOCART_ setting: only the manifests configure the pods."""
    return {key: value for key, value in os.environ.items() if not key.startswith("GOCART_")}
