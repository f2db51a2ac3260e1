"""The deployment files agree with the project: compose services, commands, variables, Procfile."""

import importlib.util
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_variables() -> set[str]:
    """Every environment variable program/core/settings.py reads."""
    source = (ROOT / "program" / "core" / "settings.py").read_text()
    pattern = (r"""(?:os\.environ\.get|os\.environ\[|\benv[a-z]+)"""
               r"""\(?\s*["']([A-Z_]+)["']""")
    return set(re.findall(pattern, source))


def words(command) -> list[str]:
    if isinstance(command, list):
        return [w for part in command for w in shlex.split(part)]
    return shlex.split(command)


def test_settings_variables_are_found_by_the_scan():
    found = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG",
            "SIGNUP_EMAIL_DOMAINS", "EMAIL_HOST"} <= found


def test_compose_has_the_five_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}
    assert compose["services"]["postgres"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")


def test_web_migrates_then_runs_gunicorn_on_the_wsgi_app(compose):
    command = " ".join(words(compose["services"]["web"]["command"]))
    assert "manage.py migrate" in command
    assert command.index("manage.py migrate") < command.index("gunicorn program.core.wsgi")
    assert (ROOT / "program" / "core" / "wsgi.py").exists()


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_worker_and_beat_run_celery_on_the_program_app(compose, service):
    command = words(compose["services"][service]["command"])
    assert command[:4] == ["celery", "-A", "program", service]
    assert importlib.util.find_spec("program.core.celery") is not None


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_set_only_variables_settings_read(compose, service):
    environment = compose["services"][service]["environment"]
    names = set(environment) if isinstance(environment, dict) else {
        item.split("=", 1)[0] for item in environment}
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= names
    unknown = names - settings_variables()
    assert not unknown, f"{service} sets variables settings.py never reads: {sorted(unknown)}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_point_at_the_compose_database_and_broker(compose, service):
    environment = compose["services"][service]["environment"]
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?"), "no default secret"
    assert set(compose["services"][service]["depends_on"]) <= set(compose["services"])


def test_the_dockerfile_builds_the_project_and_runs_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.13-slim$", dockerfile, re.M)
    for source in re.findall(r"^COPY (\S+) ", dockerfile, re.M):
        assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"
    assert "pip install --no-deps ." in dockerfile
    assert "collectstatic" in dockerfile
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd, "the Dockerfile needs an exec-form CMD"
    assert yaml.safe_load(cmd.group(1))[:2] == ["gunicorn", "program.core.wsgi"]


def test_the_image_has_every_runtime_dependency_the_code_imports():
    runtime = {canonical(requirement) for requirement in pyproject()["project"]["dependencies"]}
    for package in ("gunicorn", "celery", "psycopg", "whitenoise", "dj-database-url",
                    "python-dateutil", "numpy", "scipy", "tqdm"):
        assert package in runtime, package
    # Development tools stay out of the image: make run's honcho, the tests' libraries.
    assert not runtime & {"honcho", "pytest", "statsmodels", "pyyaml", "ruff", "playwright"}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def canonical(requirement: str) -> str:
    """The normalised project name of a requirement ("Django~=6.1" -> "django")."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1)
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock_file: str) -> dict[str, str]:
    """{name: version} for every `name==version` line of a lock file."""
    text = (ROOT / lock_file).read_text()
    return {canonical(name): version for name, version in
            re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", text, re.M)}


@pytest.mark.parametrize(("lock_file", "extras"), [("requirements.lock", ()),
                                                   ("requirements-dev.lock", ("dev",))])
def test_the_lock_files_pin_every_dependency_of_pyproject_with_hashes(lock_file, extras):
    project = pyproject()["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    pinned = pins(lock_file)
    missing = {canonical(requirement) for requirement in wanted} - set(pinned)
    assert not missing, f"{lock_file} lacks {sorted(missing)}: run make lock"
    # Extras pull their own packages in: celery[redis] needs redis, psycopg[binary] its binary.
    assert {"redis", "psycopg-binary"} <= set(pinned)
    text = (ROOT / lock_file).read_text()
    assert text.count("--hash=sha256:") >= len(pinned), "every pin carries its hashes"


def test_the_pinned_versions_satisfy_pyproject():
    packaging = pytest.importorskip("packaging.requirements")
    pinned = pins("requirements-dev.lock")
    project = pyproject()["project"]
    for requirement in (*project["dependencies"], *project["optional-dependencies"]["dev"]):
        parsed = packaging.Requirement(requirement)
        assert parsed.specifier.contains(pinned[canonical(requirement)], prereleases=True), (
            f"requirements-dev.lock pins {parsed.name}=={pinned[canonical(requirement)]}, "
            f"outside pyproject's {parsed.specifier}: run make lock")


def test_the_runtime_lock_has_no_development_tools_and_agrees_with_the_dev_lock():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert not set(runtime) & {"honcho", "pytest", "statsmodels", "pyyaml", "ruff", "playwright"}
    assert {name: dev.get(name) for name in runtime} == runtime, "the two locks disagree"


def test_the_dockerfile_and_make_install_from_the_lock_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = re.search(r"^COPY (.*) \./$", dockerfile, re.M).group(1).split()
    assert "requirements.lock" in copied and "pyproject.toml" in copied
    install = re.search(r"^RUN pip install .*?(?<!\\)$", dockerfile, re.M | re.S).group(0)
    assert "pip install --require-hashes -r requirements.lock" in install
    assert "pip install --no-deps ." in install and "pip check" in install
    assert install.index("-r requirements.lock") < install.index("--no-deps .")
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^\$\(BIN\)/\.installed: (.*)$", makefile, re.M).group(1).split()
    assert {"pyproject.toml", "requirements.lock", "requirements-dev.lock"} <= set(target), (
        "editing a lock file must re-install")
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile


def test_the_procfile_runs_web_worker_and_beat_like_compose_does():
    lines = dict(line.split(":", 1) for line in
                 (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(lines) == {"web", "worker", "beat"}
    worker, beat = shlex.split(lines["worker"]), shlex.split(lines["beat"])
    assert worker[0].endswith("celery") and worker[1:4] == ["-A", "program", "worker"]
    assert beat[0].endswith("celery") and beat[1:4] == ["-A", "program", "beat"]
    assert "manage.py" in lines["web"] and "$PORT" in lines["web"]
    for command in (worker[0], beat[0]):
        assert command.startswith(".venv/bin/"), "make run uses the project's own .venv"


def test_the_readme_configuration_table_lists_every_variable_settings_read():
    readme = (ROOT / "README.md").read_text()
    table = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, re.M))
    missing = settings_variables() - table
    assert not missing, f"README.md's configuration table lacks {sorted(missing)}"
    assert not table - settings_variables(), "README lists variables settings.py never reads"


def test_the_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "make run" in first_block and "make test" in first_block
    for section in ("## Mentorship", "## Sponsorship", "## Reminders and the worker",
                    "## HR dashboards and outcome report", "## Cohort matching"):
        assert f"\n{section}\n" in readme
    for image in re.findall(r"\((docs/screenshots/[\w-]+\.png)\)", readme):
        assert (ROOT / image).exists(), image


def test_collectstatic_succeeds_with_the_production_manifest_storage(tmp_path):
    """What the Dockerfile runs (DEBUG=0: hashed names, compressed). The manifest storage
    follows every url() and sourceMappingURL in the files, so a vendored file that names a map
    it does not ship fails the image build."""
    result = subprocess.run(
        [sys.executable, "-c",
         "import django; from django.conf import settings; django.setup(); "
         f"settings.STATIC_ROOT = {str(tmp_path)!r}; "
         "from django.core.management import call_command; "
         "call_command('collectstatic', '--no-input', '-v0')"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "program.core.settings",
             "DEBUG": "0", "SECRET_KEY": "collectstatic-only-not-a-real-key",
             "VAR_DIR": str(tmp_path / "var")})
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/chart-4.6.1.umd.min.js" in manifest and "css/app.css" in manifest
