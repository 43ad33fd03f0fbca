"""Acknowledgements of policies (issue 19): the group, the acknowledgement file (CSV or YAML), the counts on
the panel, in the register, sms.json and export; SMS209 past the grace period; the page of who is missing,
published to internal audiences only; problems in the file as findings with the file and the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import POLICY, Site, approved, complete_mini

# Five people must acknowledge policies; two policies of the miniature handbook are approved on 2026-03-01
# (POL-SMS-01 version 1.0 and POL-CHG-01 version 2.1). Tests build on 2026-11-29, past a 30-day grace period.
PEOPLE = ["Ann Able <ann@example.org>", "Bob Boss", "cid@example.org", "Dee Doe", "Eve Ever"]
HEADER = "Timestamp,person,document,version,date\n"


def acknowledge(**extra: Any) -> dict[str, Any]:
    return {"acknowledge": {"types": ["policy"], "people": PEOPLE, "file": "acknowledgements.csv", **extra}}


def pages(**changed: str) -> dict[str, str]:
    return {**complete_mini(), "policies/change.md": approved("POL-CHG-01", "policy", ["8.5.1.1"], version="2.1"),
            **changed}  # fmt: skip


def csv_rows(*rows: str) -> str:
    return HEADER + "".join(f"2026-03-05 09:00:00,{row}\n" for row in rows)


# Four of five acknowledged POL-CHG-01 2.1 (Ann by her email, Bob in capitals); Dee only the earlier 2.0.
CHANGE_ACKS = (
    "ann@example.org,POL-CHG-01,2.1,2026-03-04",
    "BOB BOSS,POL-CHG-01,2.1,2026-03-05",
    "Cid <cid@example.org>,POL-CHG-01,2.1,2026-03-06 10:22:11",
    "Eve Ever,POL-CHG-01,2.1,2026-03-06T08:00:00Z",
    "Dee Doe,POL-CHG-01,2.0,2025-05-01",
)


def site_with(make_site: Any, csv: str, options: dict[str, Any] | None = None, **changed: str) -> Site:
    site: Site = make_site(pages(**changed), options or acknowledge(), site_url="https://sms.example.org/")
    (site.root / "acknowledgements.csv").write_text(csv, "utf-8")
    return site


def of(data: dict[str, Any], doc_id: str) -> dict[str, Any]:
    return next(d for d in data["documents"] if d["id"] == doc_id)


def codes(data: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in data["findings"] if f["code"] == code]


def test_counts_in_sms_json_and_sms209_past_the_grace_period(make_site: Any) -> None:
    site = site_with(make_site, csv_rows(*CHANGE_ACKS, "Eve Ever,POL-SMS-01,1.0,2026-03-02"))
    data = site.check_json()
    assert of(data, "POL-CHG-01")["acknowledgement"] == {
        "version": "2.1", "state": "overdue", "required": 5, "acknowledged": 4, "due": "2026-03-31",
        "missing": ["Dee Doe"],
    }  # fmt: skip
    assert of(data, "POL-SMS-01")["acknowledgement"]["acknowledged"] == 1
    # Plans need no acknowledgement.
    assert of(data, "PLN-AUD-01")["acknowledgement"] is None
    late = codes(data, "SMS209")
    assert [(f["document"], f["severity"], f["path"], f["line"]) for f in late] == [
        ("POL-CHG-01", "info", "policies/change.md", 11),
        ("POL-SMS-01", "info", "policies/sms.md", 10),
    ]
    assert late[0]["message"] == (
        "SMS209 policies/change.md:11 (POL-CHG-01): version 2.1 is acknowledged by 4 of 5 people 273 days after its "
        "approval on 2026-03-01 (grace period 30 days, over on 2026-03-31): 1 have not acknowledged it"
    )
    # Info: check passes, also with --strict.
    assert site.check("--strict").returncode == 0


def test_within_the_grace_period_there_is_no_finding(make_site: Any) -> None:
    site = site_with(make_site, csv_rows(*CHANGE_ACKS), acknowledge(grace_days=300))
    data = site.check_json()
    assert of(data, "POL-CHG-01")["acknowledgement"]["state"] == "pending"
    assert of(data, "POL-CHG-01")["acknowledgement"]["due"] == "2026-12-26"
    assert codes(data, "SMS209") == []


def test_a_complete_acknowledgement_and_a_severity_override(make_site: Any) -> None:
    everyone = [f"{person},POL-SMS-01,1.0,2026-03-03" for person in PEOPLE if "," not in person]
    site = site_with(make_site, csv_rows(*CHANGE_ACKS, *everyone), {**acknowledge(), "severity": {"SMS209": "error"}})
    data = site.check_json()
    assert of(data, "POL-SMS-01")["acknowledgement"]["state"] == "complete"
    assert of(data, "POL-SMS-01")["acknowledgement"]["missing"] == []
    assert [(f["document"], f["severity"]) for f in codes(data, "SMS209")] == [("POL-CHG-01", "error")]
    assert site.check().returncode == 1


def test_acknowledgements_of_an_older_version_do_not_count(make_site: Any) -> None:
    older = [row.replace(",2.1,", ",2.0,") for row in CHANGE_ACKS]
    site = site_with(make_site, csv_rows(*older))
    item = of(site.check_json(), "POL-CHG-01")["acknowledgement"]
    assert (item["acknowledged"], item["required"], item["state"]) == (0, 5, "overdue")
    assert len(item["missing"]) == 5


def test_an_acknowledgement_dated_after_today_is_a_finding_and_not_counted(make_site: Any) -> None:
    # Dee's row (the sixth line of the file) says 2.1 but is dated in January 2027; the build is of 2026-11-29.
    site = site_with(make_site, csv_rows(*CHANGE_ACKS, "Dee Doe,POL-CHG-01,2.1,2027-01-05"))
    data = site.check_json()
    item = of(data, "POL-CHG-01")["acknowledgement"]
    assert (item["acknowledged"], item["state"], item["missing"]) == (4, "overdue", ["Dee Doe"])
    (wrong,) = [f for f in codes(data, "SMS003") if f["path"] == "../acknowledgements.csv"]
    assert wrong["line"] == 7 and wrong["document"] == "POL-CHG-01"
    assert "dated 2027-01-05, after today (2026-11-29)" in wrong["message"] and "not counted" in wrong["message"]
    # Today's date counts.
    site = site_with(make_site, csv_rows(*CHANGE_ACKS, "Dee Doe,POL-CHG-01,2.1,2026-11-29"))
    item = of(site.check_json(), "POL-CHG-01")["acknowledgement"]
    assert (item["acknowledged"], item["state"]) == (5, "complete")


def test_without_an_approval_date_it_cannot_be_assessed(make_site: Any) -> None:
    undated = POLICY.replace("approved_on: 2026-03-01\n", "")
    site = site_with(make_site, csv_rows(*CHANGE_ACKS), **{"policies/sms.md": undated})
    data = site.check_json()
    item = of(data, "POL-SMS-01")["acknowledgement"]
    assert (item["state"], item["acknowledged"], item["missing"], item["due"]) == ("undated", None, None, None)
    assert [f["document"] for f in codes(data, "SMS209")] == ["POL-CHG-01"]
    assert [f["document"] for f in codes(data, "SMS006")] == ["POL-SMS-01"]


def test_a_yaml_file_is_read_like_a_csv_file(make_site: Any) -> None:
    site: Site = make_site(pages(), {"acknowledge": {"types": ["policy"], "people_file": "staff.txt",
                                                     "file": "acks/acknowledgements.yml", "grace_days": 10}})  # fmt: skip
    (site.root / "staff.txt").write_text("# who must acknowledge\nAnn Able <ann@example.org>\n\nBob Boss  # IT\n")
    (site.root / "acks").mkdir()
    (site.root / "acks" / "acknowledgements.yml").write_text(
        "- {person: ann@example.org, document: POL-CHG-01, version: '2.1', date: 2026-03-04}\n"
        "- person: Bob Boss\n  document: POL-CHG-01\n  version: '2.1'\n  date: 2026-03-05\n"
        "- {person: Bob Boss, document: POL-SMS-01, version: 1.0, date: 2026-03-05}\n",
        "utf-8",
    )
    data = site.check_json()
    assert of(data, "POL-CHG-01")["acknowledgement"]["state"] == "complete"
    assert of(data, "POL-SMS-01")["acknowledgement"] == {
        "version": "1.0", "state": "overdue", "required": 2, "acknowledged": 1, "due": "2026-03-11",
        "missing": ["Ann Able <ann@example.org>"],
    }  # fmt: skip
    assert [f["code"] for f in data["findings"]] == ["SMS209"]


def test_bad_rows_are_findings_with_the_file_and_the_line(make_site: Any) -> None:
    csv = csv_rows(
        "ann@example.org,POL-CHG-01,2.1,2026-03-04",
        "Bob Boss,POL-NONE-01,2.1,2026-03-05",
        "Cid <cid@example.org>,POL-CHG-01,2.1,13/03/2026",
        "Zed Zulu,POL-CHG-01,2.1,2026-03-06",
        "Eve Ever,POL-CHG-01,,2026-03-06",
    )
    site = site_with(make_site, csv)
    data = site.check_json()
    found = [(f["code"], f["path"], f["line"]) for f in data["findings"] if f["path"] == "../acknowledgements.csv"]
    assert found == [("SMS008", "../acknowledgements.csv", 3), ("SMS003", "../acknowledgements.csv", 4),
                     ("SMS003", "../acknowledgements.csv", 5), ("SMS003", "../acknowledgements.csv", 6)]  # fmt: skip
    messages = [f["message"] for f in data["findings"] if f["path"] == "../acknowledgements.csv"]
    assert "names the document 'POL-NONE-01', which does not exist" in messages[0]
    assert "'13/03/2026' is not a date in the form YYYY-MM-DD" in messages[1]
    assert "'Zed Zulu' acknowledged POL-CHG-01 but is not in the group" in messages[2]
    assert "../acknowledgements.csv:6: the acknowledgement has no version" in messages[3]
    # In a pull request, the annotation is on the file's line.
    github = site.check("--format", "github").stdout
    assert "::error file=acknowledgements.csv,line=3,title=SMS008::" in github
    # Only Ann's row counts.
    assert of(data, "POL-CHG-01")["acknowledgement"]["acknowledged"] == 1
    assert site.check().returncode == 1


@pytest.mark.parametrize(
    ("name", "content", "code", "line", "text"),
    [
        ("acknowledgements.yml", "- {person: Ann\n- x: [\n", "SMS001", 2, "is not YAML"),
        ("acknowledgements.yml", "person: Ann\n", "SMS003", 1, "must be a list of mappings"),
        ("acknowledgements.csv", "name,document,version,date\n", "SMS003", 1, "has no column person"),
        ("acknowledgements.csv", b"person,document,version,date\nJos\xe9,POL-CHG-01,2.1,2026-03-04\n", "SMS009", 2,
         "is not UTF-8 text"),
        ("missing.csv", None, "SMS009", None, "cannot be read"),
    ],
)  # fmt: skip
def test_a_broken_file_is_a_finding_and_nothing_is_assessed(
    make_site: Any, name: str, content: str | bytes | None, code: str, line: int | None, text: str
) -> None:
    site: Site = make_site(pages(), {"acknowledge": {"types": ["policy"], "people": PEOPLE, "file": name}})
    if isinstance(content, bytes):
        (site.root / name).write_bytes(content)
    elif content is not None:
        (site.root / name).write_text(content, "utf-8")
    result = site.check("--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert [(f["code"], f["path"], f["line"]) for f in data["findings"]] == [(code, f"../{name}", line)]
    assert text in data["findings"][0]["message"]
    assert of(data, "POL-CHG-01")["acknowledgement"]["state"] == "unread"
    assert codes(data, "SMS209") == []
    # The terminal names the file beside mkdocs.yml as it is, not through docs_dir and '..'.
    text = site.check().stdout
    assert name in text.splitlines() and "/../" not in text


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"types": ["policy"], "file": "a.csv"}, "either 'people' (a list) or 'people_file'"),
        ({"types": ["poilcy"], "people": ["Ann"], "file": "a.csv"}, "'poilcy' is not one of the document types"),
        ({"types": ["policy"], "people": ["Ann"], "file": "a.xlsx"}, "neither .csv nor .yml/.yaml"),
        ({"types": ["policy"], "people": ["Ann"], "file": "a.csv", "grace_days": -1}, "'grace_days' must be"),
        ({"types": ["policy"], "people": ["Ann", " ann "], "file": "a.csv"}, "in the group twice"),
        ({"types": ["policy"], "people_file": "nobody.txt", "file": "a.csv"}, "the people file nobody.txt cannot"),
        ({"types": ["policy"], "people": ["Ann"], "file": "a.csv", "grace": 3}, "unknown key(s) grace"),
    ],
)
def test_an_unusable_option_is_a_clear_configuration_error(make_site: Any, option: Any, message: str) -> None:
    site: Site = make_site(pages(), {"acknowledge": option})
    result = site.check()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "option 'acknowledge'" in result.stderr and message in result.stderr


def test_without_the_option_nothing_changes(make_site: Any) -> None:
    site: Site = make_site(pages())
    data = site.check_json()
    assert {d["acknowledgement"] for d in data["documents"]} == {None}
    assert not any("acknowledg" in f["message"] for f in data["findings"])
    assert site.build().ok
    assert not (site.root / "site" / "sms" / "acknowledgements").exists()
    assert "Acknowledg" not in site.site_file("sms/register/index.html")


def test_panel_register_page_and_export_of_an_internal_build(make_site: Any, tmp_path: Path) -> None:
    site = site_with(make_site, csv_rows(*CHANGE_ACKS))
    result = site.build()
    assert result.ok, result.error
    panel = site.site_file("policies/change/index.html")
    assert "<dt>Acknowledgements</dt>" in panel
    assert "4 of 5 acknowledged version 2.1 (grace period over since" in panel
    register = site.site_file("sms/register/index.html")
    assert "<th>Acknowledged</th>" in register
    assert '<td class="sms-acknowledged--overdue sms-nowrap" data-sort="4">4 of 5</td>' in register
    page = site.site_file("sms/acknowledgements/index.html")
    row = page[page.index('id="ack-POL-CHG-01"') : page.index("</tr>", page.index('id="ack-POL-CHG-01"'))]
    assert "Dee Doe" in row and "(acknowledged 2.0)" in row and "Ann Able" in row
    assert "ann@example.org" not in row  # the page names people, sms.json keeps their identities as written
    assert "Zed" not in page and "1 document is fully acknowledged" not in page
    assert "of its approval. 0 documents are fully acknowledged, 2 are past their grace period" in page
    assert "Documents that need acknowledgement: policy. Each approved one needs" in page
    assert "sms/acknowledgements/" in site.site_file("search/search_index.json")
    assert "https://sms.example.org/sms/acknowledgements/" in site.site_file("sitemap.xml")
    sms = json.loads(site.site_file("sms.json"))
    assert of(sms, "POL-CHG-01")["acknowledgement"]["missing"] == ["Dee Doe"]
    out = tmp_path / "register.csv"
    assert site.cli("export", "--table", "register", "--output", str(out)).returncode == 0
    header, *rows = out.read_text("utf-8").splitlines()
    assert header.endswith(",acknowledgement")
    assert next(r for r in rows if r.startswith("POL-CHG-01,")).endswith(",4 of 5 acknowledged version 2.1")


def test_a_public_build_has_no_page_and_no_names(make_site: Any) -> None:
    csv = csv_rows(*CHANGE_ACKS, "Zed Zulu,POL-CHG-01,2.1,2026-03-06")
    site = site_with(make_site, csv, {**acknowledge(), "audience": "public", "default_classification": "public"})
    result = site.build()
    assert result.ok, result.error
    assert not (site.root / "site" / "sms" / "acknowledgements").exists()
    everything = "".join(
        path.read_text("utf-8", errors="replace") for path in (site.root / "site").rglob("*") if path.is_file()
    )
    for name in ("Dee Doe", "Ann Able", "ann@example.org", "Zed Zulu", "sms/acknowledgements"):
        assert name not in everything, name
    assert "https://sms.example.org/sms/register/" in site.site_file("sitemap.xml")
    # The counts stay: they name nobody.
    assert "4 of 5 acknowledged version 2.1" in site.site_file("policies/change/index.html")
    sms = json.loads(site.site_file("sms.json"))
    assert of(sms, "POL-CHG-01")["acknowledgement"]["missing"] is None
    assert of(sms, "POL-CHG-01")["acknowledgement"]["acknowledged"] == 4
    assert [f["document"] for f in codes(sms, "SMS209")] == ["POL-CHG-01", "POL-SMS-01"]
    assert not any(f["path"] == "../acknowledgements.csv" for f in sms["findings"])
    # The command line, for the organisation itself, still names the row of someone outside the group.
    assert any("Zed Zulu" in f["message"] for f in site.check_json()["findings"])


def test_files_kept_in_docs_dir_are_read_but_never_published(make_site: Any) -> None:
    option = {"types": ["policy"], "people_file": "docs/people/staff.txt", "file": "docs/people/acks.csv"}
    site: Site = make_site(pages(), {"acknowledge": option})
    site.write("people/staff.txt", "Ann Able <ann@example.org>\nBob Boss\n")
    site.write("people/acks.csv", "person,document,version,date\nann@example.org,POL-CHG-01,2.1,2026-03-04\n")
    result = site.build()
    assert result.ok, result.error
    assert not (site.root / "site" / "people").exists()
    assert "1 of 2 acknowledged version 2.1" in site.site_file("policies/change/index.html")
    # Findings about it name it relative to docs_dir.
    site.write("people/acks.csv", "person,document,version,date\nann@example.org,POL-XXX-01,2.1,2026-03-04\n")
    (finding,) = codes(site.check_json(), "SMS008")
    assert (finding["path"], finding["line"]) == ("people/acks.csv", 2)
