"""Hostile and broken input: whatever a page holds, mkdocs-sms reads it without a traceback, in time,
without touching it, and reports every problem as a finding naming the file and the line; whatever
front-matter says, every output (HTML, sms.json, Markdown, GitHub annotations, logs) shows it escaped.

Property-based tests (hypothesis) run the library on thousands of generated pages; a few real
``mkdocs-sms check`` and ``mkdocs build`` runs take the nastiest fixed pages end to end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
import tracemalloc
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import hypothesis
import markdown
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, TODAY, approved, complete_mini, front
from mkdocs_sms.analysis.handbook import Handbook, analyse
from mkdocs_sms.catalogue import load_catalogues
from mkdocs_sms.model.dates import Interval
from mkdocs_sms.model.schema import FIELDS
from mkdocs_sms.read.snapshot import Snapshot
from mkdocs_sms.render import handbook_json, render_panel, render_register
from mkdocs_sms.report.annotations import github_command
from mkdocs_sms.rules import RULES, Finding, Severity
from mkdocs_sms.settings import Settings
from mkdocs_sms.text import md_cell

# How many examples: the hypothesis profile that conftest.py loads, few in the fast tier and
# SMS_FUZZ_EXAMPLES (default 200) when the run includes the slow tier (SMS_FUZZ_EXAMPLES=5000 searches
# longer). The same examples every run on CI (derandomize), and no example database written into the
# repository.
FUZZ = hypothesis.settings(
    deadline=dt.timedelta(seconds=3),
    database=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.data_too_large],
)
SETTINGS = Settings.from_options(
    {"catalogues": [str(FIXTURES / "mini-catalogue.yml")], "today": TODAY, "history": False}, base_dir=FIXTURES
)
CATALOGUES = load_catalogues(SETTINGS.catalogues, SETTINGS.base_dir, SETTINGS.types)
KEYS = [field.key for field in FIELDS]
# What must never reach a log line, a terminal or a CI annotation unescaped.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def analyse_page(raw: bytes, path: str = "x.md", budget: float = 5.0) -> Handbook:
    """Analyse one page; check that it took under ``budget`` seconds and that every finding is sound."""
    start = time.perf_counter()
    handbook = analyse(Snapshot("fuzz", {path: raw}), SETTINGS, CATALOGUES)
    assert time.perf_counter() - start < budget
    lines = raw.count(b"\n") + raw.count(b"\r") + 1
    for finding in handbook.findings:
        assert_sound(finding)
        if finding.path is None:
            # Coverage findings are about the catalogue, not a file; SMS302 about the build (a page whose
            # classification is unknown is withheld from the default audience).
            assert finding.code.startswith("SMS1") or finding.code == "SMS302"
            continue
        assert finding.path == path
        assert finding.line is not None and 1 <= finding.line <= lines, finding
        assert f"{path}:{finding.line}" in finding.message
    return handbook


def assert_sound(finding: Finding) -> None:
    """A finding is one line of bounded length with a registered code."""
    assert finding.code in RULES
    assert not CONTROL.search(finding.message), finding.message
    assert not CONTROL.search(finding.document or ""), finding.document
    assert len(finding.message) <= 2100, finding.message[:200]


# Random YAML-ish text -----------------------------------------------------------------------------

TOKENS = [
    *KEYS, "tags", ": ", ":", "- ", "-", "\n", "\n  ", "  ", "\t", "[", "]", "{", "}", ", ", "'", '"', "&a ",
    "*a", "&b ", "*b", "<<: ", "? ", "| ", "> ", "# ", "%YAML 1.1\n", "---\n", "...\n", "!!python/object:os.system ",
    "!!python/name:os.system ", "!!python/object/apply:os.system ", "!!binary ", "!!timestamp ", "!!set ",
    "!!omap ", "!!str ", "!!int ", "!custom ", "POL-A-01", "policy", "approved", '"1.0"', "2026-02-30",
    "2026-01-01", "2001-12-14t21:59:43.10-05:00", "12 months", "9999 years", "0x1F", "1e999", ".nan", "~",
    "null", "yes", "\x00", "\ufeff", "\r\n", "\r", "\x85", "\u2028", "é", "💥", "\\", '"\\e\\x00\\u0000"',
    "<script>", "%", "|", "`", "]]", "[[POL-A-01]]", "[[X|y]]", "<!--", "-->", "```\n",
]  # fmt: skip
yamlish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=50).map("".join)


@FUZZ
@given(head=yamlish, body=yamlish, shape=st.sampled_from(["block", "unclosed", "bom", "crlf", "bare"]))
def test_any_yamlish_front_matter_is_read_without_error(head: str, body: str, shape: str) -> None:
    text = {
        "block": f"---\n{head}\n---\n{body}",
        "unclosed": f"---\n{head}\n{body}",
        "bom": f"\ufeff---\n{head}\n---\n{body}",
        "crlf": f"---\n{head}\n---\n{body}".replace("\n", "\r\n"),
        "bare": head + body,
    }[shape]
    analyse_page(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(raw=st.binary(max_size=400), prefix=st.sampled_from([b"", b"---\n", b"\xef\xbb\xbf---\nid: POL-A-01\n"]))
def test_any_bytes_are_read_without_error(raw: bytes, prefix: bytes) -> None:
    handbook = analyse_page(prefix + raw)
    try:
        (prefix + raw).decode("utf-8")
    except UnicodeDecodeError:
        # Unreadable bytes leave the page's classification unknown: SMS304 comes with SMS009.
        assert [f.code for f in handbook.findings if f.path] == ["SMS009", "SMS304"]


# Arbitrary trees of values, written by a YAML emitter --------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.dates(),
    st.sampled_from(["POL-A-01", "policy", "approved", "2026-01-01", "12 months", "5.2", "<script>", "a\nb"]),
)  # fmt: skip
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8))
trees = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=15,
)


@FUZZ
@given(data=st.dictionaries(keys, trees, max_size=10), flow=st.sampled_from([None, True, False]))
def test_any_front_matter_tree_is_checked_and_its_document_kept(data: dict[str, Any], flow: bool | None) -> None:
    text = "---\n" + yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True) + "---\n\nBody.\n"
    handbook = analyse_page(text.encode("utf-8"))
    doc_id = data.get("id")
    if isinstance(doc_id, str) and SETTINGS.id_pattern.match(doc_id.strip()):
        # A well-formed id always makes the page a document, whatever else is wrong with it.
        document = handbook.by_id[doc_id.strip()]
        title = data.get("title")
        if isinstance(title, str) and title.strip():
            assert document.title == title.strip()
        assert json.loads(json.dumps(handbook_json(handbook)))["documents"][0]["id"] == doc_id.strip()


@FUZZ
@given(key=st.sampled_from(["title", "owner", "status", "version", "approved_on", "review_interval", "clauses"]),
       value=st.one_of(st.integers(), st.floats(), st.lists(st.integers(), min_size=1, max_size=3),
                       st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=3),
                       st.sampled_from(["nope", "2026-13-01", "12 fortnights", "<b>x</b>"])))  # fmt: skip
def test_a_bad_value_is_reported_on_its_own_line(key: str, value: Any) -> None:
    keys = yaml.safe_load(approved("POL-A-01", "policy", ["5.2"]).split("---\n")[1])
    page = front(**{**keys, key: value})
    handbook = analyse_page(page.encode("utf-8"))
    line = next(number for number, text in enumerate(page.split("\n"), 1) if text.startswith(f"{key}:"))
    problems = [f for f in handbook.findings if f.path and f.code != "SMS005"]
    if problems:  # a value can be acceptable: a clause given as a number, a date in range...
        assert {(f.code, f.line) for f in problems} <= {("SMS003", line), ("SMS203", line), ("SMS007", line)}


# Tags, aliases, huge and deep values ----------------------------------------------------------------

BOMB = "lol0: &a0 [lol]\n" + "".join(f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
NASTY = [
    "!!python/object/apply:os.system ['echo pwned > pwned.txt']",
    "!!python/object:os.system {}",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!!binary '%%%'",
    "!!timestamp 2026-13-45",
    "!!timestamp yesterday",
    "!custom value",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "&r [*r]",
    "*undefined",
    "*a9",
    "[" * 5000,
    "{a: " * 5000,
    "[" * 900 + "]" * 900,
    "x" * 1_000_000,
    "2026-02-30",
    "0x" + "f" * 5000,
    "9" * 5000,
    '"\\e]0;title\\a\\n::error::forged\\r\\u2028\\u202e"',
    "'1.0'\x00",
]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from([*KEYS, "tags"]), st.sampled_from(NASTY)), min_size=1, max_size=3))
def test_tags_aliases_huge_and_deep_values_end_quickly_as_findings(values: list[tuple[str, str]]) -> None:
    lines = [f"{key}: {value}" for key, value in values]
    text = "---\nid: POL-A-01\n" + BOMB + "\n".join(lines) + "\n---\n\nBody.\n"
    handbook = analyse_page(text.encode("utf-8"), budget=3.0)
    assert not Path("pwned.txt").exists()
    if any("!!python" in value for _, value in values):
        assert "SMS001" in {f.code for f in handbook.findings}  # refused, never run


def test_an_alias_bomb_costs_neither_time_nor_memory() -> None:
    keys = "".join(f"{key}: *a9\n" for key in KEYS if key != "id")
    text = f"---\nid: POL-A-01\n{BOMB}{keys}tags: *a9\n---\n\n[[POL-A-01]]\n"
    tracemalloc.start()
    try:
        handbook = analyse_page(text.encode("utf-8"), budget=2.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000
    findings = {(f.code, f.line) for f in handbook.findings if f.path}
    assert ("SMS003", 13) in findings  # title, on its own line, shown shortened
    assert "POL-A-01" in handbook.by_id


# Regressions: each input below once raised, hung or misreported ----------------------------------


@pytest.mark.parametrize(
    ("page", "code", "line", "text"),
    [
        # Was: ValueError "year 12025 is out of range" (an interval past the year 9999).
        (approved("POL-A-01", "policy", ["5.2"], review_interval="9999 years"), None, None, ""),
        (approved("POL-A-01", "policy", ["5.2"], review_interval="9999 days", approved_on="9999-12-01"),
         "SMS203", 11, "later than today"),
        # Was: SMS001 on line 2 with Python's words, for a date on line 3 that does not exist; then SMS001
        # on its line, while the same date quoted was SMS003 (issue 13): now SMS003 on its line either way.
        ("---\nid: POL-A-01\napproved_on: 2026-02-30\n---\n", "SMS003", 3,
         "'approved_on' '2026-02-30' is not a date that exists (day is out of range for month)"),
        ("---\nid: POL-A-01\ntitle: x\nnext_review: !!timestamp 2026-13-45\n---\n", "SMS003", 4, "'2026-13-45'"),
        # Was: a traceback (str() of an int of 6,000 digits is refused by Python).
        ("---\nid: 0x" + "f" * 5000 + "\n---\n", "SMS001", 2, "the number is too long"),
        ("---\nid: POL-A-01\nversion: " + "9" * 5000 + "\n---\n", "SMS001", 3, "the number is too long"),
        # Was: line 2 and a message running over two lines, for a NUL on line 4.
        ("---\nid: POL-A-01\ntitle: x\nowner: y\x00\n---\n", "SMS001", 4, "the character '\\x00' is not allowed"),
        # Was: the message carried the escape sequence and the forged workflow command as they were.
        ('---\nid: POL-A-01\nclauses: ["5.2\\n::error::forged", "\\e[2J"]\n---\n', "SMS005", 3,
         "'5.2\\n::error::forged'"),
    ],
)  # fmt: skip
def test_regressions(page: str, code: str | None, line: int | None, text: str) -> None:
    handbook = analyse_page(page.encode("utf-8"))
    if code is None:
        assert [f for f in handbook.findings if f.path] == []
        assert handbook.documents[0].next_review == dt.date.max
        return
    matching = [f for f in handbook.findings if f.code == code and text in f.message]
    assert matching, [f.message for f in handbook.findings]
    assert matching[0].line == line


def test_a_review_date_past_the_year_9999_is_the_last_date() -> None:
    assert Interval(9999, "year").after(dt.date(2026, 1, 31)) == dt.date.max
    assert Interval(9999, "day").after(dt.date(9999, 12, 1)) == dt.date.max
    assert Interval(1, "month").after(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    "body",
    [
        "<!--" * 100_000,  # was: quadratic time (minutes) in the lazy comment pattern
        "[[POL-A-01|" * 100_000,  # was: quadratic time (hours) in the reference pattern
        "[" * 200_000,
        "```\n" * 50_000,
        "x" * 1_000_000,
    ],
    ids=["unclosed-comments", "unclosed-references", "brackets", "fences", "one-megabyte-line"],
)
def test_hostile_page_text_is_read_in_linear_time(body: str) -> None:
    analyse_page(f"---\nid: POL-A-01\n---\n{body}\n[[POL-NONE-01]]".encode(), budget=2.0)


# Pages made of the pieces that open, close and nearly close a block, and whitespace that ends lines.
PAGE_PIECES = ["---", "...", "----", "--", "\n", " ", "\t", "a: 1", "\x0b", "\x1c", "\x85", "\u2028", "\u00a0", "x"]
page_pieces = st.lists(st.sampled_from(PAGE_PIECES), max_size=30).map("".join)


@hypothesis.settings(max_examples=3000, deadline=None)
@given(page_pieces)
def test_front_matter_is_cut_where_mkdocs_cuts_it(text: str) -> None:
    from mkdocs.utils.meta import YAML_RE

    from mkdocs_sms.model.frontmatter import split

    parts, match = split(text), YAML_RE.match(text)
    if match is None:
        assert parts.block is None and parts.body == text
    else:
        assert (parts.block, parts.body) == (match.group(1), text[match.end() :])
        assert parts.body_line == text[: match.end()].count("\n") + 1


@hypothesis.settings(max_examples=1000, deadline=None)
@given(page_pieces, page_pieces)
def test_a_body_digest_ignores_only_whitespace_at_line_ends(body: str, spaces: str) -> None:
    from mkdocs_sms.model.frontmatter import body_digest, split

    def by_definition(page: str) -> str:
        normalised = "\n".join(line.rstrip() for line in split(page).body.strip().splitlines())
        return hashlib.sha1(normalised.encode(), usedforsecurity=False).hexdigest()

    for page in (body, f"---\nid: POL-A-01\n---\n{body}", f"---\n{spaces}\n---\n{body}{spaces}"):
        assert body_digest(page) == by_definition(page)
    lines = body.splitlines()
    trailing = "".join(char for char in spaces if char in " \t\u00a0")
    padded = "\n".join(line + trailing for line in lines)
    text = f"---\nid: POL-A-01\n---\n{body}"
    assert body_digest(f"---\nid: POL-A-01\n---\n{padded}") == body_digest(text)
    if any(line.strip() for line in lines):
        assert body_digest(f"{text}\nmore") != body_digest(text)


# Escaping -------------------------------------------------------------------------------------------

HOSTILE_CHARS = ["<script>", "</td>", '"', "'", "|", "`", "\n", "\r", "::", "%", "]]", "[[", ",", ":", "&", "\\", "*"]
hostile = st.lists(st.one_of(st.sampled_from(HOSTILE_CHARS), st.text(max_size=3)), min_size=1, max_size=12).map("".join)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _table_rows(markdown_text: str) -> list[list[str]]:
    """The rows (cells' text) of the tables of ``markdown_text`` as Python-Markdown renders them."""
    parser = _CellParser()
    parser.feed(markdown.markdown(markdown_text, extensions=["tables"]))
    return [[cell.strip() for cell in row] for row in parser.rows]


class _CellParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")

    def handle_data(self, data: str) -> None:
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


@FUZZ
@given(text=hostile)
def test_markdown_cells_keep_the_table_whole(text: str) -> None:
    table = f"| a | b |\n| --- | --- |\n| x | {md_cell(text)} |\n"
    parser = _CellParser()
    parser.feed(markdown.markdown(table, extensions=["tables"]))
    assert [len(row) for row in parser.rows] == [2, 2]
    assert parser.tags.count("td") == 2 and "script" not in parser.tags
    # The cell reads as the text, with line breaks and other control characters as spaces.
    expected = re.sub(r"\s+", " ", CONTROL.sub(" ", text)).strip()
    assert re.sub(r"\s+", " ", parser.rows[1][1]).strip() == expected


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command read the way the GitHub Actions runner reads it (ActionCommand.TryParseV2)."""
    assert line.startswith("::") and "\n" not in line and "\r" not in line
    end = line.index("::", 2)
    command, _, props = line[2:end].partition(" ")
    properties = {}
    for item in filter(None, props.split(",")):
        key, _, value = item.partition("=")
        for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            value = value.replace(escaped, plain)
        properties[key] = value
    data = line[end + 2 :]
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        data = data.replace(escaped, plain)
    return command, properties, data


@FUZZ
@given(message=hostile, title=hostile.filter(bool), file=hostile.filter(bool), line=st.integers(1, 10_000))
def test_github_annotations_round_trip_through_the_runner(message: str, title: str, file: str, line: int) -> None:
    finding = Finding("SMS003", Severity.WARNING, message, "x.md", line)
    command, properties, data = parse_workflow_command(github_command(finding, file, title))
    assert command == "warning"
    assert properties == {"file": file, "line": str(line), "title": title}
    assert data == finding.message


TEMPLATE_TAGS = {"div", "p", "strong", "dl", "dt", "dd", "a", "span", "table", "thead", "tbody", "tr", "th", "td"}


class _Links:
    def document(self, doc_id: str) -> str | None:
        return f"../{doc_id}/"

    def clause(self, clause: str) -> str | None:
        return "../coverage/#clause-5-2" if clause == "5.2" else None

    def page(self, name: str) -> str | None:
        return f"../{name}/"


@FUZZ
@given(title=hostile, owner=hostile, clause=hostile, approver=hostile)
def test_front_matter_strings_are_escaped_in_html_and_json(title: str, owner: str, clause: str, approver: str) -> None:
    page = approved("POL-A-01", "policy", ["5.2", clause], title=title, owner=owner, approved_by=approver)
    handbook = analyse_page(page.encode("utf-8"))
    document = handbook.by_id["POL-A-01"]
    panel, register = _Tags(), _Tags()
    panel.feed(render_panel(document, handbook, _Links()))
    register.feed(render_register(handbook, _Links()))
    for parser, shown in ((panel, [document.owner, document.approved_by, *document.clauses]),
                          (register, [document.title, document.owner])):  # fmt: skip
        # Only the templates' own elements: every value is text, and reads back exactly as written.
        assert set(parser.tags) <= TEMPLATE_TAGS and "td" not in panel.tags
        assert all(value in "".join(parser.text) for value in shown if value)
    data = json.loads(json.dumps(handbook_json(handbook)))
    assert data["documents"][0]["title"] == document.title


# End to end: the nastiest pages through `mkdocs-sms check` and `mkdocs build` ----------------------


def _digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


NASTY_PAGES: dict[str, str | bytes] = {
    "bomb.md": f"---\nid: POL-BOMB-01\n{BOMB}title: *a9\nowner: *a9\nclauses: *a9\ntags: *a9\n---\n\nBody.\n",
    # Not a document, but the theme prints its title: str() of the bomb never ended (the build hung).
    "bomb-page.md": f"---\n{BOMB}title: *a9\n---\n\nBody.\n",
    "deep.md": "---\nid: POL-DEEP-01\ntitle: " + "{a: " * 5000 + "\n---\n\nBody.\n",
    "deep-ok.md": "---\nid: POL-DEEP-02\ntitle: x\nextra: " + "[" * 900 + "]" * 900 + "\n---\n\nBody.\n",
    # Written out rather than dumped: PyYAML's emitter takes seconds over a megabyte.
    "huge.md": "---\nid: POL-HUGE-01\ntitle: Huge\ntype: policy\nclauses: ['5.2', '" + "c" * 1_000_000 + "']\n"
    "owner: " + "o" * 1_000_000 + "\nstatus: approved\nversion: '1.0'\napproved_by: MD\napproved_on: 2026-03-01\n"
    "extra: " + "e" * 1_000_000 + "\n---\n\nBody.\n",
    "binary.md": bytes(range(256)) * 4,
    "nul.md": b"---\nid: POL-NUL-01\ntitle: x\x00\n---\n",
    "bom-crlf.md": ("\ufeff" + approved("POL-WIN-01", "policy", ["5.2"]).replace("\n", "\r\n")).encode("utf-8"),
    "empty.md": "",
    "dashes.md": "---",
    "dashes-twice.md": "---\n---\n",
    "python.md": "---\nid: !!python/object/apply:os.system ['echo pwned > pwned.txt']\n---\n",
    "date.md": "---\nid: POL-DATE-01\ntitle: x\napproved_on: 2026-02-30\n---\n",
    "interval.md": approved("POL-LONG-01", "policy", ["5.2"], review_interval="9999 years"),
    # Python's HTMLParser (MkDocs reads titles with it) takes quadratic time over unclosed comments.
    "comments.md": "<!--" * 5_000,
}
# The pages that hold a problem, with the line it is on.
NASTY_FINDINGS = {
    ("SMS003", "bomb.md", 13), ("SMS003", "bomb.md", 14), ("SMS003", "bomb.md", 15), ("SMS001", "deep.md", 3),
    ("SMS009", "binary.md", 2), ("SMS005", "huge.md", 5), ("SMS001", "nul.md", 3), ("SMS001", "python.md", 2),
    ("SMS003", "date.md", 4),
}  # fmt: skip


def test_nasty_pages_are_checked_and_built_without_a_traceback(make_site: Any) -> None:
    site = make_site({**complete_mini(), **NASTY_PAGES})
    before = _digest(site.docs)
    start = time.perf_counter()
    result = site.check("--format", "json")
    assert time.perf_counter() - start < 30
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    findings = json.loads(result.stdout)["findings"]
    located = {(f["code"], f["path"], f["line"]) for f in findings if f["path"]}
    assert located >= NASTY_FINDINGS, NASTY_FINDINGS - located
    pages_with_problems = {path for _, path, _ in NASTY_FINDINGS}
    assert {f["path"] for f in findings if f["path"] and f["code"] != "SMS002"} <= pages_with_problems
    for finding in findings:
        assert not CONTROL.search(finding["message"]) and len(finding["message"]) <= 2100
    ids = {d["id"] for d in json.loads(result.stdout)["documents"]}
    assert {"POL-BOMB-01", "POL-HUGE-01", "POL-WIN-01", "POL-LONG-01", "POL-DEEP-02"} <= ids
    for fmt in ("text", "markdown", "github"):
        other = site.check("--format", fmt)
        assert other.returncode == 1 and "Traceback" not in other.stderr, other.stderr

    build = site.build()
    assert build.ok, build.error
    assert {m.split(" ", 2)[1] for m in build.plugin_warnings()} >= {"SMS001", "SMS003", "SMS009"}
    assert all("\n" not in m for m in build.plugin_warnings())
    assert (site.root / "site/bomb/index.html").stat().st_size < 1_000_000
    assert "[[[[...], [...]" in site.site_file("bomb-page/index.html")  # the title, shortened
    assert not (site.root / "pwned.txt").exists() and not Path("pwned.txt").exists()
    assert _digest(site.docs) == before


HOSTILE = '<script>alert("x\'y")</script> | `tick` ]] [[ %0A % :: a,b\\'
HOSTILE_LINE = HOSTILE + "\n::error file=x::forged\r\x1b[2J"


def test_hostile_strings_are_escaped_in_every_output(make_site: Any) -> None:
    evil = approved(
        "POL-EVIL-01", "policy", ["5.2", HOSTILE_LINE], title=HOSTILE_LINE, owner=HOSTILE, approved_by=HOSTILE,
        approved_on="2025-06-01", related=[HOSTILE_LINE],
    )  # fmt: skip
    # An id that breaks the pattern still names its document, in the register and in every message.
    bad_id = front(id=HOSTILE, title=HOSTILE, type="policy", clauses=["5.2"], owner=HOSTILE, version="1")
    site = make_site({**complete_mini(), "evil.md": evil, "bad-id.md": bad_id})
    before = _digest(site.docs)

    as_json = site.check("--format", "json")
    data = json.loads(as_json.stdout)
    assert json.loads(json.dumps(data)) == data
    documents = {d["path"]: d for d in data["documents"]}
    assert documents["evil.md"]["title"] == HOSTILE_LINE.strip()
    assert documents["bad-id.md"]["id"] == HOSTILE
    messages = [f["message"] for f in data["findings"]]
    assert messages and not any(CONTROL.search(m) for m in messages)

    as_markdown = site.check("--format", "markdown")
    assert "<script>" not in as_markdown.stdout
    rows = _table_rows(as_markdown.stdout)
    finding_rows = [row for row in rows if len(row) == 4 and row[0] in ("error", "warning", "info")]
    assert len(finding_rows) == len(data["findings"])
    assert all(len(row) in (4, 5) for row in rows)
    assert any(f"({HOSTILE})" in row[2] for row in finding_rows)

    github = site.check("--format", "github")
    lines = github.stdout.splitlines()
    assert len(lines) == len(data["findings"])
    for line, finding in zip(lines, data["findings"], strict=True):
        _, properties, message = parse_workflow_command(line)
        assert message == finding["message"]
        assert properties["file"].endswith(finding["path"])
        if finding["document"]:
            assert properties["title"] == f"{finding['code']} {finding['document']}"

    text = site.check()
    assert "\x1b" not in text.stdout and "\n::error" not in text.stdout

    build = site.build()
    assert build.ok, build.error
    assert all("\n" not in m and "\x1b" not in m for m in build.plugin_warnings())
    for page in ("evil/index.html", "bad-id/index.html", "sms/register/index.html", "sms/coverage/index.html",
                 "sms/reviews/index.html", "index.html"):  # fmt: skip
        html = site.site_file(page)
        assert "<script>alert" not in html, page
    assert "&lt;script&gt;alert(&#34;x&#39;y&#34;)&lt;/script&gt;" in site.site_file("sms/reviews/index.html")
    assert json.loads(site.site_file("sms.json"))["documents"] == data["documents"]
    assert _digest(site.docs) == before


KEY_LINES = ["version: '1.0'", "status: approved", "version: 2", "status: é", "version: [1]", "id: X", "version:"]
# Pages with a block of such lines, and anything made of the pieces above.
pages_with_keys = st.one_of(
    st.tuples(st.lists(st.sampled_from(KEY_LINES), max_size=4), page_pieces).map(
        lambda parts: "---\n" + "\n".join(parts[0]) + "\n---\n" + parts[1]
    ),
    st.lists(st.sampled_from([*PAGE_PIECES, *KEY_LINES]), max_size=20).map("".join),
)


@hypothesis.settings(max_examples=1000, deadline=None)
@given(pages_with_keys)
def test_old_revisions_are_read_from_bytes_as_from_text(text: str) -> None:
    from mkdocs_sms.model.frontmatter import decode, quick_values, raw_values

    keys = ("version", "status")
    # As written, with Windows line ends, with a byte-order mark, and with a character beyond ASCII.
    for raw in (
        text.encode(),
        text.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + text.encode(),
        f"{text}é".encode(),
    ):
        assert raw_values(raw, keys) == quick_values(decode(raw), keys)
