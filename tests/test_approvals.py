"""Approvals you can prove (issue 19): Approved-by trailers, merges, SSH signatures and signed tags in real
git repositories; SMS206, SMS207 and SMS208; the evidence on the panel, in the register and in sms.json."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, Site, approved, complete_mini, run_build, run_cli, write_config

GIT = shutil.which("git") or "git"
SSH_KEYGEN = shutil.which("ssh-keygen")
BOB = "Bob Boss <bob@example.org>"
STEERING = {"SMS Steering Group": ["bob@example.org"], "Service Owners": ["sue@example.org"]}

needs_ssh_keygen = pytest.mark.skipif(
    SSH_KEYGEN is None and not os.environ.get("CI"), reason="ssh-keygen (openssh-client) is not installed"
)


def git(repo: Path, *args: str, author: str = "Ann Author <ann@example.org>", date: str = "2026-02-01") -> str:
    name, _, email = author.partition(" <")
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email.rstrip(">"),
           "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email.rstrip(">"),
           "GIT_AUTHOR_DATE": f"{date}T12:00:00+00:00", "GIT_COMMITTER_DATE": f"{date}T12:00:00+00:00"}  # fmt: skip
    result = subprocess.run([GIT, *args], cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def commit(repo: Path, message: str, **kwargs: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, **kwargs)
    return git(repo, "rev-parse", "HEAD")


def policy(version: str, status: str, body: str = "Changes are approved by the CAB.") -> str:
    extra: dict[str, Any] = {"version": version, "status": status, "approved_by": "SMS Steering Group"}
    page = approved("POL-CHG-01", "policy", ["8.5.1.1"], **extra)
    if status != "approved":
        page = page.replace("approved_by: SMS Steering Group\n", "").replace("approved_on: '2026-03-01'\n", "")
    return page.replace("Body.\n", body + "\n")


def handbook(root: Path, approvals: dict[str, Any]) -> Site:
    """The miniature handbook in a new repository: every page but the change policy committed by Ann, with
    no evidence, and the change policy drafted by Ann (committed, not yet approved)."""
    site = Site(root)
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_config(root, {"history": True, "approvals": approvals})
    for path, content in complete_mini().items():
        if path != "policies/change.md":
            site.write(path, content)
    site.write("policies/change.md", policy("1.0", "review"))
    commit(root, "Handbook, change policy for review", date="2026-01-10")
    return site


def approve(site: Site, message: str, **kwargs: str) -> str:
    site.write("policies/change.md", policy("1.0", "approved"))
    return commit(site.root, message, **kwargs)


def of_policy(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """The change policy's document object and its findings (code, severity, text) in ``check`` JSON."""
    document = next(d for d in data["documents"] if d["id"] == "POL-CHG-01")
    findings = [(f["code"], f["severity"], f["message"]) for f in data["findings"] if f["document"] == "POL-CHG-01"]
    return document, findings


def test_a_trailer_on_the_approval_commit_is_evidence_and_its_absence_is_sms206(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "trailer", "approvers": STEERING})
    sha = approve(site, f"Approve the change policy 1.0\n\nApproved-by: {BOB}", author="Ann Author <ann@example.org>")
    data = site.check_json()
    document, findings = of_policy(data)
    assert document["approval_evidence"] == f"trailer in commit {sha[:7]} by Bob Boss on 2026-02-01"
    assert document["approval"]["evidence"][0]["people"] == [BOB]
    assert findings == []
    # The other approved pages were committed with no trailer: each lacks evidence, as a warning.
    unproved = [f for f in data["findings"] if f["code"] == "SMS206"]
    assert unproved and all(f["severity"] == "warning" for f in unproved)
    assert any(f["document"] == "PLN-AUD-01" for f in unproved)
    assert next(d for d in data["documents"] if d["id"] == "PLN-AUD-01")["approval_evidence"] == "none"
    assert site.check().returncode == 0


def test_required_evidence_makes_sms206_an_error(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "trailer", "required": True})
    sha = approve(site, "Approve the change policy 1.0")
    _, findings = of_policy(site.check_json())
    assert findings == [
        (
            "SMS206",
            "error",
            f"SMS206 policies/change.md:10 (POL-CHG-01): version 1.0 was approved in commit {sha[:7]} "
            "(2026-02-01) with no Approved-by trailer as evidence of approval by SMS Steering Group",
        )
    ]
    assert site.check().returncode == 1


def test_a_trailer_on_the_no_ff_merge_that_brought_the_approval_in(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "trailer", "approvers": STEERING})
    git(site.root, "switch", "-q", "-c", "approve-change-policy")
    approve(site, "Approve the change policy 1.0")
    git(site.root, "switch", "-q", "main")
    site.write("index.md", "# Home\n\nMeanwhile on main.\n")
    commit(site.root, "Home page", date="2026-02-02")
    git(site.root, "merge", "-q", "--no-ff", "approve-change-policy", "-m", f"Merge pull request #7\n\nApproved-by: {BOB}",
        author=BOB, date="2026-02-03")  # fmt: skip
    merge = git(site.root, "rev-parse", "HEAD")
    document, findings = of_policy(site.check_json())
    assert document["approval_evidence"] == f"trailer in merge {merge[:7]} by Bob Boss on 2026-02-03"
    assert findings == []


def test_sms207_when_the_evidence_names_someone_who_may_not_approve_the_type(tmp_path: Path) -> None:
    rules = {"evidence": "trailer", "approvers": STEERING, "types": {"policy": ["SMS Steering Group"]}}
    site = handbook(tmp_path / "repo", rules)
    approve(site, "Approve\n\nApproved-by: Sue Owner <SUE@example.org>")
    _, findings = of_policy(site.check_json())
    assert [(code, severity) for code, severity, _ in findings] == [("SMS207", "error")]
    assert "names sue@example.org, who may not approve a policy: its approvers are SMS Steering Group" in findings[0][2]
    assert site.check().returncode == 1


def test_sms208_when_the_only_approver_wrote_the_change(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "trailer"})
    approve(site, "Approve my own policy\n\nApproved-by: Ann Author <ann@example.org>")
    _, findings = of_policy(site.check_json())
    assert [(code, severity) for code, severity, _ in findings] == [("SMS208", "warning")]
    assert "the only approver, ann@example.org, is an author of the approved change" in findings[0][2]
    # A second approver is segregation of duties.
    site.write("policies/change.md", policy("1.1", "approved", body="Emergency changes go to the ECAB."))
    commit(site.root, f"Policy 1.1\n\nApproved-by: Ann Author <ann@example.org>\nApproved-by: {BOB}", date="2026-03-01")
    document, findings = of_policy(site.check_json())
    assert findings == []
    assert document["approval_evidence"].endswith("by Ann Author, Bob Boss on 2026-03-01")


def ssh_signing(repo: Path, keys: Path, principal: str) -> None:
    """Sign with a new ed25519 key of ``principal``, trusted through the repository's allowedSignersFile."""
    key = keys / principal.split("@")[0]
    subprocess.run([SSH_KEYGEN or "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", principal, "-f", str(key)],
                   check=True, capture_output=True)  # fmt: skip
    allowed = keys / "allowed_signers"
    allowed.write_text(f"{principal} {key.with_suffix('.pub').read_text()}", "utf-8")
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(key))
    git(repo, "config", "gpg.ssh.allowedSignersFile", str(allowed))


@needs_ssh_keygen
def test_an_ssh_signed_approval_commit_by_the_approver(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "signature", "approvers": STEERING})
    ssh_signing(site.root, tmp_path, "bob@example.org")
    # Ann wrote the text (committed for review above); Bob signs the commit that approves it.
    sha = approve(site, "Approve the change policy 1.0", author=BOB)
    git(site.root, "-c", "commit.gpgsign=true", "commit", "-q", "--amend", "--no-edit", "-S", author=BOB)
    sha = git(site.root, "rev-parse", "HEAD")
    document, findings = of_policy(site.check_json())
    assert document["approval_evidence"] == f"signed commit {sha[:7]} by bob@example.org on 2026-02-01"
    assert findings == []
    # Without the allowed signers the signature cannot be checked: no evidence.
    git(site.root, "config", "--unset", "gpg.ssh.allowedSignersFile")
    document, findings = of_policy(site.check_json())
    assert document["approval_evidence"] == "none"
    assert [code for code, _, _ in findings] == ["SMS206"]


@needs_ssh_keygen
def test_a_signed_approval_tag(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "any", "approvers": STEERING})
    approve(site, "Approve the change policy 1.0")
    ssh_signing(site.root, tmp_path, "bob@example.org")
    git(site.root, "tag", "-s", "approve/POL-CHG-01/1.0", "-m", "Approved by the SMS Steering Group", author=BOB,
        date="2026-02-05")  # fmt: skip
    # An unsigned tag of another document is no evidence.
    git(site.root, "tag", "-a", "approve/PLN-AUD-01/1.0", "-m", "not signed")
    data = site.check_json()
    document, findings = of_policy(data)
    assert document["approval_evidence"] == "signed tag approve/POL-CHG-01/1.0 by bob@example.org on 2026-02-05"
    assert findings == []
    assert next(d for d in data["documents"] if d["id"] == "PLN-AUD-01")["approval_evidence"] == "none"


@needs_ssh_keygen
def test_a_signed_tag_on_an_earlier_draft_of_the_same_version_is_no_evidence(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "signature", "approvers": STEERING})
    draft = git(site.root, "rev-parse", "HEAD")
    ssh_signing(site.root, tmp_path, "bob@example.org")
    # Bob signs the text put up for review; the text then changes before version 1.0 is marked approved.
    git(site.root, "tag", "-s", "approve/POL-CHG-01/1.0", "-m", "Approved", draft, author=BOB)
    site.write("policies/change.md", policy("1.0", "approved", body="Changes are approved by whoever asks."))
    commit(site.root, "Approve the change policy 1.0", date="2026-02-02")
    document, findings = of_policy(site.check_json())
    assert document["approval_evidence"] == "none"
    assert [code for code, _, _ in findings] == ["SMS206"]
    # Signed again on the approval commit, the tag is evidence.
    git(site.root, "tag", "-f", "-s", "approve/POL-CHG-01/1.0", "-m", "Approved", author=BOB, date="2026-02-03")
    document, findings = of_policy(site.check_json())
    assert document["approval_evidence"] == "signed tag approve/POL-CHG-01/1.0 by bob@example.org on 2026-02-03"
    assert findings == []


GPG = shutil.which("gpg")
needs_gpg = pytest.mark.skipif(GPG is None and not os.environ.get("CI"), reason="gpg (gnupg) is not installed")


@needs_gpg
def test_a_gpg_signed_approval_commit_and_tag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # gpg-agent's socket path must be short: a home of its own under /tmp rather than the test's folder.
    home = Path(tempfile.mkdtemp(prefix="gpg-", dir="/tmp"))
    home.chmod(0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    try:
        subprocess.run([GPG or "gpg", "--batch", "--passphrase", "", "--quick-gen-key", BOB, "ed25519", "sign", "never"],
                       check=True, capture_output=True)  # fmt: skip
        site = handbook(tmp_path / "repo", {"evidence": "signature", "approvers": STEERING})
        git(site.root, "config", "gpg.format", "openpgp")
        git(site.root, "config", "user.signingkey", "bob@example.org")
        approve(site, "Approve the change policy 1.0", author=BOB)
        git(site.root, "commit", "-q", "--amend", "--no-edit", "-S", author=BOB)
        sha = git(site.root, "rev-parse", "HEAD")
        document, findings = of_policy(site.check_json())
        assert document["approval_evidence"] == f"signed commit {sha[:7]} by Bob Boss on 2026-02-01"
        assert findings == []
        # The same key signing the approval tag of a commit that is not signed.
        git(site.root, "commit", "-q", "--amend", "--no-edit", "--no-gpg-sign", author=BOB)
        document, findings = of_policy(site.check_json())
        assert [code for code, _, _ in findings] == ["SMS206"]
        git(site.root, "tag", "-s", "approve/POL-CHG-01/1.0", "-m", "Approved", author=BOB, date="2026-02-04")
        document, findings = of_policy(site.check_json())
        assert document["approval_evidence"] == "signed tag approve/POL-CHG-01/1.0 by Bob Boss on 2026-02-04"
        assert findings == []
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def test_the_panel_and_the_register_show_the_evidence_and_export_carries_it(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "trailer"})
    sha = approve(site, f"Approve\n\nApproved-by: {BOB}")
    result = run_build(site.config_file)
    assert result.ok, result.error
    evidence = f"trailer in commit {sha[:7]} by Bob Boss on 2026-02-01"
    page = site.site_file("policies/change/index.html")
    assert "<dt>Approval evidence</dt>" in page and evidence in page
    register = site.site_file("sms/register/index.html")
    assert "<th>Approval evidence</th>" in register and evidence in register
    assert any("SMS206" in message and "PLN-AUD-01" in message for message in result.plugin_warnings())
    out = tmp_path / "register.csv"
    assert site.cli("export", "--table", "register", "--output", str(out)).returncode == 0
    header, *rows = out.read_text("utf-8").splitlines()
    # The acknowledgement column follows; without the 'acknowledge' option it is empty.
    assert header.endswith(",approval_evidence,acknowledgement")
    assert next(row for row in rows if row.startswith("POL-CHG-01,")).endswith(f",{evidence},")


def test_an_approvers_file_and_unusable_settings(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "trailer", "approvers": "APPROVERS"})
    (site.root / "APPROVERS").write_text("# role, then emails\nSMS Steering Group  bob@example.org\n", "utf-8")
    approve(site, "Approve\n\nApproved-by: Sue Owner <sue@example.org>")
    _, findings = of_policy(site.check_json())
    assert [code for code, _, _ in findings] == ["SMS207"]
    (site.root / "APPROVERS").write_text("SMS Steering Group\n", "utf-8")
    result = site.check()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (
        "approvers file APPROVERS" in result.stderr and "line 1 must be a role followed by its emails" in result.stderr
    )
    site.set_options({"history": True, "approvals": {"evidence": "always"}})
    result = site.check()
    assert (
        result.returncode == 2 and "'evidence': 'always' is not one of none, trailer, signature, any" in result.stderr
    )


def test_without_approvals_configured_nothing_changes(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "none"})
    approve(site, "Approve")
    data = site.check_json()
    assert not [f for f in data["findings"] if f["code"] in ("SMS206", "SMS207", "SMS208")]
    assert {d["approval_evidence"] for d in data["documents"]} == {None}


def test_the_example_handbook_stays_clean_by_default() -> None:
    result = run_cli("check", "--format", "json", "-f", str(ROOT / "mkdocs.yml"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert '"SMS206"' not in result.stdout and '"approval_evidence": null' in result.stdout


def test_the_ci_recipe_writes_trailers_that_evidence_the_merge(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "trailer", "approvers": STEERING})
    git(site.root, "switch", "-q", "-c", "pr-7")
    approve(site, "Approve the change policy 1.0")
    git(site.root, "switch", "-q", "main")
    message = tmp_path / "message"
    message.write_text("Merge pull request #7 from pr-7\n\nApprove the change policy\n", "utf-8")
    script = ROOT / "examples/ci/approved-by-trailers.sh"
    people = f"{BOB}\n\n{BOB}\nSue Owner <sue@example.org>\n"
    result = subprocess.run(["sh", str(script), "add", str(message)], input=people, text=True, capture_output=True,
                            cwd=site.root, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert message.read_text("utf-8").endswith(f"\n\nApproved-by: {BOB}\nApproved-by: Sue Owner <sue@example.org>\n")
    git(site.root, "merge", "-q", "--no-ff", "--file", str(message), "pr-7", author=BOB, date="2026-02-03")
    document, findings = of_policy(site.check_json())
    assert document["approval_evidence"].startswith("trailer in merge ")
    assert document["approval_evidence"].endswith(" by Bob Boss, Sue Owner on 2026-02-03")
    # Sue is a service owner, not of the steering group named as approver.
    assert [code for code, _, _ in findings] == ["SMS207"]
    bad = subprocess.run(["sh", str(script), "add", str(message)], input="just a name\n", text=True,
                         capture_output=True, cwd=site.root, check=False)  # fmt: skip
    assert bad.returncode == 2 and "'just a name' is not 'Name <email>'" in bad.stderr


def test_an_audience_build_publishes_the_evidence_of_its_documents_only(tmp_path: Path) -> None:
    site = handbook(tmp_path / "repo", {"evidence": "trailer"})
    site.write(
        "policies/change.md",
        policy("1.0", "approved").replace("type: policy\n", "type: policy\nclassification: public\n"),
    )
    sha = commit(site.root, f"Approve\n\nApproved-by: {BOB}")
    write_config(site.root, {"history": True, "audience": "public", "approvals": {"evidence": "trailer"}})
    result = run_build(site.config_file)
    assert result.ok, result.error
    data = json.loads(site.site_file("sms.json"))
    assert [(d["id"], d["approval_evidence"]) for d in data["documents"]] == [
        ("POL-CHG-01", f"trailer in commit {sha[:7]} by Bob Boss on 2026-02-01")
    ]
    assert not [f for f in data["findings"] if f["code"] == "SMS206"]
