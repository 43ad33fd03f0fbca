"""The typed configuration of the ``sms`` plugin in ``mkdocs.yml``.

MkDocs checks the types; :meth:`mkdocs_sms.settings.Settings.from_options` then checks the meaning,
exactly as the command line does.
"""

from __future__ import annotations

import datetime as dt

from mkdocs.config import base
from mkdocs.config import config_options as c

from mkdocs_sms.settings import DEFAULTS


class SmsConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of the ``sms`` plugin. Defaults live in :data:`mkdocs_sms.settings.DEFAULTS`."""

    enabled = c.Type(bool, default=True)

    # Which requirements the handbook must meet.
    catalogues = c.ListOfItems(c.Type(str), default=list(DEFAULTS["catalogues"]))

    # Where the register, coverage matrix and review schedule are generated.
    pages_dir = c.Type(str, default=DEFAULTS["pages_dir"])

    # Document defaults and vocabularies.
    review_interval = c.Type(str, default=DEFAULTS["review_interval"])
    default_classification = c.Type(str, default=DEFAULTS["default_classification"])
    audience = c.Type(str, default=DEFAULTS["audience"])
    types = c.ListOfItems(c.Type(str), default=list(DEFAULTS["types"]))
    classifications = c.ListOfItems(c.Type(str), default=list(DEFAULTS["classifications"]))
    id_pattern = c.Type(str, default=DEFAULTS["id_pattern"])

    # Dates: a fixed 'today' makes builds reproducible; reviews due within this many days are listed.
    today = c.Optional(c.Type((str, dt.date)))
    due_soon_days = c.Type(int, default=DEFAULTS["due_soon_days"])

    # Git history: revision tables and the changed-after-approval check; the address of a commit, with
    # {commit} (default: guessed from repo_url for GitHub, GitLab and Bitbucket).
    history = c.Type(bool, default=True)
    commit_url = c.Optional(c.Type(str))

    # The edition this build publishes (default: $MIKE_DOCS_VERSION), and the git ref the "what changed"
    # page compares with (default: the newest tag before HEAD).
    edition = c.Optional(c.Type((str, int, float)))
    changes_since = c.Optional(c.Type(str))

    # The organisation's templates for `mkdocs-sms new` (the packaged ones fill any gap).
    templates_dir = c.Type(str, default=DEFAULTS["templates_dir"])

    # The implementation plan (ISO/IEC 20000-5): phases with target dates, level names, baseline file.
    implementation = c.Optional(c.Type(dict))

    # Per-code severity overrides, e.g. {SMS007: error, SMS102: ignore}.
    severity = c.Type(dict, default={})
