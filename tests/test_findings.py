"""Each finding code, triggered by a tiny handbook: the code, the file and the line are reported."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import POLICY, approved, complete_mini, front
from mkdocs_sms.rules import RULES, Severity

# code -> (pages to add to a complete handbook, expected path, expected line, text in the message)
CASES: dict[str, tuple[dict[str, str | bytes], str | None, int | None, str]] = {
    "SMS001": (
        {"bad.md": "---\nid: POL-BAD-01\ntitle: \"unterminated\nowner: x\n---\n\nBody\n"},
        "bad.md", 3, "quoted scalar",
    ),
    "SMS002": (
        {"p.md": front(id="POL-A-01", title="A", type="policy", version="1.0")},
        "p.md", 6, "required key 'owner' is missing",  # the closing ---, where it would go
    ),
    "SMS003": (
        {"p.md": front(id="POL-A-01", title="A", type="policy", owner="o", version="1", status="aproved")},
        "p.md", 7, "'aproved' is not one of draft, review, approved, retired",
    ),
    "SMS004": (
        {"z.md": approved("POL-SMS-01", "policy", ["5.2"])},
        "z.md", 2, "already used by policies/sms.md",
    ),
    "SMS005": (
        {"p.md": approved("POL-A-01", "policy", ["5.2", "5.9"])},
        "p.md", 7, "clause '5.9' is not in mini",
    ),
    "SMS006": (
        {"p.md": front(id="POL-A-01", title="A", type="policy", owner="o", version="1", status="approved",
                       approved_on="2026-01-01")},
        "p.md", 7, "'approved_by' is missing",  # the status: approved line
    ),
    "SMS007": (
        {"p.md": approved("POL-A-01", "policy", ["5.2"], approved_on="2025-01-10")},
        "p.md", 11, "review was due on 2026-01-10 (323 days ago)",
    ),
    "SMS008": (
        {"p.md": approved("POL-A-01", "policy", ["5.2"], related=["POL-SMS-01", "POL-NOPE-01"])},
        "p.md", 14, "related document 'POL-NOPE-01' does not exist",
    ),
    "SMS009": (
        {"latin1.md": "---\nid: POL-L-01\ntitle: Caf\xe9\n---\n".encode("latin-1")},
        "latin1.md", 3, "is not UTF-8",
    ),
    "SMS010": (
        {"p.md": "---\nid: POL-A-01\ntitle: A\ntype: policy\n\nBody.\n"},
        "p.md", 1, "front-matter is shown as page text because it is never closed with '---'",
    ),
    "SMS107": (
        {"p.md": approved("POL-A-01", "policy", ["5.2", "9.2"])},
        "p.md", 7, "clause '9.2' counts for nothing for a document of type policy: "
        "the rows it can meet there accept only plan, record, report",
    ),
    "SMS304": (
        {"p.md": approved("POL-A-01", "policy", ["5.2"], classification="Confidential")},
        "p.md", 12, "its classification cannot be established ('classification' 'Confidential' is not one of",
    ),
    "SMS109": (
        {"records/nc.md": approved("NC-2026-01", "record", ["9.2"], date="2026-08-01", state="action planned",
                                   grade="minor", due="2026-10-31")},
        "records/nc.md", 15, "nonconformity (action planned) was due on 2026-10-31 (29 days ago)",
    ),
    "SMS110": (
        {"records/nc.md": approved("NC-2026-01", "record", ["9.2"], date="2026-08-01", state="closed", grade="major")},
        "records/nc.md", 13, "nonconformity is closed with no 'effectiveness'",
    ),
    "SMS203": (
        {"p.md": approved("POL-A-01", "policy", ["5.2"], approved_on="2026-12-24")},
        "p.md", 11, "approved_on 2026-12-24 is later than today (2026-11-29)",
    ),
    "SMS101": ({"plans/audit.md": "# No longer a document\n"}, None, None, "mini 9.2 Internal audit (document"),
    "SMS102": (
        {"plans/audit.md": front(id="PLN-AUD-01", title="A", type="plan", clauses=["9.2"], owner="o", version="0.1")},
        None, None, "only documents in draft or review meet this requirement (PLN-AUD-01)",
    ),
    "SMS103": (
        {"plans/audit.md": approved("PLN-AUD-01", "plan", ["9.2"], approved_on="2024-06-01")},
        None, None, "past its review date (PLN-AUD-01)",
    ),
}  # fmt: skip


# Codes that need a git repository are triggered in test_history.py, test_diff.py and test_approvals.py.
GIT_CODES = {"SMS201", "SMS202", "SMS204", "SMS205", "SMS206", "SMS207", "SMS208"}
# Codes of the implementation plan and evidence freshness are triggered in test_implementation.py.
PLAN_CODES = {"SMS104", "SMS105", "SMS106", "SMS108"}
# Rows no phase names (SMS111, info) are reported in test_levels.py.
LEVEL_CODES = {"SMS111"}
# Acknowledgements past their grace period (SMS209, info) are tested in test_acknowledgements.py.
ACK_CODES = {"SMS209"}
# A symbolic link out of docs_dir (SMS301) is made in test_symlinks.py.
LINK_CODES = {"SMS301"}
# Audience builds (SMS302, SMS303) are tested in test_audience.py; they only inform.
AUDIENCE_CODES = {"SMS302", "SMS303"}


def test_every_code_has_a_case_and_documentation() -> None:
    assert set(CASES) | GIT_CODES | PLAN_CODES | LEVEL_CODES | LINK_CODES | AUDIENCE_CODES | ACK_CODES == set(RULES)
    for rule in RULES.values():
        assert rule.summary and rule.rationale and rule.fix
        expected = (
            (Severity.INFO,)
            if rule.code in AUDIENCE_CODES | LEVEL_CODES | ACK_CODES
            else (Severity.ERROR, Severity.WARNING)
        )
        assert rule.severity in expected


@pytest.mark.parametrize("code", sorted(CASES))
def test_finding_names_code_file_and_line(code: str, make_site: Any) -> None:
    pages, path, line, text = CASES[code]
    site = make_site({**complete_mini(), **pages})
    findings = site.check_json()["findings"]
    matching = [f for f in findings if f["code"] == code]
    assert len(matching) == 1, findings
    finding = matching[0]
    assert finding["path"] == path
    assert finding["line"] == line
    assert text in finding["message"]
    assert finding["severity"] == RULES[code].severity.value
    if path:
        assert f"{path}:{line}" in finding["message"]
    # Only the planted problem is reported: one problem does not spill into others (a stale row is
    # stale because its only document is overdue, so SMS103 comes with SMS007; a page that cannot be
    # read has no classification, SMS304, and the default audience leaves it out, SMS302; an unknown
    # classification is also a bad value, SMS003).
    withheld = {"SMS302", "SMS304"}
    companions = {"SMS103": {"SMS007"}, "SMS001": withheld, "SMS009": withheld, "SMS304": {"SMS003", "SMS302"}}
    assert {f["code"] for f in findings} == {code} | companions.get(code, set())


def test_complete_handbook_has_no_findings(make_site: Any) -> None:
    site = make_site(complete_mini())
    result = site.check()
    assert result.returncode == 0, result.stdout
    assert "0 errors, 0 warnings" in result.stdout


def test_python_tags_are_refused_not_executed(make_site: Any, tmp_path: Any) -> None:
    marker = tmp_path / "pwned"
    page = f"---\nid: !!python/object/apply:os.system ['touch {marker}']\ntitle: x\n---\n"
    site = make_site({**complete_mini(), "evil.md": page})
    data = site.check_json()
    (finding,) = [f for f in data["findings"] if f["code"] == "SMS001"]
    assert finding["line"] == 2
    assert "no tags such as !!python" in finding["message"]
    site.build()
    assert not marker.exists()


def test_unquoted_version_is_reported_with_the_fix(make_site: Any) -> None:
    page = POLICY.replace('version: "1.0"', "version: 2.10")
    data = make_site({**complete_mini(), "policies/sms.md": page}).check_json()
    (finding,) = data["findings"]
    assert finding["code"] == "SMS003" and finding["line"] == 8
    assert 'quoted string such as "2.1"' in finding["message"]


@pytest.mark.parametrize(
    ("change", "code", "line", "text"),
    [
        (("clauses:\n- '5.2'", "clauses:\n\t- '5.2'"), "SMS001", 6, "(indent with spaces, not a tab)"),
        (("title: Document POL-A-01", "title: Policy: access"), "SMS001", 3, "(quote a value that contains ': '"),
        (("approved_on: '2026-03-01'", "approved_on: 2026-02-30"), "SMS003", 11,
         "'approved_on' '2026-02-30' is not a date that exists (day is out of range for month)"),
        (("approved_on: '2026-03-01'", "approved_on: '2026-02-30'"), "SMS003", 11,
         "'approved_on' '2026-02-30' is not a date that exists (day is out of range for month)"),
    ],
    ids=["tab", "colon-in-value", "unquoted-date", "quoted-date"],
)  # fmt: skip
def test_yaml_messages_say_what_to_do(change: tuple[str, str], code: str, line: int, text: str, make_site: Any) -> None:
    page = approved("POL-A-01", "policy", ["5.2"])
    assert change[0] in page
    data = make_site({**complete_mini(), "p.md": page.replace(*change)}).check_json()
    expected = [(code, "p.md", line)]
    if code == "SMS001":
        # Front-matter that cannot be read leaves the classification unknown: withheld as the highest.
        expected += [("SMS304", "p.md", line), ("SMS302", None, None)]
    assert [(f["code"], f["path"], f["line"]) for f in data["findings"]] == expected
    assert text in data["findings"][0]["message"]


def test_duplicate_key_is_invalid_front_matter(make_site: Any) -> None:
    page = POLICY.replace("owner: Head of Service Management", "owner: A\nowner: B")
    (finding,) = make_site({**complete_mini(), "policies/sms.md": page}).check_json()["findings"]
    assert finding["code"] == "SMS001" and finding["line"] == 7
    assert "key 'owner' appears twice (first on line 6); the last value is used" in finding["message"]


def test_severity_override_changes_and_drops_findings(make_site: Any) -> None:
    pages = {**complete_mini(), "p.md": approved("POL-A-01", "policy", ["5.2"], approved_on="2025-01-10")}
    as_error = make_site(pages, {"severity": {"SMS007": "error"}}).check()
    assert as_error.returncode == 1
    assert "error   SMS007" in as_error.stdout
    ignored = make_site(pages, {"severity": {"SMS007": "ignore"}}).check_json()
    assert ignored["findings"] == []


def test_pages_without_id_are_not_documents(make_site: Any) -> None:
    pages = {**complete_mini(), "notes.md": front(title="Meeting notes", tags=["x"])}
    data = make_site(pages).check_json()
    assert data["findings"] == []
    assert "notes.md" not in {d["path"] for d in data["documents"]}


@pytest.mark.parametrize(
    ("page", "line", "text"),
    [
        ("---\nid: POL-A-01\ntitle: A\nowner: o\n", 1, "it is never closed with '---'"),
        ("\n  \n---\nid: POL-A-01\ntitle: A\n---\n\nBody.\n", 3, "a blank line comes before its opening '---'"),
        ("---\ntitle: A\nID: POL-A-01\ntype: policy\n---\n", 3, "key 'ID' is not 'id' (keys are case-sensitive)"),
        ("---\ntitle: A\ntags: [x]\nowner: o\nclauses: ['5.2']\n---\n", 4, "has owner, clauses but no 'id'"),
        ("---\ntitle: A\ntype: policy\nstatus: approved\n---\n", 3, "has type, status but no 'id'"),
    ],
    ids=["not-closed", "blank-line-before", "upper-case-ID", "keys-without-id", "type-and-status"],
)  # fmt: skip
def test_a_document_that_is_not_read_as_one_is_sms010(page: str, line: int, text: str, make_site: Any) -> None:
    site = make_site({**complete_mini(), "policies/lost.md": page})
    findings = site.check_json()["findings"]
    assert [(f["code"], f["path"], f["line"]) for f in findings] == [("SMS010", "policies/lost.md", line)]
    assert text in findings[0]["message"] and "not read as a controlled document" in findings[0]["message"]
    # The plugin reports it too, with file and line.
    assert any(f"SMS010 policies/lost.md:{line}" in m for m in site.build().plugin_warnings())


def test_ordinary_pages_are_not_sms010(make_site: Any) -> None:
    pages = {
        **complete_mini(),
        "rule.md": "---\n\nA page that starts with a horizontal rule.\n",
        "material.md": front(title="What's new", status="new", tags=["news"]),
        "notes.md": "\n\nNotes with leading blank lines.\n\n---\n\nMore.\n",
    }
    assert make_site(pages).check_json()["findings"] == []


def test_bom_crlf_and_odd_pages_are_read_like_mkdocs_reads_them(make_site: Any) -> None:
    crlf_bom = "\ufeff" + POLICY.replace("owner: Head of Service Management\n", "").replace("\n", "\r\n")
    pages = {
        **complete_mini(),
        "policies/sms.md": crlf_bom.encode("utf-8"),
        "empty.md": "",
        "dashes.md": "---\n---\n",
        "scalar.md": "---\njust text\n---\n",
        "list.md": "---\n- a\n- b\n---\n",
    }
    data = make_site(pages).check_json()
    found = {(f["code"], f["path"], f["line"]) for f in data["findings"]}
    assert found == {
        ("SMS002", "policies/sms.md", 10),
        ("SMS001", "scalar.md", 2),
        ("SMS001", "list.md", 2),
        ("SMS304", "scalar.md", 2),
        ("SMS304", "list.md", 2),
        ("SMS302", None, None),
    }
    assert "POL-SMS-01" in {d["id"] for d in data["documents"]}


def test_sms103_says_which_documents_are_out_of_date_and_which_are_drafts(make_site: Any) -> None:
    """A row stale because its approved policy is overdue also has a draft: the message tells them apart."""
    overdue = approved("POL-SMS-01", "policy", ["5.2"], approved_on="2024-01-10", review_interval="12 months")
    draft = front(id="POL-SMS-02", title="New policy", type="policy", clauses=["5.2"], owner="o", version="0.1")
    pages = {**complete_mini(), "policies/sms.md": overdue, "policies/new.md": draft}
    (finding,) = [f for f in make_site(pages).check_json()["findings"] if f["code"] == "SMS103"]
    assert "past its review date (POL-SMS-01); the others are in draft or review (POL-SMS-02)" in finding["message"]
    assert (
        "approved document meeting this requirement is past its review date (POL-SMS-01, POL-SMS-02)"
        not in finding["message"]
    )
