"""mkdocs-sms diff on real repositories: every kind of change, its JSON, exit code and report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Site, approved, front, run_cli
from test_history import change_policy, commit_all, git, repo  # noqa: F401  (the fixture)


def diff(site: Site, *args: str) -> Any:
    return run_cli("diff", "-f", str(site.config_file), *args, cwd=site.root)


@pytest.fixture
def branch(repo: Site) -> Site:  # noqa: F811
    """A branch 'change' off main carrying one of each kind of change."""
    git(repo.root, "tag", "base")
    git(repo.root, "checkout", "-q", "-b", "change")
    repo.write("records/audit-2026.md", approved("REC-AUD-2026", "record", ["9.2"], date="2026-06-01"))  # added
    git(repo.root, "rm", "-q", "docs/plans/audit.md")  # removed: the only plan meeting 9.2
    git(repo.root, "mv", "docs/policies/sms.md", "docs/policies/service-management.md")  # renamed
    page = (
        (repo.docs / "policies/service-management.md")
        .read_text()
        .replace("owner: Head of Service Management", "owner: Managing Director")
    )
    repo.write("policies/service-management.md", page)  # metadata edit
    repo.write("policies/change-management.md", change_policy("1.1", body="Anyone may approve a change."))  # body edit
    repo.write("policies/old.md", approved("POL-OLD-01", "policy", [], status="retired"))
    commit_all(repo.root, "One of each", "2026-06-01")
    return repo


def test_json_names_every_change(branch: Site) -> None:
    result = diff(branch, "--base", "base", "--head", "change", "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["base"] == "base" and data["head"] == "change" and data["verdict"] == "fail"
    docs = data["documents"]
    assert [d["id"] for d in docs["added"]] == ["POL-OLD-01", "REC-AUD-2026"]
    assert [d["id"] for d in docs["removed"]] == ["PLN-AUD-01"]
    assert docs["renamed"] == [{"id": "POL-SMS-01", "from": "policies/sms.md", "to": "policies/service-management.md"}]
    changed = {d["id"]: d for d in docs["changed"]}
    assert changed["POL-SMS-01"]["fields"] == [
        {"key": "owner", "old": "Head of Service Management", "new": "Managing Director"}
    ]
    assert changed["POL-SMS-01"]["body"] == {"lines_added": 0, "lines_removed": 0}
    assert changed["POL-CHG-01"]["fields"] == []
    assert changed["POL-CHG-01"]["body"] == {"lines_added": 1, "lines_removed": 1}
    assert data["coverage"] == [{"catalogue": "mini", "clause": "9.2", "requirement": "Internal audit programme",
                                 "kind": "document", "from": "covered", "to": "missing", "lowered": True},
                                {"catalogue": "mini", "clause": "9.2", "requirement": "Internal audit results",
                                 "kind": "record", "from": "missing", "to": "covered", "lowered": False}]  # fmt: skip
    introduced = {f["code"] for f in data["findings"]["introduced"]}
    assert introduced == {"SMS101", "SMS201", "SMS205"}
    (sms201,) = [f for f in data["findings"]["introduced"] if f["code"] == "SMS201"]
    assert sms201["path"] == "policies/change-management.md" and sms201["line"] == 9


def test_retiring_and_version_checks(repo: Site) -> None:  # noqa: F811
    git(repo.root, "tag", "base")
    repo.write(
        "policies/change-management.md", change_policy("1.0", body="Changes are approved by the CAB or the ECAB.")
    )
    repo.write(
        "policies/sms.md", (repo.docs / "policies/sms.md").read_text().replace("status: approved", "status: retired")
    )
    result = diff(repo, "--base", "base", "--format", "json")
    data = json.loads(result.stdout)
    assert [d["id"] for d in data["documents"]["retired"]] == ["POL-SMS-01"]
    (sms204,) = [f for f in data["findings"]["introduced"] if f["code"] == "SMS204"]
    assert "version went backwards: 1.1 → 1.0" in sms204["message"]
    assert {"from": "covered", "to": "missing"}.items() <= data["coverage"][0].items()
    assert result.returncode == 1


def test_approved_again_with_other_content_needs_a_new_version(repo: Site) -> None:  # noqa: F811
    # Version 1.1 was approved with "...CAB or the ECAB." (see the repo fixture); back to review, edited,
    # then approved again as 1.1: the approved 1.1 no longer says what it said.
    repo.write(
        "policies/change-management.md",
        change_policy("1.1", "review", body="Changes are approved by the CAB or the ECAB."),
    )
    commit_all(repo.root, "Back to review", "2026-05-01")
    git(repo.root, "tag", "base")
    repo.write("policies/change-management.md", change_policy("1.1", body="Changes are approved by the ECAB only."))
    data = json.loads(diff(repo, "--base", "base", "--format", "json").stdout)
    (sms204,) = [f for f in data["findings"]["introduced"] if f["code"] == "SMS204"]
    assert "approved again as version 1.1, which was approved before" in sms204["message"]
    assert "2026-04-15" in sms204["message"] and "with other content; raise the version" in sms204["message"]
    assert [(r["clause"], r["from"], r["to"], r["lowered"]) for r in data["coverage"]] == [
        ("8.5.1.1", "draft", "covered", False)
    ]


def test_approved_again_with_the_same_content_is_no_finding(repo: Site) -> None:  # noqa: F811
    repo.write(
        "policies/change-management.md",
        change_policy("1.1", "review", body="Changes are approved by the CAB or the ECAB."),
    )
    commit_all(repo.root, "Back to review", "2026-05-01")
    git(repo.root, "tag", "base")
    repo.write(
        "policies/change-management.md", change_policy("1.1", body="Changes are approved by the CAB or the ECAB.")
    )
    result = diff(repo, "--base", "base", "--format", "json")
    data = json.loads(result.stdout)
    assert [f["code"] for f in data["findings"]["introduced"]] == []
    assert result.returncode == 0


def test_a_first_approval_is_not_going_back(repo: Site) -> None:  # noqa: F811
    # Issue 13, case 2: a draft 0.1 edited over two commits, then approved as 0.1: it was never approved
    # before, so it cannot go "back" to approved, and its drafting is no change of an approved text.
    def draft(body: str) -> str:
        page = approved(
            "POL-NEW-01", "policy", ["5.2"], status="draft", version="0.1", approved_by=None, approved_on=None
        )
        return page.replace("approved_by: null\n", "").replace("approved_on: null\n", "").replace("Body.", body)

    repo.write("policies/new.md", draft("First words."))
    commit_all(repo.root, "Draft a new policy", "2026-05-01")
    repo.write("policies/new.md", draft("Better words."))
    commit_all(repo.root, "Edit the draft", "2026-05-02")
    git(repo.root, "tag", "base")
    repo.write("policies/new.md", approved("POL-NEW-01", "policy", ["5.2"], version="0.1").replace("Body.", "Final."))
    result = diff(repo, "--base", "base", "--format", "json")
    data = json.loads(result.stdout)
    assert [f["code"] for f in data["findings"]["introduced"]] == []
    assert result.returncode == 0
    # Committed and checked with its history: no SMS201 for the drafting before the approval.
    commit_all(repo.root, "Approve the new policy", "2026-05-03")
    assert [f for f in repo.check_json()["findings"] if f["code"] in ("SMS201", "SMS204")] == []


def test_a_good_change_passes_and_gains_coverage(repo: Site) -> None:  # noqa: F811
    git(repo.root, "tag", "base")
    repo.write("records/audit.md", approved("REC-AUD-01", "record", ["9.2"], date="2026-06-01"))
    repo.write(
        "policies/change-management.md",
        change_policy("1.2", body="Changes are approved by the CAB, the ECAB or a standard-change model."),
    )
    result = diff(repo, "--base", "base")
    assert result.returncode == 0, result.stdout
    report = result.stdout
    assert report.startswith("✅ **Ready for review**")
    assert "| mini 9.2 | Internal audit results | record | missing | covered |" in report
    assert "| REC-AUD-01 |" in report
    assert "version 1.1 → 1.2; text +1 −1 lines" in report


def test_markdown_report_names_every_change(branch: Site) -> None:
    config = branch.config_file.read_text() + "site_url: https://handbook.example/\n"
    branch.config_file.write_text(config)
    report = diff(branch, "--base", "base", "--head", "change").stdout
    assert report.startswith("❌ **Do not merge yet**: 2 new error(s), coverage lowered on 1 requirement(s).")
    assert "documents 2 added, 2 changed, 1 renamed, 0 retired, 1 removed" in report
    assert "| mini 9.2 | Internal audit programme | document | covered | **missing** |" in report
    assert "[REC-AUD-2026](https://handbook.example/records/audit-2026/)" in report
    assert "owner Head of Service Management → Managing Director; moved from policies/sms.md" in report
    assert "| PLN-AUD-01 |" in report and "SMS205" in report and "SMS201" in report


def _with_language(site: Site, theme: str | None = None, option: str | None = None) -> None:
    """Set the handbook's ``theme.language`` and the plugin's ``language`` option in its mkdocs.yml."""
    config = yaml.safe_load(site.config_file.read_text("utf-8"))
    if theme:
        config["theme"]["language"] = theme
    if option:
        config["plugins"][1]["sms"]["language"] = option
    site.config_file.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")


def test_markdown_report_follows_the_handbooks_language(branch: Site) -> None:
    english = diff(branch, "--base", "base", "--head", "change").stdout
    english_json = diff(branch, "--base", "base", "--head", "change", "--format", "json").stdout
    _with_language(branch, theme="de")
    report = diff(branch, "--base", "base", "--head", "change").stdout
    assert report.startswith("❌ **Noch nicht zusammenführen**: 2 neue Fehler, Abdeckung bei 1 Anforderung gesunken.")
    assert "Dokumente: 2 hinzugefügt, 2 geändert, 1 umbenannt, 0 zurückgezogen, 1 entfernt." in report
    assert "**Änderungen der Abdeckung** (2)" in report and "**Neue Befunde**" in report
    assert "| Abschnitt | Anforderung | Art | Vorher | Nachher |" in report
    assert "| mini 9.2 | Internal audit programme | Dokument | abgedeckt | **fehlt** |" in report
    assert "| Kennung | Titel | Version | Status |" in report and "| Schweregrad | Code | Wo | Problem |" in report
    assert "| Text +1 −1 Zeilen; Versionsnummer nicht erhöht |" in report and "verschoben von policies/sms.md" in report
    # The findings' own messages stay English, as in the CI log; English and every other output are as before.
    errors = [line for line in report.splitlines() if line.startswith("| Fehler | SMS")]
    assert len(errors) == 2 and all(line in english.replace("| error | SMS", "| Fehler | SMS") for line in errors)
    assert "Do not merge yet" not in report and "Coverage changes" not in report
    assert diff(branch, "--base", "base", "--head", "change", "--format", "json").stdout == english_json
    # The plugin's language option wins over the theme, as on the pages.
    _with_language(branch, theme="de", option="fr")
    french = diff(branch, "--base", "base", "--head", "change").stdout
    assert french.startswith("❌ **Ne pas fusionner pour l'instant** : 2 nouvelles erreurs")
    assert "| Article | Exigence | Nature | Avant | Après |" in french
    _with_language(branch, theme="de", option="en")
    assert diff(branch, "--base", "base", "--head", "change").stdout == english


def test_large_changes_are_folded(repo: Site) -> None:  # noqa: F811
    git(repo.root, "tag", "base")
    for n in range(30):
        repo.write(f"records/r{n:02d}.md", approved(f"REC-R-{n:02d}", "record", ["9.2"], date="2026-06-01"))
    report = diff(repo, "--base", "base").stdout
    assert "<details><summary>Added (30)</summary>" in report


def test_annotations_for_github_and_gitlab(branch: Site, tmp_path: Path) -> None:
    github = diff(branch, "--base", "base", "--head", "change", "--format", "github").stdout.splitlines()
    assert any(
        line.startswith("::warning file=docs/policies/change-management.md,line=9,title=SMS201::") for line in github
    )
    assert "::error title=coverage::mini 9.2 Internal audit programme: coverage covered → missing" in github
    report = tmp_path / "gl-code-quality.json"
    result = diff(branch, "--base", "base", "--head", "change", "--format", "gitlab", "--output", str(report))
    assert result.returncode == 1
    issues = json.loads(report.read_text())
    sms201 = next(i for i in issues if i["check_name"] == "SMS201")
    assert sms201["severity"] == "minor"
    assert sms201["location"] == {"path": "docs/policies/change-management.md", "lines": {"begin": 9}}
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_unusable_input_exits_2(repo: Site, make_site: Any) -> None:  # noqa: F811
    unknown = diff(repo, "--base", "no-such-branch")
    assert unknown.returncode == 2 and "'no-such-branch' cannot be read" in unknown.stderr
    plain = make_site({"p.md": front(id="POL-A-01", title="A", type="policy", owner="o", version="1")})
    outside = run_cli("diff", "--base", "HEAD", cwd=plain.root)
    assert outside.returncode == 2 and "not a git repository" in outside.stderr


def test_folder_defaults_are_read_at_each_ref(repo: Site) -> None:  # noqa: F811
    repo.write("plans/.meta.yml", "owner: Internal Audit Lead\n")
    page = (repo.docs / "plans/audit.md").read_text().replace("owner: Owner\n", "")
    repo.write("plans/audit.md", page)
    commit_all(repo.root, "Owner from folder defaults", "2026-05-01")
    git(repo.root, "tag", "base")
    repo.write(
        "plans/audit.md", page.replace('version: "1.0"', 'version: "1.1"').replace("version: '1.0'", "version: '1.1'")
    )
    data = json.loads(diff(repo, "--base", "base", "--format", "json").stdout)
    assert data["findings"]["introduced"] == [] and data["verdict"] == "pass"
    (changed,) = data["documents"]["changed"]
    assert [f["key"] for f in changed["fields"]] == ["version"]


def test_a_document_lost_to_broken_front_matter_is_named_on_the_side_that_has_it(repo: Site) -> None:  # noqa: F811
    git(repo.root, "tag", "base")
    page = (repo.docs / "plans/audit.md").read_text().replace("id: PLN-AUD-01", "ID: PLN-AUD-01")
    repo.write("plans/audit.md", page)
    commit_all(repo.root, "Upper-case id", "2026-06-01")
    data = json.loads(diff(repo, "--base", "base", "--head", "HEAD", "--format", "json").stdout)
    lost = [f for f in data["findings"]["introduced"] if f["code"] == "SMS010"]
    assert [(f["path"], f["line"], f["document"]) for f in lost] == [("plans/audit.md", 2, "PLN-AUD-01")]
    # A document that existed at the base and disappears this way stops the change (issue 13, case 4).
    assert [f["severity"] for f in lost] == ["error"] and data["verdict"] == "fail"
    # Back again: the finding is resolved by the change that repairs the page.
    data = json.loads(diff(repo, "--base", "HEAD", "--head", "base", "--format", "json").stdout)
    assert [f["path"] for f in data["findings"]["resolved"] if f["code"] == "SMS010"] == ["plans/audit.md"]


# A folder name that, written raw into a line of output, would forge a GitHub annotation.
FORGED = "x\n::error file=README.md,line=1::FORGED"


def test_a_path_with_a_line_break_forges_no_line_and_shifts_no_blob(repo: Site) -> None:  # noqa: F811
    git(repo.root, "tag", "base")
    repo.write(f"{FORGED}/odd.md", approved("POL-ODD-01", "policy", ["5.2"], version="7.0", owner="o"))
    repo.write("zz/late.md", approved("POL-LATE-01", "policy", ["5.2"], version="3.3", title="Late 3.3"))
    commit_all(repo.root, "Add two policies", "2026-06-01")
    data = json.loads(diff(repo, "--base", "base", "--format", "json").stdout)
    docs = data["documents"]
    assert [d["id"] for d in docs["added"]] == ["POL-LATE-01", "POL-ODD-01"]
    assert docs["removed"] == [] and docs["renamed"] == []
    # Each document's history holds its own version.
    checked = {d["id"]: d for d in repo.check_json()["documents"]}
    assert [r["version"] for r in checked["POL-LATE-01"]["history"]] == ["3.3"]
    assert [r["version"] for r in checked["POL-ODD-01"]["history"]] == ["7.0"]
    # A finding about the file names it on one line, in the check's text and in the build log.
    repo.write(f"{FORGED}/odd.md", approved("POL-ODD-01", "policy", ["5.2"], version="7.0", owner="o", type="polcy"))
    text = repo.check().stdout
    assert not any(line.startswith("::") for line in text.splitlines()), text
    assert "x\\n::error file=README.md,line=1::FORGED/odd.md" in text
    build = repo.build()
    logged = [m for m in build.plugin_warnings() if "POL-ODD-01" in m]
    assert logged and all("\n" not in m for m in logged)


def test_markdown_report_encodes_hostile_file_names_in_links(repo: Site) -> None:  # noqa: F811
    repo.config_file.write_text(repo.config_file.read_text() + "site_url: https://handbook.example/\n")
    git(repo.root, "tag", "base")
    hostile = {
        "POL-HX-01": 'evil)<img src=x onerror="alert(1)">.md',
        "POL-HX-02": "javascript:alert(1).md",
        "POL-HX-03": "a b/x](javascript:alert(2))<b>.md",
    }
    for doc_id, path in hostile.items():
        repo.write(path, approved(doc_id, "policy", ["5.2"]))
    commit_all(repo.root, "Hostile names", "2026-06-01")
    report = diff(repo, "--base", "base").stdout
    links = re.findall(r"\[(POL-HX-0\d)\]\(([^)]*)\)", report)
    assert sorted(doc_id for doc_id, _ in links) == sorted(hostile)
    for _, href in links:
        assert href.startswith("https://handbook.example/")
        assert not set(href) & set("<>\"' ()[]"), href
    assert "<img" not in report and "<b>" not in report and "(javascript:" not in report
    assert "https://handbook.example/evil%29%3Cimg%20src%3Dx%20onerror%3D%22alert%281%29%22%3E/" in report


def test_an_approved_version_approved_again_with_other_content_is_sms204(repo: Site) -> None:  # noqa: F811
    # 1.1 is approved at the base; the change rewrites it and records a new approval under the same 1.1.
    git(repo.root, "tag", "base")
    page = change_policy("1.1", body="Only the ECAB approves changes.").replace(
        "approved_on: '2026-03-01'", "approved_on: '2026-06-01'"
    )
    assert "2026-06-01" in page
    repo.write("policies/change-management.md", page)
    data = json.loads(diff(repo, "--base", "base", "--format", "json").stdout)
    found = [(f["code"], f["severity"]) for f in data["findings"]["introduced"]]
    assert found == [("SMS204", "error")] and data["verdict"] == "fail"
    (sms204,) = data["findings"]["introduced"]
    assert "approved again as version 1.1 (approved_on 2026-03-01 → 2026-06-01) with other content" in sms204["message"]
    # The same edit without a new approval is SMS201, a warning: the text drifted from what was approved.
    repo.write("policies/change-management.md", change_policy("1.1", body="Only the ECAB approves changes."))
    data = json.loads(diff(repo, "--base", "base", "--format", "json").stdout)
    assert [(f["code"], f["severity"]) for f in data["findings"]["introduced"]] == [("SMS201", "warning")]


def test_a_document_moved_and_broken_in_one_change_is_an_error(repo: Site) -> None:  # noqa: F811
    git(repo.root, "tag", "base")
    page = (repo.docs / "plans/audit.md").read_text().replace("id: PLN-AUD-01", "ID: PLN-AUD-01")
    git(repo.root, "mv", "docs/plans/audit.md", "docs/plans/audit-programme.md")
    repo.write("plans/audit-programme.md", page)
    data = json.loads(diff(repo, "--base", "base", "--format", "json").stdout)
    lost = [(f["code"], f["severity"], f["path"]) for f in data["findings"]["introduced"] if f["code"] == "SMS010"]
    assert lost == [("SMS010", "error", "plans/audit-programme.md")]
    assert data["verdict"] == "fail"
