"""An SMS lifecycle replayed in one real git repository, from `mkdocs-sms init` to a first edition.

The steps are what a team does in its first year (issue 13, "Done when"): the starter and its first
commit, drafts replaced one by one through branches, first approvals, the management review record
replacing its starter draft, a record each month, a policy edited without and then with a new version,
a retired procedure, a tag and the "what changed" page, the last drafts approved, a nonconformity opened
and closed. At each step the exact findings of `check`, the findings and verdict of `diff` and the
audit verdict are asserted.

The date moves with the story (SOURCE_DATE_EPOCH, as a pipeline would set it), and every commit is
dated on its step's day, so the test reads the same whenever it runs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Site, run_cli
from test_compare import CATEGORIES, _diff_ids, _page_ids
from test_history import commit_all, git

# Each step's findings as (code, severity, where): the page for page findings, the clause for coverage
# findings (which have no page).
Key = tuple[str, str, str]
# The six rows of the starter's first phase (clauses 4 to 7), drafts: SMS102, an info in the starter.
FOUNDATION = ["4.3", "5.2.1", "6.1", "6.2.1", "6.3", "7.2"]
# The team's own plan brings the internal audit, the management review and nonconformities forward.
EARLY = ["9.2", "9.2", "9.3", "10.1"]  # 9.2 has two rows: the programme and the audit results
# The audit-preparation checks (by title) and what the minutes and the audit report say they covered.
OPERATION = "Records of every clause 8 process within 3 months"
PROGRAMME = "Internal audits covered every clause within 3 years"
INPUTS = "The latest management review covered every input"
REVIEW_INPUTS = ["actions", "issues", "nonconformities", "measurement", "audits", "feedback", "risks", "improvement"]


def _set_today(monkeypatch: pytest.MonkeyPatch, day: str) -> str:
    """Make ``day`` today for the CLI and the builds (as CI does with SOURCE_DATE_EPOCH); return it."""
    epoch = int(dt.datetime.fromisoformat(f"{day}T12:00:00+00:00").timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    return day


def _where(finding: dict[str, Any]) -> str:
    if finding["path"]:
        return str(finding["path"])
    match = re.search(r"iso20000-1:2018 (\S+) ", finding["message"])
    assert match, finding
    return match.group(1)


def _keys(findings: list[dict[str, Any]]) -> list[Key]:
    return sorted((f["code"], f["severity"], _where(f)) for f in findings)


def _drafts(clauses: list[str]) -> list[Key]:
    """SMS102 for rows met only by drafts: an info in the starter's configuration."""
    return [("SMS102", "info", clause) for clause in clauses]


def _check(site: Site, *args: str) -> tuple[list[Key], tuple[str, list[str], list[str]], dict[str, Any]]:
    """``check --format json``: its findings, the audit's (verdict, failed, unassessed) and the data."""
    result = site.check("--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    audit = data["audit"]
    return _keys(data["findings"]), (audit["verdict"], audit["failed"], audit["unassessed"]), data


def _diff(site: Site, base: str) -> dict[str, Any]:
    """``diff --base BASE --format json`` of the working tree, with its exit code under ``exit``."""
    result = run_cli("diff", "-f", str(site.config_file), "--base", base, "--format", "json", cwd=site.root)
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return {
        "exit": result.returncode,
        "verdict": data["verdict"],
        "introduced": _keys(data["findings"]["introduced"]),
        "coverage": sorted((r["clause"], r["from"], r["to"]) for r in data["coverage"]),
        **{kind: sorted(d["id"] for d in data["documents"][kind]) for kind in CATEGORIES},
    }


def _changes(**kinds: list[str]) -> dict[str, list[str]]:
    return {kind: sorted(kinds.get(kind, [])) for kind in CATEGORIES}


def _passes(documents: dict[str, list[str]], coverage: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    """What ``_diff`` returns for a change that introduces nothing and lowers nothing."""
    return {"exit": 0, "verdict": "pass", "introduced": [], "coverage": coverage or [], **documents}


def _front(keys: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(keys, sort_keys=False, allow_unicode=True) + "---\n"


def _page(body: str, **keys: Any) -> str:
    return _front(keys) + "\n" + body + "\n"


def _approved(doc_id: str, title: str, doc_type: str, clauses: list[str], on: str, body: str, **extra: Any) -> str:
    keys: dict[str, Any] = {"id": doc_id, "title": title, "type": doc_type, "clauses": clauses,
                            "owner": "Head of Service Management", "status": "approved", "version": "1.0",
                            "approved_by": "Managing Director", "approved_on": dt.date.fromisoformat(on)}  # fmt: skip
    keys.update(extra)
    return _page(body, **keys)


def _record(doc_id: str, title: str, clauses: list[str], date: str, approved_on: str, **extra: Any) -> str:
    return _approved(doc_id, title, "record", clauses, approved_on, f"What happened on {date}.",
                     date=dt.date.fromisoformat(date), **extra)  # fmt: skip


def _set_front(site: Site, path: str, body: str | None = None, **changes: Any) -> None:
    """Change front-matter keys of ``docs/path`` in place, keeping its body unless ``body`` is given."""
    text = (site.docs / path).read_text("utf-8")
    _, front, kept = text.split("---\n", 2)
    keys = yaml.safe_load(front)
    keys.update(changes)
    site.write(path, _front(keys) + kept if body is None else _page(body, **keys))


def _branch(site: Site, name: str) -> None:
    git(site.root, "checkout", "-q", "-b", name)


def _merge(site: Site, name: str, day: str) -> None:
    git(site.root, "checkout", "-q", "main")
    git(site.root, "merge", "-q", "--no-ff", "-m", f"Merge branch '{name}'", name, date=day)


SCOPE = "The SMS covers the managed hosting and service desk services delivered from Lyon to customers in the EU."


def test_an_sms_lifecycle_from_init_to_its_first_edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1. The starter, with its implementation plan, and the first commit as init's hint says.
    day = _set_today(monkeypatch, "2026-06-01")
    site = Site(tmp_path / "handbook")
    result = run_cli("init", str(site.root), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"cd {site.root} && git init && git add -A && git commit" in result.stdout
    git(site.root, "init", "-q", "-b", "main")
    commit_all(site.root, "Starter SMS handbook", day)
    assert site.check("--strict").returncode == 0
    build = site.build(strict=True)
    assert build.ok, build.plugin_warnings()
    findings, audit, _ = _check(site)
    assert findings == _drafts(FOUNDATION)
    # The audit verdict: not ready. Nothing is approved, so coverage is not complete and there is no
    # record of an internal audit or a management review; whether evidence is recent and whether a
    # nonconformity is open cannot be assessed, as the handbook holds no evidence and no nonconformity.
    not_ready = ["Coverage complete", "An internal audit within 12 months", "A management review within 12 months"]
    unassessed = ["Evidence fresh", OPERATION, PROGRAMME, INPUTS, "No nonconformity blocks the audit"]
    assert audit == ("not ready", not_ready, unassessed)

    # The team sets its own plan: internal audit, management review and nonconformities in phase one.
    day = _set_today(monkeypatch, "2026-06-02")
    _branch(site, "plan")
    config = site.config_file.read_text("utf-8")
    for old, new in (("2026-09-01", "2027-06-30"), ("2027-03-01", "2027-12-31"), ("2027-06-01", "2028-03-31")):
        assert f"target: {old}" in config
        config = config.replace(f"target: {old}", f"target: {new}")
    config = config.replace('clauses: ["4", "5", "6", "7"]', 'clauses: ["4", "5", "6", "7", "9.2", "9.3", "10.1"]')
    site.config_file.write_text(config, "utf-8")
    commit_all(site.root, "Our implementation plan", day)
    _merge(site, "plan", day)
    findings, audit, _ = _check(site)
    assert findings == sorted(_drafts(FOUNDATION + EARLY))
    assert audit == ("not ready", not_ready, unassessed)

    # 2. Drafts replaced through branches. The policy is a new file with its own id; the starter goes.
    day = _set_today(monkeypatch, "2026-06-15")
    _branch(site, "policy")
    git(site.root, "rm", "-q", "docs/policies/5-2-1-service-management-policy.md")
    body = "We run our services to agreed levels and improve them continually."
    site.write("policies/service-management-policy.md",
               _approved("POL-SMS-01", "Service management policy", "policy", ["5.2.1"], day, body))  # fmt: skip
    assert _diff(site, "main") == _passes(
        _changes(added=["POL-SMS-01"], removed=["POL-5-2-1-1"]), [("5.2.1", "draft", "covered")]
    )
    commit_all(site.root, "Service management policy 1.0", day)
    _merge(site, "policy", day)

    # The risk register is written in place of its draft, with a procedure for the assessment.
    day = _set_today(monkeypatch, "2026-06-22")
    _branch(site, "risks")
    register = "registers/6-1-sms-and-service-risks-with-acceptance-criteria-and-risk-approach.md"
    site.write(register, _approved("REG-6-1-1", "SMS and service risks", "register", ["6.1"], day, "| Risk | Owner |"))
    procedure = _approved("PRC-RSK-01", "Risk assessment procedure", "procedure", ["6.1"], day, "Assess each risk.")
    site.write("procedures/risk-assessment.md", procedure)
    assert _diff(site, "main") == _passes(
        _changes(added=["PRC-RSK-01"], changed=["REG-6-1-1"]), [("6.1", "draft", "covered")]
    )
    commit_all(site.root, "Risk register and assessment procedure", day)
    _merge(site, "risks", day)
    findings, audit, _ = _check(site)
    assert findings == sorted(_drafts(["4.3", "6.2.1", "6.3", "7.2", *EARLY]))
    assert audit == ("not ready", not_ready, unassessed)

    # 3. The scope statement is written as a draft, then approved for the first time at version 0.1.
    day = _set_today(monkeypatch, "2026-07-01")
    _branch(site, "scope")
    scope = "plans/4-3-sms-scope-statement.md"
    text = (site.docs / scope).read_text("utf-8")
    site.write(scope, text.split("---\n\n", 1)[0] + "---\n\n" + SCOPE + "\n")
    assert _diff(site, "main") == _passes(_changes(changed=["PLN-4-3-1"]))
    commit_all(site.root, "Scope statement: first draft", day)
    _merge(site, "scope", day)

    day = _set_today(monkeypatch, "2026-07-15")
    _branch(site, "approve-scope")
    _set_front(site, scope, status="approved", approved_by="Managing Director", approved_on=dt.date(2026, 7, 15))
    # A first approval: no SMS204 (nothing goes back) and no SMS201 (no approved text changed).
    assert _diff(site, "main") == _passes(_changes(changed=["PLN-4-3-1"]), [("4.3", "draft", "covered")])
    commit_all(site.root, "Approve the scope statement", day)
    _merge(site, "approve-scope", day)
    findings, audit, data = _check(site)
    assert findings == sorted(_drafts(["6.2.1", "6.3", "7.2", *EARLY]))
    history = next(d["history"] for d in data["documents"] if d["id"] == "PLN-4-3-1")
    assert [(h["version"], h["status"]) for h in history][:2] == [("0.1", "approved"), ("0.1", "draft")]
    assert audit == ("not ready", not_ready, unassessed)

    # 4. The management review record replaces the starter's 9.3 draft in one change: no SMS205.
    day = _set_today(monkeypatch, "2026-11-20")
    _branch(site, "management-review")
    git(site.root, "rm", "-q", "docs/reports/9-3-management-review-results.md")
    site.write("records/management-review-2026-11.md",
               _record("REC-MR-2026-11", "Management review, November 2026", ["9.3"], "2026-11-18", day,
                       inputs=REVIEW_INPUTS))  # fmt: skip
    assert _diff(site, "main") == _passes(
        _changes(added=["REC-MR-2026-11"], removed=["RPT-9-3-1"]), [("9.3", "draft", "covered")]
    )
    commit_all(site.root, "Management review of November 2026", day)
    _merge(site, "management-review", day)
    findings, audit, _ = _check(site)
    assert findings == sorted(_drafts(["6.2.1", "6.3", "7.2", "9.2", "9.2", "10.1"]))
    # The management review of November is recent and covered every input: those checks pass.
    unassessed.remove(INPUTS)
    assert audit == ("not ready", ["Coverage complete", "An internal audit within 12 months"], unassessed)

    # 5. A record each month, committed on its day. Records have no review cycle: the incident record of
    # October 2025, filed in December, is not "due for review" (no SMS007), its row not stale.
    day = _set_today(monkeypatch, "2026-12-10")
    old = _record("REC-INC-2025-10", "Major incident, October 2025", ["8.6.1"], "2025-10-14", "2025-10-20")
    site.write("records/incidents/2025-10.md", old)
    site.write("records/incidents/2026-12.md",
               _record("REC-INC-2026-12", "Major incident, December 2026", ["8.6.1"], "2026-12-03", day))  # fmt: skip
    commit_all(site.root, "Incident records", day)
    findings, audit, data = _check(site)
    assert findings == sorted(_drafts(["6.2.1", "6.3", "7.2", "9.2", "9.2", "10.1"]))
    assert next(d["next_review"] for d in data["documents"] if d["id"] == "REC-INC-2025-10") is None
    # The first records of a clause 8 process: now the other processes show none.
    unassessed.remove(OPERATION)
    assert audit == ("not ready", ["Coverage complete", OPERATION, "An internal audit within 12 months"], unassessed)

    day = _set_today(monkeypatch, "2027-01-12")
    site.write("records/internal-audit-2027-01.md",
               _record("REC-IA-2027-01", "Internal audit, January 2027", ["9.2"], "2027-01-08", day,
                       audited=["4", "5", "6", "7", "8", "9", "10"]))  # fmt: skip
    commit_all(site.root, "Internal audit of January 2027", day)
    findings, audit, _ = _check(site)
    assert findings == sorted(_drafts(["6.2.1", "6.3", "7.2", "9.2", "10.1"]))  # 9.2 results now covered
    # An internal audit is recent too, and it audited every clause.
    unassessed.remove(PROGRAMME)
    assert audit == ("not ready", ["Coverage complete", OPERATION], unassessed)

    day = _set_today(monkeypatch, "2027-02-09")
    site.write("records/incidents/2027-02.md",
               _record("REC-INC-2027-02", "Major incident, February 2027", ["8.6.1"], "2027-02-02", day))  # fmt: skip
    commit_all(site.root, "Incident record of February 2027", day)
    findings, audit, _ = _check(site)
    assert findings == sorted(_drafts(["6.2.1", "6.3", "7.2", "9.2", "10.1"]))
    assert audit == ("not ready", ["Coverage complete", OPERATION], unassessed)

    # 6. The approved policy edited without a new version: SMS201 in diff and, once committed, in check.
    day = _set_today(monkeypatch, "2027-03-01")
    policy = "policies/service-management-policy.md"
    _branch(site, "policy-edit")
    text = (site.docs / policy).read_text("utf-8")
    site.write(policy, text.replace(body, body + " Customers are told of every change to a service."))
    sms201 = ("SMS201", "warning", policy)
    assert _diff(site, "main") == {**_passes(_changes(changed=["POL-SMS-01"])), "introduced": [sms201]}
    commit_all(site.root, "Policy: tell customers of changes", day)
    findings, _, _ = _check(site)
    assert findings == sorted([*_drafts(["6.2.1", "6.3", "7.2", "9.2", "10.1"]), sms201])
    # ... and with a new version, approved: neither.
    _set_front(site, policy, version="1.1", approved_on=dt.date(2027, 3, 1))
    assert _diff(site, "main") == _passes(_changes(changed=["POL-SMS-01"]))
    commit_all(site.root, "Service management policy 1.1", day)
    findings, _, _ = _check(site)
    assert findings == sorted(_drafts(["6.2.1", "6.3", "7.2", "9.2", "10.1"]))
    _merge(site, "policy-edit", day)

    # 7. The risk assessment procedure is retired: the register still meets 6.1, so the row stays covered.
    day = _set_today(monkeypatch, "2027-03-08")
    _branch(site, "retire")
    _set_front(site, "procedures/risk-assessment.md", status="retired")
    assert _diff(site, "main") == _passes(_changes(changed=["PRC-RSK-01"], retired=["PRC-RSK-01"]))
    # Retiring the register as well would leave 6.1 to a retired document, which never counts: missing.
    _set_front(site, register, status="retired")
    assert _diff(site, "main") == {
        "exit": 1,
        "verdict": "fail",
        "introduced": [("SMS101", "error", "6.1")],
        "coverage": [("6.1", "covered", "missing")],
        **_changes(changed=["PRC-RSK-01", "REG-6-1-1"], retired=["PRC-RSK-01", "REG-6-1-1"]),
    }
    git(site.root, "checkout", "-q", "--", f"docs/{register}")
    commit_all(site.root, "Retire the risk assessment procedure", day)
    _merge(site, "retire", day)
    findings, audit, data = _check(site)
    assert findings == sorted(_drafts(["6.2.1", "6.3", "7.2", "9.2", "10.1"]))
    row = next(r for r in data["coverage"] if r["clause"] == "6.1")
    assert (row["status"], row["documents"]) == ("covered", ["REG-6-1-1"])

    # 8. The first edition is tagged; the changes page of the next build lists what diff lists.
    day = _set_today(monkeypatch, "2027-03-15")
    git(site.root, "tag", "2027.1")
    _set_front(site, "plans/6-3-service-management-plan.md",
               status="approved", approved_by="Managing Director", approved_on=dt.date(2027, 3, 15))  # fmt: skip
    site.write("records/incidents/2027-03.md",
               _record("REC-INC-2027-03", "Major incident, March 2027", ["8.6.1"], "2027-03-11", day))  # fmt: skip
    commit_all(site.root, "Service management plan approved; incident record of March 2027", day)
    expected = _changes(added=["REC-INC-2027-03"], changed=["PLN-6-3-1"])
    assert _diff_ids(site, "2027.1", None) == expected
    build = site.build(strict=True)  # the pipeline of the starter: green, the drafts are infos
    assert build.ok, build.plugin_warnings()
    assert _page_ids(site) == expected
    assert "Not ready for the certification audit" in site.site_file("sms/audit/index.html")
    findings, audit, _ = _check(site)
    assert findings == sorted(_drafts(["6.2.1", "7.2", "9.2", "10.1"]))
    assert audit == ("not ready", ["Coverage complete", OPERATION], unassessed)

    # The last drafts are written and approved in one change: every row is covered, and the rows of the
    # later phases come out of "deferred" (a covered row is never deferred).
    day = _set_today(monkeypatch, "2027-03-20")
    _branch(site, "last-drafts")
    _, _, data = _check(site)
    drafts = [d["path"] for d in data["documents"] if d["status"] == "draft"]
    # One per row (68 required, 3 recommended), two replaced, three approved; and the business case, the
    # target state and the baseline gap assessment that init wrote for the initiation step.
    assert len(drafts) == 71 - 5 + 3
    gaps = sorted((r["clause"], r["status"], "covered") for r in data["coverage"] if r["status"] != "covered")
    for path in drafts:
        _set_front(site, path, status="approved", approved_by="Managing Director", approved_on=dt.date(2027, 3, 20),
                   owner="Head of Service Management", body="Written with the teams who do the work.")  # fmt: skip
    diff = _diff(site, "main")
    assert diff == _passes(_changes(changed=diff["changed"]), gaps)
    assert len(diff["changed"]) == len(drafts)
    commit_all(site.root, "The remaining documents, approved", day)
    _merge(site, "last-drafts", day)
    findings, audit, _ = _check(site)
    assert findings == []
    # Every check passes but one, which has nothing to read: the 10.1 row is met by the register, and no
    # record of clause 10.1 says whether a nonconformity is open. Not "ready": it cannot be assessed.
    assert audit == ("cannot be assessed", [], ["No nonconformity blocks the audit"])

    # 9. A nonconformity from the internal audit, one record with its state. Open: not ready.
    day = _set_today(monkeypatch, "2027-03-22")
    nc = "records/nonconformities/nc-2027-001.md"
    site.write(nc, _record("NC-2027-001", "Objectives not measured", ["10.1"], "2027-01-08", day,
                           state="open", grade="minor", due=dt.date(2027, 5, 31)))  # fmt: skip
    commit_all(site.root, "Nonconformity NC-2027-001", day)
    findings, audit, _ = _check(site)
    assert findings == []
    assert audit == ("not ready", ["No nonconformity blocks the audit"], [])

    # Closed, with the check of its effectiveness: ready.
    day = _set_today(monkeypatch, "2027-04-20")
    _set_front(site, nc, state="closed", effectiveness="Objectives measured monthly since March (checked 2027-04-20).",
               version="1.1", approved_on=dt.date(2027, 4, 20))  # fmt: skip
    commit_all(site.root, "Close NC-2027-001", day)
    findings, audit, _ = _check(site)
    assert findings == []
    assert audit == ("ready", [], [])
