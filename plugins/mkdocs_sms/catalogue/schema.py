"""A JSON Schema of catalogue files, for editors, from the same key lists and choices the reader uses.

The reader (:mod:`mkdocs_sms.catalogue.parse`) stays the authority: it also checks what a schema cannot
say well (a clause listed twice, an audit clause the catalogue does not have, a max_age on a document
row). A test holds the two to agreeing on what a schema can say.
"""

from __future__ import annotations

from typing import Any

from mkdocs_sms.catalogue.model import (
    AUDIT_BLOCK_KEYS,
    BASES,
    CATALOGUE_KEYS,
    CLAUSE_KEYS,
    CLAUSE_NUMBER,
    KINDS,
    LEVELS,
    REQUIREMENT_KEYS,
    REVIEW_INPUT_KEY,
    REVIEW_INPUTS_KEY,
)
from mkdocs_sms.model.dates import INTERVAL_PATTERN
from mkdocs_sms.translation import ENGLISH, LANGUAGES

_TEXT = {"type": "string", "pattern": r"\S"}
_NUMBER = {"type": "string", "pattern": CLAUSE_NUMBER.pattern}
_TEXTS = {"type": "array", "items": {"type": ["string", "number"]}}
_INTERVAL = {"type": "string", "pattern": INTERVAL_PATTERN}
# A title or a row's name: text, or the text per language with English among them.
_TITLE = {
    "anyOf": [
        _TEXT,
        {
            "type": "object",
            "required": [ENGLISH],
            "additionalProperties": False,
            "properties": {language: _TEXT for language in LANGUAGES},
        },
    ]
}

_DESCRIPTIONS = {
    "catalogue": "Name of the catalogue, used in findings and in qualified clause references (name:number).",
    "title": "Title shown on the pages: text, or the text per language ({en: ..., de: ..., fr: ...}).",
    "description": "What the catalogue covers.",
    "source": "The standard or document the rows come from.",
    "audit": (
        "The clauses the audit page reads (internal_audit, management_review, nonconformity, operation and the "
        "stage 1 pack: scope, policy, plan, service_catalogue) and the management review's review_inputs; {} when "
        "the catalogue has none."
    ),
    "clauses": "Every clause, headings included, in order.",
    "clause": "Clause number or code: letters and digits joined by dots or dashes, written in quotes.",
    "activities": "What the organisation does to meet the clause, one line each.",
    "explanation": "Why the clause exists and what an auditor looks for.",
    "references": "Related standards, by number and title.",
    "interfaces": "Clauses this one exchanges inputs and outputs with.",
    "requirements": "The documented information the clause asks for, one row each.",
    "kind": "document (maintained) or record (retained evidence).",
    "types": "Document types that can meet the row.",
    "name": "Short label of the documented information: text, or the text per language ({en: ..., de: ...}).",
    "requirement": "One sentence saying what must exist.",
    "guidance": "Advice for the author filling the gap.",
    "basis": "explicit (the clause asks for it), derived (expected through 7.5.4) or recommended.",
    "required": "false: shown, never a finding (default true, false for recommended rows).",
    "max_age": "Record rows: evidence older than this is stale, e.g. '12 months'.",
    "level": "Maturity level (1, 2 or 3) from which the row is due.",
}


def _described(key: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "description": _DESCRIPTIONS[key]}


def catalogue_schema(types: tuple[str, ...]) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a catalogue file whose rows may name ``types``."""
    requirement_properties: dict[str, dict[str, Any]] = {
        "kind": {"enum": list(KINDS)},
        "types": {"type": "array", "minItems": 1, "items": {"enum": list(types)}},
        "name": _TITLE,
        "requirement": {"type": "string"},
        "guidance": {"type": "string"},
        "basis": {"enum": list(BASES)},
        "required": {"type": "boolean"},
        "max_age": _INTERVAL,
        "level": {"enum": list(LEVELS)},
    }
    requirement = {
        "type": "object",
        "required": ["kind", "types", "name"],
        "additionalProperties": False,
        "properties": {key: _described(key, requirement_properties[key]) for key in REQUIREMENT_KEYS},
        # Evidence ages; a maintained document is reviewed instead.
        "if": {"properties": {"kind": {"const": "document"}}, "required": ["kind"]},
        "then": {"not": {"required": ["max_age"]}},
    }
    clause_properties: dict[str, dict[str, Any]] = {
        "clause": {"anyOf": [_NUMBER, {"type": "integer"}]},
        "title": _TITLE,
        "activities": {
            "type": "array",
            "items": {
                "anyOf": [
                    {"type": ["string", "number"]},
                    {
                        "type": "object",
                        "required": ["text"],
                        "additionalProperties": False,
                        "properties": {"text": {"type": ["string", "number"]}, "level": {"enum": list(LEVELS)}},
                    },
                ]
            },
        },
        "explanation": {"type": "string"},
        "references": _TEXTS,
        "interfaces": _TEXTS,
        "requirements": {"type": "array", "items": {"$ref": "#/$defs/requirement"}},
    }
    clause = {
        "type": "object",
        "required": ["clause", "title"],
        "additionalProperties": False,
        "properties": {key: _described(key, clause_properties[key]) for key in CLAUSE_KEYS},
    }
    top_properties: dict[str, dict[str, Any]] = {
        "catalogue": _TEXT,
        "title": _TITLE,
        "description": {"type": "string"},
        "source": {"type": "string"},
        "audit": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                key: (
                    {
                        "type": "object",
                        "minProperties": 1,
                        "propertyNames": {"pattern": REVIEW_INPUT_KEY.pattern},
                        "additionalProperties": _TEXT,
                    }
                    if key == REVIEW_INPUTS_KEY
                    else {"anyOf": [_NUMBER, {"type": "integer"}]}
                )
                for key in AUDIT_BLOCK_KEYS
            },
        },
        "clauses": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/clause"}},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "mkdocs-sms requirement catalogue",
        "description": "A catalogue of clauses and the documented information they require (mkdocs-sms).",
        "type": "object",
        "required": ["catalogue", "title", "clauses"],
        "additionalProperties": False,
        "properties": {key: _described(key, top_properties[key]) for key in CATALOGUE_KEYS},
        "$defs": {"clause": clause, "requirement": requirement},
    }
