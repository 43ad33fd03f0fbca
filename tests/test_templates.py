"""A site replaces the plugin's HTML fragments the way it overrides Material's templates: a file
``sms/<fragment>.html`` in the theme's ``custom_dir`` is used instead of the shipped one."""

from __future__ import annotations

from typing import Any

from conftest import complete_mini


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


def test_without_overrides_the_shipped_fragments_are_used(make_site: Any) -> None:
    site = make_site(complete_mini())
    assert site.build(strict=True).ok
    assert "sms-panel" in site.site_file("policies/change/index.html")
    assert 'id="doc-' in site.site_file("sms/register/index.html")
