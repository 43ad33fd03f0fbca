"""``mkdocs serve`` rebuilds: the plugin keeps the pages it read and parses again only those that changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import FIXTURES, POLICY, approved, complete_mini, share_compiled_templates
from mkdocs_sms.analysis.handbook import Handbook
from mkdocs_sms.plugin import SmsPlugin


def _serve(config_file: Path, site_dir: Path) -> Any:
    """Build as ``mkdocs serve`` does first; return a function that rebuilds as it does on a change."""
    config = load_config(str(config_file), site_dir=str(site_dir))
    share_compiled_templates(config)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")

    def rebuild() -> SmsPlugin:
        again = load_config(str(config_file), site_dir=str(site_dir))
        share_compiled_templates(again)
        build(again, serve_url="http://127.0.0.1:8000/")
        plugin = again.plugins["sms"]
        assert plugin is config.plugins["sms"]  # serve keeps the instance
        assert isinstance(plugin, SmsPlugin)
        return plugin

    return config.plugins["sms"], rebuild


def _pages(handbook: Handbook | None) -> dict[str, Any]:
    assert handbook is not None
    return {page.path: page for page in handbook.pages}


def test_a_rebuild_reuses_unchanged_pages_and_reads_the_edited_one(make_site: Any, tmp_path: Path) -> None:
    site = make_site(complete_mini())
    plugin, rebuild = _serve(site.config_file, tmp_path / "served")
    before = _pages(plugin.handbook)

    site.write("policies/sms.md", POLICY.replace("owner: Head of Service Management\n", "owner: Service Owner\n"))
    after = _pages(rebuild().handbook)

    assert after["policies/change.md"] is before["policies/change.md"]
    assert after["plans/audit.md"] is before["plans/audit.md"]
    edited = after["policies/sms.md"]
    assert edited is not before["policies/sms.md"]
    assert edited.document is not None and edited.document.owner == "Service Owner"
    assert "Service Owner" in (tmp_path / "served" / "policies" / "sms" / "index.html").read_text("utf-8")


def test_a_rebuild_reports_a_page_broken_since_the_last_build(make_site: Any, tmp_path: Path) -> None:
    site = make_site(complete_mini())
    plugin, rebuild = _serve(site.config_file, tmp_path / "served")
    assert plugin.handbook is not None and not plugin.handbook.findings

    site.write("plans/audit.md", "---\nid: PLN-AUD-01\ntitle: [unclosed\n---\n")
    # The page's classification is now unknown: the published view leaves it and its findings out.
    view = rebuild().handbook
    assert view.source is not None and "plans/audit.md" not in {page.path for page in view.pages}
    codes = {finding.code for finding in view.source.findings}
    assert {"SMS001", "SMS304"} <= codes


def test_changed_settings_read_every_page_again(make_site: Any, tmp_path: Path) -> None:
    site = make_site(complete_mini())
    plugin, rebuild = _serve(site.config_file, tmp_path / "served")
    before = _pages(plugin.handbook)

    site.set_options({"review_interval": "1 month"})  # changes every document's next review
    after = _pages(rebuild().handbook)

    assert all(after[path] is not page for path, page in before.items())
    document = after["policies/change.md"].document
    assert document is not None and document.next_review is not None
    assert document.next_review.isoformat() == "2026-04-01"


def _panel(html: str) -> str:
    start = html.index('<div class="sms-panel')
    return html[start : html.index("</dl>", start)]


def test_a_rebuild_renders_again_the_panels_that_name_an_edited_document(make_site: Any, tmp_path: Path) -> None:
    pages = complete_mini()
    pages["policies/change.md"] = approved("POL-CHG-01", "policy", ["8.5.1.1"], related=["POL-SMS-01"])
    site = make_site(pages)
    served = tmp_path / "served"
    _, rebuild = _serve(site.config_file, served)
    change_page = served / "policies" / "change" / "index.html"
    assert 'title="Service management policy"' in _panel(change_page.read_text("utf-8"))
    assert "Referenced by" not in _panel(change_page.read_text("utf-8"))

    # Neither page that changes is the change policy, whose panel names both.
    site.write("policies/sms.md", POLICY.replace("title: Service management policy", "title: SMS policy, 2nd ed."))
    site.write("plans/audit.md", pages["plans/audit.md"] + "\nThe audit covers [[POL-CHG-01]].\n")
    rebuild()

    panel = _panel(change_page.read_text("utf-8"))
    assert 'title="SMS policy, 2nd ed."' in panel
    assert "Referenced by" in panel and ">PLN-AUD-01</a>" in panel


def test_panels_after_text_edits_are_those_of_a_fresh_build(make_site: Any, tmp_path: Path) -> None:
    site = make_site(complete_mini())
    served = tmp_path / "served"
    _, rebuild = _serve(site.config_file, served)
    site.write("policies/sms.md", POLICY + "\nA paragraph added while the server runs.\n")
    site.write("policies/change.md", complete_mini()["policies/change.md"].replace("owner: Owner", "owner: Jo"))
    rebuild()
    site.build()

    for page in ("policies/sms", "policies/change", "plans/audit"):
        kept = (served / page / "index.html").read_text("utf-8")
        fresh = site.site_file(f"{page}/index.html")
        assert _panel(kept) == _panel(fresh)
    assert "A paragraph added while the server runs." in (served / "policies/sms/index.html").read_text("utf-8")
    assert "<dd>Jo</dd>" in _panel((served / "policies/change/index.html").read_text("utf-8"))


def test_a_changed_date_of_today_renders_every_panel_again(make_site: Any, tmp_path: Path) -> None:
    site = make_site(complete_mini())
    served = tmp_path / "served"
    _, rebuild = _serve(site.config_file, served)
    assert "sms-banner--overdue" not in (served / "policies/sms/index.html").read_text("utf-8")

    site.set_options({"today": "2027-06-01"})  # a year and more after approval: every review is overdue
    rebuild()
    assert "sms-banner--overdue" in (served / "policies/sms/index.html").read_text("utf-8")


def test_a_catalogue_edited_while_serving_is_read_again(make_site: Any, tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yml"
    catalogue.write_text((FIXTURES / "mini-catalogue.yml").read_text("utf-8"), "utf-8")
    site = make_site(complete_mini(), options={"catalogues": [str(catalogue)]})
    served = tmp_path / "served"
    plugin, rebuild = _serve(site.config_file, served)
    first = plugin.catalogues[0]
    assert rebuild().catalogues[0] is first  # unchanged text: the same catalogue, and the same panels

    catalogue.write_text(catalogue.read_text("utf-8").replace("title: Internal audit\n", "title: Audits\n"), "utf-8")
    assert rebuild().catalogues[0] is not first
    coverage = (served / "sms" / "coverage" / "index.html").read_text("utf-8")
    assert "Audits" in coverage and "Internal audit<" not in coverage


def test_generated_pages_follow_front_matter_and_findings_but_not_text(make_site: Any, tmp_path: Path) -> None:
    site = make_site(complete_mini())
    served = tmp_path / "served"
    _, rebuild = _serve(site.config_file, served)
    register = served / "sms" / "register" / "index.html"
    audit = served / "sms" / "audit" / "index.html"
    assert "no finding of severity error" in audit.read_text("utf-8")

    site.write("policies/sms.md", POLICY.replace("status: approved", "status: review"))
    rebuild()
    assert '<tr id="doc-POL-SMS-01" class="sms-row--review">' in register.read_text("utf-8")

    # A text edit whose only effect is a finding: the audit page must show it.
    site.write("plans/audit.md", complete_mini()["plans/audit.md"] + "\nSee [[POL-NONE-99]].\n")
    rebuild()
    assert "1 error finding(s)" in audit.read_text("utf-8")

    site.write("plans/audit.md", complete_mini()["plans/audit.md"] + "\nAnother paragraph.\n")
    rebuild()
    site.build()
    for page in ("sms/register", "sms/coverage", "sms/audit", "sms/reviews"):
        assert (served / page / "index.html").read_text("utf-8") == site.site_file(f"{page}/index.html")
