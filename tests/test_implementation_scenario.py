"""The ISO/IEC 20000-5 path replayed in one real git repository (issue 16, "Done when"): a fixture
organisation from `init` through a baseline gap assessment, a target state, two phases, a trend over
three tagged editions, and an internal audit raising two nonconformities (one minor with its action
planned, one major open); the audit page's verdict and its nonconformity check at each step.

The date moves with the story (SOURCE_DATE_EPOCH) and every commit is dated on its step's day.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import yaml

from conftest import Site, run_cli
from test_history import commit_all, git
from test_lifecycle import _check, _record, _set_front, _set_today

pytestmark = pytest.mark.slow  # a real repository, several builds

NC_CHECK = "No nonconformity blocks the audit"
APPROVAL = {"status": "approved", "approved_by": "Managing Director"}


def _nc_outcome(data: dict[str, Any]) -> str:
    """How the nonconformity check came out: failed, cannot be assessed, or passed."""
    audit = data["audit"]
    if NC_CHECK in audit["failed"]:
        return "fail"
    return "cannot be assessed" if NC_CHECK in audit["unassessed"] else "pass"


def _tag(site: Site, name: str, day: str) -> None:
    git(site.root, "tag", "-a", name, "-m", f"Edition {name}", date=day)


def _built(site: Site) -> dict[str, Any]:
    result = site.build()
    assert result.ok, result.error
    data: dict[str, Any] = json.loads((site.root / "site" / "sms.json").read_text("utf-8"))
    return data


def test_from_init_to_an_audit_verdict_along_iso_20000_5(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1. Initiation: the starter with its business case, target state and baseline assessment drafts.
    day = _set_today(monkeypatch, "2026-06-01")
    site = Site(tmp_path / "handbook")
    assert run_cli("init", str(site.root), "--name", "Fixture Ltd", cwd=tmp_path).returncode == 0
    git(site.root, "init", "-q", "-b", "main")
    commit_all(site.root, "Starter SMS handbook", day)
    _, verdict, data = _check(site)
    assert verdict[0] == "not ready" and _nc_outcome(data) == "cannot be assessed"  # nothing recorded yet
    assert data["assessments"] == [] and data["target"]["status"] == "cannot be assessed"
    _tag(site, "2026.06", day)

    # 2. The baseline gap assessment: judged and approved; the implementation page shows it.
    day = _set_today(monkeypatch, "2026-06-20")
    path = "assessments/baseline-gap-assessment.md"
    text = (site.docs / path).read_text("utf-8")
    text = text.replace("result: null", 'result: "not"')
    text = re.sub(r'(activity: "8\.6\.1/\d", )result: "not"', r'\1result: "partial"', text)  # incidents: partly
    site.write(path, text)
    _set_front(site, path, **APPROVAL, approved_on=dt.date(2026, 6, 20), assessor="Internal Audit Lead")
    # 3. The target state: level 2 for incident management, level 1 elsewhere, by the end of 2027.
    target = {
        "scope": "The managed desktop service",
        "levels": {"8.6.1": 2, "default": 1},
        "date": dt.date(2027, 12, 31),
    }
    _set_front(site, "plans/target-state.md", **APPROVAL, approved_on=dt.date(2026, 6, 20), target=target)
    # 4. Two phases of the first approach, each closing its own check-and-act loop (no SMS108).
    config = yaml.safe_load((site.root / "mkdocs.yml").read_text("utf-8"))
    sms = next(p["sms"] for p in config["plugins"] if isinstance(p, dict) and "sms" in p)
    sms["implementation"] = {"phases": [
        {"name": "Foundation", "target": "2026-10-31", "clauses": ["4", "5", "6", "7"]},
        {"name": "Operation", "target": "2027-09-30", "clauses": ["8", "9", "10"]},
    ]}  # fmt: skip
    (site.root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    commit_all(site.root, "Baseline assessment, target state and phases", day)
    findings, verdict, data = _check(site)
    assert not [f for f in findings if f[0] in ("SMS108", "SMS003", "SMS005")]
    (baseline,) = data["assessments"]
    assert baseline["counts"]["partial"] == 6 and baseline["counts"]["conforms"] == 0
    assert data["target"]["status"] == "assessed" and data["target"]["achieved"] == 0
    assert verdict[0] == "not ready" and _nc_outcome(data) == "cannot be assessed"

    # 5. The foundation is written and approved, and the edition is tagged.
    day = _set_today(monkeypatch, "2026-09-15")
    for document in data["documents"]:
        if (
            document["status"] == "draft"
            and document["clauses"]
            and all(c.split(".")[0] in "4567" for c in document["clauses"])
        ):
            _set_front(site, document["path"], **APPROVAL, approved_on=dt.date(2026, 9, 15), owner="SMS Manager")
    commit_all(site.root, "The foundation, approved", day)
    _tag(site, "2026.09", day)
    _, verdict, data = _check(site)
    assert data["target"]["achieved"] > 0 and verdict[0] == "not ready"

    # 6. The first internal audit raises two nonconformities: a minor one with its action planned and in
    # date, and a major one open. The major one blocks the verdict.
    day = _set_today(monkeypatch, "2026-11-10")
    site.write("records/internal-audit-2026-11.md", _record(
        "REC-IA-2026-11", "Internal audit of November 2026", ["9.2"], "2026-11-05", "2026-11-10", audited=["4", "5", "6", "7"],
    ))  # fmt: skip
    site.write("records/nc-1.md", _record(
        "NC-2026-01", "Objectives not measured", ["10.1"], "2026-11-05", "2026-11-10", state="action planned",
        grade="minor", source="internal audit", due=dt.date(2026, 12, 31),
    ))  # fmt: skip
    site.write("records/nc-2.md", _record(
        "NC-2026-02", "No incident records kept", ["10.1"], "2026-11-05", "2026-11-10", state="open",
        grade="major", source="internal audit", due=dt.date(2027, 1, 31),
    ))  # fmt: skip
    commit_all(site.root, "Internal audit of November and its nonconformities", day)
    _tag(site, "2026.11", day)
    _, verdict, data = _check(site)
    assert verdict[0] == "not ready" and _nc_outcome(data) == "fail"
    built = _built(site)
    page = (site.root / "site" / "sms" / "audit" / "index.html").read_text("utf-8")
    assert "1 open nonconformity record(s) of clause 10.1 block it: 1 major (or ungraded)" in page
    # The trend over the three tagged editions, and this build as the last point.
    points = built["trend"]["points"]
    assert [p["tag"] for p in points] == ["2026.06", "2026.09", "2026.11", None]
    assert [p["open_nonconformities"] for p in points] == [0, 0, 2, 2]
    assert points[0]["covered"] < points[1]["covered"] < points[2]["covered"] == points[3]["covered"]
    implementation = (site.root / "site" / "sms" / "implementation" / "index.html").read_text("utf-8")
    assert "2026.09" in implementation and "Newest approved assessment" in implementation

    # 7. The major one is corrected and its effectiveness checked: only the planned minor one is open,
    # and it no longer stands in the way; the nonconformity page says so.
    day = _set_today(monkeypatch, "2026-12-01")
    _set_front(site, "records/nc-2.md", state="closed",
               effectiveness="Forty incident records sampled on 2026-11-30 were complete (Internal Audit Lead).")  # fmt: skip
    commit_all(site.root, "NC-2026-02 closed", day)
    findings, verdict, data = _check(site)
    assert _nc_outcome(data) == "pass" and not [f for f in findings if f[0] in ("SMS109", "SMS110")]
    assert verdict[0] == "not ready"  # the operation phase is still under way: coverage is not complete
    _built(site)
    ncs = (site.root / "site" / "sms" / "nonconformities" / "index.html").read_text("utf-8")
    assert "None blocks the certification audit" in ncs and "NC-2026-01" in ncs
