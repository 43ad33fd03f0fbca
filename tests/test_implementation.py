"""The implementation path of ISO/IEC 20000-5: phases, baseline, evidence freshness, audit readiness,
exports and several catalogues, on tiny handbooks at different points of an implementation."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

import openpyxl
import pytest

from conftest import FIXTURES, approved

PHASED = str(FIXTURES / "phased-catalogue.yml")
SVG = "{http://www.w3.org/2000/svg}"

# Three phases of ISO/IEC 20000-5's first approach; with today 2026-11-29 the second is under way. The
# second brings in clause 8 and leaves internal audit and management review to the third: SMS108.
THREE_PHASES = {
    "phases": [
        {"name": "Foundation", "target": "2026-06-30", "clauses": ["4", "5"]},
        {"name": "Operations", "target": "2027-03-31", "clauses": ["8"]},
        {"name": "Evaluation", "target": "2027-09-30", "clauses": ["9", "10"]},
    ]
}


def complete() -> dict[str, str]:
    """Pages that meet every row of the phased catalogue, with evidence recent on 2026-11-29."""
    return {
        "index.md": "# Home\n",
        "plans/scope.md": approved("PLN-SCO-01", "plan", ["4.3"]),
        "policies/sms.md": approved("POL-SMS-01", "policy", ["5.2"]),
        "processes/incident.md": approved("PRC-INC-01", "process", ["8.6.1"]),
        "records/incident-trends.md": approved("REC-INC-2026-10", "record", ["8.6.1"], date="2026-10-31"),
        "plans/audit.md": approved("PLN-AUD-01", "plan", ["9.2"]),
        "records/audit.md": approved(
            "REC-AUD-2026-05", "record", ["9.2"], date="2026-05-20", audited=["4", "5", "8", "9", "10"]
        ),
        "records/review.md": approved("REC-MR-2026-09", "record", ["9.3"], date="2026-09-24"),
        "records/nc.md": approved(
            "REC-NC-2026-01",
            "record",
            ["10.1"],
            date="2026-06-01",
            state="closed",
            grade="minor",
            effectiveness="No repeat in the three months after the fix (checked 2026-09-01).",
        ),
    }


def foundation_only() -> dict[str, str]:
    """The start of an implementation: only the scope and the policy exist."""
    pages = complete()
    return {path: pages[path] for path in ("index.md", "plans/scope.md", "policies/sms.md")}


def options(**extra: Any) -> dict[str, Any]:
    return {"catalogues": [PHASED], **extra}


def rows(data: dict[str, Any]) -> dict[str, str]:
    """Coverage status by 'clause name' from sms.json or check --format json."""
    return {f"{r['clause']} {r['requirement']}": r["status"] for r in data["coverage"]}


def codes(data: dict[str, Any]) -> list[str]:
    return sorted(f["code"] for f in data["findings"])


def svgs(html: str) -> list[ET.Element]:
    """Every inline SVG of a page, parsed as XML (so it must be well-formed)."""
    return [ET.fromstring(match) for match in re.findall(r"<svg class=\"sms-svg\".*?</svg>", html, flags=re.S)]


# Phases ------------------------------------------------------------------------------------------


def test_mid_phase_defers_later_rows_and_checks_the_current_one(make_site: Any) -> None:
    pages = {**foundation_only(), "processes/incident.md": complete()["processes/incident.md"]}
    site = make_site(pages, options(implementation=THREE_PHASES))
    data = site.check_json()
    status = rows(data)
    assert status["4.3 SMS scope"] == "covered"
    assert status["8.6.1 Incident management process"] == "covered"
    # The current phase's open row is a gap today; the last phase's rows are not due yet.
    assert status["8.6.1 Incident trend analysis"] == "missing"
    assert status["9.2 Internal audit programme"] == "deferred"
    assert status["10.1 Nonconformities and corrective actions"] == "deferred"
    assert codes(data) == ["SMS101", "SMS108"]
    assert "8.6.1 Incident management (record: Incident trend analysis)" in data["findings"][0]["message"]
    assert data["findings"][1]["message"].endswith(
        "phase 'Operations' (target 2027-03-31) brings in clause 8 rows of phased but no internal audit (9.2) "
        "or management review (9.3) by its target date"
    )
    phase_of = {r["requirement"]: r["phase"] for r in data["coverage"]}
    assert phase_of["SMS scope"] == "Foundation" and phase_of["Internal audit results"] == "Evaluation"

    assert site.build().ok
    coverage = site.site_file("sms/coverage/index.html")
    assert 'sms-badge--deferred">deferred</span>' in coverage
    assert "not due before a later phase of the implementation" in coverage
    page = site.site_file("sms/implementation/index.html")
    assert "Phase 2 of 3 is under way: <strong>Operations</strong>, target 2027-03-31 (122 days left)" in page
    bars = svgs(page)[0]
    labels = [g.find(f"{SVG}title").text for g in bars.iter(f"{SVG}g")]  # type: ignore[union-attr]
    assert labels == [
        "Foundation: 2 of 2 achieved (complete)",
        "Operations: 1 of 2 achieved (under way)",
        "Evaluation: 0 of 4 achieved (planned)",
        "Target state: 3 of 8 achieved (under way)",
    ]
    # The filled part of each bar is its share of the 350-unit track.
    fills = [g.findall(f"{SVG}rect")[1].get("width") for g in bars.iter(f"{SVG}g")]
    assert fills == ["350.0", "175.0", "0.0", "131.2"]


def test_a_late_phase_is_sms105_naming_the_phase_and_its_date(make_site: Any) -> None:
    pages = {"index.md": "# Home\n", "plans/scope.md": complete()["plans/scope.md"]}
    site = make_site(pages, options(implementation=THREE_PHASES))
    data = site.check_json()
    late = [f for f in data["findings"] if f["code"] == "SMS105"]
    assert len(late) == 1 and late[0]["severity"] == "error"
    assert late[0]["message"] == (
        "SMS105 phased 5.2 Policy (document: Service management policy): phase 'Foundation' was due on "
        "2026-06-30 and needed this requirement; it is missing"
    )
    # The late row is not reported twice (no SMS101 for it); the current phase's gaps still are.
    assert not any(f["code"] == "SMS101" and "5.2" in f["message"] for f in data["findings"])
    assert next(r for r in data["coverage"] if r["clause"] == "5.2")["late"] is True
    assert site.check().returncode == 1

    assert site.build().ok
    page = site.site_file("sms/implementation/index.html")
    assert "Foundation: 1 of 2 achieved (late)" in page
    assert "1 requirement of phases past their target date is not achieved (SMS105)" in page
    assert 'sms-badge--late">late</span>' in site.site_file("sms/coverage/index.html")


def test_maturity_levels_raise_the_whole_sms(make_site: Any) -> None:
    plan = {
        "levels": ["Initial", "Managed", "Optimised"],
        "phases": [
            {"name": "Basics", "target": "2026-03-31", "level": 1},
            {"name": "Managed SMS", "target": "2026-09-30", "level": 2},
            {"name": "Optimised SMS", "target": "2027-06-30", "level": 3},
        ],
    }
    pages = complete()
    pages["policies/sms.md"] = approved("POL-SMS-01", "policy", ["5.2"], level=1)
    site = make_site(pages, options(implementation=plan))
    data = site.check_json()
    (late,) = [f for f in data["findings"] if f["code"] == "SMS105"]
    assert "phase 'Managed SMS' was due on 2026-09-30 and needed this requirement at Managed" in late["message"]
    assert "it is covered only at Initial" in late["message"]
    assert codes(data) == ["SMS105"]

    pages["policies/sms.md"] = approved("POL-SMS-01", "policy", ["5.2"], level=2)
    site = make_site(pages, options(implementation=plan))
    assert codes(site.check_json()) == []
    assert site.build().ok
    page = site.site_file("sms/implementation/index.html")
    assert "the whole SMS at Managed" in page and "the whole SMS at Optimised" in page


def test_level_rows_are_deferred_until_their_level(make_site: Any) -> None:
    plan = {
        "phases": [
            {"name": "Level 1", "target": "2027-01-31", "level": 1},
            {"name": "Level 2", "target": "2027-12-31", "level": 2},
        ]
    }
    pages = complete()
    del pages["records/incident-trends.md"]
    data = make_site(pages, options(implementation=plan)).check_json()
    assert rows(data)["8.6.1 Incident trend analysis"] == "deferred"
    assert codes(data) == []


def test_a_bad_plan_is_refused_with_its_place(make_site: Any) -> None:
    bad = {"phases": [{"name": "Foundation", "target": "2026-06-30", "clauses": ["4", "11.9"]}]}
    site = make_site(complete(), options(implementation=bad))
    result = site.check()
    assert result.returncode == 2
    assert "phase 'Foundation': clause '11.9' is not in phased" in result.stderr
    build = site.build()
    assert not build.ok and "11.9" in (build.error or "") + " ".join(build.messages)

    unordered = {
        "phases": [
            {"name": "B", "target": "2027-01-01", "clauses": ["8"]},
            {"name": "A", "target": "2026-01-01", "clauses": ["4"]},
        ]
    }
    result = make_site(complete(), options(implementation=unordered)).check()
    assert result.returncode == 2 and "list phases in the order they are due" in result.stderr
    neither = {"phases": [{"name": "A", "target": "2026-01-01"}]}
    result = make_site(complete(), options(implementation=neither)).check()
    assert result.returncode == 2 and "give one of 'clauses'" in result.stderr


# Baseline ----------------------------------------------------------------------------------------


def test_baseline_save_then_progress_since_the_baseline(make_site: Any) -> None:
    site = make_site(foundation_only(), options(implementation=THREE_PHASES, today="2026-03-15"))
    saved = site.cli("baseline", "save")
    assert saved.returncode == 0, saved.stderr
    assert "Saved the baseline of 2026-03-15" in saved.stdout
    assert "phased: 2 of 8 required rows covered (6 to close)" in saved.stdout
    baseline = json.loads((site.root / "sms-baseline.json").read_text("utf-8"))
    assert baseline["kind"] == "mkdocs-sms baseline" and baseline["date"] == "2026-03-15"
    assert {d["id"]: d["status"] for d in baseline["documents"]} == {"PLN-SCO-01": "approved", "POL-SMS-01": "approved"}
    by_key = {r["key"]: r["status"] for r in baseline["coverage"]}
    assert by_key["4.3-1"] == "covered" and by_key["9.2-2"] == "missing"
    # Recorded against the whole target state, even for rows the plan defers; the plan's own SMS108 counts.
    assert baseline["findings"] == {"warning": 1}

    # Months later most of the SMS exists; the page says what was closed since the baseline.
    pages = complete()
    del pages["records/review.md"]
    for path, text in pages.items():
        site.write(path, text)
    site.set_options(options(implementation=THREE_PHASES))
    assert site.build().ok
    page = site.site_file("sms/implementation/index.html").split("<article", 1)[1]
    assert "Compared with the baseline of <strong>2026-03-15</strong>" in page
    assert "5 requirements closed since 2026-03-15" in page
    closed = page.split("Closed since the baseline", 1)[1].split("What remains", 1)[0]
    assert "Incident management process" in closed and "Management review results" not in closed
    remaining = page.split("What remains", 1)[1]
    assert "Management review results" in remaining
    heat = svgs(page)[1]
    cells = [g.find(f"{SVG}title").text for g in heat.iter(f"{SVG}g")]  # type: ignore[union-attr]
    assert "9 Performance evaluation: 0 of 3 covered (baseline)" in cells
    assert "9 Performance evaluation: 2 of 3 covered (now)" in cells
    assert "4 Context: 1 of 1 covered (now)" in cells


def test_baseline_file_option_and_a_damaged_baseline(make_site: Any) -> None:
    site = make_site(complete(), options(implementation={"baseline": "gap/baseline.json"}))
    result = site.cli("baseline", "save")
    assert result.returncode == 0 and (site.root / "gap" / "baseline.json").is_file()
    (site.root / "gap" / "baseline.json").write_text('{"kind": "mkdocs-sms baseline", "schema": 1}')
    data = site.check_json()
    (damaged,) = [f for f in data["findings"] if f["code"] == "SMS106"]
    assert "gap/baseline.json is incomplete or damaged" in damaged["message"]
    build = site.build()
    assert build.ok and any("SMS106" in m for m in build.plugin_warnings())
    assert "No baseline has been saved yet" in site.site_file("sms/implementation/index.html")


def test_implementation_page_without_a_plan_shows_the_target_state(make_site: Any) -> None:
    site = make_site(foundation_only(), options())
    assert site.build().ok
    page = site.site_file("sms/implementation/index.html")
    assert "No phases are planned" in page
    assert "Target state: 2 of 8 achieved (under way)" in page
    assert "<script" not in page.split("<article", 1)[1].split("</article>", 1)[0]


# Evidence freshness and audit readiness ----------------------------------------------------------


def test_stale_evidence_is_sms104_and_fails_the_audit_checks(make_site: Any) -> None:
    pages = complete()
    pages["records/audit.md"] = approved("REC-AUD-2025-06", "record", ["9.2"], date="2025-06-01", audited=["4", "5"])
    site = make_site(pages, options())
    data = site.check_json()
    assert rows(data)["9.2 Internal audit results"] == "stale"
    (stale,) = data["findings"]
    assert stale["code"] == "SMS104" and stale["severity"] == "warning"
    assert stale["message"] == (
        "SMS104 phased 9.2 Internal audit (record: Internal audit results): the newest evidence, REC-AUD-2025-06 "
        "of 2025-06-01, is older than 12 months (out of date since 2026-06-01)"
    )
    assert data["audit"] == {
        "ready": False,
        "verdict": "not ready",
        "failed": [
            "Coverage complete",
            "Evidence fresh",
            "An internal audit within 12 months",
            "Internal audits covered every clause within 3 years",
        ],
        "unassessed": [],
    }
    assert site.build().ok
    audit = site.site_file("sms/audit/index.html")
    assert "Not ready for the certification audit" in audit
    assert "latest record of 2025-06-01; the next was due by 2026-06-01" in audit
    assert 'title="Document REC-AUD-2025-06">REC-AUD-2025-06</a>' in audit.split("An internal audit", 1)[1]
    assert "newest evidence 2025-06-01, older than 12 months" in site.site_file("sms/coverage/index.html")


def test_open_nonconformities_are_listed_and_block_readiness(make_site: Any) -> None:
    pages = complete()
    pages["records/nc-open.md"] = approved(
        "REC-NC-2026-07", "record", ["10.1"], title="Backups not tested", date="2026-11-02", state="open"
    )
    site = make_site(pages, options())
    data = site.check_json()
    assert data["audit"]["failed"] == ["No nonconformity blocks the audit"]
    assert site.build().ok
    audit = site.site_file("sms/audit/index.html")
    listed = audit.split('id="open-nonconformities"', 1)[1]
    assert "REC-NC-2026-07" in listed and "Backups not tested" in listed
    assert "REC-NC-2026-01" not in listed  # closed
    assert "1 open nonconformity record(s) of clause 10.1 block it: 1 major (or ungraded)" in audit


def nc(doc_id: str, **keys: Any) -> str:
    """A nonconformity record of clause 10.1 raised on 2026-10-01."""
    return approved(doc_id, "record", ["10.1"], date="2026-10-01", **keys)


def test_the_verdict_weighs_nonconformities_as_a_certification_audit_does(make_site: Any) -> None:
    """A major one open blocks; a minor one blocks unless its action is planned and not past due;
    observations never block; a closed one needs its effectiveness check (SMS110)."""
    planned = nc("NC-MIN-01", grade="minor", state="action planned", due="2026-12-31", source="internal audit")
    observation = nc("NC-OBS-01", grade="observation", state="open")
    site = make_site({**complete(), "records/a.md": planned, "records/b.md": observation}, options())
    data = site.check_json()
    assert data["audit"]["verdict"] == "ready" and data["findings"] == []
    assert site.build().ok
    audit = site.site_file("sms/audit/index.html")
    assert "1 minor nonconformity record(s) of clause 10.1 are open with a corrective action planned" in audit
    listed = audit.split('id="open-nonconformities"', 1)[1]
    assert "NC-MIN-01" in listed and "action planned" in listed and "2026-12-31" in listed
    # The same minor one past its due date blocks, and is SMS109.
    site.write("records/a.md", planned.replace("due: '2026-12-31'", "due: '2026-11-15'"))
    data = site.check_json()
    assert data["audit"]["failed"] == ["No nonconformity blocks the audit"]
    assert [(f["code"], f["document"]) for f in data["findings"]] == [("SMS109", "NC-MIN-01")]
    # A major one blocks even with its action planned and in date.
    site.write("records/a.md", planned.replace("grade: minor", "grade: major"))
    assert site.check_json()["audit"]["failed"] == ["No nonconformity blocks the audit"]
    # A minor one merely open (no action planned) blocks.
    site.write("records/a.md", planned.replace("state: action planned", "state: open"))
    assert site.check_json()["audit"]["failed"] == ["No nonconformity blocks the audit"]
    # Closed without an effectiveness check: no longer blocking, but SMS110.
    site.write("records/a.md", planned.replace("state: action planned", "state: closed"))
    data = site.check_json()
    assert data["audit"]["verdict"] == "ready"
    assert [(f["code"], f["document"], f["line"]) for f in data["findings"]] == [("SMS110", "NC-MIN-01", 14)]


def test_a_complete_fresh_handbook_is_ready(make_site: Any) -> None:
    site = make_site(complete(), options())
    data = site.check_json()
    assert data["findings"] == [] and data["audit"] == {
        "ready": True,
        "verdict": "ready",
        "failed": [],
        "unassessed": [],
    }
    assert site.build(strict=True).ok
    audit = site.site_file("sms/audit/index.html")
    assert "Ready for the certification audit" in audit
    assert "latest record of 2026-09-24; the next is due by 2027-09-24" in audit
    assert "No nonconformity record is open" in audit


def test_nonconformities_kept_only_in_a_register_table_cannot_be_assessed(make_site: Any) -> None:
    # The register meets the 10.1 row, but its table says nothing the check can read: no record has a state.
    pages = {k: v for k, v in complete().items() if k != "records/nc.md"}
    pages["registers/nc.md"] = approved("REG-NC-01", "register", ["10.1"]).replace(
        "Body.", "| NC | Status |\n|---|---|\n| NC-1 | Open |\n"
    )
    site = make_site(pages, options())
    data = site.check_json()
    assert rows(data)["10.1 Nonconformities and corrective actions"] == "covered" and data["findings"] == []
    assert data["audit"] == {
        "ready": False,
        "verdict": "cannot be assessed",
        "failed": [],
        "unassessed": ["No nonconformity blocks the audit"],
    }
    assert site.build(strict=True).ok
    audit = site.site_file("sms/audit/index.html")
    assert "Readiness for the certification audit cannot be assessed" in audit
    assert "Ready for the certification audit" not in audit
    assert "1 of 8 checks cannot be assessed as of 2026-11-29" in audit
    assert "no nonconformity is recorded: no record of clause 10.1 has a state" in audit
    assert '<span class="sms-badge sms-badge--cannot-be-assessed">cannot be assessed</span>' in audit
    assert "No nonconformity record is open" not in audit


def test_a_nonconformity_record_without_a_state_cannot_be_assessed(make_site: Any) -> None:
    pages = complete()
    pages["records/nc-2.md"] = approved("REC-NC-2026-02", "record", ["10.1"], date="2026-07-01")
    data = make_site(pages, options()).check_json()
    assert data["audit"]["verdict"] == "cannot be assessed" and data["audit"]["unassessed"] == [
        "No nonconformity blocks the audit"
    ]
    # An open one fails whatever the others say.
    pages["records/nc-3.md"] = approved("REC-NC-2026-03", "record", ["10.1"], date="2026-08-01", state="open")
    data = make_site(pages, options()).check_json()
    assert data["audit"]["verdict"] == "not ready" and data["audit"]["failed"] == ["No nonconformity blocks the audit"]


def test_evidence_fresh_cannot_be_assessed_without_evidence(make_site: Any) -> None:
    # Nothing recorded for the management review: the one dated row is fresh, the other has nothing to judge.
    pages = {k: v for k, v in complete().items() if k != "records/review.md"}
    site = make_site(pages, options())
    data = site.check_json()
    assert data["audit"]["failed"] == [
        "Coverage complete", "A management review within 12 months", "No errors in the handbook",
    ]  # fmt: skip
    assert data["audit"]["unassessed"] == ["Evidence fresh"] and data["audit"]["verdict"] == "not ready"
    assert site.build().ok
    audit = site.site_file("sms/audit/index.html")
    assert "1 of 2 records that must be kept recent have no approved evidence yet" in audit
    assert "Not ready for the certification audit" in audit and "1 of 8 checks cannot be assessed" in audit


def test_state_must_be_one_of_the_nonconformity_states(make_site: Any) -> None:
    pages = {
        **complete(),
        "records/nc.md": approved("REC-NC-2026-01", "record", ["10.1"], date="2026-06-01", state="pending"),
    }
    (finding,) = make_site(pages, options()).check_json()["findings"]
    assert finding["code"] == "SMS003"
    assert "'state' 'pending' is not one of open, action planned, closed, verified" in finding["message"]


# Exports -----------------------------------------------------------------------------------------


def test_export_csv_register_and_coverage(make_site: Any) -> None:
    pages = {**complete(), "policies/evil.md": approved("POL-EVIL-01", "policy", ["5.2"], title='=HYPERLINK("x")')}
    site = make_site(pages, options())
    register = site.cli("export", "--format", "csv")
    assert register.returncode == 0, register.stderr
    table = list(csv.DictReader(io.StringIO(register.stdout)))
    assert [r["id"] for r in table] == sorted(r["id"] for r in table) and len(table) == 9
    evil = next(r for r in table if r["id"] == "POL-EVIL-01")
    assert evil["title"] == '\'=HYPERLINK("x")'  # text, not a formula
    nc = next(r for r in table if r["id"] == "REC-NC-2026-01")
    assert nc["state"] == "closed" and nc["date"] == "2026-06-01" and nc["clauses"] == "10.1"

    out = site.root / "coverage.csv"
    result = site.cli("export", "--format", "csv", "--table", "coverage", "--output", str(out))
    assert result.returncode == 0 and f"Wrote {out}" in result.stderr
    coverage = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert len(coverage) == 8
    audit = next(r for r in coverage if r["requirement"] == "Internal audit results")
    assert audit["status"] == "covered" and audit["newest_evidence"] == "REC-AUD-2026-05"
    assert audit["max_age"] == "12 months" and audit["evidence_date"] == "2026-05-20"


def test_export_xlsx_reads_back_with_dates_and_text(make_site: Any) -> None:
    pages = {**complete(), "policies/evil.md": approved("POL-EVIL-01", "policy", ["5.2"], title="=1+1")}
    site = make_site(pages, options(implementation=THREE_PHASES))
    target = site.root / "sms.xlsx"
    result = site.cli("export", "--format", "xlsx", "--output", str(target))
    assert result.returncode == 0, result.stderr
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["Register", "Coverage", "Assessment"]
    register = list(workbook["Register"].iter_rows(values_only=True))
    assert register[0][:3] == ("id", "title", "type")
    by_id = {row[0]: row for row in register[1:]}
    assert len(by_id) == 9
    assert by_id["POL-EVIL-01"][1] == "=1+1"  # kept as text
    assert workbook["Register"]["B" + str(list(by_id).index("POL-EVIL-01") + 2)].data_type == "s"
    assert by_id["POL-SMS-01"][7].date().isoformat() == "2026-03-01"  # approved_on is a date
    coverage = list(workbook["Coverage"].iter_rows(values_only=True))
    header = coverage[0]
    phase = {row[header.index("requirement")]: row[header.index("phase")] for row in coverage[1:]}
    assert phase["SMS scope"] == "Foundation" and phase["Management review results"] == "Evaluation"

    # Not a terminal: the workbook's bytes go down the pipe.
    piped = subprocess.run(
        [sys.executable, "-m", "mkdocs_sms", "export", "--format", "xlsx", "-f", str(site.config_file)],
        capture_output=True, check=False,
    )  # fmt: skip
    assert piped.returncode == 0
    assert openpyxl.load_workbook(io.BytesIO(piped.stdout)).sheetnames == ["Register", "Coverage", "Assessment"]


# Several catalogues ------------------------------------------------------------------------------

# Numbered as ISO/IEC 27001:2022: nonconformity at 10.2, continual improvement at 10.1.
ISMS = """\
catalogue: isms
title: Information security management system (test)
audit: {internal_audit: "9.2", nonconformity: "10.2"}
clauses:
  - clause: "5"
    title: Leadership
  - clause: "5.2"
    title: Information security policy
    requirements:
      - {kind: document, types: [policy], name: Information security policy}
  - clause: "9"
    title: Performance evaluation
  - clause: "9.2"
    title: Internal audit
    requirements:
      - {kind: record, types: [record], name: ISMS internal audit results, max_age: 6 months}
  - clause: "10"
    title: Improvement
  - clause: "10.1"
    title: Continual improvement
  - clause: "10.2"
    title: Nonconformity and corrective action
"""


def test_two_catalogues_with_qualified_clauses(make_site: Any) -> None:
    pages = complete()
    pages["policies/infosec.md"] = approved("POL-ISM-01", "policy", ["isms:5.2"])
    pages["records/isms-audit.md"] = approved("REC-ISA-2026-02", "record", ["isms:9.2"], date="2026-02-10")
    pages["records/isms-nc.md"] = approved("REC-INC-NC-01", "record", ["isms:10.2"], date="2026-11-01", state="open")
    plan = {"phases": [{"name": "ISMS", "target": "2026-10-31", "clauses": ["isms:5", "isms:9"]}]}
    site = make_site(pages, options(catalogues=[PHASED, "isms.yml"], default_catalogue="phased", implementation=plan))
    (site.root / "isms.yml").write_text(ISMS, "utf-8")
    data = site.check_json()
    isms = {r["requirement"]: r for r in data["coverage"] if r["catalogue"] == "isms"}
    assert isms["Information security policy"]["status"] == "covered"
    assert isms["Information security policy"]["documents"] == ["POL-ISM-01"]
    # The unqualified 5.2 of the default catalogue is not met by the ISMS policy.
    phased = {r["requirement"]: r for r in data["coverage"] if r["catalogue"] == "phased"}
    assert phased["Service management policy"]["documents"] == ["POL-SMS-01"]
    assert isms["ISMS internal audit results"]["status"] == "stale"
    # Its phase is past its target date, so the stale row is reported once, as late (SMS105). The rows of
    # the other catalogue, which no phase names, join that phase (SMS111 says so).
    assert codes(data) == ["SMS105", "SMS111"]
    assert (
        "isms 9.2 Internal audit (record: ISMS internal audit results): phase 'ISMS'" in data["findings"][0]["message"]
    )
    assert data["findings"][0]["message"].endswith("it is stale (REC-ISA-2026-02)")
    isms_title = "(Information security management system (test))"
    assert data["audit"]["failed"] == [
        f"Coverage complete {isms_title}", f"Evidence fresh {isms_title}",
        f"An internal audit within 6 months {isms_title}", f"No nonconformity blocks the audit {isms_title}",
        "No errors in the handbook",
    ]  # fmt: skip

    assert site.build().ok
    implementation = site.site_file("sms/implementation/index.html")
    assert "Information security management system (test): Progress per phase" in implementation
    assert "A catalogue for implementation tests: Progress per phase" in implementation
    assert "isms: Progress" not in implementation and "phased: Progress" not in implementation
    assert len(svgs(implementation)) == 4  # bars and heat map for each catalogue
    audit = site.site_file("sms/audit/index.html")
    assert f"Coverage complete {isms_title}" in audit
    assert "Coverage complete (A catalogue for implementation tests)" in audit
    panel = site.site_file("policies/infosec/index.html")
    assert 'href="../../sms/coverage/#clause-isms-5-2"' in panel
    assert 'id="clause-isms-5-2"' in site.site_file("sms/coverage/index.html")
    unknown = make_site(
        {**pages, "x.md": approved("POL-X-01", "policy", ["nope:5.2"])},
        options(catalogues=[PHASED, "isms.yml"], default_catalogue="phased"),
    )
    (unknown.root / "isms.yml").write_text(ISMS, "utf-8")
    (finding,) = [f for f in unknown.check_json()["findings"] if f["code"] == "SMS005"]
    assert "clause 'nope:5.2' names catalogue 'nope', which is not loaded (phased, isms)" in finding["message"]


def test_schema_offers_qualified_clauses(make_site: Any) -> None:
    site = make_site(complete(), options(catalogues=[PHASED, "isms.yml"], default_catalogue="phased"))
    (site.root / "isms.yml").write_text(ISMS, "utf-8")
    schema = json.loads(site.cli("schema").stdout)
    allowed = schema["properties"]["clauses"]["items"]["enum"]
    assert "4.3" in allowed and "isms:5.2" in allowed and "5.2" in allowed and "phased:5.2" in allowed
    assert schema["properties"]["state"]["enum"] == ["open", "action planned", "closed", "verified"]
    assert schema["properties"]["grade"]["enum"] == ["major", "minor", "observation", "opportunity"]
    assert schema["properties"]["level"]["enum"] == [1, 2, 3]


@pytest.mark.parametrize("title", ['<script>alert("x")</script>', "Phase & <b>bold</b>"])
def test_phase_names_are_escaped_in_the_svg(make_site: Any, title: str) -> None:
    plan = {"phases": [{"name": title, "target": "2027-01-31", "clauses": ["4"]}]}
    site = make_site(complete(), options(implementation=plan))
    assert site.build().ok
    page = site.site_file("sms/implementation/index.html")
    assert title not in page
    assert len(svgs(page)) == 2


def test_an_unqualified_clause_two_catalogues_have_is_ambiguous_whatever_their_order(make_site: Any) -> None:
    """An ISMS policy citing 5.2 must not silently cover the first catalogue's policy row."""
    pages = {**complete(), "policies/infosec.md": approved("POL-ISM-01", "policy", ["5.2"])}
    outcomes = []
    for order in ([PHASED, "isms.yml"], ["isms.yml", PHASED]):
        site = make_site(pages, options(catalogues=order))
        (site.root / "isms.yml").write_text(ISMS, "utf-8")
        data = site.check_json()
        (finding,) = [f for f in data["findings"] if f["code"] == "SMS005" and f["document"] == "POL-ISM-01"]
        assert "clause '5.2' is ambiguous" in finding["message"]
        assert "'phased:5.2' or 'isms:5.2'" in finding["message"] or "'isms:5.2' or 'phased:5.2'" in finding["message"]
        covering = {(r["catalogue"], r["requirement"]): r["documents"] for r in data["coverage"]}
        assert "POL-ISM-01" not in covering[("isms", "Information security policy")]
        outcomes.append(sorted(covering.items()))
    assert outcomes[0] == outcomes[1]


def test_nonconformities_are_read_where_the_catalogue_says(make_site: Any) -> None:
    """27001 numbering keeps nonconformities at 10.2: an open one there fails the check; a catalogue that
    does not say where they are cannot have its audits assessed (no clause is assumed)."""
    pages = {**complete(), "records/isms-nc.md": approved("REC-ISN-01", "record", ["isms:10.2"], date="2026-11-01", state="open")}  # fmt: skip
    site = make_site(pages, options(catalogues=[PHASED, "isms.yml"], default_catalogue="phased"))
    (site.root / "isms.yml").write_text(ISMS, "utf-8")
    audit = site.check_json()["audit"]
    isms_title = "(Information security management system (test))"
    assert f"No nonconformity blocks the audit {isms_title}" in audit["failed"] and audit["verdict"] == "not ready"
    undeclared = ISMS.replace('audit: {internal_audit: "9.2", nonconformity: "10.2"}\n', "")
    (site.root / "isms.yml").write_text(undeclared, "utf-8")
    pages["records/isms-nc.md"] = pages["records/isms-nc.md"].replace("state: open", "state: closed")
    site.write("records/isms-nc.md", pages["records/isms-nc.md"])
    audit = site.check_json()["audit"]
    assert f"Audits, reviews and nonconformities {isms_title}" in audit["unassessed"]
    assert audit["verdict"] != "ready"
    assert site.build().ok
    page = site.site_file("sms/audit/index.html")
    assert (
        "Information security management system (test) does not say which of its clauses hold internal audits" in page
    )
    assert "No nonconformity blocks the audit (Information security" not in page


def test_the_nonconformities_page_puts_what_blocks_first_and_counts_what_it_withholds(make_site: Any) -> None:
    pages = {
        **complete(),
        "records/a.md": nc("NC-MIN-01", grade="minor", state="action planned", due="2026-12-31"),
        "records/b.md": nc("NC-MAJ-01", grade="major", state="open", due="2026-12-15", title="Backups unchecked"),
        "records/c.md": nc("NC-SEC-01", grade="minor", state="open", classification="confidential"),
    }
    site = make_site(pages, options(audience="internal"))
    assert site.build().ok
    page = site.site_file("sms/nonconformities/index.html")
    assert "2 block the certification audit" not in page  # the confidential one is not shown or counted here
    assert "1 blocks the certification audit" in page
    assert "1 more nonconformity record of the SMS is withheld from this audience" in page
    assert "NC-SEC-01" not in page
    open_part = page.split('id="open-by-weight-and-age"', 1)[1].split('id="ageing"', 1)[0]
    assert open_part.index("NC-MAJ-01") < open_part.index("NC-MIN-01")  # blocking first
    assert "blocks the audit" in open_part.split("NC-MIN-01")[0]
    # The audit page weighs the whole SMS: the withheld one blocks too.
    audit = site.site_file("sms/audit/index.html")
    assert "2 open nonconformity record(s) of clause 10.1 block it: 1 major (or ungraded), 1 minor" in audit


@pytest.mark.parametrize(
    ("phases", "warned"),
    [
        ([["4", "5"], ["8"], ["9", "10"]], ["Operations"]),
        ([["4", "5"], ["8", "9.2", "9.3"], ["9", "10"]], []),
        ([["4", "5", "9.2"], ["8"], ["9", "10"]], ["Operations"]),  # the review is still missing
        ([["4", "5", "8.6.1"], ["9", "10"], ["8"]], ["Foundation"]),
        ([["4", "5"], ["9"], ["8", "10"]], []),  # rows no phase names fall to the last
    ],
)
def test_sms108_a_phase_that_starts_processes_must_also_audit_and_review_them(
    make_site: Any, phases: list[list[str]], warned: list[str]
) -> None:
    names = ["Foundation", "Operations", "Evaluation"]
    plan = {"phases": [{"name": n, "target": t, "clauses": c} for n, t, c in
                       zip(names, ["2026-06-30", "2027-03-31", "2027-09-30"], phases, strict=True)]}  # fmt: skip
    data = make_site(complete(), options(implementation=plan)).check_json()
    found = [f["message"] for f in data["findings"] if f["code"] == "SMS108"]
    assert [message.split("phase '")[1].split("'")[0] for message in found] == warned
    # By maturity level: a level-1 phase brings in every level-1 row, audits and reviews included (the one
    # level-2 row joins it, SMS111).
    levels = {"phases": [{"name": "Managed", "target": "2027-06-30", "level": 1}]}
    assert codes(make_site(complete(), options(implementation=levels)).check_json()) == ["SMS111"]


def test_a_nonconformity_records_its_correction_cause_action_and_check(make_site: Any) -> None:
    closed = nc("NC-CLO-01", grade="minor", state="closed", correction="Records fixed", root_cause="No owner",
                corrective_action="Owner named", effectiveness_checked="2026-11-20")  # fmt: skip
    planned = nc("NC-PLN-01", grade="minor", state="action planned", due="2026-12-31",
                 corrective_action="Weekly <b>reconciliation</b>")  # fmt: skip
    bad = nc("NC-BAD-01", grade="minor", state="open", root_cause=["a", "list"])
    site = make_site({**complete(), "records/a.md": closed, "records/b.md": planned, "records/c.md": bad}, options())
    findings = site.check_json()["findings"]
    assert [(f["code"], f["document"]) for f in findings] == [("SMS003", "NC-BAD-01")]  # no SMS110: checked
    assert "'root_cause' must be text" in findings[0]["message"]
    assert site.build().ok
    page = site.site_file("sms/nonconformities/index.html")
    assert "Action: Weekly &lt;b&gt;reconciliation&lt;/b&gt;" in page
    assert "2026-11-20" in page.split('id="closed"', 1)[1]


def test_a_nonconformity_names_the_requirements_not_met(make_site: Any) -> None:
    record = nc("NC-REQ-01", grade="minor", state="open", not_met=["8.6.1", "8.99"])
    site = make_site({**complete(), "records/a.md": record}, options())
    (finding,) = [f for f in site.check_json()["findings"] if f["code"] == "SMS005"]
    assert "'not_met': clause '8.99' is not in phased" in finding["message"] and finding["document"] == "NC-REQ-01"
    lines = record.splitlines()
    assert finding["line"] == lines.index("- '8.99'") + 1
    assert site.build().ok
    open_part = site.site_file("sms/nonconformities/index.html").split('id="open-by-weight-and-age"', 1)[1]
    assert "<td>8.6.1, 8.99</td>" in open_part
    # A nonconformity about 8.6.1 is no evidence of 8.6.1: coverage of its rows is unchanged.
    rows_with = rows(site.check_json())
    assert rows_with == rows(make_site(complete(), options()).check_json())
