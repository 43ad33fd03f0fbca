"""Real ``mkdocs build`` runs of tiny handbooks: findings fail --strict, pages and panels are right."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from conftest import POLICY, approved, complete_mini, front


def test_complete_handbook_builds_strict_without_any_warning(make_site: Any) -> None:
    site = make_site(complete_mini())
    result = site.build(strict=True)
    assert result.ok, result.messages
    assert [r for r in result.records if r.levelno >= 30] == []
    for page in ("sms/register/index.html", "sms/coverage/index.html", "sms/reviews/index.html", "sms.json"):
        assert (site.root / "site" / page).is_file()


def test_findings_fail_strict_build_with_file_and_line(make_site: Any) -> None:
    broken = POLICY.replace("owner: Head of Service Management\n", "")
    site = make_site({**complete_mini(), "policies/sms.md": broken})
    strict = site.build(strict=True)
    assert not strict.ok
    assert "Aborted with 1 warnings in strict mode" in (strict.error or "")
    assert strict.plugin_warnings() == [
        "mkdocs_sms: SMS002 policies/sms.md:10 (POL-SMS-01): required key 'owner' is missing"
    ]
    relaxed = site.build(strict=False)
    assert relaxed.ok
    assert (site.root / "site/policies/sms/index.html").is_file()


def test_invalid_yaml_is_reported_and_the_page_still_builds(make_site: Any) -> None:
    page = "---\nid: POL-X-01\ntitle: [oops\n---\n\nText of the page.\n"
    # Its classification is unknown, so only a build for the highest audience publishes it (test_audience.py).
    site = make_site({**complete_mini(), "x.md": page}, {"audience": "restricted"})
    result = site.build()
    assert result.ok
    assert any(m.startswith("mkdocs_sms: SMS001 x.md:3 (POL-X-01): front-matter") for m in result.plugin_warnings())
    assert "Text of the page." in site.site_file("x/index.html")


def test_non_utf8_page_does_not_stop_the_build(make_site: Any) -> None:
    site = make_site({**complete_mini(), "legacy.md": "Caf\xe9 menu\n".encode("latin-1")}, {"audience": "restricted"})
    result = site.build()
    assert result.ok, result.error
    assert any("SMS009 legacy.md:1" in m for m in result.plugin_warnings())
    assert (site.root / "site/legacy/index.html").is_file()


def test_register_lists_every_document_with_links(make_site: Any) -> None:
    pages = {**complete_mini(), "records/audit-2026.md": approved("REC-AUD-2026", "record", ["9.2"], date="2026-06-01")}
    site = make_site(pages)
    assert site.build().ok
    html = site.site_file("sms/register/index.html")
    rows = re.findall(r'<tr id="doc-([A-Z0-9-]+)"', html)
    assert rows == ["PLN-AUD-01", "POL-CHG-01", "POL-SMS-01", "REC-AUD-2026"]
    assert '<a href="../../policies/change/" title="Document POL-CHG-01">POL-CHG-01</a>' in html
    assert "<th>Next review</th>" in html and "2027-03-01" in html


def test_coverage_page_shows_status_documents_and_guidance(make_site: Any) -> None:
    pages = complete_mini()
    pages["plans/audit.md"] = front(
        id="PLN-AUD-01", title="Audit", type="plan", clauses=["9.2"], owner="o", version="0.2"
    )
    del pages["policies/change.md"]
    site = make_site(pages)
    assert site.build().ok
    html = site.site_file("sms/coverage/index.html")

    def row(anchor: str) -> str:
        match = re.search(rf'<tr id="{anchor}".*?</tr>', html, re.DOTALL)
        assert match, anchor
        return match.group(0)

    assert "sms-badge--covered" in row("req-mini-5-2-r1") and "POL-SMS-01" in row("req-mini-5-2-r1")
    assert "sms-badge--missing" in row("req-mini-8-5-1-1-r1")
    assert "sms-badge--draft" in row("req-mini-9-2-r1") and "(draft)" in row("req-mini-9-2-r1")
    assert "(optional)" in row("req-mini-9-2-r2")
    assert "State the commitments of top management." in row("req-mini-5-2-r1")
    assert "1 of 4 requirements covered" in html
    assert 'id="clause-5-2"' in html and 'id="clause-5"' in html


def test_panel_shows_metadata_and_links_clauses_to_coverage_rows(make_site: Any) -> None:
    pages = {
        **complete_mini(),
        "policies/change.md": approved("POL-CHG-01", "policy", ["8.5.1.1"], related=["POL-SMS-01"]),
    }
    site = make_site(pages)
    assert site.build().ok
    html = site.site_file("policies/change/index.html")
    panel = re.search(r'<div class="sms-panel.*?</dl>', html, re.DOTALL)
    assert panel
    text = panel.group(0)
    for value in (
        "POL-CHG-01",
        "1.0",
        "approved",
        "Owner",
        "Managing Director",
        "2026-03-01",
        "2027-03-01",
        "internal",
    ):
        assert f"<dd>{value}</dd>" in text or f">{value}</" in text, value
    assert '<a class="sms-clause" href="../../sms/coverage/#clause-8-5-1-1">8.5.1.1</a>' in text
    assert '<a href="../sms/" title="Service management policy">POL-SMS-01</a>' in text
    coverage = site.site_file("sms/coverage/index.html")
    assert 'id="clause-8-5-1-1"' in coverage


def test_banners_mark_draft_review_and_retired_documents(make_site: Any) -> None:
    pages = {
        **complete_mini(),
        "a.md": front(id="POL-A-01", title="A", type="policy", owner="o", version="0.1"),
        "b.md": front(id="POL-B-01", title="B", type="policy", owner="o", version="0.9", status="review"),
        "c.md": approved("POL-C-01", "policy", [], status="retired"),
    }
    site = make_site(pages)
    assert site.build().ok
    assert '<p class="sms-banner sms-banner--draft"><strong>Draft.</strong>' in site.site_file("a/index.html")
    assert '<p class="sms-banner sms-banner--review"><strong>In review.</strong>' in site.site_file("b/index.html")
    assert '<p class="sms-banner sms-banner--retired"><strong>Retired.</strong>' in site.site_file("c/index.html")
    assert "sms-banner" not in site.site_file("policies/sms/index.html")


def test_review_schedule_lists_overdue_first_then_due_soon(make_site: Any) -> None:
    pages = {
        **complete_mini(),
        "late.md": approved("POL-LATE-01", "policy", [], approved_on="2025-06-01"),
        "later.md": approved("POL-LATER-01", "policy", [], approved_on="2025-10-01"),
        "soon.md": approved("POL-SOON-01", "policy", [], approved_on="2025-12-20"),
        "far.md": approved("POL-FAR-01", "policy", [], approved_on="2026-10-01"),
    }
    site = make_site(pages)
    assert site.build().ok
    html = site.site_file("sms/reviews/index.html")
    order = re.findall(r'title="Document (POL-[A-Z]+-01)"', html)
    assert order == ["POL-LATE-01", "POL-LATER-01", "POL-SOON-01"]
    assert "2 reviews overdue, 1 due within 90 days" in html
    assert "181 days" in html and "21 days" in html


def test_sms_json_follows_the_contract(make_site: Any) -> None:
    pages = {**complete_mini(), "p.md": approved("POL-A-01", "policy", ["5.2"], approved_on="2025-01-10")}
    site = make_site(pages)
    assert site.build().ok
    data = json.loads(site.site_file("sms.json"))
    assert data["schema"] == 1
    doc = next(d for d in data["documents"] if d["id"] == "POL-CHG-01")
    assert {k: doc[k] for k in ("title", "type", "status", "version", "owner", "approved_by", "approved_on",
                                "next_review", "classification", "clauses", "path")} == {
        "title": "Document POL-CHG-01", "type": "policy", "status": "approved", "version": "1.0",
        "owner": "Owner", "approved_by": "Managing Director", "approved_on": "2026-03-01",
        "next_review": "2027-03-01", "classification": "internal", "clauses": ["8.5.1.1"],
        "path": "policies/change.md",
    }  # fmt: skip
    row = next(r for r in data["coverage"] if r["clause"] == "5.2")
    assert row == {
        "catalogue": "mini", "clause": "5.2", "title": "Policy", "requirement": "Service management policy",
        "kind": "document", "required": True, "status": "covered", "documents": ["POL-A-01", "POL-SMS-01"],
        "key": "5.2-1", "max_age": None, "evidence": "POL-SMS-01", "evidence_date": "2026-03-01",
        "phase": None, "late": False, "withheld": 0,
    }  # fmt: skip
    assert data["audit"] == {
        "ready": False,
        "verdict": "not ready",
        "failed": ["An internal audit within 12 months", "No reviews overdue"],
        "unassessed": ["Internal audits covered every clause within 3 years"],
    }
    (finding,) = data["findings"]
    assert finding == {
        "code": "SMS007", "severity": "warning", "path": "p.md", "line": 11, "document": "POL-A-01",
        "message": "SMS007 p.md:11 (POL-A-01): review was due on 2026-01-10 (323 days ago)",
    }  # fmt: skip


def test_plugin_and_cli_report_identical_findings(make_site: Any) -> None:
    pages = {
        **complete_mini(),
        "bad.md": "---\nid: POL-BAD-01\ntitle: [x\n---\n",
        "p.md": front(id="POL-A-01", title="A", type="polcy", owner="o", version="1", clauses=["7.7"]),
        "dup.md": approved("POL-CHG-01", "policy", []),
        "old.md": approved("POL-OLD-01", "policy", ["5.2"], approved_on="2024-01-01", related=["X-1"]),
    }
    # For the highest audience: a build for a lower one leaves out bad.md, whose classification is unknown.
    site = make_site(pages, {"severity": {"SMS005": "warning"}, "audience": "restricted"})
    del pages["plans/audit.md"]
    (site.docs / "plans/audit.md").unlink()
    assert site.build().ok
    built = json.loads(site.site_file("sms.json"))
    checked = site.check_json()
    assert len(checked["findings"]) >= 6
    assert built["findings"] == checked["findings"]
    assert built["coverage"] == checked["coverage"]
    assert built["documents"] == checked["documents"]


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def test_sources_are_byte_identical_after_build_and_check(make_site: Any) -> None:
    pages = {**complete_mini(), "bad.md": "---\nid: X\n: :\n---\n", "win.md": "---\r\nid: POL-W-01\r\n---\r\n"}
    site = make_site(pages)
    before = _digest(site.docs)
    config_before = site.config_file.read_bytes()
    site.build()
    site.check()
    site.check("--format", "json")
    assert _digest(site.docs) == before
    assert site.config_file.read_bytes() == config_before


HOSTILE = "<script>alert('x')</script> & \"quotes\" | pipes"


def test_hostile_strings_are_escaped_everywhere(make_site: Any) -> None:
    page = approved("POL-EVIL-01", "policy", ["5.2"], title=HOSTILE, owner=HOSTILE, approved_by=HOSTILE)
    site = make_site({**complete_mini(), "evil.md": page})
    assert site.build().ok
    for path in ("evil/index.html", "sms/register/index.html", "sms/coverage/index.html", "index.html"):
        html = site.site_file(path)
        assert "<script>alert" not in html, path
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quotes&#34;" in site.site_file(
        "sms/register/index.html"
    )
    data = json.loads(site.site_file("sms.json"))
    assert next(d for d in data["documents"] if d["id"] == "POL-EVIL-01")["title"] == HOSTILE
    markdown = site.check("--format", "markdown").stdout
    github = site.check("--format", "github").stdout
    assert "<script>" not in markdown and "<script>" not in github


def test_today_comes_from_source_date_epoch(make_site: Any, monkeypatch: Any) -> None:
    pages = {**complete_mini(), "p.md": approved("POL-A-01", "policy", ["5.2"], approved_on="2025-06-01")}
    site = make_site(pages, {"today": None})
    epoch_2026_05 = "1777593600"  # 2026-05-01T00:00:00Z: the review (due 2026-06-01) is not yet overdue
    assert (
        site.check_json() and site.check("--format", "json", env={"SOURCE_DATE_EPOCH": epoch_2026_05}).returncode == 0
    )
    data = json.loads(site.check("--format", "json", env={"SOURCE_DATE_EPOCH": epoch_2026_05}).stdout)
    assert data["today"] == "2026-05-01" and data["findings"] == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01
    result = site.build()
    assert any("SMS007 p.md:11" in m for m in result.plugin_warnings())
    assert json.loads(site.site_file("sms.json"))["today"] == "2027-01-01"


def test_unusable_configuration_stops_the_build_with_a_clear_error(make_site: Any) -> None:
    site = make_site(complete_mini(), {"review_interval": "fortnightly", "severity": {"SMS999": "error"}})
    result = site.build()
    assert not result.ok
    assert any("sms: option 'review_interval'" in m for m in result.messages)
    cli = site.check()
    assert cli.returncode == 2
    assert "option 'review_interval': 'fortnightly' is not an interval" in cli.stderr


def test_links_work_without_directory_urls(make_site: Any) -> None:
    site = make_site(complete_mini(), use_directory_urls=False)
    assert site.build(strict=True).ok
    register = site.site_file("sms/register.html")
    assert '<a href="../policies/change.html" title="Document POL-CHG-01">POL-CHG-01</a>' in register
    panel = site.site_file("policies/change.html")
    assert 'href="../sms/coverage.html#clause-8-5-1-1"' in panel


def test_automatic_navigation_names_the_generated_section(make_site: Any) -> None:
    site = make_site(complete_mini())
    assert site.build().ok
    html = site.site_file("sms/register/index.html")
    assert "SMS registers" in html
    assert ">Sms<" not in html


def test_search_finds_documents_by_id_and_owner(make_site: Any) -> None:
    site = make_site(complete_mini())
    assert site.build().ok
    index = json.loads(site.site_file("search/search_index.json"))
    change = [d for d in index["docs"] if d["location"].startswith("policies/change/")]
    assert change and "POL-CHG-01" in change[0]["text"] and "Owner" in change[0]["text"]
    assert "sms-panel" not in json.dumps(index)
    # The panel is still on the page a person sees.
    assert 'data-sms-id="POL-CHG-01"' in site.site_file("policies/change/index.html")
    assert "mkdocs-sms:panel" not in site.site_file("policies/change/index.html")


def test_navigation_marks_only_documents_that_are_not_approved(make_site: Any) -> None:
    pages = {
        **complete_mini(),
        "a.md": front(id="POL-A-01", title="A", type="policy", owner="o", version="0.1", status="review"),
    }
    site = make_site(pages)
    assert site.build().ok
    html = site.site_file("index.html")
    assert '<span class="md-status md-status--review" title="In review: not yet approved">' in html
    assert "md-status--approved" not in html
