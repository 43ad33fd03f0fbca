"""The second bundled catalogue, iso27001:2022: clauses 4 to 10 of ISO/IEC 27001:2022 and the documented
information they ask for, read by coverage and the audit page like iso20000-1:2018 (nonconformities at
10.2, not 10.1), and a starter handbook with both catalogues from `mkdocs-sms init --catalogues`."""

from __future__ import annotations

import json
import os
import re
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from conftest import approved, run_build, run_cli
from mkdocs_sms.catalogue import LEVELS

BOTH = "iso20000-1:2018,iso27001:2022"
ISMS = {"catalogues": ["iso27001:2022"]}
ENV = {"GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.org", "GIT_COMMITTER_NAME": "Ann",
       "GIT_COMMITTER_EMAIL": "ann@example.org"}  # fmt: skip
CLAUSES = [
    "4", "4.1", "4.2", "4.3", "4.4", "5", "5.1", "5.2", "5.3",
    "6", "6.1", "6.1.1", "6.1.2", "6.1.3", "6.2", "6.3",
    "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2", "7.5.3",
    "8", "8.1", "8.2", "8.3", "9", "9.1", "9.2", "9.2.1", "9.2.2", "9.3", "9.3.1", "9.3.2", "9.3.3",
    "10", "10.1", "10.2",
]  # fmt: skip
# The documented information the standard asks for, by clause (6.1.3: process, statement of applicability and
# treatment plan; 9.2.2: programme and results).
ROWS = ["4.3", "5.2", "6.1.2", "6.1.3", "6.1.3", "6.1.3", "6.2", "7.2", "7.5.1", "8.1", "8.2", "8.3", "9.1",
        "9.2.2", "9.2.2", "9.3.3", "10.2"]  # fmt: skip


def _file() -> dict[str, Any]:
    text = resources.files("mkdocs_sms.catalogue").joinpath("catalogues/iso27001-2022.yml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_the_catalogue_checks_clean_with_strict() -> None:
    result = run_cli("catalogue", "check", "--strict", "iso27001:2022", cwd=Path("."))
    assert result.returncode == 0, result.stdout
    assert "41 clauses, 17 requirement rows: 0 warning(s)" in result.stdout


def test_clauses_4_to_10_each_once_with_their_documented_information() -> None:
    data = _file()
    numbers = [clause["clause"] for clause in data["clauses"]]
    assert numbers == CLAUSES and len(set(numbers)) == len(numbers)
    rows = [(clause["clause"], row) for clause in data["clauses"] for row in clause.get("requirements", [])]
    assert [number for number, _ in rows] == ROWS
    names = {row["name"] for _, row in rows}
    assert {"Statement of applicability", "Information security risk treatment plan", "ISMS scope"} <= names
    # Every row and activity says its level; the text is a paraphrase, to be checked against the standard.
    assert all(row.get("level") in LEVELS and row["requirement"] and row["guidance"] for _, row in rows)
    activities = [item for clause in data["clauses"] for item in clause["activities"]]
    assert all(isinstance(item, dict) and item["level"] in LEVELS for item in activities)
    description = " ".join(data["description"].split())
    assert "paraphrases written for mkdocs-sms, not the standard's wording" in description
    assert "licensed copy of the standard" in description and "Annex A are not part of it" in description
    # The harmonized structure's order: continual improvement first, nonconformity second.
    titles = {clause["clause"]: clause["title"] for clause in data["clauses"]}
    assert (titles["10.1"], titles["10.2"]) == ("Continual improvement", "Nonconformity and corrective action")
    audit = data["audit"]
    assert (audit["internal_audit"], audit["management_review"], audit["nonconformity"]) == ("9.2", "9.3", "10.2")


def _nonconformity(state: str, clause: str = "10.2") -> str:
    return approved(
        "REC-NC-01", "record", [clause], date="2026-10-01", state=state, grade="major", source="internal audit",
        effectiveness="Checked by the ISMS manager",
    )  # fmt: skip


def _audit_check(site: Any) -> tuple[list[str], list[str]]:
    assert site.build().ok
    audit = json.loads(site.site_file("sms.json"))["audit"]
    return audit["failed"], audit["unassessed"]


def test_an_open_nonconformity_under_10_2_fails_the_audit_page(make_site: Any) -> None:
    pages = {"index.md": "# Home\n", "records/nc.md": _nonconformity("open")}
    failed, _ = _audit_check(make_site(pages, ISMS))
    assert "No nonconformity blocks the audit" in failed
    failed, unassessed = _audit_check(make_site({**pages, "records/nc.md": _nonconformity("closed")}, ISMS))
    assert "No nonconformity blocks the audit" not in failed + unassessed
    # 10.1 is continual improvement here: an open record under it is no nonconformity.
    _, unassessed = _audit_check(make_site({**pages, "records/nc.md": _nonconformity("open", "10.1")}, ISMS))
    assert "No nonconformity blocks the audit" in unassessed


def test_audit_and_review_records_under_9_2_2_and_9_3_3_count_as_held(make_site: Any) -> None:
    pages = {
        "index.md": "# Home\n",
        "records/audit.md": approved("REC-IA-01", "record", ["9.2.2"], date="2026-06-01"),
        "records/review.md": approved("REC-MR-01", "record", ["9.3.3"], date="2025-06-01"),
    }
    failed, unassessed = _audit_check(make_site(pages, ISMS))
    assert "An internal audit within 12 months" not in failed + unassessed
    assert "A management review within 12 months" in failed  # the review of 2025-06-01 is too old


def test_init_starts_from_both_catalogues_and_checks_clean(tmp_path: Path) -> None:
    root = tmp_path / "ims"
    result = run_cli("init", str(root), "--name", "Acme", "--catalogues", BOTH, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    options = next(p["sms"] for p in config["plugins"] if isinstance(p, dict) and "sms" in p)
    assert options["catalogues"] == ["iso20000-1:2018", "iso27001:2022"]
    # Both standards number 4 to 10: every reference the starter writes says its catalogue.
    phases = [ref for phase in options["implementation"]["phases"] for ref in phase["clauses"]]
    assert "iso27001:2022:9.2" in phases and all(re.match(r"iso(20000-1:2018|27001:2022):\d", p) for p in phases)
    check = run_cli("check", "--format", "json", cwd=root)
    assert check.returncode == 0, check.stdout
    data = json.loads(check.stdout)
    assert {(f["code"], f["severity"]) for f in data["findings"]} == {("SMS102", "info"), ("SMS202", "warning")}
    assert all(
        ref.startswith(("iso20000-1:2018:", "iso27001:2022:")) for d in data["documents"] for ref in d["clauses"]
    )
    totals = {c["name"]: c["summary"]["total"] for c in data["catalogues"]}
    assert totals == {"iso20000-1:2018": 71, "iso27001:2022": 17}
    assert len(data["documents"]) == 71 + 17 + 3  # a draft per row of each, the business case, target, assessment
    # The drafts of the statement of applicability and the treatment plan come from their own templates.
    drafts = {d["id"]: d["path"] for d in data["documents"]}
    soa = (root / "docs" / drafts["REG-ISO27001-2022-6-1-3-2"]).read_text()
    plan = (root / "docs" / drafts["PLN-ISO27001-2022-6-1-3-3"]).read_text()
    assert "## Controls" in soa and "## Treatment actions" in plan
    assert "--clauses iso20000-1:2018:5.2" in (root / "README.md").read_text()
    # After the first commit, the starter builds strictly, and both coverages are on the coverage page.
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "Starter"], cwd=root, env={**os.environ, **ENV}, check=True)
    build = run_build(root / "mkdocs.yml", strict=True, site_dir=str(tmp_path / "site"))
    assert build.ok, build.error
    coverage = (tmp_path / "site/sms/coverage/index.html").read_text()
    assert "0 of 71 requirements covered" in coverage and "0 of 17 requirements covered" in coverage
    assert "Statement of applicability" in coverage and "Service management policy" in coverage


def test_init_refuses_an_unknown_or_repeated_catalogue_and_writes_nothing(tmp_path: Path) -> None:
    unknown = run_cli("init", str(tmp_path / "a"), "--catalogues", "iso27001:2022,iso9001", cwd=tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr == (
        "mkdocs-sms: error: --catalogues: 'iso9001' is not a built-in catalogue (iso20000-1:2018, iso27001:2022); "
        "add catalogue files of your own to mkdocs.yml after init\n"
    )
    twice = run_cli("init", str(tmp_path / "b"), "--catalogues", "iso27001:2022,iso27001:2022", cwd=tmp_path)
    assert twice.returncode == 2
    assert twice.stderr == "mkdocs-sms: error: --catalogues: 'iso27001:2022' is named twice\n"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_init_with_27001_alone_writes_plain_clause_numbers(tmp_path: Path) -> None:
    root = tmp_path / "isms"
    assert run_cli("init", str(root), "--catalogues", "iso27001:2022", cwd=tmp_path).returncode == 0
    data = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert {c["name"] for c in data["catalogues"]} == {"iso27001:2022"}
    assert [f for f in data["findings"] if f["severity"] == "error"] == []
    policy = next(d for d in data["documents"] if d["title"] == "Information security policy")
    assert policy["clauses"] == ["5.2"] and policy["path"] == "policies/5-2-information-security-policy.md"


def test_a_new_target_state_names_no_clause_it_was_not_given(make_site: Any) -> None:
    """With both catalogues, a clause the author did not choose would be ambiguous (SMS005)."""
    site = make_site({"index.md": "# Home\n"}, {"catalogues": ["iso20000-1:2018", "iso27001:2022"]})
    made = site.cli("new", "plan", "--id", "PLN-TGT-02", "--title", "Target state", "--template", "target-state")
    assert made.returncode == 0, made.stderr
    findings = [f for f in site.check_json()["findings"] if f["path"] == "plans/target-state.md"]
    assert [f for f in findings if f["code"] in ("SMS003", "SMS005")] == []
