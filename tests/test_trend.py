"""The trend over tagged editions on the implementation page and in sms.json, on real git repositories."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from conftest import Site, approved, write_config
from test_history import GIT, commit_all, git
from test_implementation import PHASED, complete

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"


def nc(state: str) -> str:
    """The nonconformity record REC-NC-2026-01 of clause 10.1, raised on 2026-06-01, in ``state``."""
    extra: dict[str, Any] = {"state": state, "grade": "minor", "due": "2026-09-30"}
    if state == "closed":
        extra["effectiveness"] = "No repeat in the three months after the fix."
    return approved("REC-NC-2026-01", "record", ["10.1"], date="2026-06-01", **extra)


def make_repo(root: Path, options: dict[str, Any] | None = None) -> Site:
    site = Site(root)
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_config(root, {"catalogues": [PHASED], "history": True, **(options or {})})
    return site


@pytest.fixture
def editions(tmp_path: Path) -> Site:
    """Three tagged editions, coverage rising; a nonconformity opened in the second, closed in the third.
    The working tree adds the last missing record."""
    pages = complete()
    site = make_repo(tmp_path / "repo")
    for path in ("index.md", "plans/scope.md", "policies/sms.md"):
        site.write(path, pages[path])
    commit_all(site.root, "Foundation", "2026-04-01")
    git(site.root, "tag", "2026.1")
    for path in ("processes/incident.md", "plans/audit.md", "records/audit.md"):
        site.write(path, pages[path])
    site.write("records/nc.md", nc("open"))
    commit_all(site.root, "Processes; a nonconformity raised", "2026-06-15")
    git(site.root, "tag", "-a", "2026.2", "-m", "Edition 2026.2")  # an annotated tag counts as well
    site.write("records/review.md", pages["records/review.md"])
    site.write("records/nc.md", nc("closed"))
    commit_all(site.root, "Management review; the nonconformity closed", "2026-10-01")
    git(site.root, "tag", "2026.3")
    site.write("records/incident-trends.md", pages["records/incident-trends.md"])
    return site


def series(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    keys = ("tag", "date", "covered", "total", "errors", "warnings", "open_nonconformities")
    return [tuple(point[key] for key in keys) for point in data["trend"]["points"]]


def trend_section(site: Site) -> str:
    html = site.site_file("sms/implementation/index.html")
    return html.split('id="trend-over-the-tagged-editions"', 1)[1].split("<h2", 1)[0]


def test_the_trend_follows_coverage_findings_and_nonconformities_over_the_tags(editions: Site) -> None:
    result = editions.build(strict=True)
    assert result.ok, result.messages
    data = json.loads(editions.site_file("sms.json"))
    assert data["trend"]["catalogue"] == "phased" and data["trend"]["unavailable"] is None
    # Each edition as checked on the date of its commit: the missing rows are its errors (SMS101).
    assert series(data) == [
        ("2026.1", "2026-04-01", 2, 8, 6, 0, 0),
        ("2026.2", "2026-06-15", 6, 8, 2, 0, 1),
        ("2026.3", "2026-10-01", 7, 8, 1, 0, 0),
        (None, "2026-11-29", 8, 8, 0, 0, 0),
    ]
    commits = [point["commit"] for point in data["trend"]["points"]]
    assert commits[0] == git(editions.root, "rev-parse", "2026.1") and commits[1] == git(
        editions.root, "rev-parse", "2026.2^{commit}"
    )
    assert commits[-1] is None
    # `check` reads no tags: it stays as fast as it was.
    assert "trend" not in editions.check_json()

    section = trend_section(editions)
    (svg,) = [ET.fromstring(s) for s in re.findall(r'<svg class="sms-svg sms-trend".*?</svg>', section, re.S)]
    assert svg.get("role") == "img"
    assert "coverage of A catalogue for implementation tests," in (svg.findtext(f"{SVG}title") or "")
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert {"2026.1", "2026.2", "2026.3", "now", "25%", "75%", "88%", "100%"} <= set(labels)
    assert "Open nonconformities (0 now)" in labels
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", section, re.S)
    assert rows == [
        ("<code>2026.1</code>", "2026-04-01", "2 of 8 (25%)"),
        ("<code>2026.2</code>", "2026-06-15", "6 of 8 (75%)"),
        ("<code>2026.3</code>", "2026-10-01", "7 of 8 (88%)"),
        ("<strong>now</strong> (this build)", "2026-11-29", "8 of 8 (100%)"),
    ]


def test_which_tags_and_how_many_are_configurable(editions: Site) -> None:
    git(editions.root, "tag", "v1", "2026.1")
    git(editions.root, "tag", "v2", "2026.3")
    write_config(editions.root, {"catalogues": [PHASED], "history": True, "trend_tags": "v*"})
    assert editions.build().ok
    assert [p["tag"] for p in json.loads(editions.site_file("sms.json"))["trend"]["points"]] == ["v1", "v2", None]
    write_config(editions.root, {"catalogues": [PHASED], "history": True, "trend_limit": 2})
    assert editions.build().ok
    tags = [p["tag"] for p in json.loads(editions.site_file("sms.json"))["trend"]["points"]]
    assert tags == ["2026.3", "v2", None] or tags == ["v2", "2026.3", None]  # the same commit, the same date
    write_config(editions.root, {"catalogues": [PHASED], "history": True, "trend_limit": 0})
    assert editions.build().ok
    assert "No trend can be drawn: it is turned off for this handbook." in trend_section(editions)
    write_config(editions.root, {"catalogues": [PHASED], "history": True, "trend_limit": -1})
    result = editions.check()
    assert result.returncode == 2 and "option 'trend_limit' must be a whole number" in result.stderr


def _says_why(site: Site, reason: str) -> None:
    result = site.build()
    assert result.ok, result.messages
    section = trend_section(site)
    assert f"No trend can be drawn: {escape(reason)}." in section
    assert "<svg" not in section and "<table" not in section
    trend = json.loads(site.site_file("sms.json"))["trend"]
    assert trend["points"] == [] and trend["unavailable"] == reason


def test_without_tags_the_page_says_so(tmp_path: Path) -> None:
    site = make_repo(tmp_path / "repo")
    for path, page in complete().items():
        site.write(path, page)
    commit_all(site.root, "Handbook", "2026-04-01")
    _says_why(site, "no tag is reachable from HEAD")
    git(site.root, "tag", "2026.1")
    write_config(site.root, {"catalogues": [PHASED], "history": True, "trend_tags": "v*"})
    _says_why(site, "no tag matching 'v*' is reachable from HEAD")


def test_a_shallow_clone_has_no_trend(editions: Site, tmp_path: Path) -> None:
    commit_all(editions.root, "Incident trends", "2026-11-01")
    clone = tmp_path / "clone"
    subprocess.run(
        [GIT, "clone", "-q", "--depth", "1", f"file://{editions.root}", str(clone)], check=True, capture_output=True
    )
    _says_why(Site(clone), "the repository is a shallow clone, so its history is incomplete; fetch the full history "
              "(GitHub Actions: actions/checkout with fetch-depth: 0; GitLab CI: GIT_DEPTH: 0)")  # fmt: skip


def test_outside_git_or_without_git_there_is_no_trend(tmp_path: Path, monkeypatch: Any) -> None:
    site = Site(tmp_path / "plain")
    site.root.mkdir()
    write_config(site.root, {"catalogues": [PHASED], "history": True})
    for path, page in complete().items():
        site.write(path, page)
    _says_why(site, "docs_dir is not in a git repository")
    write_config(site.root, {"catalogues": [PHASED], "history": False})
    _says_why(site, "this handbook is built without its git history")
    write_config(site.root, {"catalogues": [PHASED], "history": True})
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    _says_why(site, "git is not installed")


def test_a_hostile_tag_name_is_escaped(editions: Site) -> None:
    git(editions.root, "tag", HOSTILE, "2026.2")
    git(editions.root, "tag", 'x"&y', "2026.3")
    assert editions.build().ok
    points = json.loads(editions.site_file("sms.json"))["trend"]["points"]
    assert {HOSTILE, 'x"&y'} <= {p["tag"] for p in points}
    html = editions.site_file("sms/implementation/index.html")
    assert "<script>alert" not in html
    section = trend_section(editions)
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in section
    assert "<code>x&#34;&amp;y</code>" in section
    (svg,) = [ET.fromstring(s) for s in re.findall(r'<svg class="sms-svg sms-trend".*?</svg>', section, re.S)]
    # Well-formed, and shown as text: shortened below its point, whole in the point's title.
    assert HOSTILE[:17] + "…" in [text.text for text in svg.iter(f"{SVG}text")]
    assert f"{HOSTILE}, 2026-06-15" in [title.text for title in svg.iter(f"{SVG}title")]


def test_an_audience_build_shows_counts_only(editions: Site) -> None:
    secret = approved("REC-SEC-01", "record", ["5.2"], date="2026-03-15", classification="confidential")
    editions.write("records/secret.md", secret)
    commit_all(editions.root, "A confidential record", "2026-10-15")
    git(editions.root, "tag", "2026.4")
    write_config(editions.root, {"catalogues": [PHASED], "history": True, "audience": "internal"})
    assert editions.build().ok
    data = json.loads(editions.site_file("sms.json"))
    assert data["withheld"] == 1
    # The confidential record meets no row of its type, so it is an SMS107 warning of the whole SMS,
    # counted at 2026.4 and now, but named nowhere in the trend; nor are commits.
    assert [(p["tag"], p["warnings"]) for p in data["trend"]["points"]][-2:] == [("2026.4", 1), (None, 1)]
    assert all(p["commit"] is None for p in data["trend"]["points"])
    assert "REC-SEC-01" not in json.dumps(data["trend"]) and "REC-SEC-01" not in trend_section(editions)
    assert "REC-SEC-01" not in json.dumps(data)
