"""Preparing the certification audit (ISO/IEC 20000-5): records of every operational process within a
window, internal audits covering every clause over the cycle, a management review covering every input,
and the stage 1 pack; each check passes, fails and cannot be assessed on tiny handbooks, built for real."""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from typing import Any

from conftest import FIXTURES, approved, run_cli

PREP = str(FIXTURES / "audit-catalogue.yml")
OPERATION = "Records of every clause 8 process within 3 months"
PROGRAMME = "Internal audits covered every clause within 3 years"
INPUTS = "The latest management review covered every input"


def record(doc_id: str, clauses: list[str], date: str, **extra: Any) -> str:
    """An approved record of ``date``, approved on that day."""
    return approved(doc_id, "record", clauses, date=date, approved_on=date, **extra)


def prepared() -> dict[str, str]:
    """Pages that meet every row of the catalogue and every preparation check on 2026-11-29."""
    return {
        "index.md": "# Home\n",
        "plans/scope.md": approved("PLN-SCO-01", "plan", ["4.3"], title="SMS scope"),
        "policies/sms.md": approved("POL-SMS-01", "policy", ["5.2"]),
        "plans/sms.md": approved("PLN-SMS-01", "plan", ["6.3"]),
        "catalogues/services.md": approved("CAT-SVC-01", "catalogue", ["8.2"]),
        "processes/catalogue.md": approved("PRC-CAT-01", "process", ["8.2"]),
        "records/incidents.md": record("REC-INC-2026-11", ["8.6.1"], "2026-11-02"),
        "records/requests.md": record("REC-SRQ-2026-10", ["8.6.2"], "2026-10-31"),
        "plans/audit.md": approved("PLN-AUD-01", "plan", ["9.2"]),
        "records/audit-1.md": record("REC-AUD-2026-03", ["9.2"], "2026-03-12", audited=["4", "5", "6"]),
        "records/audit-2.md": record("REC-AUD-2026-06", ["9.2"], "2026-06-19", audited=["8", "9", "10"]),
        "records/review.md": record("REC-MR-2026-09", ["9.3"], "2026-09-24", inputs=["actions", "audits", "feedback"]),
        "records/nc.md": record(
            "REC-NC-2026-01", ["10.1"], "2026-06-01", state="closed", grade="minor",
            effectiveness="No repeat in three months (checked 2026-09-01).",
        ),
    }  # fmt: skip


def options(**extra: Any) -> dict[str, Any]:
    return {"catalogues": [PREP], **extra}


def text(page: str) -> str:
    """The article of a built page as text: tags gone, white space collapsed."""
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def check_of(page: str, title: str) -> str:
    """The row of the checks table whose title is ``title``."""
    row = page.split(f"<strong>{title}</strong>", 1)[1].split('<tr class="sms-check', 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()).replace(" ,", ",")


def pack_rows(page: str) -> dict[str, tuple[str, list[str]]]:
    """The stage 1 pack: each entry's text and the links in it."""
    table = page.split('class="sms-table sms-pack"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for cells in re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", table, flags=re.S):
        content = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cells[1])).split())
        rows[cells[0]] = (content, re.findall(r'href="([^"]+)"', cells[1]))
    return rows


def resolves(site: Any, page_dir: str, href: str) -> bool:
    """Whether a relative link from the built page in ``page_dir`` names a built page."""
    target = posixpath.normpath(posixpath.join(page_dir, href.split("#", 1)[0]))
    path = Path(site.root / "site" / target)
    return (path / "index.html").is_file() if not target.endswith(".html") else path.is_file()


def test_a_prepared_handbook_is_ready_and_its_stage1_pack_links_resolve(make_site: Any) -> None:
    site = make_site(prepared(), options())
    data = site.check_json()
    assert data["findings"] == []
    assert data["audit"] == {"ready": True, "verdict": "ready", "failed": [], "unassessed": []}
    assert site.build(strict=True).ok
    page = site.site_file("sms/audit/index.html")
    assert check_of(page, OPERATION).startswith(
        "pass each of the 2 clause 8 processes has an approved record dated between 2026-08-29 and 2026-11-29"
    )
    assert "all 9 clauses audited since 2023-11-29, by 2 internal audit record(s)" in check_of(page, PROGRAMME)
    assert "all 3 inputs covered by REC-MR-2026-09" in check_of(page, INPUTS)
    pack = pack_rows(page)
    assert list(pack) == [
        "Scope of the SMS", "Service management policy", "Service management plan", "Service catalogue",
        "Document register", "Coverage matrix", "Last internal audit", "Last management review",
    ]  # fmt: skip
    assert pack["Scope of the SMS"][0] == "PLN-SCO-01 SMS scope"
    # The catalogue itself, not the process that manages it (a derived row of the same clause).
    assert pack["Service catalogue"][0] == "CAT-SVC-01 Document CAT-SVC-01"
    assert pack["Last internal audit"][0] == "REC-AUD-2026-06 Document REC-AUD-2026-06 of 2026-06-19"
    assert pack["Last management review"][0].startswith("REC-MR-2026-09")
    assert pack["Document register"][1] == ["../register/"] and pack["Coverage matrix"][1] == ["../coverage/"]
    links = [href for _, hrefs in pack.values() for href in hrefs]
    assert len(links) == 8 and all(resolves(site, "sms/audit", href) for href in links), links


def test_a_pack_entry_the_handbook_lacks_says_so(make_site: Any) -> None:
    pages = {k: v for k, v in prepared().items() if k != "plans/sms.md"}
    pages["plans/sms.md"] = approved("PLN-SMS-01", "plan", ["6.3"]).replace("status: approved", "status: draft")
    pages["plans/sms.md"] = pages["plans/sms.md"].replace("approved_by: Managing Director\n", "")
    pages["plans/sms.md"] = pages["plans/sms.md"].replace("approved_on: '2026-03-01'\n", "")
    del pages["catalogues/services.md"]
    site = make_site(pages, options())
    assert site.build().ok
    pack = pack_rows(site.site_file("sms/audit/index.html"))
    assert pack["Service catalogue"] == ("not in the handbook", [])
    assert pack["Service management plan"][0] == "PLN-SMS-01 Document PLN-SMS-01 draft"
    # A catalogue that names no clause for an entry says so, rather than "not in the handbook".
    site = make_site(prepared(), {"catalogues": [str(FIXTURES / "mini-catalogue.yml")]})
    assert site.build().ok
    pack = pack_rows(site.site_file("sms/audit/index.html"))
    assert pack["Scope of the SMS"] == ("no catalogue of this handbook says which clause asks for it", [])


def test_records_of_every_operational_process_within_the_window(make_site: Any) -> None:
    pages = prepared()
    pages["records/requests.md"] = record("REC-SRQ-2026-07", ["8.6.2"], "2026-08-01")
    site = make_site(pages, options())
    data = site.check_json()
    assert data["audit"]["failed"] == [OPERATION] and data["audit"]["unassessed"] == []
    assert site.build().ok
    row = check_of(site.site_file("sms/audit/index.html"), OPERATION)
    assert row.startswith(
        "fail 1 of 2 clause 8 processes have no approved record dated between 2026-08-29 and 2026-11-29 "
        "1 recent records, 1 no record since 2026-08-29 "
        "8 Operation recent records: 8.6.1 no record since 2026-08-29: 8.6.2"
    )
    page = site.site_file("sms/audit/index.html")
    assert '<a href="../coverage/#clause-8-6-2" title="Service request management">8.6.2</a>' in page
    # A wider window takes the August record in.
    site.set_options(options(audit_preparation={"window": "6 months"}))
    data = site.check_json()
    assert data["audit"]["verdict"] == "ready"
    assert "Records of every clause 8 process within 6 months" not in data["audit"]["failed"]
    # Planning ahead: on 1 March 2027 neither process has a record of the last three months.
    site.set_options(options(audit_preparation={"date": "2027-03-01"}))
    assert site.check_json()["audit"]["failed"] == [OPERATION]
    assert site.build().ok
    page = site.site_file("sms/audit/index.html")
    assert "judged for the planned audit date, 2027-03-01" in text(page)
    assert check_of(page, OPERATION).startswith(
        "fail 2 of 2 clause 8 processes have no approved record dated between 2026-12-01"
    )
    # A register the row accepts counts from its approval: it is kept up to date.
    pages = prepared()
    pages["records/incidents.md"] = approved("REG-INC-01", "register", ["8.6.1"], approved_on="2026-11-20")
    assert make_site(pages, options()).check_json()["audit"]["verdict"] == "ready"


def test_operational_records_cannot_be_assessed_when_there_are_none(make_site: Any) -> None:
    pages = {k: v for k, v in prepared().items() if k not in ("records/incidents.md", "records/requests.md")}
    site = make_site(pages, options())
    data = site.check_json()
    assert OPERATION in data["audit"]["unassessed"] and OPERATION not in data["audit"]["failed"]
    assert site.build().ok
    row = check_of(site.site_file("sms/audit/index.html"), OPERATION)
    assert row.startswith("cannot be assessed no approved record of a clause 8 process is in the handbook")


def test_the_internal_audits_cover_every_clause_over_the_cycle(make_site: Any) -> None:
    pages = prepared()
    pages["records/audit-2.md"] = record("REC-AUD-2026-06", ["9.2"], "2026-06-19", audited=["8.6.1", "8.6.2", "9.2"])
    site = make_site(pages, options())
    data = site.check_json()
    assert data["audit"]["failed"] == [PROGRAMME] and data["findings"] == []
    assert site.build().ok
    row = check_of(site.site_file("sms/audit/index.html"), PROGRAMME)
    assert row == (
        "fail 3 of 9 clauses not audited since 2023-11-29 (2 internal audit record(s)) 6 audited, 3 not audited "
        "4 Context audited: 4.3 not audited: — 5 Leadership audited: 5.2 not audited: — "
        "6 Planning audited: 6.3 not audited: — 8 Operation audited: 8.6.1, 8.6.2 not audited: 8.2 "
        "9 Performance evaluation audited: 9.2 not audited: 9.3 10 Improvement audited: — not audited: 10.1"
    )
    # A cycle of six months leaves the March audit out.
    site.set_options(options(audit_preparation={"cycle": "6 months"}))
    data = site.check_json()
    assert data["audit"]["failed"] == ["Internal audits covered every clause within 6 months"]
    assert site.build().ok
    row = check_of(site.site_file("sms/audit/index.html"), "Internal audits covered every clause within 6 months")
    assert row.startswith("fail 6 of 9 clauses not audited since 2026-05-29 (1 internal audit record(s))")


def test_an_audit_record_without_audited_cannot_be_assessed(make_site: Any) -> None:
    pages = prepared()
    pages["records/audit-2.md"] = record("REC-AUD-2026-06", ["9.2"], "2026-06-19")
    site = make_site(pages, options())
    data = site.check_json()
    assert data["audit"]["verdict"] == "cannot be assessed" and data["audit"]["unassessed"] == [PROGRAMME]
    assert site.build().ok
    row = check_of(site.site_file("sms/audit/index.html"), PROGRAMME)
    assert row.startswith(
        "cannot be assessed 1 internal audit record(s) since 2023-11-29 do not say which clauses they audited "
        "(they list no audited clauses); 6 of 9 clauses are not shown audited REC-AUD-2026-06"
    )
    # Without any internal audit record, there is nothing to read either.
    pages = {k: v for k, v in prepared().items() if not k.startswith("records/audit")}
    data = make_site(pages, options()).check_json()
    assert PROGRAMME in data["audit"]["unassessed"]


def test_the_latest_management_review_covers_every_input(make_site: Any) -> None:
    pages = prepared()
    checklist = {"actions": True, "audits": False, "feedback": True}
    pages["records/review.md"] = record("REC-MR-2026-09", ["9.3"], "2026-09-24", inputs=checklist)
    site = make_site(pages, options())
    data = site.check_json()
    assert data["audit"]["failed"] == [INPUTS] and data["findings"] == []
    assert site.build().ok
    page = site.site_file("sms/audit/index.html")
    assert check_of(page, INPUTS).startswith(
        "fail 1 of 3 inputs not covered by REC-MR-2026-09 REC-MR-2026-09 Document REC-MR-2026-09 2 covered, "
        "1 not covered Actions from earlier reviews: covered Audit results: not covered Customer feedback: covered"
    )
    # A newer review without a checklist: what it covered cannot be told (the older one does not count).
    pages["records/review-2.md"] = record("REC-MR-2026-11", ["9.3"], "2026-11-20")
    data = make_site(pages, options()).check_json()
    assert data["audit"]["verdict"] == "cannot be assessed" and data["audit"]["unassessed"] == [INPUTS]


def test_audited_and_inputs_are_checked_with_their_lines(make_site: Any) -> None:
    pages = prepared()
    pages["records/audit-2.md"] = record("REC-AUD-2026-06", ["9.2"], "2026-06-19", audited=["8", "11.4", 9.2])
    pages["records/review.md"] = record("REC-MR-2026-09", ["9.3"], "2026-09-24", inputs=["actions", "budget"])
    pages["records/review-2.md"] = record("REC-MR-2025-09", ["9.3"], "2025-09-24", inputs="all of them")
    findings = make_site(pages, options()).check_json()["findings"]
    found = {(f["code"], f["path"], f["line"]): f["message"] for f in findings if f["path"].startswith("records/")}
    assert found == {
        ("SMS005", "records/audit-2.md", 15): (
            "SMS005 records/audit-2.md:15 (REC-AUD-2026-06): 'audited': clause '11.4' is not in prep"
        ),
        ("SMS003", "records/audit-2.md", 16): (
            "SMS003 records/audit-2.md:16 (REC-AUD-2026-06): 'audited' has 9.2 written as a number, which loses "
            "digits (YAML reads 10.10 as 10.1): write clause numbers as strings, in quotes"
        ),
        ("SMS003", "records/review.md", 15): (
            "SMS003 records/review.md:15 (REC-MR-2026-09): 'inputs' names 'budget', which is not a review input "
            "of a loaded catalogue (known: actions, audits, feedback)"
        ),
        ("SMS003", "records/review-2.md", 13): (
            "SMS003 records/review-2.md:13 (REC-MR-2025-09): 'inputs' must be a list of input keys or a mapping "
            "of keys to true/false, not 'all of them'"
        ),
    }


def test_audience_builds_withhold_the_pack_and_what_withheld_records_say(make_site: Any) -> None:
    pages = prepared()
    secret = {"classification": "confidential"}
    pages["plans/scope.md"] = approved("PLN-SCO-01", "plan", ["4.3"], title="Zephyr scope", **secret)
    pages["records/audit-2.md"] = record("REC-AUD-2026-06", ["9.2"], "2026-06-19", audited=["8", "9", "10"], **secret)
    pages["records/review.md"] = record(
        "REC-MR-2026-09", ["9.3"], "2026-09-24", inputs=["actions", "audits", "feedback"], **secret
    )
    site = make_site(pages, options())
    assert site.check_json()["audit"]["verdict"] == "ready"  # the whole SMS is assessed
    assert site.build().ok
    page = site.site_file("sms/audit/index.html")
    for hidden in ("PLN-SCO-01", "Zephyr", "REC-AUD-2026-06", "REC-MR-2026-09", "2026-06-19", "2026-09-24"):
        assert hidden not in page, hidden
    pack = pack_rows(page)
    assert pack["Scope of the SMS"] == ("withheld from this audience", [])
    assert pack["Last internal audit"] == ("withheld from this audience", [])
    assert pack["Last management review"] == ("withheld from this audience", [])
    assert pack["Service management policy"][0] == "POL-SMS-01 Document POL-SMS-01"
    assert check_of(page, PROGRAMME).endswith("6 more rest on records withheld from this audience.")
    assert check_of(page, INPUTS) == (
        "pass the latest management review record is withheld from this audience; all 3 inputs covered "
        "details withheld from this audience 3 more rest on records withheld from this audience."
    )


def test_audit_preparation_option_is_validated(make_site: Any) -> None:
    site = make_site(prepared(), options(audit_preparation={"window": "soon"}))
    result = site.check()
    assert result.returncode == 2
    assert "option 'audit_preparation': 'window': 'soon' is not an interval" in result.stderr
    site.set_options(options(audit_preparation={"when": "2027-01-01"}))
    result = site.check()
    assert result.returncode == 2 and "unknown key(s) when (known: date, window, cycle)" in result.stderr


def test_review_inputs_of_a_catalogue_are_checked_with_lines(tmp_path: Path) -> None:
    source = (FIXTURES / "audit-catalogue.yml").read_text("utf-8")
    broken = tmp_path / "broken.yml"
    broken.write_text(source.replace("    audits: Audit results\n", "    Audits: Audit results\n"), "utf-8")
    result = run_cli("catalogue", "check", str(broken), cwd=tmp_path)
    assert result.returncode == 1
    assert (
        f"{broken}:16: error: audit: review input key 'Audits' must be lower-case letters, digits and _"
        in result.stdout
    )
    broken.write_text(source.replace("    feedback: Customer feedback\n", "    feedback: ''\n"), "utf-8")
    result = run_cli("catalogue", "check", str(broken), cwd=tmp_path)
    assert f"{broken}:17: error: audit: review input 'feedback' needs a short label as text" in result.stdout
