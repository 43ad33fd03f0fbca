"""Maturity levels (ISO/IEC 20000-5's second approach): the levels of the bundled catalogue, the target
state as an approved plan with a ``target:`` block, phases aiming at a level per clause, and the rows no
phase names (SMS111)."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import yaml

from conftest import FIXTURES, approved
from mkdocs_sms.catalogue import LEVELS

CATALOGUE = str(FIXTURES / "levels-catalogue.yml")
MIXED = {"scope": "All services", "levels": {"8.5": 3, "default": 2}, "date": "2027-03-31"}


def options(**extra: Any) -> dict[str, Any]:
    return {"catalogues": [CATALOGUE], **extra}


def handbook(**target_doc: Any) -> dict[str, str]:
    """Every row covered, by documents written to different levels, and a target-state plan."""
    return {
        "index.md": "# Home\n",
        "plans/scope.md": approved("PLN-SCO-01", "plan", ["4.3"], level=1),
        "processes/change.md": approved("PRC-CHG-01", "process", ["8.5.1"], level=2),
        "records/change-trends.md": approved("REC-CHG-01", "record", ["8.5.1"], date="2026-10-01", level=3),
        "processes/incident.md": approved("PRC-INC-01", "process", ["8.6.1"], level=2),
        "records/incident-trends.md": approved("REC-INC-01", "record", ["8.6.1"], date="2026-10-01", level=1),
        "records/audit.md": approved("REC-AUD-01", "record", ["9.2"], date="2026-06-01"),
        "records/review.md": approved("REC-MR-01", "record", ["9.3"], date="2026-09-01"),
        "plans/target.md": approved("PLN-TGT-01", "plan", [], **{"target": MIXED, **target_doc}),
    }


def test_every_bundled_row_and_activity_writes_its_level() -> None:
    # The loader gives a row or an activity without 'level' level 1, so read the file itself.
    text = resources.files("mkdocs_sms.catalogue").joinpath("catalogues/iso20000-1-2018.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    rows = [row for clause in data["clauses"] for row in clause.get("requirements", [])]
    activities = [item for clause in data["clauses"] for item in clause.get("activities", [])]
    assert len(rows) > 60 and len(activities) > 300
    assert [row["name"] for row in rows if row.get("level") not in LEVELS] == []
    assert [item for item in activities if not isinstance(item, dict) or item.get("level") not in LEVELS] == []
    # Every level is used, for rows and for activities, and the catalogue says whose assignment it is.
    assert {row["level"] for row in rows} == set(LEVELS) == {item["level"] for item in activities}
    assert "mkdocs-sms's own assignment" in " ".join(data["description"].split())


def test_the_coverage_page_shows_the_levels_of_rows_and_activities(make_site: Any) -> None:
    plan = {"levels": ["Basic", "Managed", "Full"], "phases": [{"name": "All", "target": "2027-06-30", "level": 3}]}
    site = make_site(handbook(), options(implementation=plan))
    assert site.build(strict=True).ok
    page = site.site_file("sms/coverage/index.html")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Check the boundary against the service catalogue each year. Managed" in text
    assert "Write down the boundary of the SMS. Basic" in text
    assert re.search(r"Change trend analysis.*?sms-level\">Full<", page, flags=re.S)
    assert "mkdocs-sms's own assignment" in text


def test_a_mixed_target_measures_each_row_at_its_clause_level(make_site: Any) -> None:
    site = make_site(handbook(), options())
    result = site.build(strict=True)
    assert result.ok, result.messages
    target = json.loads(site.site_file("sms.json"))["target"]
    assert target["status"] == "assessed" and target["document"] == "PLN-TGT-01"
    assert target["levels"] == {"8.5": 3, "default": 2} and target["date"] == "2027-03-31"
    achieved = {(r["clause"], r["key"]): (r["level"], r["achieved"]) for r in target["rows"]}
    assert achieved == {
        ("4.3", "4.3-1"): (2, False),  # the scope is written to level 1 only
        ("8.5.1", "8.5.1-1"): (3, False),  # level 2 is not enough for 8.5
        ("8.5.1", "8.5.1-2"): (3, True),  # a level-3 row of 8.5 is in a level-3 target
        ("8.6.1", "8.6.1-1"): (2, True),
        ("8.6.1", "8.6.1-2"): (2, False),  # the trend record is written to level 1
        ("9.2", "9.2-1"): (2, True),  # no level: every level
        ("9.3", "9.3-1"): (2, True),
    }  # 8.6.1-3 is a level-3 row: outside a level-2 target
    assert (target["achieved"], target["total"]) == (4, 7)

    page = site.site_file("sms/implementation/index.html")
    section = page.split('id="target-state"', 1)[1].split("<h2", 1)[0]
    assert "Level 3 for 8.5; Level 2 elsewhere" in section and 'href="../../plans/target/"' in section
    assert "4 of 7 required rows achieved" in section and "1 row expected only at a higher level" in section
    open_rows = re.findall(r'<tr class="sms-target-row" data-clause="([^"]+)">\s*<td>.*?</td>\s*<td>([^<]+)</td>',
                           section, flags=re.S)  # fmt: skip
    assert open_rows == [
        ("4.3", "SMS scope"),
        ("8.5.1", "Change management process"),
        ("8.6.1", "Incident trend analysis"),
    ]


def test_only_an_approved_target_counts(make_site: Any) -> None:
    draft = handbook(status="draft")
    site = make_site(draft, options())
    assert site.build(strict=True).ok
    target = json.loads(site.site_file("sms.json"))["target"]
    assert target["status"] == "cannot be assessed" and target["document"] is None
    assert target["unapproved"] == ["PLN-TGT-01"] and target["rows"] == []
    assert "not approved" in target["reason"]
    section = site.site_file("sms/implementation/index.html").split('id="target-state"', 1)[1].split("<h2", 1)[0]
    assert "cannot be assessed" in section and "Level 3 for 8.5" not in section

    # Beside an approved one, the draft is listed as not counted; without any, nothing is measured.
    both = {**draft, "plans/target-old.md": approved("PLN-TGT-00", "plan", [], target=MIXED)}
    data = make_site(both, options()).check_json()
    assert data["target"]["document"] == "PLN-TGT-00" and data["target"]["unapproved"] == ["PLN-TGT-01"]
    none = {path: page for path, page in draft.items() if path != "plans/target.md"}
    assert make_site(none, options()).check_json()["target"]["status"] == "cannot be assessed"


def test_a_malformed_target_is_sms003_on_its_line(make_site: Any) -> None:
    cases = {
        "no default": ({**MIXED, "levels": {"8.5": 3}}, "plan", "needs a 'default' level"),
        "level 4": ({**MIXED, "levels": {"8.5": 4, "default": 2}}, "plan", "gives '8.5' the level 4"),
        "unknown key": ({**MIXED, "services": "x"}, "plan", "unknown key(s) services"),
        "no date": ({"scope": "x", "levels": {"default": 2}}, "plan", "lacks date"),
        "a number": ({**MIXED, "levels": {8.5: 3, "default": 2}}, "plan", "written as a number"),
        "on a policy": (MIXED, "policy", "'target' is read only when type is plan"),
    }
    for name, (value, doc_type, text) in cases.items():
        pages = {**handbook(), "plans/target.md": approved("PLN-TGT-01", doc_type, [], target=value)}
        data = make_site(pages, options()).check_json()
        found = [f for f in data["findings"] if f["path"] == "plans/target.md"]
        assert [(f["code"], f["line"]) for f in found] == [("SMS003", 11)], name
        assert text in found[0]["message"], (name, found[0]["message"])
        assert data["target"]["status"] == "cannot be assessed", name

    unknown = {**handbook(), "plans/target.md": approved("PLN-TGT-01", "plan", [], target={**MIXED, "levels": {
        "8.9": 3, "default": 2}})}  # fmt: skip
    (found,) = [f for f in make_site(unknown, options()).check_json()["findings"] if f["code"] == "SMS005"]
    assert found["line"] == 11 and "clause '8.9' is not in levels" in found["message"]


def test_phases_aim_at_a_level_per_clause(make_site: Any) -> None:
    plan = {
        "phases": [
            {"name": "Changes first", "target": "2026-09-30", "levels": {"8.5": 3, "default": 1}},
            {"name": "Everything", "target": "2027-06-30", "level": 3},
        ]
    }
    site = make_site(handbook(), options(implementation=plan))
    data = site.check_json()
    # Past its date, the first phase needed 8.5 at level 3: the change process (level 2) is late.
    late = [f["message"] for f in data["findings"] if f["code"] == "SMS105"]
    assert len(late) == 1 and "8.5.1 Change management (document: Change management process)" in late[0]
    assert "needed this requirement at Level 3; it is covered only at Level 2" in late[0]
    assert site.build().ok
    page = site.site_file("sms/implementation/index.html")
    assert "Level 3 for 8.5; Level 1 elsewhere" in page and "the whole SMS at Level 3" in page

    for phase, text in (
        ({"levels": {"8.9": 3, "default": 1}}, "phase 'P': 'levels' names clause '8.9' is not in levels"),
        ({"levels": {"default": 5}}, "phases[0] (P): 'levels' gives 'default' the level 5"),
        ({"level": 2, "levels": {"default": 2}}, "give one of 'clauses'"),
    ):
        bad = {"phases": [{"name": "P", "target": "2027-01-01", **phase}]}
        result = make_site(handbook(), options(implementation=bad)).check()
        assert result.returncode == 2 and text in result.stderr, result.stderr


def test_rows_no_phase_names_are_reported_once(make_site: Any) -> None:
    plan = {"phases": [{"name": "Core", "target": "2027-06-30", "clauses": ["4", "9"]}]}
    data = make_site(handbook(), options(implementation=plan)).check_json()
    (found,) = [f for f in data["findings"] if f["code"] == "SMS111"]
    assert found["severity"] == "info"
    assert (
        "5 required rows of levels are named by no phase and join the last phase, 'Core' (target 2027-06-30): "
        "clauses 8.5.1, 8.6.1" in found["message"]
    )
    # They still join the last phase.
    assert {r["phase"] for r in data["coverage"]} == {"Core"}
    # A level-1 phase leaves the level-2 and level-3 rows to nobody.
    levels = {"phases": [{"name": "Basics", "target": "2027-06-30", "level": 1}]}
    (found,) = [f for f in make_site(handbook(), options(implementation=levels)).check_json()["findings"]
                if f["code"] == "SMS111"]  # fmt: skip
    assert "3 required rows" in found["message"] and "clauses 8.5.1, 8.6.1" in found["message"]
    everything = {"phases": [{"name": "All", "target": "2027-06-30", "level": 3}]}
    assert "SMS111" not in {f["code"] for f in make_site(handbook(), options(implementation=everything)).check_json()[
        "findings"]}  # fmt: skip
