"""mkdocs-sms new: a draft from the template of each type, refusals that write nothing, own templates."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import complete_mini
from mkdocs_sms.options import DEFAULT_TYPES


def _new(site: Any, *args: str) -> Any:
    from conftest import run_cli

    return run_cli("new", *args, "-f", str(site.config_file), cwd=site.root)


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


# Clauses of the miniature catalogue whose rows accept each type (a clause that counts for nothing is
# SMS107); 5 is a heading, cited for reference.
CLAUSES_FOR = {"policy": ["5.2", "8.5.1.1"], "plan": ["5", "9.2"], "record": ["9.2"], "report": ["9.2"]}


@pytest.mark.parametrize("doc_type", DEFAULT_TYPES)
def test_new_document_of_every_type_builds_and_checks(doc_type: str, make_site: Any) -> None:
    site = make_site(complete_mini())
    doc_id = f"NEW-{doc_type.upper()}-01"
    clauses = CLAUSES_FOR.get(doc_type, ["5"])
    result = _new(site, doc_type, "--id", doc_id, "--title", f"New {doc_type} <draft> & co", "--clauses",
                  ",".join(clauses), "--owner", "Head of Service Management")  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = next(site.docs.rglob("new-*.md"))
    front = yaml.safe_load(written.read_text().split("---\n")[1])
    assert front["id"] == doc_id and front["type"] == doc_type and front["status"] == "draft"
    assert front["version"] == "0.1" and front["clauses"] == clauses
    assert front["title"] == f"New {doc_type} <draft> & co"
    # Records and reports are retained evidence, not reviewed: no review interval is written on them.
    assert ("review_interval" in front) == (doc_type not in ("record", "report"))
    check = site.check_json()
    mine = [f for f in check["findings"] if f["path"] == written.relative_to(site.docs).as_posix()]
    if doc_type == "record":
        # The date of the event is the author's to write: left empty, forgetting it is SMS002.
        assert "date" in front and front["date"] is None
        assert [(f["code"], f["message"].split(": ", 1)[1]) for f in mine] == [
            ("SMS002", "required key 'date' is missing (required when type is record)")
        ]
        return
    assert mine == []
    assert site.build(strict=True).ok


def test_new_puts_the_document_in_the_folder_of_its_type(make_site: Any) -> None:
    site = make_site(complete_mini())
    assert _new(site, "process", "--id", "PRC-CHG-01", "--title", "Change management process").returncode == 0
    assert (site.docs / "processes/change-management-process.md").is_file()
    text = (site.docs / "processes/change-management-process.md").read_text()
    assert "## Roles (RACI)" in text and 'owner: "TO BE ASSIGNED"' in text


def test_guidance_of_the_named_clauses_is_in_the_draft(make_site: Any) -> None:
    site = make_site(complete_mini())
    _new(site, "policy", "--id", "POL-NEW-01", "--title", "New", "--clauses", "5.2")
    text = next(site.docs.rglob("new.md")).read_text()
    assert "- 5.2 Policy (document: Service management policy): Keep a service management policy." in text
    assert "State the commitments of top management." in text


REFUSALS = {
    "existing file": (
        ["policy", "--id", "POL-X-01", "--title", "X", "--path", "DOCS/policies/sms.md"],
        "already exists",
    ),
    "id in use": (["policy", "--id", "POL-SMS-01", "--title", "Another"], "already used by policies/sms.md"),
    "id pattern": (["policy", "--id", "pol x", "--title", "X"], "does not match the id pattern"),
    "unknown clause": (
        ["policy", "--id", "POL-X-01", "--title", "X", "--clauses", "5.2,9.9"],
        "clause '9.9' is in no loaded catalogue",
    ),
    "unknown type": (["memo", "--id", "MEM-X-01", "--title", "X"], "type 'memo' is not one of"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refusals_write_nothing(case: str, make_site: Any) -> None:
    site = make_site(complete_mini())
    args, message = REFUSALS[case]
    args = [a.replace("DOCS", str(site.docs)) for a in args]
    before = _snapshot(site.root)
    result = _new(site, *args)
    assert result.returncode == 2 and message in result.stderr
    assert _snapshot(site.root) == before


def test_organisation_templates_come_first(make_site: Any) -> None:
    site = make_site(complete_mini())
    (site.root / "sms_templates").mkdir()
    (site.root / "sms_templates/policy.md.j2").write_text(
        '{% include "_front.md.j2" %}\n\nHarbourline policy layout for {{ title }}.\n'
    )
    _new(site, "policy", "--id", "POL-OWN-01", "--title", "Own")
    _new(site, "plan", "--id", "PLN-OWN-01", "--title", "Own plan")
    assert "Harbourline policy layout for Own." in (site.docs / "policies/own.md").read_text()
    assert "## Activities and timetable" in (site.docs / "plans/own-plan.md").read_text()  # packaged fallback


def test_new_uses_the_configured_today(make_site: Any) -> None:
    # today: 2026-11-29 in the test configuration; an organisation's template may print it.
    site = make_site(complete_mini())
    (site.root / "sms_templates").mkdir()
    (site.root / "sms_templates/record.md.j2").write_text('{% include "_front.md.j2" %}\n\nDrafted on {{ today }}.\n')
    assert _new(site, "record", "--id", "REC-NEW-01", "--title", "Minutes").returncode == 0
    text = (site.docs / "records/minutes.md").read_text()
    assert "Drafted on 2026-11-29." in text
    assert "\ndate:  # the date of the event this record evidences, YYYY-MM-DD\n" in text


@pytest.mark.parametrize("where", ["DOCS/../outside/x.md", "/ROOT/../escaped/x.md", "DOCS/../docs-other/x.md"])
def test_new_refuses_a_path_outside_docs_dir(where: str, make_site: Any) -> None:
    site = make_site(complete_mini())
    path = where.replace("DOCS", str(site.docs)).replace("/ROOT", str(site.root))
    before = _snapshot(site.root.parent)
    result = _new(site, "policy", "--id", "POL-X-01", "--title", "X", "--path", path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is outside docs_dir" in result.stderr
    assert not Path(path).parent.exists()
    assert _snapshot(site.root.parent) == before


def test_templates_run_in_a_sandbox(make_site: Any, tmp_path: Path) -> None:
    site = make_site(complete_mini())
    marker = tmp_path / "pwned"
    (site.root / "sms_templates").mkdir()
    (site.root / "sms_templates/policy.md.j2").write_text(
        "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}\n"
    )
    before = _snapshot(site.root)
    result = _new(site, "policy", "--id", "POL-EVIL-01", "--title", "Evil")
    assert result.returncode == 2 and "cannot be rendered" in result.stderr and "Traceback" not in result.stderr
    assert not marker.exists()
    assert _snapshot(site.root) == before


GUIDED_CATALOGUE = """\
catalogue: guided
title: Guided
clauses:
  - clause: "8.6.1"
    title: Incident management
    activities:
      - Record every incident with its time, service and impact.
      - Restore the agreed service as quickly as possible.
    requirements:
      - {kind: document, types: [process, procedure], name: Incident process}
"""


def test_new_turns_the_clause_activities_into_sections_with_a_mapping_table(make_site: Any) -> None:
    site = make_site({"index.md": "# Handbook\n"}, {"catalogues": ["guided.yml"]})
    (site.root / "guided.yml").write_text(GUIDED_CATALOGUE)
    result = _new(site, "process", "--id", "PRC-INC-01", "--title", "Incident management", "--clauses", "8.6.1")
    assert result.returncode == 0, result.stderr
    text = (site.docs / "processes/incident-management.md").read_text()
    assert "| Section | What it answers |" in text
    assert (
        "| Activity 1 | 8.6.1 Incident management: Record every incident with its time, service and impact. |" in text
    )
    assert "| Activity 2 | 8.6.1 Incident management: Restore the agreed service as quickly as possible. |" in text
    sections = text.split("## Activities", 1)[1]
    assert "### Activity 1" in sections and "### Activity 2" in sections
    assert "<!-- 8.6.1: Restore the agreed service as quickly as possible." in sections
    # The draft is a valid document: nothing is wrong with the page itself, and it builds.
    findings = site.check_json()["findings"]
    assert [f for f in findings if f["path"] == "processes/incident-management.md"] == []
    assert site.build().ok


def test_a_template_for_the_type_and_clause_comes_first(make_site: Any) -> None:
    site = make_site(complete_mini(), {"catalogues": ["guided.yml"]})
    (site.root / "guided.yml").write_text(GUIDED_CATALOGUE)
    (site.root / "sms_templates").mkdir()
    (site.root / "sms_templates/process-8.6.1.md.j2").write_text(
        '{% include "_front.md.j2" %}\n\nOur incident process template.\n'
    )
    assert _new(site, "process", "--id", "PRC-INC-01", "--title", "Incidents", "--clauses", "8.6.1").returncode == 0
    assert "Our incident process template." in (site.docs / "processes/incidents.md").read_text()
    # Another clause, or another type, keeps the shipped template.
    assert _new(site, "procedure", "--id", "PRO-INC-01", "--title", "Triage", "--clauses", "8.6.1").returncode == 0
    assert "Our incident process template." not in (site.docs / "procedures/triage.md").read_text()
