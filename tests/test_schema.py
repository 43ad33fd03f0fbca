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
