"""Symbolic links and special files in docs_dir: MkDocs follows links and publishes what they point to;
mkdocs-sms reads nothing from outside docs_dir through them (SMS301) and never waits on a named pipe, and
says so, in the check and in the build alike."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Site, approved, complete_mini

SECRET = "Outside-the-handbook secret title"

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs symbolic links")


def _handbook_with_links(make_site: Any) -> Site:
    """A complete handbook whose docs_dir links to a file, a folder and folder defaults outside it,
    to a page inside it, and to nothing."""
    site: Site = make_site(complete_mini())
    outside = site.root / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.md").write_text(approved("POL-SEC-01", "policy", ["5.2"], title=SECRET), "utf-8")
    (outside / "folder" / "inner.md").write_text(approved("POL-SEC-02", "policy", ["5.2"], title=SECRET), "utf-8")
    (outside / "defaults.yml").write_text(f"owner: {SECRET}\n", "utf-8")
    os.symlink(outside / "secret.md", site.docs / "linked.md")
    os.symlink(Path("..", "outside", "folder"), site.docs / "shared")
    os.symlink(outside / "defaults.yml", site.docs / "plans" / ".meta.yml")
    os.symlink(site.docs / "policies" / "change.md", site.docs / "change-alias.md")
    os.symlink("nowhere.md", site.docs / "broken.md")
    return site


def test_check_does_not_read_outside_docs_dir_and_says_why(make_site: Any) -> None:
    site = _handbook_with_links(make_site)
    result = site.check("--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert SECRET not in result.stdout
    data = json.loads(result.stdout)
    by_path = {f["path"]: f for f in data["findings"] if f["path"]}
    linked, shared, meta = by_path["linked.md"], by_path["shared/inner.md"], by_path["plans/.meta.yml"]
    assert linked["code"] == shared["code"] == meta["code"] == "SMS301"
    assert linked["severity"] == "error"
    assert f"it is a symbolic link to '{site.root / 'outside' / 'secret.md'}', outside docs_dir" in linked["message"]
    assert "MkDocs still publishes it" in linked["message"]
    assert "its folder shared is a symbolic link to '../outside/folder'" in shared["message"]
    assert "the folder defaults are not read" in meta["message"]
    assert by_path["broken.md"]["code"] == "SMS009" and "cannot be read" in by_path["broken.md"]["message"]
    # A link to a page inside docs_dir is read: its document is there twice, as MkDocs publishes it twice.
    assert by_path["policies/change.md"]["code"] == "SMS004"
    assert "already used by change-alias.md" in by_path["policies/change.md"]["message"]
    paths = {d["path"] for d in data["documents"]}
    assert {"linked.md", "shared/inner.md"}.isdisjoint(paths)
    assert "change-alias.md" in paths
    # The folder defaults behind the link are not applied: the plan keeps its own owner.
    assert {d["owner"] for d in data["documents"]} == {"Head of Service Management", "Owner"}


def test_build_reports_the_same_links_and_keeps_outside_content_out_of_the_registers(make_site: Any) -> None:
    site = _handbook_with_links(make_site)
    checked = json.loads(site.check("--format", "json").stdout)["findings"]
    build = site.build()
    assert build.ok, build.error
    # The build logs info findings at INFO: SMS302 says it withholds the plan, whose folder defaults
    # (and so its classification) are unread (SMS304).
    assert sorted(build.plugin_warnings()) == sorted(
        f"mkdocs_sms: {f['message']}" for f in checked if f["severity"] != "info"
    )
    assert any(f["code"] == "SMS304" and f["path"] == "plans/audit.md" for f in checked)
    assert SECRET not in site.site_file("sms.json")
    for page in ("sms/register/index.html", "sms/coverage/index.html"):
        # The navigation lists every page MkDocs publishes; the registers themselves list none of these.
        article = site.site_file(page).split("<article", 1)[1].split("</article>", 1)[0]
        assert "POL-CHG-01" in article or "8.5.1.1" in article
        assert SECRET not in article and "POL-SEC-0" not in article, page
    # MkDocs itself follows the links and publishes the pages: the finding says so, and here it is.
    assert SECRET in site.site_file("linked/index.html")
    assert (site.root / "site" / "shared" / "inner" / "index.html").is_file()
    # The broken link builds as an empty page instead of stopping MkDocs with a traceback.
    assert (site.root / "site" / "broken" / "index.html").is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_reported_not_waited_for(make_site: Any) -> None:
    site: Site = make_site(complete_mini())
    os.mkfifo(site.docs / "pipe.md")  # opening it would wait for a writer for ever
    (finding,) = json.loads(site.check("--format", "json").stdout)["findings"]
    assert (finding["code"], finding["path"]) == ("SMS009", "pipe.md")
    assert "not a regular file" in finding["message"]
    build = site.build()
    assert build.ok, build.error
    assert build.plugin_warnings() == [f"mkdocs_sms: {finding['message']}"]
