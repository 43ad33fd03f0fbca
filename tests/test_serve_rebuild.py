"""``mkdocs serve`` rebuilds: the plugin keeps the pages it read and parses again only those that changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import POLICY, complete_mini
from mkdocs_sms.handbook import Handbook
from mkdocs_sms.plugin import SmsPlugin


def _serve(config_file: Path, site_dir: Path) -> Any:
    """Build as ``mkdocs serve`` does first; return a function that rebuilds as it does on a change."""
    config = load_config(str(config_file), site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")

    def rebuild() -> SmsPlugin:
        again = load_config(str(config_file), site_dir=str(site_dir))
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
    codes = {finding.code for finding in rebuild().handbook.findings}
    assert "SMS001" in codes


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
