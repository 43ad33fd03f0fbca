"""Python's cycle collector while a handbook is read and built: held off while reading, the objects read set
aside while MkDocs renders the pages, and everything as it was once a check or a build is over, whatever
happened (a `mkdocs serve`, or a program that runs checks, keeps collecting)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

from conftest import approved, complete_mini
from mkdocs_sms import load

# A hook that notes, for every page MkDocs renders, whether objects were set aside then.
HOOK = """
import gc
SEEN = []

def on_page_context(context, page, config, nav):
    SEEN.append(gc.get_freeze_count())
    return context
"""


def _watch_analysis(monkeypatch: Any) -> list[bool]:
    """Whether the collector was on each time a handbook was analysed."""
    seen: list[bool] = []
    analyse = load.analyse

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return analyse(*args, **kwargs)

    monkeypatch.setattr(load, "analyse", watched)
    return seen


def test_the_collector_is_held_off_only_while_a_handbook_is_read(make_site: Any, monkeypatch: Any) -> None:
    seen = _watch_analysis(monkeypatch)
    site = make_site(complete_mini())
    assert site.check().returncode == 0 and gc.isenabled()
    assert site.build().ok and gc.isenabled()
    site.config_file.write_text("site_name: [unclosed\n")
    assert site.check().returncode == 2 and gc.isenabled()
    assert seen == [False, False]
    # A program that had the collector off finds it off.
    gc.disable()
    try:
        make_site(complete_mini()).check()
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False, False]


def test_what_a_build_read_is_set_aside_while_pages_are_rendered_and_given_back(make_site: Any, tmp_path: Path) -> None:
    hook = tmp_path / "watch_hook.py"
    hook.write_text(HOOK)
    pages = {**complete_mini(), "policies/extra.md": approved("POL-X", "policy", ["5.2"])}
    site = make_site(pages, hooks=[str(hook)])
    assert gc.get_freeze_count() == 0
    result = site.build()
    assert result.ok, result.error
    seen = _hook_seen(hook)
    assert seen and all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    # A build that fails after the pages were read gives them back too (strict mode, a broken link).
    site.write("policies/broken.md", approved("POL-B", "policy", ["5.2"]) + "\n[gone](missing.md)\n")
    failed = site.build(strict=True)
    assert not failed.ok and "strict" in (failed.error or "")
    assert _hook_seen(hook) and gc.get_freeze_count() == 0
    # What something else in the process set aside is left as it is, and not given back by the build.
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        site.write("policies/broken.md", approved("POL-B", "policy", ["5.2"]))
        assert site.build().ok
        # Objects set aside can still be freed, so the count may fall; it never grows.
        assert 0 < gc.get_freeze_count() <= before and max(_hook_seen(hook)) <= before
    finally:
        gc.unfreeze()


def _hook_seen(hook: Path) -> list[int]:
    """The freeze counts the hook noted in the last build (MkDocs loads a hook anew for each build, as a
    module named by the path written in mkdocs.yml)."""
    return list(sys.modules[str(hook)].SEEN)
