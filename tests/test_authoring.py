"""mkdocs-sms new: a draft from the template of each type, refusals that write nothing, own templates."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import complete_mini, run_cli
from mkdocs_sms.authoring import clause_path, packaged_templates
from mkdocs_sms.catalogue import Catalogue, load_catalogue, within
from mkdocs_sms.options import DEFAULT_TYPES


def _new(site: Any, *args: str) -> Any:
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
    # A catalogue other than the bundled one names its clause templates with its name first.
    site = make_site(complete_mini(), {"catalogues": ["guided.yml"]})
    (site.root / "guided.yml").write_text(GUIDED_CATALOGUE)
    (site.root / "sms_templates").mkdir()
    (site.root / "sms_templates/process-guided-8.6.1.md.j2").write_text(
        '{% include "_front.md.j2" %}\n\nOur incident process template.\n'
    )
    assert _new(site, "process", "--id", "PRC-INC-01", "--title", "Incidents", "--clauses", "8.6.1").returncode == 0
    assert "Our incident process template." in (site.docs / "processes/incidents.md").read_text()
    # Another clause, or another type, keeps the shipped template.
    assert _new(site, "procedure", "--id", "PRO-INC-01", "--title", "Triage", "--clauses", "8.6.1").returncode == 0
    assert "Our incident process template." not in (site.docs / "procedures/triage.md").read_text()


# The clause templates shipped for the bundled catalogue ------------------------------------------

BUNDLED = {"catalogues": ["iso20000-1:2018"]}
SHIPPED = sorted(packaged_templates().glob("process-*.md.j2"))


def _bundled() -> Catalogue:
    return load_catalogue("iso20000-1:2018", Path("."), DEFAULT_TYPES)


def _shipped_clause(template: Path) -> str:
    return template.name.removeprefix("process-").removesuffix(".md.j2")


def _headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("## ")]


def _table_rows(clause: str) -> list[str]:
    """The rows of the mapping table a draft citing ``clause`` of the bundled catalogue opens with."""
    (found,) = [c for c in _bundled().clauses if c.number == clause]
    return [
        f"| Activity {n} | {clause} {found.title}: {text} |"
        for n, text in enumerate((a.text for a in found.activities), 1)
    ]


def test_clause_templates_are_shipped_for_the_processes_of_the_standard() -> None:
    clauses = {_shipped_clause(template) for template in SHIPPED}
    processes = {"8.2.6", "8.3.3", "8.3.4", "8.4.3", "8.5.1", "8.5.3", "8.6.1", "8.6.2", "8.6.3", "8.7.1", "8.7.2"}
    assert processes | {"8.7.3", "9.2", "9.3"} <= clauses
    assert clauses <= _bundled().numbers


def test_a_process_draft_for_incidents_asks_the_incident_questions(make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n"}, BUNDLED)
    result = _new(site, "process", "--id", "PRC-INC-01", "--title", "Incident management", "--clauses", "8.6.1")
    assert result.returncode == 0, result.stderr
    text = (site.docs / "processes/incident-management.md").read_text()
    for heading in ("## Priority", "## Escalation", "## Major incidents", "## Communication to customers and users",
                    "## Resolution and closure", "## Interfaces", "## Measures"):  # fmt: skip
        assert heading + "\n" in text
    assert "impact" in text.split("## Priority", 1)[1].split("##", 1)[0]
    # The mapping table of the 8.6.1 activities comes first, before any section, and is a table of its own.
    top = text.split("\n## ", 1)[0]
    rows = _table_rows("8.6.1")
    assert len(rows) >= 3 and all(row in top for row in rows)
    assert "\n\n| Section | What it answers |\n" in top
    assert all(f"### Activity {n}" in text.split("\n## Activities\n", 1)[1] for n in range(1, len(rows) + 1))


@pytest.mark.parametrize(("clause", "shipped"), [("8.5.1.2", "8.5.1"), ("8.5.1.3", "8.5.1"), ("8.3.4.1", "8.3.4"),
                                                 ("8.7.3.3", "8.7.3")])  # fmt: skip
def test_a_sub_clause_gets_the_nearest_template_up_its_path(clause: str, shipped: str, make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n"}, BUNDLED)
    assert _new(site, "process", "--id", "PRC-SUB-01", "--title", "Sub", "--clauses", clause).returncode == 0
    text = (site.docs / "processes/sub.md").read_text()
    assert _headings(text) == _headings((packaged_templates() / f"process-{shipped}.md.j2").read_text())
    assert all(row in text for row in _table_rows(clause))  # the activities are those of the clause named


def test_the_path_stops_before_the_top_level_clause(make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n"}, BUNDLED)
    (site.root / "sms_templates").mkdir()
    (site.root / "sms_templates/process-8.md.j2").write_text('{% include "_front.md.j2" %}\n\nClause 8 layout.\n')
    assert clause_path("8.5.2.1") == ["8.5.2.1", "8.5.2", "8.5"] and clause_path("8") == ["8"]
    assert _new(site, "process", "--id", "PRC-DES-01", "--title", "Design", "--clauses", "8.5.2.1").returncode == 0
    text = (site.docs / "processes/design.md").read_text()
    assert "Clause 8 layout." not in text and "## Inputs and outputs" in text  # the shipped process.md.j2
    # A top-level clause named itself still has its own template.
    assert _new(site, "process", "--id", "PRC-OPS-01", "--title", "Operation", "--clauses", "8").returncode == 0
    assert "Clause 8 layout." in (site.docs / "processes/operation.md").read_text()


def test_an_organisation_template_for_the_clause_wins_over_the_shipped_one(make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n"}, BUNDLED)
    own = site.root / "sms_templates"
    own.mkdir()
    (own / "process-8.6.1.md.j2").write_text('{% include "_front.md.j2" %}\n\nHarbourline incident layout.\n')
    (own / "process-8.5.1.md.j2").write_text('{% include "_front.md.j2" %}\n\nHarbourline change layout.\n')
    (own / "process.md.j2").write_text('{% include "_front.md.j2" %}\n\nHarbourline process layout.\n')
    for doc_id, title, clause in (("PRC-INC-01", "Incidents", "8.6.1"), ("PRC-CHG-01", "Changes", "8.5.1.2"),
                                  ("PRC-PRB-01", "Problems", "8.6.3"), ("PRC-DES-01", "Design", "8.5.2")):  # fmt: skip
        assert _new(site, "process", "--id", doc_id, "--title", title, "--clauses", clause).returncode == 0
    assert "Harbourline incident layout." in (site.docs / "processes/incidents.md").read_text()
    assert "Harbourline change layout." in (site.docs / "processes/changes.md").read_text()  # up the path
    # The name decides before the folder: the shipped problem template comes before the organisation's
    # process.md.j2, which serves the clauses that have no clause template.
    assert "## Workarounds and known errors" in (site.docs / "processes/problems.md").read_text()
    assert "Harbourline process layout." in (site.docs / "processes/design.md").read_text()


ISMS_CATALOGUE = """\
catalogue: isms
title: An information security management system
clauses:
  - clause: "9.2"
    title: Internal audit
    activities:
      - Audit the ISMS at planned intervals.
    requirements:
      - {kind: document, types: [process, plan], name: Internal audit programme}
"""


def test_clause_numbers_of_another_catalogue_do_not_pick_a_20000_1_template(make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n"}, {"catalogues": ["iso20000-1:2018", "isms.yml"]})
    (site.root / "isms.yml").write_text(ISMS_CATALOGUE)
    own = site.root / "sms_templates"
    own.mkdir()
    # What 'mkdocs-sms init' leaves in the organisation's folder: copies of the shipped clause templates.
    (own / "process-9.2.md.j2").write_text((packaged_templates() / "process-9.2.md.j2").read_text())
    isms = ("--clauses", "isms:9.2")
    assert _new(site, "process", "--id", "PRC-ISA-01", "--title", "ISMS audit", *isms).returncode == 0
    text = (site.docs / "processes/isms-audit.md").read_text()
    assert "## Audit programme" not in text and "## Inputs and outputs" in text
    assert "| Activity 1 | 9.2 Internal audit: Audit the ISMS at planned intervals. |" in text
    # The 20000-1 clause keeps its template, however it is written; the other catalogue's is named with
    # the catalogue.
    audit = ("--clauses", "iso20000-1:2018:9.2")  # 9.2 alone is ambiguous here
    assert _new(site, "process", "--id", "PRC-AUD-01", "--title", "SMS audit", *audit).returncode == 0
    assert "## Audit programme" in (site.docs / "processes/sms-audit.md").read_text()
    (own / "process-isms-9.2.md.j2").write_text('{% include "_front.md.j2" %}\n\nISMS audit layout.\n')
    assert _new(site, "process", "--id", "PRC-ISA-02", "--title", "ISMS audit 2", *isms).returncode == 0
    assert "ISMS audit layout." in (site.docs / "processes/isms-audit-2.md").read_text()


@pytest.mark.parametrize("template", SHIPPED, ids=lambda template: template.name)
def test_every_shipped_clause_template_gives_a_valid_draft(template: Path, make_site: Any) -> None:
    clause = _shipped_clause(template)
    site = make_site({"index.md": "# Home\n"}, BUNDLED)
    result = _new(site, "process", "--id", "PRC-NEW-01", "--title", "New process", "--clauses", clause)
    assert result.returncode == 0, result.stderr
    text = (site.docs / "processes/new-process.md").read_text()
    assert _headings(text) == _headings(template.read_text())
    assert "{{" not in text and "{%" not in text and "\n\n| Section | What it answers |\n" in text
    assert all(row in text for row in _table_rows(clause))
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["type"] == "process" and front["clauses"] == [clause] and front["status"] == "draft"
    # Nothing is wrong with the page. A process citing a clause whose rows (on it and above it) take no
    # process counts for nothing there (SMS107): so far 9.2 and 9.3, which ask for a programme and records.
    catalogue = _bundled()
    rows = [row for row in catalogue.requirements if within(clause, row.clause)]
    uncounted = any(row.clause == clause for row in rows) and not any("process" in row.types for row in rows)
    findings = site.check_json()["findings"]
    assert [f["code"] for f in findings if f["path"] == "processes/new-process.md"] == (["SMS107"] if uncounted else [])


def test_init_writes_the_process_drafts_from_the_clause_templates(tmp_path: Path) -> None:
    root = tmp_path / "starter"
    assert run_cli("init", str(root), cwd=tmp_path).returncode == 0
    shipped = {_shipped_clause(template): template for template in SHIPPED}
    used = set()
    for draft in sorted((root / "docs/processes").glob("*.md")):
        text = draft.read_text()
        (clause,) = yaml.safe_load(text.split("---\n")[1])["clauses"]
        nearest = next((c for c in clause_path(clause) if c in shipped), None)
        if nearest is not None:
            used.add(nearest)
            assert _headings(text) == _headings(shipped[nearest].read_text()), draft.name
    assert {_shipped_clause(t) for t in SHIPPED} - used <= {"9.2", "9.3"}  # their rows take no process (yet)
    incident = (root / "docs/processes/8-6-1-incident-management-process.md").read_text()
    assert "## Major incidents" in incident and all(row in incident for row in _table_rows("8.6.1"))
