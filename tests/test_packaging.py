"""environment.yml (conda) and pyproject.toml (pip) name the same dependencies."""

import re
import tomllib

import yaml

from cchc_lib.paths import PROJECT_ROOT

CONDA_ONLY = {"python", "pip"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$", requirement)
    assert match, requirement
    return match[1].lower().replace("_", "-"), match[2].replace(" ", "")


def _pip_dependencies() -> dict[str, str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return dict(_split(r) for r in requirements)


def _conda_dependencies() -> dict[str, str]:
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    entries = [_split(d) for d in env["dependencies"] if isinstance(d, str)]
    return {name: spec for name, spec in entries if name not in CONDA_ONLY}


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    assert _conda_dependencies() == _pip_dependencies()


def test_environment_yml_installs_the_project_itself():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "--editable ." in pip_section


def test_console_script_points_at_the_cli():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"cchc": "cchc_lib.cli:main"}
