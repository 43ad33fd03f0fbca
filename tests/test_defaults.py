"""Folder defaults in .meta.yml, applied alike by the plugin and the CLI, with or without Material's meta."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import complete_mini, front

PROCESS_DEFAULTS = "type: plan\nowner: Head of Service Management\nclassification: public\n"
BARE = front(id="PLN-AUD-01", title="Audit programme", clauses=["9.2"], version="1.0", status="approved",
             approved_by="Managing Director", approved_on="2026-03-01")  # fmt: skip


def _pages(**extra: str) -> dict[str, str]:
    pages: dict[str, str] = {**complete_mini(), "plans/audit.md": BARE, "plans/.meta.yml": PROCESS_DEFAULTS}
    pages.update(extra)
    return pages


@pytest.mark.parametrize("plugins", [["search"], ["search", "meta"]], ids=["without meta", "with meta"])
def test_defaults_fill_what_documents_leave_out(make_site: Any, plugins: list[str]) -> None:
    site = make_site(_pages())
    config = site.config_file.read_text().replace("- search\n", "".join(f"- {p}\n" for p in plugins), 1)
    site.config_file.write_text(config)
    checked = site.check_json()
    assert checked["findings"] == []
    doc = next(d for d in checked["documents"] if d["id"] == "PLN-AUD-01")
    assert (doc["type"], doc["owner"], doc["classification"]) == ("plan", "Head of Service Management", "public")
    assert next(r for r in checked["coverage"] if r["clause"] == "9.2")["status"] == "covered"
    result = site.build(strict=True)
    assert result.ok, result.messages
    built = json.loads(site.site_file("sms.json"))
    assert built["documents"] == checked["documents"] and built["findings"] == checked["findings"]


def test_own_front_matter_and_deeper_folders_win(make_site: Any) -> None:
    pages = _pages(**{
        "plans/2027/.meta.yml": "owner: Internal Audit Lead\n",
        "plans/2027/audit.md": BARE.replace("PLN-AUD-01", "PLN-AUD-27"),
        "plans/own.md": BARE.replace("PLN-AUD-01", "PLN-OWN-01").replace("title: Audit programme", "title: Own\nowner: Me"),
    })  # fmt: skip
    docs = {d["id"]: d for d in make_site(pages).check_json()["documents"]}
    assert docs["PLN-AUD-27"]["owner"] == "Internal Audit Lead" and docs["PLN-AUD-27"]["type"] == "plan"
    assert docs["PLN-OWN-01"]["owner"] == "Me"


def test_broken_defaults_are_reported_with_file_and_line(make_site: Any) -> None:
    pages = _pages(**{"plans/.meta.yml": "type: plan\nowner: [unclosed\n"})
    findings = make_site(pages).check_json()["findings"]
    broken = [f for f in findings if f["code"] == "SMS001"]
    assert [(f["path"], f["line"]) for f in broken] == [("plans/.meta.yml", 2)]
    # Without its defaults the bare document lacks type and owner, and says so.
    assert {(f["code"], f["path"]) for f in findings if f["code"] == "SMS002"} == {("SMS002", "plans/audit.md")}
