"""Gap assessments (ISO/IEC 20000-5): `assess init`, judgements with their lines, and what the
implementation page, sms.json and the export make of them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from conftest import Site, approved, front, write_config
from test_history import commit_all, git

ISO = {"catalogues": ["iso20000-1:2018"]}


def _judge(text: str, results: dict[str, dict[str, Any]]) -> str:
    """``text`` (an assessment written by assess init) with the items named in ``results`` judged."""
    for activity, keys in results.items():
        item = json.dumps({"activity": activity, **keys})
        line = f"  - {item}"
        text = re.sub(rf'  - \{{activity: "{re.escape(activity)}", [^\n]*\}}', lambda _, line=line: line, text)
    return text


def _approve(text: str) -> str:
    return text.replace("status: draft", "status: approved\napproved_by: Managing Director\napproved_on: 2026-11-20")


def test_assess_init_lists_every_activity_unjudged_and_never_overwrites(make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n"}, ISO)
    made = site.cli("assess", "init", "--clauses", "8.6", "--id", "ASM-2026-01", "--owner", "Internal Audit Lead")
    assert made.returncode == 0, made.stderr
    path = site.docs / "assessments" / "gap-assessment-2026-11-29.md"
    text = path.read_text("utf-8")
    data = yaml.safe_load(text.split("---\n")[1])
    assert data["type"] == "assessment" and data["status"] == "draft" and data["assessor"] == "Internal Audit Lead"
    refs = [item["activity"] for item in data["judgements"]]
    assert refs[0] == "8.6/1" and "8.6.1/6" in refs and "8.6.3/1" in refs and not any(r.startswith("8.5") for r in refs)
    assert all(item["result"] is None for item in data["judgements"])
    assert f"with {len(refs)} activities to judge" in made.stdout
    assert "#   1. Log every incident and give it a category and a priority" in text  # the activity, as a comment
    assert site.check_json()["findings"] == [
        f for f in site.check_json()["findings"] if f["path"] != "assessments/gap-assessment-2026-11-29.md"
    ]
    again = site.cli("assess", "init", "--clauses", "8.6", "--id", "ASM-2026-01")
    assert again.returncode == 2
    assert "id 'ASM-2026-01' is already used" in again.stderr and "already exists" in again.stderr
    assert path.read_text("utf-8") == text
    unknown = site.cli("assess", "init", "--clauses", "8.99", "--id", "ASM-2026-02")
    assert unknown.returncode == 2 and "clause '8.99' is in no loaded catalogue" in unknown.stderr


def test_judgements_are_checked_item_by_item_with_their_lines(make_site: Any) -> None:
    judgements = [
        {"activity": "8.6.1/1", "result": "conforms"},
        {"activity": "8.6.1/2", "result": "mostly"},
        {"activity": "8.6.1/3", "result": "n/a"},
        {"activity": "8.6.1/99", "result": "not"},
        {"activity": "9.9/1", "result": "not"},
        {"activity": "8.6.1/1", "result": "partial"},
        {"activity": "8.6.1", "result": "not"},
    ]
    page = approved("ASM-2026-01", "assessment", [], date="2026-11-01", judgements=judgements)
    site = make_site({"index.md": "# Home\n", "a.md": page}, ISO)
    found = [(f["code"], f["line"], f["message"]) for f in site.check_json()["findings"] if f["path"] == "a.md"]
    line_of = [number for number, text in enumerate(page.splitlines(), start=1) if text.startswith("- activity:")]
    by_line = {(code, line): message for code, line, message in found}
    assert "'result' 'mostly' is not one of conforms, partial, not, n/a" in by_line[("SMS003", line_of[1])]
    assert "is judged n/a without a 'reason'" in by_line[("SMS003", line_of[2])]
    assert "clause 8.6.1 of iso20000-1:2018 has 6 activities" in by_line[("SMS005", line_of[3])]
    assert "clause '9.9' is in no loaded catalogue" in by_line[("SMS005", line_of[4])]
    assert "judges activity 8.6.1/1 twice" in by_line[("SMS003", line_of[5])]
    assert "'activity' must name a clause and the activity's number" in by_line[("SMS003", line_of[6])]
    assert len(found) == 6


def test_the_implementation_page_compares_the_newest_assessment_with_the_baseline(make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n"}, ISO)
    assert (
        site.cli("assess", "init", "--clauses", "8.6.1", "--id", "ASM-2026-01", "--title", "Baseline").returncode == 0
    )
    assert site.cli("assess", "init", "--clauses", "8.6.1", "--id", "ASM-2026-02", "--title", "Now").returncode == 0
    baseline_path = site.docs / "assessments" / "baseline.md"
    now_path = site.docs / "assessments" / "now.md"
    baseline_path.write_text(_approve(_judge(baseline_path.read_text("utf-8"), {
        f"8.6.1/{n}": {"result": "not"} for n in range(1, 7)
    })).replace("date: 2026-11-29", "date: 2025-10-01"), "utf-8")  # fmt: skip
    now_path.write_text(_approve(_judge(now_path.read_text("utf-8"), {
        "8.6.1/1": {"result": "conforms", "level": 2, "evidence": ["https://desk.example/report"]},
        "8.6.1/2": {"result": "conforms"}, "8.6.1/3": {"result": "conforms"}, "8.6.1/4": {"result": "conforms"},
        "8.6.1/5": {"result": "partial", "evidence": ["ASM-2026-01"], "note": "Major incident <b>roles</b> unclear"},
        "8.6.1/6": {"result": "n/a", "reason": "No major incident in the period"},
    })), "utf-8")  # fmt: skip
    options = {**ISO, "implementation": {"baseline": "ASM-2026-01", "phases": [{"name": "All", "target": "2027-06-30", "clauses": ["4", "5", "6", "7", "8", "9", "10"]}]}}  # fmt: skip
    site.set_options(options)
    data = site.check_json()
    assert [f for f in data["findings"] if f["path"] and f["path"].startswith("assessments/")] == []
    (now,) = [a for a in data["assessments"] if a["id"] == "ASM-2026-02"]
    assert now["counts"] == {"conforms": 4, "partial": 1, "not": 0, "n/a": 1, "not judged": 0}
    assert site.build().ok
    page = site.site_file("sms/implementation/index.html")
    section = page.split('id="gap-assessment"', 1)[1]
    assert "Baseline: " in section and "ASM-2026-01" in section and "At the baseline" in section
    group_8 = re.search(r"<td>8 Operation of the service management system</td>(.*?)</tr>", section, re.S)
    assert group_8 is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", group_8.group(1))
    assert cells[:2] == ["0%", "90%"]  # (4 + 0.5) / 5 judged; n/a left out
    gaps = section.split("Activities still not or only partly carried out", 1)[1]
    assert "8.6.1/5" in gaps and "Major incident &lt;b&gt;roles&lt;/b&gt; unclear" in gaps
    assert 'href="../../assessments/baseline/"' in gaps  # evidence by id links to the document
    assert (
        '<span class="sms-judged sms-judged--na"' in section
        and '<span class="sms-judged sms-judged--partial"' in section
    )
    # The export carries every activity of every approved assessment.
    result = site.cli("export", "--format", "xlsx", "--output", str(site.root / "out.xlsx"))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(site.root / "out.xlsx")["Assessment"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("assessment", "date", "catalogue", "activity", "text", "result")
    assert ("ASM-2026-02", "8.6.1/5", "partial") in {(r[0], r[3], r[5]) for r in rows[1:]}
    # A baseline that names a document which is not an approved assessment is SMS106; baseline save refuses.
    site.set_options({**options, "implementation": {**options["implementation"], "baseline": "POL-X-01"}})
    site.write("p.md", approved("POL-X-01", "policy", ["5.2.1"]))
    (finding,) = [f for f in site.check_json()["findings"] if f["code"] == "SMS106"]
    assert "names POL-X-01, which is a policy" in finding["message"] and finding["path"] == "p.md"
    refused = site.cli("baseline", "save")
    assert refused.returncode == 2 and "names the assessment POL-X-01" in refused.stderr


def test_without_an_assessment_the_page_says_how_to_start_one(make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n", "draft.md": front(id="ASM-1-1", title="D", type="assessment", owner="o", version="0.1")}, ISO)  # fmt: skip
    assert site.build().ok
    section = site.site_file("sms/implementation/index.html").split('id="gap-assessment"', 1)[1]
    assert "No approved gap assessment yet" in section and "mkdocs-sms assess init" in section
    assert site.check_json()["assessments"] == []  # a draft does not count


def test_an_audience_build_leaves_out_withheld_assessments(make_site: Any) -> None:
    page = approved("ASM-2026-01", "assessment", [], date="2026-11-01", classification="confidential",
                    judgements=[{"activity": "8.6.1/1", "result": "not", "note": "secret"}])  # fmt: skip
    site = make_site({"index.md": "# Home\n", "a.md": page}, {**ISO, "audience": "internal"})
    assert site.build().ok
    assert json.loads((site.root / "site" / "sms.json").read_text("utf-8"))["assessments"] == []
    assert "secret" not in site.site_file("sms/implementation/index.html")


def test_evidence_naming_a_withheld_document_says_only_that(make_site: Any) -> None:
    secret = approved("REC-PEN-01", "record", [], date="2026-11-01", classification="confidential")
    page = approved("ASM-2026-01", "assessment", [], date="2026-11-01", judgements=[
        {"activity": "8.7.3.2/1", "result": "partial", "evidence": ["REC-PEN-01", "POL-X-01"], "note": "n"},
    ])  # fmt: skip
    site = make_site({"index.md": "# Home\n", "a.md": page, "s.md": secret, "p.md": approved("POL-X-01", "policy", [])},
                     {**ISO, "audience": "internal"})  # fmt: skip
    assert site.build().ok
    data = json.loads((site.root / "site" / "sms.json").read_text("utf-8"))
    (judged,) = data["assessments"][0]["judgements"]
    assert judged["evidence"] == ["(a document withheld from this audience)", "POL-X-01"]
    page_html = site.site_file("sms/implementation/index.html")
    assert "REC-PEN-01" not in page_html and "(a document withheld from this audience)" in page_html
    assert "REC-PEN-01" in json.dumps(site.check_json()["assessments"])  # check reads the whole SMS


def test_judgements_may_be_kept_in_a_yaml_file_that_is_never_published(make_site: Any) -> None:
    site = make_site({"index.md": "# Home\n"}, {**ISO, "audience": "internal"})
    made = site.cli(
        "assess", "init", "--clauses", "8.6.1", "--id", "ASM-2026-01", "--title", "Now", "--judgements-file"
    )
    assert made.returncode == 0, made.stderr
    assert "(judgements in now.judgements.yml)" in made.stdout
    page, data = site.docs / "assessments" / "now.md", site.docs / "assessments" / "now.judgements.yml"
    assert yaml.safe_load(page.read_text("utf-8").split("---\n")[1])["judgements"] == "now.judgements.yml"
    assert [item["activity"] for item in yaml.safe_load(data.read_text("utf-8"))["judgements"]] == [
        f"8.6.1/{n}" for n in range(1, 7)
    ]
    # Judged in the file; the page is approved and confidential.
    data.write_text(_judge(data.read_text("utf-8"), {
        "8.6.1/1": {"result": "conforms"}, "8.6.1/2": {"result": "partial", "note": "secret remark"},
    }), "utf-8")  # fmt: skip
    page.write_text(_approve(page.read_text("utf-8")), "utf-8")
    report = site.check_json()
    assert [f for f in report["findings"] if (f["path"] or "").startswith("assessments/")] == []
    (now,) = report["assessments"]
    assert now["counts"] == {"conforms": 1, "partial": 1, "not": 0, "n/a": 0, "not judged": 4}
    assert site.build().ok
    assert not (site.root / "site" / "assessments" / "now.judgements.yml").exists()
    assert "secret remark" in site.site_file("sms/implementation/index.html")
    # Withheld from the audience: neither the page, nor the file, nor its judgements anywhere in the site.
    page.write_text(page.read_text("utf-8").replace("classification: internal", "classification: confidential"))
    assert site.build().ok
    published = [p for p in (site.root / "site").rglob("*") if p.is_file()]
    assert not [p for p in published if "judgements" in p.name]
    assert not [p for p in published if p.suffix in (".html", ".json") and "secret remark" in p.read_text("utf-8")]
    # A new assessment never overwrites a judgements file either.
    data_again = site.cli("assess", "init", "--id", "ASM-2026-09", "--path", str(site.docs / "assessments" / "now.md"),
                          "--judgements-file")  # fmt: skip
    assert data_again.returncode == 2 and "now.judgements.yml already exists" in data_again.stderr


def test_a_judgements_file_is_checked_with_its_own_lines(make_site: Any) -> None:
    judgements = (
        "# judged on site\n"
        "judgements:\n"
        '  - {activity: "8.6.1/1", result: conforms}\n'
        '  - {activity: "8.6.1/2", result: mostly}\n'
        '  - {activity: "8.6.1/99", result: not}\n'
        '  - {activity: "8.6.1/1", result: partial}\n'
        "assessor: nobody\n"
    )
    pages = {
        "index.md": "# Home\n",
        "a/asm.md": approved("ASM-2026-01", "assessment", [], date="2026-11-01", judgements="../data/asm.yml"),
        "data/asm.yml": judgements,
        "b.md": approved("ASM-2026-02", "assessment", [], date="2026-11-01", judgements="missing.yml"),
        "c.md": approved("ASM-2026-03", "assessment", [], date="2026-11-01", judgements="../../outside.yaml"),
        "d.md": approved("ASM-2026-04", "assessment", [], date="2026-11-01", judgements="/data/broken.yml"),
        "data/broken.yml": 'judgements:\n  - {activity: "8.6.1/1"\n',
        "e.md": approved("ASM-2026-05", "assessment", [], date="2026-11-01", judgements="notes.txt"),
    }
    site = make_site(pages, ISO)
    found = {(f["code"], f["path"], f["line"]): f["message"] for f in site.check_json()["findings"]}
    assert "'result' 'mostly' is not one of" in found[("SMS003", "data/asm.yml", 4)]
    assert "clause 8.6.1 of iso20000-1:2018 has 6 activities" in found[("SMS005", "data/asm.yml", 5)]
    assert "judges activity 8.6.1/1 twice" in found[("SMS003", "data/asm.yml", 6)]
    assert "key 'assessor' is not read" in found[("SMS003", "data/asm.yml", 7)]
    line_b = pages["b.md"].splitlines().index("judgements: missing.yml") + 1
    assert "names the file 'missing.yml', which is no readable file of docs_dir" in found[("SMS003", "b.md", line_b)]
    assert "which leads outside docs_dir" in next(m for (c, p, _), m in found.items() if p == "c.md")
    broken = [(c, line) for (c, p, line) in found if p == "data/broken.yml"]
    assert broken and all(code == "SMS001" for code, _ in broken)
    assert "or name a YAML file of docs_dir" in next(m for (c, p, _), m in found.items() if p == "e.md")
    (judged,) = [a for a in site.check_json()["assessments"] if a["id"] == "ASM-2026-01"]
    assert judged["counts"]["conforms"] == 1  # the good items count, the first of a twice-judged one


def test_a_judgements_file_is_read_from_git_at_each_tag(tmp_path: Path) -> None:
    """The trend analyses each tag from git objects: the judgements file comes from the same commit."""
    site = Site(tmp_path / "repo")
    site.root.mkdir()
    git(site.root, "init", "-q", "-b", "main")
    write_config(site.root, {**ISO, "history": True})
    site.write("index.md", "# Home\n")
    site.write("asm.md", approved("ASM-2026-01", "assessment", [], date="2026-11-01", judgements="asm.yml"))
    bad = '  - {activity: "8.6.1/1", result: mostly}\n  - {activity: "8.6.1/2", result: often}\n'
    site.write("asm.yml", "judgements:\n" + bad)
    commit_all(site.root, "Assessment with two wrong judgements", "2026-11-02")
    git(site.root, "tag", "v1")
    site.write("asm.yml", 'judgements:\n  - {activity: "8.6.1/1", result: conforms}\n')
    assert site.build().ok
    tagged, now = json.loads(site.site_file("sms.json"))["trend"]["points"]
    assert tagged["tag"] == "v1" and now["tag"] is None
    # Two wrong items at the tag (had the file not been read there, one finding would say it is missing).
    assert tagged["errors"] - now["errors"] == 2
