"""The hosted repository's workflow (.github/workflows/ci.yml): valid for GitHub, checked offline against
the GitHub workflow schema that check-jsonschema bundles (SchemaStore's, with its licence), and wired to
what `.ci/run` and the tests expect: the services where CI=true looks for them, and the reports that
`.ci/run` writes uploaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from tests.support.services import CI_DATABASE_URL, CI_REDIS_URL

REPOSITORY = Path(__file__).resolve().parents[2]
WORKFLOW = REPOSITORY / ".github" / "workflows" / "ci.yml"
CI_RUN = REPOSITORY / ".ci" / "run"
RUNS_ON = "    runs-on: ubuntu-24.04\n"


def schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "check_jsonschema",
        "--builtin-schema",
        "vendor.github-workflows",
        str(path),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603


@pytest.fixture(scope="module")
def job() -> dict[str, Any]:
    workflow: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    ci_job: dict[str, Any] = workflow["jobs"]["ci"]
    return ci_job


def step_running(job: dict[str, Any], command: str) -> dict[str, Any]:
    return next(step for step in job["steps"] if step.get("run") == command)


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    return next(step for step in job["steps"] if step.get("uses", "").startswith(f"{action}@"))


def published_port(service: dict[str, Any]) -> int:
    (mapping,) = service["ports"]
    host_port, _container_port = str(mapping).split(":")
    return int(host_port)


@pytest.mark.slow  # check-jsonschema as a process
def test_the_workflow_matches_the_github_workflow_schema() -> None:
    result = schema_check(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # check-jsonschema as a process
def test_the_schema_check_rejects_a_job_without_a_runner(tmp_path: Path) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert RUNS_ON in text
    broken = tmp_path / "ci.yml"
    broken.write_text(text.replace(RUNS_ON, ""), encoding="utf-8")
    result = schema_check(broken)
    assert result.returncode == 1
    assert "'runs-on' is a required property" in result.stdout


def test_the_job_runs_ci_run_with_ci_true(job: dict[str, Any]) -> None:
    assert step_running(job, "bash .ci/run")["env"]["CI"] == "true"


def test_postgres_is_published_where_the_ci_tests_connect(job: dict[str, Any]) -> None:
    assert published_port(job["services"]["postgres"]) == urlparse(CI_DATABASE_URL).port


def test_postgres_lets_in_the_passwordless_user_the_ci_tests_use(job: dict[str, Any]) -> None:
    user = urlparse(CI_DATABASE_URL)
    assert (user.username, user.password) == ("postgres", None)
    assert job["services"]["postgres"]["env"]["POSTGRES_HOST_AUTH_METHOD"] == "trust"


def test_redis_is_published_where_the_ci_tests_connect(job: dict[str, Any]) -> None:
    assert published_port(job["services"]["redis"]) == urlparse(CI_REDIS_URL).port


def test_rabbitmq_is_published_on_its_standard_port(job: dict[str, Any]) -> None:
    assert published_port(job["services"]["rabbitmq"]) == 5672


def test_every_service_is_healthy_before_the_steps_start(job: dict[str, Any]) -> None:
    unchecked = [
        name for name, service in job["services"].items() if "--health-cmd" not in service["options"]
    ]
    assert unchecked == []


def test_the_reports_ci_run_writes_are_uploaded_even_after_a_failure(job: dict[str, Any]) -> None:
    reports = step_running(job, "bash .ci/run")["env"]["GOCART_TEST_REPORTS"]
    upload = step_using(job, "actions/upload-artifact")
    assert upload["if"] == "${{ !cancelled() }}"
    screenshots = f"{reports}/tmp/**/*.png"  # noqa: S108  (a glob under the reports folder, not /tmp)
    assert upload["with"]["path"].splitlines() == [f"{reports}/junit.xml", screenshots]
    ci_run = CI_RUN.read_text(encoding="utf-8")
    assert '--junitxml="$GOCART_TEST_REPORTS/junit.xml"' in ci_run
    assert '--basetemp="$GOCART_TEST_REPORTS/tmp"' in ci_run


def test_the_download_cache_is_keyed_on_the_lock(job: dict[str, Any]) -> None:
    cache = step_using(job, "actions/cache")
    assert "~/.cache/uv" in cache["with"]["path"].splitlines()
    assert "hashFiles('uv.lock')" in cache["with"]["key"]
