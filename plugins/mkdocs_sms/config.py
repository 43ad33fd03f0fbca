"""The typed configuration of the ``sms`` plugin in ``mkdocs.yml``, made from :data:`mkdocs_sms.options.OPTIONS`.

MkDocs checks the types; :meth:`mkdocs_sms.settings.Settings.from_options` then checks the meaning,
exactly as the command line does.
"""

from __future__ import annotations

import copy

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption

from mkdocs_sms.options import OPTIONS, Option


def _config_option(option: Option) -> BaseConfigOption:  # type: ignore[type-arg]
    """The MkDocs config option that accepts what ``option`` accepts."""
    if option.types == (list,):
        return c.ListOfItems(c.Type(str), default=copy.deepcopy(option.default))
    accepted = option.types[0] if len(option.types) == 1 else option.types
    if option.optional:
        return c.Optional(c.Type(accepted))
    return c.Type(accepted, default=copy.deepcopy(option.default))


class SmsConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of the ``sms`` plugin: ``enabled`` and one entry per row of the options table."""

    enabled = c.Type(bool, default=True)
    # MkDocs reads the schema from the class namespace when the class is made.
    vars().update({option.name: _config_option(option) for option in OPTIONS})
