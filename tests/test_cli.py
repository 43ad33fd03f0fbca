"""``mkdocs-sms check``: formats, exit codes and errors. Most runs are in this process through
``cli.main``; the tests that say so run real processes (exit status, closed pipe, console script)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import ROOT, approved, complete_mini, run_cli, run_cli_process


def _failing(make_site: Any) -> Any:
    pages = {
        **complete_mini(),
        "late.md": approved("POL-LATE-01", "policy", [], approved_on="2025-01-01"),
        "bad.md": "---\nid: POL-BAD-01\ntitle: x\nowner: [a\n---\n",
    }
    return make_site(pages)


def test_exit_codes(make_site: Any) -> None:
    clean = make_site(complete_mini())
    assert clean.check().returncode == 0
    assert clean.check("--strict").returncode == 0
    warning_only = make_site(
        {**complete_mini(), "late.md": approved("POL-LATE-01", "policy", [], approved_on="2025-01-01")}
    )
    assert warning_only.check().returncode == 0
    assert warning_only.check("--strict").returncode == 1
    assert _failing(make_site).check().returncode == 1


def test_a_process_exits_with_the_code(make_site: Any, tmp_path: Path) -> None:
    # The status the shell sees, not only what main() returns.
    assert run_cli_process("check", "-f", str(make_site(complete_mini()).config_file), cwd=tmp_path).returncode == 0
    assert run_cli_process("check", "-f", str(_failing(make_site).config_file), cwd=tmp_path).returncode == 1
    unusable = run_cli_process("check", "-f", str(tmp_path / "nope.yml"), cwd=tmp_path)
    assert unusable.returncode == 2 and "cannot read" in unusable.stderr and "Traceback" not in unusable.stderr


def test_in_process_runs_give_what_a_process_gives(make_site: Any) -> None:
    # The fast tier runs the command line in this process: it must see and say exactly what a process does,
    # whatever ran in this process before (caches, environment, working directory).
    site = _failing(make_site)
    runs = [
        ("check", "--format", "json", "-f", str(site.config_file)),
        ("check", "--format", "json"),  # mkdocs.yml found in the working directory
        ("check", "-f", str(site.config_file)),
        ("check", "--format", "xml"),  # a usage error, written by argparse
        (),  # no command: the help, exit 2
    ]
    cwd, environ = os.getcwd(), dict(os.environ)
    for args in runs:
        first = run_cli(*args, cwd=site.root)
        process = run_cli_process(*args, cwd=site.root)
        again = run_cli(*args, cwd=site.root)
        for result in (first, again):
            assert (result.returncode, result.stdout, result.stderr) == (
                process.returncode, process.stdout, process.stderr
            ), args  # fmt: skip
    assert (os.getcwd(), dict(os.environ)) == (cwd, environ)
    # The JSON is not empty agreement: it holds the findings of the handbook.
    codes = {f["code"] for f in json.loads(run_cli(*runs[0], cwd=site.root).stdout)["findings"]}
    # SMS304 and SMS302: the page whose front-matter is broken counts as the highest classification.
    assert codes == {"SMS001", "SMS007", "SMS304", "SMS302"}


def test_in_process_environment_is_the_run_s_own(make_site: Any) -> None:
    # SOURCE_DATE_EPOCH given to one run decides its date, and is gone for the next.
    site = make_site(complete_mini(), {"today": None})
    epoch_2026_05 = "1777593600"  # 2026-05-01
    dated = json.loads(site.check("--format", "json", env={"SOURCE_DATE_EPOCH": epoch_2026_05}).stdout)
    assert dated["today"] == "2026-05-01"
    assert os.environ.get("SOURCE_DATE_EPOCH") != epoch_2026_05
    assert site.check_json()["today"] != "2026-05-01"


def test_unusable_input_exits_2(make_site: Any, tmp_path: Path) -> None:
    site = make_site(complete_mini())
    missing = run_cli("check", "-f", str(tmp_path / "nope.yml"), cwd=tmp_path)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    site.config_file.write_text("site_name: [broken\n")
    broken = site.check()
    assert broken.returncode == 2 and "is not valid YAML" in broken.stderr
    assert run_cli("check", "--format", "xml", cwd=tmp_path).returncode == 2
    assert run_cli(cwd=tmp_path).returncode == 2


def test_text_format_groups_findings_by_file(make_site: Any) -> None:
    out = _failing(make_site).check().stdout
    assert "docs/bad.md\n     4  error   SMS001  POL-BAD-01: front-matter" in out
    assert "     4  warning SMS304  POL-BAD-01: its classification cannot be established" in out
    assert "docs/late.md\n    10  warning SMS007  POL-LATE-01: review was due on 2026-01-01 (332 days ago)" in out
    # The optional audit-results row is missing: shown, but not a finding.
    assert "Coverage of mini: 3/4 covered (3 covered, 1 missing)" in out
    assert "4 documents checked: 1 error, 2 warnings" in out
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_json_format_is_the_contract_object(make_site: Any) -> None:
    data = _failing(make_site).check_json()
    assert data["schema"] == 1
    assert {"documents", "coverage", "findings"} <= set(data)
    # bad.md, whose classification is unknown, is also withheld from the default audience (SMS304, SMS302).
    assert {f["code"] for f in data["findings"]} == {"SMS001", "SMS007", "SMS304", "SMS302"}
    for finding in data["findings"]:
        assert set(finding) == {"code", "severity", "message", "path", "line", "document"}


def test_markdown_format_is_ready_for_a_pull_request(make_site: Any) -> None:
    out = _failing(make_site).check("--format", "markdown").stdout
    assert out.startswith("❌ **Check failed**: 1 error(s), 2 warning(s) in 4 documents.")
    assert "| mini | 3/4 | 0 | 0 | 1 |" in out
    assert "| warning | SMS007 | late.md:10 (POL-LATE-01) | review was due on 2026-01-01 (332 days ago) |" in out
    passed = make_site(complete_mini()).check("--format", "markdown").stdout
    assert passed.startswith("✅ **Check passed**")


def test_github_format_prints_workflow_commands(make_site: Any) -> None:
    out = _failing(make_site).check("--format", "github").stdout.splitlines()
    assert out[0].startswith("::error file=docs/bad.md,line=4,title=SMS001 POL-BAD-01::SMS001 bad.md:4 (POL-BAD-01)")
    assert out[1].startswith("::warning file=docs/bad.md,line=4,title=SMS304 POL-BAD-01::SMS304 bad.md:4 (POL-BAD-01)")
    assert out[2].startswith("::warning file=docs/late.md,line=10,title=SMS007 POL-LATE-01::")
    missing = make_site({k: v for k, v in complete_mini().items() if k != "plans/audit.md"})
    lines = missing.check("--format", "github").stdout.splitlines()
    assert lines == [
        "::error title=SMS101::SMS101 mini 9.2 Internal audit (document: Internal audit programme): "
        "no document meets this requirement"
    ]


def test_colour_on_a_terminal_can_be_turned_off(make_site: Any) -> None:
    # NO_COLOR is honoured even on a terminal; without a terminal there is never colour.
    site = _failing(make_site)
    assert "\x1b[" not in site.check(env={"NO_COLOR": "1"}).stdout


def test_console_script_and_module_agree(make_site: Any) -> None:
    site = make_site(complete_mini())
    script = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "mkdocs-sms"
    if not script.exists():
        script = ROOT / ".venv" / "bin" / "mkdocs-sms"
    via_script = subprocess.run(
        [str(script), "check", "--format", "json"], cwd=site.root, capture_output=True, text=True, check=False
    )
    assert via_script.returncode == 0, via_script.stderr
    assert json.loads(via_script.stdout) == site.check_json()  # in this process, as `python -m` (tested above)


def test_cli_reads_mkdocs_tags_without_running_them(make_site: Any) -> None:
    site = make_site(complete_mini())
    config = site.config_file.read_text()
    config += (
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "site_author: !ENV [SMS_TEST_AUTHOR, nobody]\n"
    )
    site.config_file.write_text(config)
    assert site.check().returncode == 0


def test_check_without_the_plugin_uses_defaults_and_says_so(make_site: Any) -> None:
    site = make_site({"p.md": approved("POL-A-01", "policy", ["8.5.1.1"])}, plugins=["search"])
    result = site.check()
    assert "does not enable the 'sms' plugin" in result.stderr
    assert "Coverage of iso20000-1:2018: 1/71 covered" in result.stdout
    assert result.returncode == 1


def test_a_closed_pipe_is_not_a_traceback(make_site: Any) -> None:
    # Output larger than a pipe's buffer, so that writing goes on after the reader has gone.
    pages = {f"p/{n:03d}.md": approved(f"POL-P-{n:03d}", "policy", ["5.2"]) for n in range(400)}
    site = make_site({**complete_mini(), **pages})
    result = subprocess.run(
        f"{sys.executable} -m mkdocs_sms check --format json -f {site.config_file} | head -c 20",
        shell=True, capture_output=True, text=True, check=False, cwd=site.root,
    )  # fmt: skip
    assert result.stdout.startswith("{") and "Traceback" not in result.stderr, result.stderr
