"""A site replaces the plugin's HTML fragments the way it overrides Material's templates: a file
``sms/<fragment>.html`` in the theme's ``custom_dir`` is used instead of the shipped one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jinja2.bccache import bc_magic

from conftest import approved, complete_mini


def test_custom_dir_fragments_replace_the_panel_and_the_register_row(make_site: Any) -> None:
    site = make_site(
        complete_mini(), theme={"name": "material", "features": ["navigation.prune"], "custom_dir": "overrides"}
    )
    overrides = site.root / "overrides" / "sms"
    overrides.mkdir(parents=True)
    (overrides / "panel.html").write_text('<aside class="our-panel">Owned by {{ doc.owner }}</aside>\n')
    (overrides / "register_row.html").write_text('<tr class="our-row"><td>{{ doc.id }} / {{ doc.title }}</td></tr>\n')
    build = site.build(strict=True)
    assert build.ok, build.messages

    policy = site.site_file("policies/change/index.html")
    assert '<aside class="our-panel">Owned by Owner</aside>' in policy
    assert "sms-panel" not in policy  # the shipped panel is not rendered as well
    register = site.site_file("sms/register/index.html")
    documents = site.check_json()["documents"]
    assert documents
    for doc in documents:
        assert f'<tr class="our-row"><td>{doc["id"]} / {doc["title"]}</td></tr>' in register
    assert 'id="doc-' not in register  # every row came from the override
    assert "<th>Classification</th>" in register  # the rest of the register is the shipped one


def test_override_fragments_written_with_the_macros_render_what_the_shipped_ones_do(make_site: Any) -> None:
    """An override written against ``_macros.html`` (``m.badge``, ``m.date``, ``m.doc_link``,
    ``m.doc_named``) gets the same badge, date and link markup the shipped register and panel show."""
    theme = {"name": "material", "features": ["navigation.prune"], "custom_dir": "overrides"}
    pages = {**complete_mini(), "plans/audit.md": approved("PLN-AUD-01", "plan", ["9.2"], related=["POL-CHG-01"])}
    shipped = make_site(pages, theme=theme)
    (shipped.root / "overrides").mkdir()  # and no sms/ fragment in it
    assert shipped.build(strict=True).ok
    site = make_site(pages, theme=theme)
    overrides = site.root / "overrides" / "sms"
    overrides.mkdir(parents=True)
    (overrides / "register_row.html").write_text(
        '<tr class="our-row"><td>{{ m.doc_link(doc, links) }}</td><td>{{ m.badge(doc.status) }}</td>'
        "<td>{{ m.date(doc.next_review) }}</td></tr>\n"
    )
    (overrides / "panel.html").write_text(
        '<aside class="our-panel">{% for ref in doc.related %}{{ m.doc_named(by_id[ref], links) }};'
        "{% endfor %}</aside>\n"
    )
    assert site.build(strict=True).ok

    register, shipped_register = site.site_file("sms/register/index.html"), shipped.site_file("sms/register/index.html")
    rows = re.findall(r'<tr class="our-row"><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>', register)
    assert len(rows) == len(site.check_json()["documents"]) > 1
    for link, badge, date in rows:
        doc_id = re.sub(r"<[^>]+>", "", link)
        shipped_row = shipped_register.split(f'<tr id="doc-{doc_id}"', 1)[1].split("</tr>", 1)[0]
        assert link.startswith("<a href=") and f"<td>{link}</td>" in shipped_row
        assert badge.startswith('<span class="sms-badge') and f"<td>{badge}</td>" in shipped_row
        assert f">{date}</td>" in shipped_row

    named = re.search(r'<aside class="our-panel">(.*?);</aside>', site.site_file("plans/audit/index.html"))
    assert named is not None
    assert named.group(1) == '<a href="../../policies/change/" title="Document POL-CHG-01">POL-CHG-01</a> ' + (
        '<span class="sms-doc-title">Document POL-CHG-01</span>'
    )
    assert named.group(1) in shipped.site_file("plans/audit/index.html")


def test_without_overrides_the_shipped_fragments_are_used(make_site: Any) -> None:
    site = make_site(complete_mini())
    assert site.build(strict=True).ok
    assert "sms-panel" in site.site_file("policies/change/index.html")
    assert 'id="doc-' in site.site_file("sms/register/index.html")


def _build_process(site: Any, temporary: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` of ``site`` in a process of its own, with ``temporary`` as its temporary folder."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site.config_file)],
        cwd=site.root,
        env={**os.environ, "TMPDIR": str(temporary)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_templates_compiled_once_are_reused_and_an_edited_override_is_compiled_again(
    make_site: Any, tmp_path: Path
) -> None:
    site = make_site(
        complete_mini(), theme={"name": "material", "features": ["navigation.prune"], "custom_dir": "overrides"}
    )
    overrides = site.root / "overrides" / "sms"
    overrides.mkdir(parents=True)
    (overrides / "panel.html").write_text('<aside class="our-panel">First: {{ doc.owner }}</aside>\n')
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    assert _build_process(site, temporary).returncode == 0
    (folder,) = temporary.glob("_jinja2-cache-*")
    compiled = sorted(folder.glob("__mkdocs_sms_*.cache"))
    assert len(compiled) > 5  # the shipped fragments and the override
    written = {file: file.stat().st_mtime_ns for file in compiled}
    (overrides / "panel.html").write_text('<aside class="our-panel">Second: {{ doc.owner }}</aside>\n')
    assert _build_process(site, temporary).returncode == 0
    # Only the edited override was compiled again; every other fragment's code was read as it was.
    rewritten = [file for file in compiled if file.stat().st_mtime_ns != written[file]]
    assert len(rewritten) == 1
    assert '<aside class="our-panel">Second: Owner</aside>' in site.site_file("policies/change/index.html")
    assert 'id="doc-' in site.site_file("sms/register/index.html")  # the shipped row, from its compiled code


def test_a_template_folder_that_is_not_safe_to_use_is_left_alone(make_site: Any, tmp_path: Path) -> None:
    site = make_site(complete_mini())
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    # Where Jinja's folder would be, a file: nothing is kept, and the build is the same.
    (temporary / f"_jinja2-cache-{os.getuid()}").write_text("not a folder\n")
    result = _build_process(site, temporary)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert 'id="doc-' in site.site_file("sms/register/index.html")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: bc_magic + b"\x80\x05 not a pickle", id="damaged after a good header"),
        pytest.param(lambda raw: b"\x00\xff" * 40, id="garbage"),
    ],
)
def test_damaged_compiled_templates_are_compiled_again(make_site: Any, tmp_path: Path, damage: Any) -> None:
    site = make_site(complete_mini())
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    assert _build_process(site, temporary).returncode == 0
    expected = site.site_file("sms/register/index.html")
    compiled = sorted(temporary.glob("_jinja2-cache-*/__mkdocs_sms_*.cache"))
    assert compiled
    for file in compiled:
        file.write_bytes(damage(file.read_bytes()))
    result = _build_process(site, temporary)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert site.site_file("sms/register/index.html") == expected
