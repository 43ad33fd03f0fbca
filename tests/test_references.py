"""Links between documents by id: [[ID]] and [[ID|text]], SMS008 for unknown ids, "Referenced by"."""

from __future__ import annotations

import re
from typing import Any

from conftest import approved, complete_mini

BODY = """
See [[POL-CHG-01]] for the rules and [[PLN-AUD-01|the audit plan]] for dates.

Unknown: [[POL-NOPE-01]].

```text
Write [[POL-CHG-01]] to link a document.
```
"""


def _site(make_site: Any, **pages: str) -> Any:
    page = approved("POL-REF-01", "policy", ["5.2"], related=["POL-SMS-01"]).replace("Body.\n", BODY)
    return make_site({**complete_mini(), "refs/page.md": page, **pages})


def test_unknown_id_in_text_is_sms008_with_line(make_site: Any) -> None:
    findings = _site(make_site).check_json()["findings"]
    assert [(f["code"], f["path"], f["line"]) for f in findings] == [("SMS008", "refs/page.md", 19)]
    assert "reference [[POL-NOPE-01]] names no document" in findings[0]["message"]


def test_references_render_as_links_with_titles(make_site: Any) -> None:
    site = _site(make_site)
    result = site.build()
    assert result.ok
    assert any("SMS008 refs/page.md:19" in m for m in result.plugin_warnings())
    html = site.site_file("refs/page/index.html")
    assert '<a href="../../policies/change/">Document POL-CHG-01</a> for the rules' in html
    assert '<a href="../../plans/audit/">the audit plan</a> for dates' in html
    assert "[[POL-NOPE-01]]" in html
    assert "Write [[POL-CHG-01]] to link a document." in html  # code is left alone


def test_links_survive_moving_a_document(make_site: Any) -> None:
    site = _site(make_site)
    moved = site.docs / "policies/change.md"
    target = site.docs / "archive/2026/change.md"
    target.parent.mkdir(parents=True)
    moved.rename(target)
    assert site.build(strict=False).ok
    html = site.site_file("refs/page/index.html")
    assert '<a href="../../archive/2026/change/">Document POL-CHG-01</a>' in html


def test_panel_lists_documents_that_refer_to_it(make_site: Any) -> None:
    site = _site(make_site)
    assert site.build().ok
    change = site.site_file("policies/change/index.html")
    panel = re.search(r'<div class="sms-panel.*?</dl>', change, re.DOTALL)
    assert panel and "<dt>Referenced by</dt>" in panel.group(0)
    assert '<a href="../../refs/page/" title="Document POL-REF-01">POL-REF-01</a>' in panel.group(0)
    sms = site.site_file("policies/sms/index.html")  # named in related: also referenced
    assert "<dt>Referenced by</dt>" in sms and "POL-REF-01" in sms


CODE_BODY = """
Write `[[POL-CHG-01]]` to link a document, or ``[[POL-CHG-01|text]]`` with your own text; [[PLN-AUD-01]] links.

    [[POL-NOPE-01]] in an indented code block

- A list item.

    A paragraph of the item that names [[POL-CHG-01|the change policy]].

!!! note

    An admonition that names [[PLN-AUD-01|the audit plan]].
"""


def test_references_in_inline_and_indented_code_are_left_alone(make_site: Any) -> None:
    page = approved("POL-REF-01", "policy", ["5.2"]).replace("Body.\n", CODE_BODY)
    site = make_site({**complete_mini(), "refs/page.md": page}, markdown_extensions=["admonition"])
    assert site.check_json()["findings"] == []  # [[POL-NOPE-01]] is code, not a reference
    result = site.build(strict=True)
    assert result.ok, result.messages
    html = site.site_file("refs/page/index.html")
    assert "<code>[[POL-CHG-01]]</code>" in html
    assert "<code>[[POL-CHG-01|text]]</code>" in html
    assert "<pre><code>[[POL-NOPE-01]] in an indented code block" in html
    assert '<a href="../../plans/audit/">Document PLN-AUD-01</a> links' in html
    # Indented text inside a list item or an admonition is text, not code: its references are links.
    assert '<a href="../../policies/change/">the change policy</a>' in html
    assert '<a href="../../plans/audit/">the audit plan</a>' in html


def test_an_ordinary_relative_link_counts_as_a_reference(make_site: Any) -> None:
    """Adopted documents link the way Markdown does; those links show under "Referenced by" too, but not
    links in code, to outside addresses, or to pages that are no documents."""
    body = (
        'See the [change policy](../policies/change.md#scope "policy") and the [audit plan][plan].\n\n'
        "    [not this](../policies/sms.md) in an indented code block\n\n"
        "[plan]: ../plans/audit.md\n[home](../index.md) [site](https://example.org/x.md)\n"
    )
    page = approved("PRO-LNK-01", "procedure", [], title="Linking procedure").replace("Body.", body)
    site = make_site({**complete_mini(), "procedures/linking.md": page})
    assert site.build().ok
    panel = _panel_of(site.site_file("policies/change/index.html"))
    assert "<dt>Referenced by</dt>" in panel and "PRO-LNK-01" in panel
    assert "PRO-LNK-01" in _panel_of(site.site_file("plans/audit/index.html"))
    assert "PRO-LNK-01" not in _panel_of(site.site_file("policies/sms/index.html"))  # only in code


def _panel_of(html: str) -> str:
    panel = re.search(r'<div class="sms-panel.*?</dl>', html, re.DOTALL)
    assert panel is not None
    return panel.group(0)


def test_a_link_to_a_withheld_page_is_plain_text_and_sms303(make_site: Any) -> None:
    secret = approved("POL-SEC-01", "policy", [], classification="confidential")
    page = approved("PRO-LNK-01", "procedure", []).replace("Body.", "See [the secret](../policies/secret.md).")
    site = make_site({**complete_mini(), "policies/secret.md": secret, "procedures/linking.md": page},
                     {"audience": "internal"})  # fmt: skip
    found = [f for f in site.check_json()["findings"] if f["code"] == "SMS303"]
    assert [(f["path"], f["line"]) for f in found] == [("procedures/linking.md", 13)]
    assert site.build(strict=False).ok
    html = site.site_file("procedures/linking/index.html")
    assert "the secret" in html and "secret/" not in html
