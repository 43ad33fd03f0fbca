"""Catalogues: the bundled ISO/IEC 20000-1:2018 one, and users' own files (good and malformed)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import mkdocs_sms.catalogue
import mkdocs_sms.read.cache
from conftest import Site, approved, complete_mini, run_cli, write_config
from mkdocs_sms.catalogue import Activity, CatalogueError, load_catalogue
from mkdocs_sms.options import DEFAULT_TYPES
from mkdocs_sms.render import Anchors
from test_history import commit_all, git, without_change_policy

# Rows the issue names as the least the bundled catalogue must have. The policy and the objectives sit
# on the sub-clauses that ask for them (5.2.1, 6.2.1), not on their headings.
REQUIRED_CLAUSES = (
    "4.3 5.2.1 6.1 6.2.1 6.3 7.2 8.1 8.2.2 8.2.3 8.2.4 8.2.6 8.3.2 8.3.3 8.3.4.1 8.3.4.2 8.4.3 8.5.1.1 "
    "8.5.1.2 8.5.2.1 8.5.2.2 8.5.2.3 8.5.3 8.6.1 8.6.2 8.6.3 8.7.1 8.7.2 8.7.3.1 8.7.3.2 8.7.3.3 9.1 9.2 9.3 "
    "9.4 10.1 10.2"
).split()


@pytest.fixture(scope="module")
def iso() -> Any:
    return load_catalogue("iso20000-1:2018", Path("."), DEFAULT_TYPES)


def test_bundled_catalogue_has_every_required_row(iso: Any) -> None:
    clauses_with_rows = {r.clause for r in iso.requirements}
    assert set(REQUIRED_CLAUSES) <= clauses_with_rows
    assert {c.number.split(".")[0] for c in iso.clauses} == {str(n) for n in range(4, 11)}


def test_bundled_rows_are_complete_and_in_our_own_words(iso: Any) -> None:
    for row in iso.requirements:
        assert row.kind in ("document", "record")
        assert row.types and set(row.types) <= set(DEFAULT_TYPES)
        assert row.name and row.clause_title
        assert 20 <= len(row.requirement) <= 300, row.key
        assert len(row.guidance) >= 80, row.key
    # Records are evidence: the rows for audits, reviews and incidents are records.
    kinds = {(r.clause, r.kind) for r in iso.requirements}
    assert {("9.2", "record"), ("9.3", "record"), ("8.6.1", "record"), ("7.2", "record")} <= kinds
    assert {("8.6.1", "document"), ("8.5.1.1", "document"), ("6.3", "document")} <= kinds


def _rows(iso: Any, clause: str) -> list[Any]:
    return [r for r in iso.requirements if r.clause == clause]


def test_bundled_rows_sit_where_the_standard_asks_and_say_what_it_asks(iso: Any) -> None:
    # The policy and the objectives are asked for by the sub-clauses, not by their headings: a document
    # citing 5.2.1 meets a row on 5.2, but one citing 5.2 would not meet a row on 5.2.1.
    assert [r.name for r in _rows(iso, "5.2.1")] == ["Service management policy"]
    assert [r.name for r in _rows(iso, "6.2.1")] == ["Service management objectives"]
    assert not _rows(iso, "5.2") and not _rows(iso, "6.2")
    # Configuration information is maintained; verifying it at planned intervals leaves records.
    configuration = {r.name: r for r in _rows(iso, "8.2.6")}
    assert configuration["Configuration information"].kind == "document"
    assert "register" in configuration["Configuration information"].types
    (verification,) = [r for r in configuration.values() if r.kind == "record"]
    assert verification.max_age is not None and str(verification.max_age) == "12 months"
    # Complaints and satisfaction are two record rows; only satisfaction is measured at intervals.
    relationship = [r for r in _rows(iso, "8.3.2") if r.kind == "record"]
    assert len(relationship) == 2
    assert [r.name for r in relationship if r.max_age is not None] == ["Customer satisfaction results"]
    # Performance against targets covers workload against limits too, and goes out of date in 6 months.
    (performance,) = [r for r in _rows(iso, "8.3.3") if r.kind == "record"]
    assert str(performance.max_age) == "6 months" and "workload" in performance.requirement
    capacity = [r for r in _rows(iso, "8.4.3") if "plan" in r.types]
    assert len(capacity) == 1 and {"plan", "register", "other"} <= set(capacity[0].types)
    assert "capacity requirements" in capacity[0].requirement.lower()
    planning = " ".join(_rows(iso, "8.5.2.1")[0].requirement.split())
    assert "the SMS" in planning and "other services" in planning and "interested parties" in planning
    # The rows that were missing.
    assert [r.kind for r in _rows(iso, "8.5.2.2")] == ["document"]
    assert [r.kind for r in _rows(iso, "8.5.2.3")] == ["record"]
    continuity = [r for r in _rows(iso, "8.7.2") if "risk" in r.name.lower()]
    assert [r.kind for r in continuity] == ["document"] and "requirements" in continuity[0].name
    suppliers = [r for r in _rows(iso, "8.3.4.1") if r.kind == "record"]
    assert len(suppliers) == 1 and suppliers[0].max_age is not None
    assert "dispute" in suppliers[0].requirement
    # Trend, release and monitoring evidence goes out of date.
    for clause, name in (("8.5.1.3", "trend"), ("8.5.3", "release"), ("9.1", "monitoring"), ("8.7.1", "monitoring")):
        (row,) = [r for r in _rows(iso, clause) if r.kind == "record" and name in r.name.lower()]
        assert row.max_age is not None, clause
    # Rows the clause does not ask for by itself, only through 7.5.4, are derived; the rest explicit.
    derived = {r.name for r in iso.requirements if r.basis == "derived"}
    assert {"Incident management process", "Change management process", "Configuration verification results"} <= derived
    assert all(r.required for r in iso.requirements if r.basis == "derived")
    explicit = {r.name for r in iso.requirements if r.basis == "explicit"}
    assert {"Service management policy", "Change management policy", "Service continuity plans"} <= explicit
    assert {"Major incident procedure", "Incident records", "Internal audit results"} <= explicit
    assert len(iso.requirements) == 71


def test_every_requirement_row_has_a_unique_anchor(iso: Any) -> None:
    # The HTML ids come from render (the catalogue knows no HTML).
    anchors = [Anchors([iso]).row(r) for r in iso.requirements]
    assert len(anchors) == len(set(anchors))


def _catalogue(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "own.yml"
    path.write_text(text, "utf-8")
    return path


MALFORMED = {
    "not yaml": ("catalogue: x\nclauses: [\n", "not valid YAML"),
    "a list": ("- a\n- b\n", "top level: must be a mapping"),
    "no name": ("title: T\nclauses: [{clause: '1', title: A}]\n", "'catalogue' must be non-empty text"),
    "no clauses": ("catalogue: x\ntitle: T\nclauses: []\n", "'clauses' must be a non-empty list"),
    "unknown key": ("catalogue: x\ntitle: T\nclause: []\n", "unknown key(s) clause"),
    "bad kind": (
        "catalogue: x\ntitle: T\nclauses:\n  - clause: '1'\n    title: A\n    requirements:\n"
        "      - {kind: evidence, types: [record], name: N}\n",
        "clauses[0] (1) requirements[0]: 'kind' must be one of document, record, not 'evidence'",
    ),
    "bad type": (
        "catalogue: x\ntitle: T\nclauses:\n  - clause: '1'\n    title: A\n    requirements:\n"
        "      - {kind: record, types: [memo], name: N}\n",
        "type 'memo' is not a configured document type",
    ),
    "duplicate clause": (
        "catalogue: x\ntitle: T\nclauses:\n  - {clause: '1', title: A}\n  - {clause: '1', title: B}\n",
        "clauses[1] (1): clause 1 is listed twice",
    ),
    "bad clause": (
        "catalogue: x\ntitle: T\nclauses:\n  - {clause: '1 2', title: A}\n",
        "'clause' must be a clause number",
    ),
    "activity with a bad level": (
        "catalogue: x\ntitle: T\nclauses:\n  - {clause: '1', title: A, activities: [{text: Do it, level: 4}]}\n",
        "clauses[0] (1): 'level' must be one of 1, 2, 3, not 4",
    ),
    "activities not a list": (
        "catalogue: x\ntitle: T\nclauses:\n  - {clause: '1', title: A, activities: do it}\n",
        "clauses[0] (1): 'activities' must be a list of text",
    ),
    "explanation not text": (
        "catalogue: x\ntitle: T\nclauses:\n  - {clause: '1', title: A, explanation: [a]}\n",
        "clauses[0] (1): 'explanation' must be text",
    ),
    "bad basis": (
        "catalogue: x\ntitle: T\nclauses:\n  - clause: '1'\n    title: A\n    requirements:\n"
        "      - {kind: record, types: [record], name: N, basis: optional}\n",
        "'basis' must be one of explicit, derived, recommended, not 'optional'",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_catalogue_names_file_and_problem(case: str, tmp_path: Path) -> None:
    text, problem = MALFORMED[case]
    path = _catalogue(tmp_path, text)
    with pytest.raises(CatalogueError) as error:
        load_catalogue("own.yml", tmp_path, DEFAULT_TYPES)
    assert str(path) in str(error.value)
    assert problem in str(error.value)


def test_a_title_per_language_in_an_unknown_language_is_named_at_its_line(tmp_path: Path) -> None:
    text = "catalogue: x\ntitle: T\nclauses:\n  - clause: '1'\n    title:\n      en: Access\n      sp: Acceso\n"
    path = _catalogue(tmp_path, text)
    with pytest.raises(CatalogueError) as error:
        load_catalogue("own.yml", tmp_path, DEFAULT_TYPES)
    assert f"{path}:7: clauses[0] (1): 'title' names the language 'sp'; pages are written in en, de, fr" in str(
        error.value
    )
    good = _catalogue(tmp_path, text.replace("sp:", "fr:"))
    clause = load_catalogue(str(good), tmp_path, DEFAULT_TYPES).clauses[0]
    assert (clause.title, clause.title_in("fr"), clause.title_in("de")) == ("Access", "Acceso", "Access")


def test_malformed_catalogue_stops_build_and_check(make_site: Any) -> None:
    site = make_site(complete_mini(), {"catalogues": ["own.yml"]})
    (site.root / "own.yml").write_text("catalogue: own\ntitle: T\nclauses: nope\n")
    cli = site.check()
    assert cli.returncode == 2
    assert f"{site.root / 'own.yml'}:3: top level: 'clauses' must be a non-empty list" in cli.stderr
    result = site.build()
    assert not result.ok
    assert any("'clauses' must be a non-empty list" in m for m in result.messages)
    missing = make_site(complete_mini(), {"catalogues": ["nowhere.yml"]}).check()
    assert (
        missing.returncode == 2
        and "no such catalogue file (built-in catalogues: iso20000-1:2018, iso27001:2022)" in missing.stderr
    )


def test_own_catalogue_beside_the_bundled_one(make_site: Any) -> None:
    own = (
        "catalogue: internal\ntitle: Internal requirements\nclauses:\n"
        "  - clause: IR-1\n    title: Acceptable use\n    requirements:\n"
        "      - {kind: document, types: [policy], name: Acceptable use policy}\n"
    )
    pages = {"aup.md": approved("POL-AUP-01", "policy", ["internal:IR-1"])}
    site = make_site(pages, {"catalogues": ["iso20000-1:2018", "own.yml"]})
    (site.root / "own.yml").write_text(own)
    data = site.check_json()
    row = next(r for r in data["coverage"] if r["catalogue"] == "internal")
    assert row["status"] == "covered" and row["documents"] == ["POL-AUP-01"]
    assert not [f for f in data["findings"] if f["code"] == "SMS005"]
    # An unqualified number that only one catalogue has names that one, whatever the order of the list.
    site.write("aup.md", approved("POL-AUP-01", "policy", ["IR-1"]))
    again = site.check_json()
    assert not [f for f in again["findings"] if f["code"] == "SMS005"]
    assert next(r for r in again["coverage"] if r["catalogue"] == "internal")["status"] == "covered"
    # With a default catalogue, unqualified numbers name it; the finding says how to qualify the others.
    write_config(site.root, {"catalogues": ["iso20000-1:2018", "own.yml"], "default_catalogue": "iso20000-1:2018"})
    (unqualified,) = [f for f in site.check_json()["findings"] if f["code"] == "SMS005"]
    assert "clause 'IR-1' is not in iso20000-1:2018" in unqualified["message"]
    assert "write it as 'internal:IR-1'" in unqualified["message"]
    site.write("aup.md", approved("POL-AUP-01", "policy", ["internal:IR-1"]))
    assert len([r for r in data["coverage"] if r["catalogue"] == "iso20000-1:2018"]) > 40
    assert site.build().ok
    coverage = site.site_file("sms/coverage/index.html")
    assert 'id="clause-internal-ir-1"' in coverage and 'id="clause-8-5-1-1"' in coverage


GUIDED = """\
catalogue: guided
title: A catalogue with clause guidance
clauses:
  - clause: "5"
    title: Leadership
    activities: [Show that top management leads the SMS.]
    explanation: Auditors look for evidence of commitment, not only a signature.
  - clause: "5.2"
    title: Policy
    activities:
      - Write a service management policy that fits the organisation.
      - {text: Make it known to staff and interested parties., level: 2}
    explanation: >-
      The policy is the anchor of the objectives; auditors ask staff
      where to find it.
    references: ["ISO/IEC 20000-10 (concepts and vocabulary)"]
    interfaces: ["6.2"]
    requirements:
      - {kind: document, types: [policy], name: Service management policy}
      - {kind: record, types: [record], name: Policy briefing attendance, basis: recommended}
  - clause: "6.2"
    title: Objectives
    requirements:
      - {kind: document, types: [plan], name: Objectives, basis: derived}
"""


def test_clause_guidance_and_row_basis_are_read(tmp_path: Path) -> None:
    _catalogue(tmp_path, GUIDED)
    catalogue = load_catalogue("own.yml", tmp_path, DEFAULT_TYPES)
    policy = next(c for c in catalogue.clauses if c.number == "5.2")
    assert policy.activities == (
        Activity("Write a service management policy that fits the organisation."),
        Activity("Make it known to staff and interested parties.", level=2),
    )
    assert policy.explanation == "The policy is the anchor of the objectives; auditors ask staff where to find it."
    assert policy.references == ("ISO/IEC 20000-10 (concepts and vocabulary)",)
    assert policy.interfaces == ("6.2",)
    rows = {r.name: r for r in catalogue.requirements}
    assert (rows["Service management policy"].basis, rows["Service management policy"].required) == ("explicit", True)
    # A recommended row is not required unless the catalogue says so.
    assert (rows["Policy briefing attendance"].basis, rows["Policy briefing attendance"].required) == (
        "recommended",
        False,
    )
    assert rows["Objectives"].basis == "derived"


def test_the_coverage_page_shows_basis_and_clause_guidance(make_site: Any) -> None:
    pages = {"policies/sms.md": approved("POL-SMS-01", "policy", ["5.2"])}
    site = make_site(pages, {"catalogues": ["own.yml"]})
    _catalogue(site.root, GUIDED)
    assert site.build().ok
    html = site.site_file("sms/coverage/index.html")
    assert "required by 5.2" in html and "recommended (good practice, not required)" in html
    assert "expected through 7.5.4" in html
    guidance = html.split('id="guidance-5-2"', 1)[1].split("</details>", 1)[0]
    assert "5.2 Policy: what the organisation does" in guidance
    assert '<li>Make it known to staff and interested parties. <span class="sms-level">Level 2</span></li>' in guidance
    assert "auditors ask staff where to find it" in guidance
    assert "Works with: 6.2" in guidance and "See also: ISO/IEC 20000-10 (concepts and vocabulary)" in guidance
    # A clause with no rows of its own shows its guidance too, collapsed like the others.
    assert 'id="guidance-5"' in html and "<details open" not in html.split('class="sms-clause-guidance"')[1]


def test_every_bundled_clause_has_activities_and_an_explanation(iso: Any) -> None:
    # The guidance of ISO/IEC 20000-2's kind, in our words: the raw material of gap analysis and audit.
    for clause in iso.clauses:
        assert clause.activities and all(len(a.text) <= 110 for a in clause.activities), clause.number
        assert len(clause.explanation) >= 80, clause.number
        assert all(number in iso.numbers for number in clause.interfaces), clause.number
    climate = [r for r in iso.requirements if r.clause == "4.1"]
    assert [(r.basis, r.required) for r in climate] == [("recommended", False)]
    assert "Amendment 1:2024" in iso.source


# Phrases that followed the standard's own lists too closely (issue 15): the catalogue says it its own way.
TOO_CLOSE = (
    "the customers, users and other interested parties of the services",
    "including proposals to add, remove or transfer services",
    "service level targets, workload limits and exceptions",
    "the services, their intended outcomes and the dependencies",
    "human, technical, information and financial resources",
    "services, service components and processes",
    "evidence of the results of",
    "education, training or experience",
)


def test_no_requirement_or_activity_follows_the_standards_lists_word_for_word(iso: Any) -> None:
    texts = [r.requirement for r in iso.requirements] + [a.text for c in iso.clauses for a in c.activities]
    texts = [" ".join(text.split()) for text in texts]
    for phrase in TOO_CLOSE:
        assert not [text for text in texts if phrase in text], phrase


# The catalogue schema and the reader ------------------------------------------------------------

# What a JSON Schema cannot say; the reader checks it alone.
READER_ONLY = {"duplicate clause"}
MALFORMED_MORE = {
    "review input key not lower-case": (
        "catalogue: x\ntitle: T\naudit: {review_inputs: {Actions: Earlier actions}}\nclauses:\n"
        "  - {clause: '1', title: A}\n",
        "review input key 'Actions' must be lower-case letters, digits and _",
    ),
    "review inputs as a list": (
        "catalogue: x\ntitle: T\naudit: {review_inputs: [actions]}\nclauses:\n  - {clause: '1', title: A}\n",
        "'review_inputs' must map input keys to short labels",
    ),
    "clause as a decimal": ("catalogue: x\ntitle: T\nclauses:\n  - {clause: 8.10, title: A}\n", "loses digits"),
    "title in a language pages are not written in": (
        "catalogue: x\ntitle: T\nclauses:\n  - clause: '1'\n    title: {en: Access, es: Acceso}\n",
        "clauses[0] (1): 'title' names the language 'es'; pages are written in en, de, fr",
    ),
    "title per language without English": (
        "catalogue: x\ntitle: {de: Unsere Anforderungen}\nclauses:\n  - {clause: '1', title: A}\n",
        "top level: 'title' per language needs an 'en' entry",
    ),
    "row name per language with an empty text": (
        "catalogue: x\ntitle: T\nclauses:\n  - clause: '1'\n    title: A\n    requirements:\n"
        "      - {kind: record, types: [record], name: {en: Restore tests, fr: ''}}\n",
        "clauses[0] (1) requirements[0]: 'name' in fr must be non-empty text",
    ),
    "max_age on a document": (
        "catalogue: x\ntitle: T\nclauses:\n  - clause: '1'\n    title: A\n    requirements:\n"
        "      - {kind: document, types: [policy], name: N, max_age: 12 months}\n",
        "'max_age' applies to rows of kind record",
    ),
}


@pytest.fixture(scope="module")
def catalogue_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    result = run_cli("catalogue", "schema", cwd=tmp_path_factory.mktemp("schema"))
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_bundled_catalogue_validates_against_the_schema_and_the_check(catalogue_schema: Any) -> None:
    text = (Path(mkdocs_sms.catalogue.__file__).parent / "catalogues" / "iso20000-1-2018.yml").read_text("utf-8")
    assert list(catalogue_schema.iter_errors(yaml.safe_load(text))) == []
    result = run_cli("catalogue", "check", "--strict", "iso20000-1:2018", cwd=Path("."))
    assert result.returncode == 0, result.stdout
    assert "77 clauses" in result.stdout and ": 0 warning(s)" in result.stdout
    # A user's catalogue written to the README's format validates too.
    assert catalogue_schema.is_valid(yaml.safe_load(GUIDED))


@pytest.mark.parametrize("case", sorted({**MALFORMED, **MALFORMED_MORE}))
def test_the_schema_refuses_what_the_reader_refuses(case: str, catalogue_schema: Any, tmp_path: Path) -> None:
    text, problem = {**MALFORMED, **MALFORMED_MORE}[case]
    with pytest.raises(CatalogueError, match=re.escape(problem)):
        load_catalogue(str(_catalogue(tmp_path, text)), tmp_path, DEFAULT_TYPES)
    if case == "not yaml":
        return
    assert catalogue_schema.is_valid(yaml.safe_load(text)) == (case in READER_ONLY)


BROKEN = """\
catalogue: own
title: Our requirements
clauses:
  - clause: "IR-1"
    title: Acceptable use
    interfaces: ["IR-9"]
    requirements:
      - {kind: evidence, types: [policy], name: Acceptable use policy}
      - {kind: record, types: [memo], name: Briefings}
  - {clause: 2.10, title: Access}
  - clause: "IR-3"
    title: Backups
    activities: [Back up what the services need.]
    explanation: Restores are tested, not assumed.
    requirements:
      - {kind: record, types: [record], name: Restore tests, max_age: fortnightly}
"""


def test_catalogue_check_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    path = _catalogue(tmp_path, BROKEN)
    result = run_cli("catalogue", "check", str(path), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        f"{path}:8: error: clauses[0] (IR-1) requirements[0]: 'kind' must be one of document, record, not 'evidence'",
        f"{path}:9: error: clauses[0] (IR-1) requirements[1]: type 'memo' is not a configured document type "
        "(policy, plan, process, procedure, agreement, catalogue, register, record, report, assessment, other)",
        f"{path}:10: error: clauses[1]: 'clause' 2.1 is written as a number, which loses digits (8.10 is read as "
        '8.1): write clause numbers in quotes, e.g. "8.5.1"',
        f"{path}:16: error: clauses[2] (IR-3) requirements[0]: 'max_age': 'fortnightly' is not an interval such as "
        "'12 months' or '2 years'",
    ]
    assert lines[4] == f"{path}: 4 error(s): the catalogue cannot be used"
    # A build stops at the first problem, with its line, and says there are more.
    with pytest.raises(
        CatalogueError, match=r"own\.yml:8: .* \(and 3 more problem\(s\): run 'mkdocs-sms catalogue check'\)"
    ):
        load_catalogue("own.yml", tmp_path, DEFAULT_TYPES)


def test_catalogue_check_warns_about_missing_guidance_and_audit_clauses(tmp_path: Path) -> None:
    fixed = BROKEN.replace("kind: evidence", "kind: document").replace("[memo]", "[record]")
    path = _catalogue(tmp_path, fixed.replace("clause: 2.10", 'clause: "IR-2"').replace("fortnightly", "3 months"))
    result = run_cli("catalogue", "check", "own.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "own.yml:1: warning: top level: no 'audit:': the audit page cannot assess internal audits, management "
        "reviews and nonconformities of this catalogue; name their clauses, or write 'audit: {}' when it has none",
        "own.yml:4: warning: clauses[0] (IR-1): no activities and no explanation: the coverage page and new drafts "
        "have no guidance for it",
        "own.yml:6: warning: clauses[0] (IR-1): interface 'IR-9' is not a clause of this catalogue",
        "own.yml:10: warning: clauses[1] (IR-2): no activities and no explanation: the coverage page and new "
        "drafts have no guidance for it",
        "own.yml: own, 3 clauses, 3 requirement rows: 4 warning(s)",
    ]
    assert run_cli("catalogue", "check", "--strict", "own.yml", cwd=tmp_path).returncode == 1
    # Types come from the handbook's configuration when there is one.
    write_config(tmp_path, {"types": ["policy", "memo", "document"]})
    typed = run_cli("catalogue", "check", "own.yml", cwd=tmp_path)
    assert (
        typed.returncode == 1
        and "type 'record' is not a configured document type (policy, memo, document)" in typed.stdout
    )
    missing = run_cli("catalogue", "check", "nowhere.yml", cwd=tmp_path)
    assert missing.returncode == 2 and "nowhere.yml: no such catalogue file" in missing.stderr
    assert path.read_text("utf-8") != ""  # the check never changes the file


def _own_catalogue(folder: Path) -> str:
    """The mini catalogue as a user's own file in ``folder``; its text."""
    text = (Path(__file__).parent / "fixtures" / "mini-catalogue.yml").read_text("utf-8")
    (folder / "own.yml").write_text(text, "utf-8")
    return text


def _fresh_load(folder: Path, cache: Path | None) -> Any:
    """The catalogue as a new process loads it: every field (a catalogue compares by identity)."""
    mkdocs_sms.catalogue._parse.cache_clear()
    catalogue = load_catalogue("own.yml", folder, DEFAULT_TYPES, cache)
    if cache is not None:
        mkdocs_sms.read.cache.write_kept(cache)  # as the history pass of a check or a build does
    return {field.name: getattr(catalogue, field.name) for field in dataclasses.fields(catalogue)}


def test_the_next_run_reads_a_catalogue_from_what_its_yaml_held_and_gets_the_same_catalogue(tmp_path: Path) -> None:
    _own_catalogue(tmp_path)
    cache = tmp_path / ".cache" / "mkdocs-sms"
    first = _fresh_load(tmp_path, cache)
    (kept,) = cache.glob("catalogue-*.json")
    assert _fresh_load(tmp_path, cache) == first == _fresh_load(tmp_path, None)
    # What was kept is what the next run reads: kept data with another title gives that title.
    data = yaml.safe_load((tmp_path / "own.yml").read_text("utf-8"))
    mkdocs_sms.read.cache.keep_data(cache, kept.name, {**data, "title": "Read from the cache"})
    mkdocs_sms.read.cache.write_kept(cache)
    assert _fresh_load(tmp_path, cache)["title"] == "Read from the cache"
    # An edited catalogue is another text: read from its YAML, and kept beside.
    (tmp_path / "own.yml").write_text((tmp_path / "own.yml").read_text("utf-8").replace(data["title"], "Edited"))
    assert _fresh_load(tmp_path, cache)["title"] == "Edited"
    assert len(list(cache.glob("catalogue-*.json"))) == 2


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: raw.replace(b'"key": "', b'"key": "0 ', 1), id="another version"),
        pytest.param(lambda raw: raw[:-3] + b"x}}", id="changed after its checksum"),
    ],
)
def test_a_damaged_or_foreign_kept_catalogue_is_ignored_and_written_again(tmp_path: Path, damage: Any) -> None:
    _own_catalogue(tmp_path)
    cache = tmp_path / "cache"
    expected = _fresh_load(tmp_path, cache)
    (kept,) = cache.glob("catalogue-*.json")
    good = kept.read_bytes()
    kept.write_bytes(damage(good))
    assert _fresh_load(tmp_path, cache) == expected
    assert kept.read_bytes() == good


def test_nothing_is_kept_without_a_cache_or_when_json_would_change_the_data(tmp_path: Path) -> None:
    _own_catalogue(tmp_path)
    _fresh_load(tmp_path, None)
    assert not list(tmp_path.rglob("catalogue-*.json"))
    cache = tmp_path / "cache"
    for value in ({"published": dt.date(2018, 9, 15)}, {1: "a number as a key"}, {"nan": float("nan")}):
        mkdocs_sms.read.cache.keep_data(cache, "catalogue-x.json", value)
        mkdocs_sms.read.cache.write_kept(cache)
        assert not (cache / "catalogue-x.json").exists(), value
    mkdocs_sms.read.cache.keep_data(cache, "catalogue-x.json", {"title": "kept"})
    assert not cache.exists()  # written only when a run that keeps its history says so
    mkdocs_sms.read.cache.write_kept(cache)
    assert mkdocs_sms.read.cache.kept_data(cache, "catalogue-x.json") == ({"title": "kept"},)


def test_a_check_keeps_the_catalogue_with_or_without_history_and_cache_false_writes_nothing(tmp_path: Path) -> None:
    repo = without_change_policy(tmp_path / "repo")
    commit_all(repo.root, "The handbook", "2026-01-10")
    cache = repo.root / ".cache" / "mkdocs-sms"
    for options, kept in (({"cache": False}, 0), ({"history": False}, 1), ({"history": True}, 1)):
        mkdocs_sms.catalogue._parse.cache_clear()  # a new process
        repo.set_options(options)
        assert repo.check_json()["documents"]
        assert len(list(cache.glob("catalogue-*.json"))) == kept, options


def _checked_repository(root: Path) -> tuple[Site, Path, Path]:
    """A committed handbook at ``root`` after one check: the handbook, its cache folder and the kept catalogue."""
    repo = without_change_policy(root)
    commit_all(repo.root, "The handbook", "2026-01-10")
    cache = repo.root / ".cache" / "mkdocs-sms"
    mkdocs_sms.catalogue._parse.cache_clear()
    repo.check_json()
    (kept,) = cache.glob("catalogue-*.json")
    return repo, cache, kept


def test_a_kept_catalogue_that_came_with_the_repository_is_never_read(tmp_path: Path) -> None:
    # A committed cache could hold a catalogue without the rows a handbook lacks: it is not read.
    repo, cache, kept = _checked_repository(tmp_path / "repo")
    data = mkdocs_sms.read.cache.kept_data(cache, kept.name)
    assert data is not None
    mkdocs_sms.read.cache.keep_data(cache, kept.name, {**data[0], "title": "Forged"})
    mkdocs_sms.read.cache.write_kept(cache)
    git(repo.root, "add", "-f", ".cache")
    commit_all(repo.root, "Commit a cache", "2026-01-11")
    mkdocs_sms.catalogue._parse.cache_clear()  # a new process
    mkdocs_sms.read.cache.committed.cache_clear()
    assert "Forged" not in json.dumps(repo.check_json())
    assert mkdocs_sms.read.cache.kept_data(cache, kept.name) is None


def test_a_kept_catalogue_is_not_read_when_git_cannot_say_whether_it_tracks_it(tmp_path: Path) -> None:
    repo, cache, kept = _checked_repository(tmp_path / "repo")
    mkdocs_sms.read.cache.committed.cache_clear()
    assert mkdocs_sms.read.cache.kept_data(cache, kept.name) is not None
    (repo.root / ".git" / "index").write_bytes(b"DIRC damaged")  # git ls-files now fails
    mkdocs_sms.read.cache.committed.cache_clear()
    assert mkdocs_sms.read.cache.kept_data(cache, kept.name) is None
