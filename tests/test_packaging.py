"""environment.yml (conda) and pyproject.toml (pip) name the same dependencies."""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from cchc_lib.base import paths
from cchc_lib.base.paths import PROJECT_ROOT

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


# ---------------------------------------------------------------------------------------------
# The package as pip installs it: notebooks and templates inside, sample data not needed.
# ---------------------------------------------------------------------------------------------

BUILD_INPUTS = ("pyproject.toml", "README.md", "MANIFEST.in", "cchc_lib", "notebooks")


def test_the_notebooks_are_one_copy_shipped_as_a_subpackage():
    setuptools = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "cchc_lib.notebooks" in setuptools["packages"]
    assert setuptools["package-dir"] == {"cchc_lib.notebooks": "notebooks"}
    assert "*.ipynb" in setuptools["package-data"]["cchc_lib.notebooks"]
    # the checkout's notebooks/ is what cchc runs: the folder JupyterLab opens, not a copy
    assert paths.NOTEBOOKS_DIR.resolve() == (PROJECT_ROOT / "notebooks").resolve()
    assert paths.PERIOD_REPORT_NOTEBOOK.is_file() and paths.ROLLUP_NOTEBOOK.is_file()
    assert not (paths.PACKAGE_DIR / "notebooks").exists()


def test_in_a_checkout_reports_go_to_the_repository_reports_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.IN_CHECKOUT
    assert paths.REPORTS_DIR == PROJECT_ROOT / "reports"
    assert paths.default_out_dir("hoang-giang") == PROJECT_ROOT / "reports" / "hoang-giang"
    assert paths.sample_data_dir() == paths.SAMPLE_DATA_DIR


def _run(args: list, cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _site_packages(python: Path | str) -> Path:
    out = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], Path.cwd())
    return Path(out.stdout.strip())


@pytest.mark.notebook
def test_a_wheel_installed_in_a_fresh_environment_runs_a_report_from_any_folder(tmp_path):
    # the wheel, built from a copy of the sources (the checkout gets no build/ folder) with this
    # environment's setuptools: nothing is downloaded
    src = tmp_path / "src"
    src.mkdir()
    for name in BUILD_INPUTS:
        item = PROJECT_ROOT / name
        if item.is_dir():
            shutil.copytree(item, src / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif item.is_file():
            shutil.copy2(item, src / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                  "--disable-pip-version-check", "--wheel-dir", tmp_path / "dist", src], tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("cchc_reports-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"cchc_lib/notebooks/period_report.ipynb", "cchc_lib/notebooks/rollup_report.ipynb",
            "cchc_lib/templates/cchc/report.css", "cchc_lib/templates/sections/tthc.html.j2"} <= names
    assert not any(name.startswith(("data/", "tests/", "notebooks/")) for name in names)

    # a fresh environment holding only the wheel; the dependencies are this environment's,
    # reached through a .pth file written after the install (pip then sees no other copy of
    # the project), which puts them after the fresh site-packages on sys.path: the editable
    # install of the checkout is not loaded there (its .pth files are not read)
    fresh = tmp_path / "fresh"
    created = _run([sys.executable, "-m", "venv", "--without-pip", fresh], tmp_path)
    assert created.returncode == 0, created.stderr
    python, cchc = fresh / "bin" / "python", fresh / "bin" / "cchc"
    installed = _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
                      "--disable-pip-version-check", "--quiet", wheel], tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    fresh_site = _site_packages(python)
    deps = {str(Path(p)) for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])}
    (fresh_site / "_cchc_test_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")

    # nbconvert's base templates and the kernel spec are data files of this environment
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER"))}
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    anywhere = tmp_path / "anywhere"
    anywhere.mkdir()

    probe = _run([python, "-c", "import json, cchc_lib; from cchc_lib.base import paths; print(json.dumps(["
                  "cchc_lib.__file__, str(paths.NOTEBOOKS_DIR), paths.IN_CHECKOUT, str(paths.default_out_dir('x'))]))"],
                 anywhere, env)
    assert probe.returncode == 0, probe.stderr
    module, notebooks, in_checkout, default_out = json.loads(probe.stdout)
    assert Path(module).is_relative_to(fresh_site)
    assert Path(notebooks) == fresh_site / "cchc_lib" / "notebooks"
    assert not in_checkout
    assert Path(default_out) == anywhere / "reports" / "x"  # the current folder's reports/

    out = tmp_path / "out"
    report = _run([cchc, "report", "2023-Q1", "--data", paths.SAMPLE_DATA_DIR, "--format", "json,html",
                   "--out", out], anywhere, env)
    assert report.returncode == 0, report.stdout + report.stderr
    summary = json.loads((out / "2023-Q1.json").read_text(encoding="utf-8"))
    assert summary["period"] == "2023-Q1" and summary["unit_slug"] == "hoang-giang"
    html = (out / "2023-Q1.html").read_text(encoding="utf-8")
    assert summary["period_name"] in html
    assert not (out / "2023-Q1.pdf").exists()
    assert list(anywhere.iterdir()) == []

    # without --data there is no sample outside a checkout: one line naming the data folder
    no_data = _run([cchc, "report", "2023-Q1", "--format", "json"], anywhere, env)
    assert no_data.returncode == 1
    assert "data_dir" in no_data.stderr and len(no_data.stderr.strip().splitlines()) == 1
    assert list(anywhere.iterdir()) == []
