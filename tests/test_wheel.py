"""The wheel carries everything it needs: installed into a fresh virtual environment, far from the
repository, it checks and builds a handbook with the bundled catalogue and templates."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT, approved, write_config

pytestmark = pytest.mark.slow  # builds a wheel and installs it into a new virtual environment


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False, timeout=900, env=env
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, ROOT, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("mkdocs_sms-*.whl")
    return built


def test_wheel_contains_catalogue_templates_and_entry_points(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "mkdocs_sms/catalogue/catalogues/iso20000-1-2018.yml" in names
    assert "mkdocs_sms/catalogue/catalogues/iso27001-2022.yml" in names
    assert "mkdocs_sms/render/templates/panel.html" in names
    assert "mkdocs_sms/render/templates/sms.css" in names
    assert "mkdocs_sms/sms_templates/policy.md.j2" in names
    shipped = {f"mkdocs_sms/sms_templates/{t.name}" for t in (ROOT / "sms_templates").glob("*.md.j2")}
    assert "mkdocs_sms/sms_templates/process-8.6.1.md.j2" in shipped and shipped <= names  # clause templates too
    assert "mkdocs_sms/ci/github-actions.yml" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "sms = mkdocs_sms.plugin:SmsPlugin" in text
    assert "mkdocs-sms = mkdocs_sms.cli:main" in text


def test_wheel_works_in_a_fresh_environment(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    install = _run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    assert install.returncode == 0, install.stderr

    site = tmp_path / "handbook"
    (site / "docs").mkdir(parents=True)
    write_config(site, {"catalogues": ["iso20000-1:2018"]})
    (site / "docs" / "change.md").write_text(approved("POL-CHG-01", "policy", ["8.5.1.1"]))
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean_env["PATH"] = f"{bin_dir}{os.pathsep}{clean_env.get('PATH', '')}"

    where = _run(bin_dir / "python", "-c", "import mkdocs_sms; print(mkdocs_sms.__file__)", cwd=site, env=clean_env)
    assert str(env_dir) in where.stdout and str(ROOT) not in where.stdout

    check = _run(bin_dir / "mkdocs-sms", "check", cwd=site, env=clean_env)
    assert check.returncode == 1  # a one-document SMS misses most of the catalogue
    assert "SMS101" in check.stdout and "Coverage of iso20000-1:2018: 1/" in check.stdout
    module = _run(bin_dir / "python", "-m", "mkdocs_sms", "check", "--format", "json", cwd=site, env=clean_env)
    assert '"schema": 1' in module.stdout

    new = _run(bin_dir / "mkdocs-sms", "new", "plan", "--id", "PLN-X-01", "--title", "Plan X", cwd=site, env=clean_env)
    assert new.returncode == 0, new.stderr
    assert "## Activities and timetable" in (site / "docs" / "plans" / "plan-x.md").read_text()

    init = _run(bin_dir / "mkdocs-sms", "init", tmp_path / "starter", cwd=tmp_path, env=clean_env)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "starter/ci/gitlab-ci.yml").is_file()

    build = _run(bin_dir / "mkdocs", "build", cwd=site, env=clean_env)
    assert build.returncode == 0, build.stderr
    assert "sms-panel" in (site / "site" / "change" / "index.html").read_text()
    assert (site / "site" / "assets" / "mkdocs-sms" / "sms.css").is_file()
