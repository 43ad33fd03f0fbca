"""Coverage statuses: covered, stale, draft, missing; retired documents and wrong types never count."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import approved, complete_mini, front


def _status(make_site: Any, pages: dict[str, str], clause: str = "8.5.1.1") -> tuple[str, list[str]]:
    data = make_site({**complete_mini(), **pages}).check_json()
    row = next(r for r in data["coverage"] if r["clause"] == clause)
    return row["status"], row["documents"]


def _draft(doc_id: str, status: str = "draft") -> str:
    return front(id=doc_id, title="T", type="policy", clauses=["8.5.1.1"], owner="o", version="0.1", status=status)


CASES = {
    "approved in date": ({}, "covered"),
    "approved, overdue": ({"policies/change.md": approved("POL-CHG-01", "policy", ["8.5.1.1"], approved_on="2024-01-01")}, "stale"),
    "draft only": ({"policies/change.md": _draft("POL-CHG-01")}, "draft"),
    "review only": ({"policies/change.md": _draft("POL-CHG-01", "review")}, "draft"),
    "approved without approval data": (
        {"policies/change.md": front(id="POL-CHG-01", title="T", type="policy", clauses=["8.5.1.1"], owner="o",
                                     version="1", status="approved")}, "draft"),
    "retired only": ({"policies/change.md": approved("POL-CHG-01", "policy", ["8.5.1.1"], status="retired")}, "missing"),
    "wrong type": ({"policies/change.md": approved("POL-CHG-01", "procedure", ["8.5.1.1"])}, "missing"),
    "stale and draft: stale wins": (
        {"policies/change.md": approved("POL-CHG-01", "policy", ["8.5.1.1"], approved_on="2024-01-01"),
         "policies/change2.md": _draft("POL-CHG-02")}, "stale"),
    "covered beats stale": (
        {"policies/change2.md": approved("POL-CHG-02", "policy", ["8.5.1.1"], approved_on="2024-01-01")}, "covered"),
    "explicit next_review in the future": (
        {"policies/change.md": approved("POL-CHG-01", "policy", ["8.5.1.1"], approved_on="2024-01-01",
                                        next_review="2027-01-01")}, "covered"),
    "two-year interval": (
        {"policies/change.md": approved("POL-CHG-01", "policy", ["8.5.1.1"], approved_on="2025-01-01",
                                        review_interval="2 years")}, "covered"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_row_status(case: str, make_site: Any) -> None:
    pages, expected = CASES[case]
    assert _status(make_site, pages)[0] == expected


def test_missing_row_lists_no_documents_and_retired_are_not_listed(make_site: Any) -> None:
    pages = {"policies/change.md": approved("POL-CHG-01", "policy", ["8.5.1.1"], status="retired")}
    assert _status(make_site, pages) == ("missing", [])


def test_clause_written_as_a_whole_number_counts(make_site: Any) -> None:
    page = approved("POL-SMS-01", "policy", [5, "5.2"])
    data = make_site({**complete_mini(), "policies/sms.md": page}).check_json()
    assert data["findings"] == []
    assert next(d for d in data["documents"] if d["id"] == "POL-SMS-01")["clauses"] == ["5", "5.2"]


def test_clause_written_as_a_decimal_number_is_sms003(make_site: Any) -> None:
    # YAML reads 10.10 as 10.1 before mkdocs-sms sees it: the number is reported, not silently used.
    page = approved("PLN-AUD-01", "plan", ["5.2", 9.2, "5.9"])
    data = make_site({**complete_mini(), "plans/audit.md": page}).check_json()
    found = [(f["code"], f["path"], f["line"]) for f in data["findings"]]
    assert ("SMS003", "plans/audit.md", 7) in found
    assert ("SMS005", "plans/audit.md", 8) in found  # the items after it keep their lines
    (sms003,) = [f for f in data["findings"] if f["code"] == "SMS003"]
    assert (
        "'clauses' has 9.2 written as a number, which loses digits (YAML reads 10.10 as 10.1): "
        "write clause numbers as strings, in quotes" in sms003["message"]
    )
    assert next(d for d in data["documents"] if d["id"] == "PLN-AUD-01")["clauses"] == ["5.2", "5.9"]
    assert next(r for r in data["coverage"] if r["clause"] == "9.2")["status"] == "missing"


def test_records_and_reports_have_no_review_date_unless_one_is_written(make_site: Any) -> None:
    pages = {
        # Retained evidence approved long ago: no review falls due, the row stays covered.
        "records/incident.md": approved("REC-INC-2025-01", "record", ["9.2"], approved_on="2025-01-10",
                                        date="2025-01-08"),
        "records/report.md": approved("RPT-AUD-2024", "report", ["9.2"], approved_on="2024-05-01"),
        # A review date written on the record itself, or in its folder's defaults, still applies.
        "records/own.md": approved("REC-OWN-01", "record", ["9.2"], approved_on="2025-01-10", date="2025-01-08",
                                   review_interval="12 months"),
        "cycle/.meta.yml": "review_interval: 6 months\n",
        "cycle/report.md": approved("RPT-CYC-01", "report", ["9.2"], approved_on="2026-01-10"),
    }  # fmt: skip
    data = make_site({**complete_mini(), **pages}).check_json()
    reviews = {d["id"]: d["next_review"] for d in data["documents"]}
    assert reviews["REC-INC-2025-01"] is None and reviews["RPT-AUD-2024"] is None
    assert reviews["REC-OWN-01"] == "2026-01-10" and reviews["RPT-CYC-01"] == "2026-07-10"
    overdue = {(f["code"], f["document"]) for f in data["findings"]}
    assert overdue == {("SMS007", "REC-OWN-01"), ("SMS007", "RPT-CYC-01")}
    row = next(r for r in data["coverage"] if r["clause"] == "9.2" and r["kind"] == "record")
    assert row["status"] == "covered"


NESTED = """\
catalogue: nested
title: Rows on heading clauses
clauses:
  - clause: "5"
    title: Leadership
  - clause: "5.2"
    title: Policy
    requirements:
      - {kind: document, types: [policy], name: Service management policy}
  - clause: "5.2.1"
    title: Establishing the policy
  - clause: "5.21"
    title: A clause whose number only starts like 5.2
  - clause: "6.1"
    title: Actions to address risks
    requirements:
      - {kind: document, types: [register, plan, process, procedure], name: Risk management approach}
"""


def _nested(make_site: Any, pages: dict[str, str]) -> dict[str, Any]:
    site = make_site({"index.md": "# Home\n", **pages}, {"catalogues": ["nested.yml"]})
    (site.root / "nested.yml").write_text(NESTED, "utf-8")
    return site.check_json()


def test_a_row_is_met_by_documents_citing_a_clause_beneath_it(make_site: Any) -> None:
    pages = {
        "policies/sms.md": approved("POL-SMS-01", "policy", ["5.2.1"]),
        "policies/other.md": approved("POL-OTH-01", "policy", ["5.21"]),
        "policies/both.md": approved("POL-BTH-01", "policy", ["5.2", "5.2.1"]),
        "plans/risk.md": approved("PLN-RSK-01", "plan", ["6.1"]),
    }
    data = _nested(make_site, pages)
    row = next(r for r in data["coverage"] if r["clause"] == "5.2")
    # 5.21 is not beneath 5.2; a document citing the clause twice is listed once.
    assert (row["status"], row["documents"]) == ("covered", ["POL-BTH-01", "POL-SMS-01"])
    assert data["findings"] == []


def test_a_clause_that_counts_for_nothing_is_sms107_and_the_panel_says_why(make_site: Any) -> None:
    pages = {
        "policies/sms.md": approved("POL-SMS-01", "policy", ["5.2"]),
        "plans/risk.md": approved("PLN-RSK-01", "plan", ["6.1"]),
        # 6.1 asks for a register, plan, process or procedure: a policy citing it counts for nothing.
        "policies/risk.md": approved("POL-RSK-01", "policy", ["5", "6.1"]),
        # Beneath 5.2 a record meets nothing either; 5.2.1 has no row of its own, so it is a reference.
        "records/note.md": approved("REC-NOTE-01", "record", ["5.2.1"], date="2026-01-01"),
        # A retired document counts for nothing anyway.
        "policies/old.md": approved("POL-OLD-01", "policy", ["6.1"], status="retired"),
    }
    site = make_site({"index.md": "# Home\n", **pages}, {"catalogues": ["nested.yml"]})
    (site.root / "nested.yml").write_text(NESTED, "utf-8")
    findings = site.check_json()["findings"]
    assert [(f["code"], f["path"], f["line"], f["document"]) for f in findings] == [
        ("SMS107", "policies/risk.md", 7, "POL-RSK-01")
    ]
    assert findings[0]["message"].endswith(
        "clause '6.1' counts for nothing for a document of type policy: "
        "the rows it can meet there accept only register, plan, process, procedure"
    )
    assert site.build().ok
    panel = site.site_file("policies/risk/index.html")
    assert "(not counted: its rows accept only register, plan, process, procedure, not policy)" in panel
    assert panel.count("not counted") == 1  # clause 5 is a heading, cited for reference


def test_the_coverage_page_says_how_the_handbook_controls_documented_information(make_site: Any) -> None:
    # Clause 7.5 is where an auditor asks for document control: the page answers there, once.
    site = make_site(complete_mini(), {"catalogues": ["iso20000-1:2018"]})
    assert site.build().ok
    html = site.site_file("sms/coverage/index.html")
    assert html.count('id="document-control"') == 1
    statement = html.split('id="document-control"', 1)[1].split("</div>", 1)[0]
    assert "7.5.2, 7.5.3" in statement and "<strong>Version control:</strong>" in statement
    # It stands in the group of clause 7, after that group's rows and before clause 8's heading.
    seven, eight = html.index('id="clause-7-5"'), html.index('id="clause-8-1"')
    assert seven < html.index('id="document-control"') < eight
