"""mkdocs-sms schema: a JSON Schema of the front-matter that agrees with the checker."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import approved, complete_mini, front, run_cli

GOOD = approved("POL-GOOD-01", "policy", ["5.2"])
CASES = {
    "valid": GOOD,
    "valid record": approved("REC-GOOD-01", "record", ["9.2"], date="2026-01-05"),
    "valid draft without approval": front(id="POL-D-01", title="D", type="policy", owner="o", version="0.1"),
    "clause written as a whole number": approved("PLN-N-01", "plan", [5, "9.2"]),
    "clause written as a decimal number": approved("PLN-N-01", "plan", [9.2]),
    "missing owner": GOOD.replace("owner: Owner\n", ""),
    "unknown status": GOOD.replace("status: approved", "status: aproved"),
    "unknown type": GOOD.replace("type: policy", "type: memo"),
    "id breaks the pattern": GOOD.replace("id: POL-GOOD-01", "id: pol good"),
    "approved without approved_on": GOOD.replace("approved_on: '2026-03-01'\n", ""),
    "record without date": approved("REC-BAD-01", "record", ["9.2"]),
    "unknown clause": approved("POL-C-01", "policy", ["5.9"]),
    "unreadable interval": approved("POL-I-01", "policy", ["5.2"], review_interval="fortnightly"),
    "unknown classification": approved("POL-K-01", "policy", ["5.2"], classification="secret"),
    "date that is not a date": approved("POL-T-01", "policy", ["5.2"], approved_on="March 2026"),
    "empty title": approved("POL-E-01", "policy", ["5.2"], title=" "),
    "valid audit record with the clauses it audited": approved(
        "REC-IA-01", "record", ["9.2"], date="2026-01-05", audited=["5", "9.2"]
    ),
    "valid review record with its inputs": approved(
        "REC-MR-01", "record", ["9.2"], date="2026-01-05", inputs={"actions": True, "audits": False}
    ),
    "audited names an unknown clause": approved("REC-IA-02", "record", ["9.2"], date="2026-01-05", audited=["5.9"]),
    "inputs neither a list nor a mapping": approved("REC-MR-02", "record", ["9.2"], date="2026-01-05", inputs="all"),
    "judgements naming a file that is not YAML": approved(
        "ASM-1-01", "assessment", [], date="2026-01-05", judgements="judged.txt"
    ),
    "judgements naming an address": approved(
        "ASM-1-02", "assessment", [], date="2026-01-05", judgements="https://example.org/judged.yml"
    ),
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from conftest import write_config

    root = tmp_path_factory.mktemp("schema")
    (root / "docs").mkdir()
    write_config(root)
    result = run_cli("schema", cwd=root)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _as_editor_sees_it(page: str) -> dict[str, Any]:
    data = yaml.safe_load(page.split("---\n")[1])
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_schema_and_checker_agree(case: str, schema: Any, make_site: Any) -> None:
    page = CASES[case]
    findings = make_site({**complete_mini(), "case.md": page}).check_json()["findings"]
    checker_ok = not [f for f in findings if f["path"] == "case.md"]
    schema_ok = jsonschema.Draft202012Validator(schema).is_valid(_as_editor_sees_it(page))
    assert schema_ok == checker_ok, (case, findings)
    assert checker_ok == case.startswith(("valid", "clause written as a whole"))


def test_schema_reflects_the_configuration(make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n"}, {"types": ["policy", "plan", "record", "report", "memo"], "classifications": ["open", "closed"],
                          "default_classification": "open", "audience": "open", "id_pattern": "^[A-Z]+-[0-9]+$"})  # fmt: skip
    schema = json.loads(run_cli("schema", "-f", str(site.config_file), cwd=site.root).stdout)
    props = schema["properties"]
    assert props["type"]["enum"] == ["policy", "plan", "record", "report", "memo"]
    assert props["classification"]["enum"] == ["open", "closed"]
    assert props["id"]["pattern"] == "^[A-Z]+-[0-9]+$"
    assert props["clauses"]["items"]["enum"][:4] == ["5", "5.2", "8.5.1.1", "9.2"]
    assert props["status"]["enum"] == ["draft", "review", "approved", "retired"]


# A second catalogue that shares 5.2 with the mini catalogue and has a clause of its own.
OTHER = """\
catalogue: other
title: Another standard
audit: {}
clauses:
  - {clause: "5.2", title: Policy, requirements: [{kind: document, types: [policy], name: Other policy}]}
  - {clause: X.1, title: Own clause, requirements: [{kind: document, types: [policy], name: Own policy}]}
"""
REFS = ["5.2", "mini:5.2", "other:5.2", "X.1", "other:X.1", "mini:X.1", "nope:5.2", "5.9"]
SETUPS = {
    "one catalogue": {},
    "two catalogues": {"catalogues": ["MINI", "other.yml"]},
    "two with a default": {"catalogues": ["MINI", "other.yml"], "default_catalogue": "mini"},
}


@pytest.mark.parametrize("setup", list(SETUPS))
def test_schema_and_checker_agree_on_every_clause_reference(setup: str, make_site: Any) -> None:
    """One declaration: the editor accepts exactly the clause references the check accepts, qualified or
    not, with one catalogue and with two (ambiguous without a default, whatever their order)."""
    from conftest import FIXTURES

    options = {k: [str(FIXTURES / "mini-catalogue.yml") if c == "MINI" else c for c in v] if k == "catalogues" else v
               for k, v in SETUPS[setup].items()}  # fmt: skip
    pages = {f"p{i}.md": approved(f"POL-R-{i:02d}", "policy", [ref]) for i, ref in enumerate(REFS)}
    site = make_site({**complete_mini(), **pages}, options)
    (site.root / "other.yml").write_text(OTHER, "utf-8")
    findings = site.check_json()["findings"]
    schema = json.loads(site.cli("schema").stdout)
    validator = jsonschema.Draft202012Validator(schema)
    accepted = {}
    for index, ref in enumerate(REFS):
        checker_ok = not [f for f in findings if f["path"] == f"p{index}.md"]
        schema_ok = validator.is_valid(_as_editor_sees_it(pages[f"p{index}.md"]))
        assert schema_ok == checker_ok, (setup, ref, findings)
        accepted[ref] = checker_ok
    if setup == "two catalogues":
        # 5.2 is in both and no default says which: ambiguous, and the finding says how to write it.
        assert not accepted["5.2"] and accepted["X.1"] and accepted["mini:5.2"]
        (ambiguous,) = [f for f in findings if f["path"] == "p0.md"]
        assert ambiguous["code"] == "SMS005"
        assert "write 'mini:5.2' or 'other:5.2'" in ambiguous["message"]
    elif setup == "two with a default":
        assert accepted["5.2"] and not accepted["X.1"] and accepted["other:X.1"]
    else:
        assert accepted["5.2"] and accepted["mini:5.2"] and not accepted["other:5.2"]
