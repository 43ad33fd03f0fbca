"""The example handbook as it would have grown: a git repository with two years of back-dated history.

``make demo`` runs this script. It starts from the example as it stands (mkdocs.yml, docs/, the saved
baseline) and writes, commit by commit, how Harbourline could have got there: first drafts, approvals,
new versions, records added month by month, nonconformities raised and closed, a retired agreement, a
renamed process, a plan still in review, and two tagged editions. Every date, author and message is
derived from the documents themselves, so the history is the same on every run; the last commit holds
exactly the example's documents.

    python examples/demo/make_demo.py [--output demo] [--deploy]

``--deploy`` publishes both tagged editions with mike (into the repository's gh-pages branch) and
builds the newest state into OUTPUT/site.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
START = dt.date(2024, 12, 2)
END = dt.date(2026, 11, 29)  # the example's `today`
# The tagged editions: (tag, date, message).
EDITIONS = (
    ("2025.12", dt.date(2025, 12, 19), "Edition 2025.12: the SMS foundation"),
    ("2026.06", dt.date(2026, 6, 30), "Edition 2026.06: the core processes"),
)
# The files of the acknowledge option (relative to mkdocs.yml), committed on this day.
ACKNOWLEDGEMENTS = ("acknowledgements/staff.txt", "acknowledgements/policies.csv")
ACKNOWLEDGED_ON = dt.date(2026, 11, 20)
# After the second edition, so that the "what changed" page has them to show.
RETIRED_ON = dt.date(2026, 9, 15)
RENAMED = ("processes/request-fulfilment.md", "processes/service-request-management.md", dt.date(2026, 10, 5))
EVIDENCE = ("record", "report", "assessment")
PEOPLE = (
    ("Dana Whitfield", "dana.whitfield"),
    ("Tomasz Nowak", "tomasz.nowak"),
    ("Aisha Okafor", "aisha.okafor"),
    ("Gareth Lloyd", "gareth.lloyd"),
    ("Mei Lin Chen", "meilin.chen"),
    ("Ruairi Byrne", "ruairi.byrne"),
    ("Sofia Marques", "sofia.marques"),
)
APPROVER = PEOPLE[0]  # the Head of Service Management
# Who approves for each role that approved_by names: the Approved-by trailer of each approval commit
# (the demo's mkdocs.yml asks for that evidence). Authors never approve their own change.
APPROVERS = {
    "Head of Service Management": (APPROVER,),
    "Managing Director": (("Helen Marsh", "helen.marsh"),),
    "SMS Steering Group": (("Helen Marsh", "helen.marsh"), APPROVER),
}


# The demo asks for approval evidence: each approval commit names its approver in a trailer.
APPROVALS = "".join(
    [
        "    approvals:\n      evidence: trailer\n      approvers:\n",
        *(
            f"        {role}: [{', '.join(f'{user}@harbourline.example' for _, user in people)}]\n"
            for role, people in APPROVERS.items()
        ),
    ]
)


@dataclass(frozen=True)
class Event:
    """One commit: files to write (path -> text, None to delete), a message, an author, a date."""

    date: dt.date
    files: tuple[tuple[str, str | None], ...]
    message: str
    author: tuple[str, str]
    rename: tuple[str, str] | None = None
    approver: tuple[str, str] | None = None  # written as the commit's Approved-by trailer


def person(role: str) -> tuple[str, str]:
    """The same person for the same role on every run."""
    digest = hashlib.sha256(role.encode()).digest()
    return PEOPLE[1 + digest[0] % (len(PEOPLE) - 1)]


def approver(role: str, author: tuple[str, str]) -> tuple[str, str]:
    """The person who approves for ``role``: never the author of the change."""
    return next(p for p in (*APPROVERS.get(role, ()), APPROVER, PEOPLE[1]) if p != author)


def months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, min(day.day, 28))


def split_page(text: str) -> tuple[str, str]:
    """The front-matter block (without its --- lines) and the body of a page."""
    _, front, body = text.split("---\n", 2)
    return front, body


def join_page(front: str, body: str) -> str:
    return f"---\n{front}---\n{body}"


def set_key(front: str, key: str, value: str) -> str:
    """``front`` with ``key`` set to ``value`` (written as given), added at the end when missing."""
    pattern = re.compile(rf"^{re.escape(key)}:.*$", re.M)
    if pattern.search(front):
        return pattern.sub(lambda _: f"{key}: {value}", front, count=1)
    return f"{front}{key}: {value}\n"


def drop_key(front: str, key: str) -> str:
    """``front`` without ``key`` and the indented lines that continue its value."""
    return re.sub(rf"^{re.escape(key)}:.*\n(?:[ \t]+.*\n)*", "", front, flags=re.M)


def sections(body: str) -> list[str]:
    """The body cut before each second-level heading."""
    parts = re.split(r"(?m)^(?=## )", body)
    return [part for part in parts if part]


def partial_body(body: str, share: float) -> str:
    """The first ``share`` of the body's sections (at least one): how an earlier version read."""
    parts = sections(body)
    keep = max(1, round(len(parts) * share))
    return "".join(parts[:keep])


def earlier_versions(version: str) -> list[str]:
    """The approved versions before ``version`` that the history shows (not every one there was)."""
    major, minor = (int(part) for part in version.split(".")[:2])
    chain = []
    if (major, minor) > (1, 0):
        chain.append("1.0")
    if major >= 3:
        chain.append(f"{major - 1}.0")
    if major >= 2 and minor >= 1:
        chain.append(f"{major}.0")
    if major == 1 and minor >= 2:
        chain.append(f"1.{minor - 1}")
    return [v for v in dict.fromkeys(chain) if v != version]


def spread(final: dt.date, count: int, gap_months: int = 7) -> list[dt.date]:
    """``count`` dates before ``final``, oldest first, about ``gap_months`` apart and not before START."""
    dates: list[dt.date] = []
    for back in range(count, 0, -1):
        day = max(months_before(final, gap_months * back), START + dt.timedelta(days=14 * (count - back + 1)))
        if dates and day <= dates[-1]:
            day = dates[-1] + dt.timedelta(days=10)
        dates.append(day)
    return [min(day, final - dt.timedelta(days=1)) for day in dates]


def document_events(path: str, text: str, companions: dict[str, str]) -> Iterator[Event]:
    """How one document came to be as it is."""
    front, body = split_page(text)
    data: dict[str, Any] = yaml.safe_load(front)
    doc_id, title, doc_type = data["id"], data["title"], data.get("type")
    owner = person(str(data.get("owner", "SMS Manager")))
    status, version = data.get("status", "draft"), str(data.get("version", "0.1"))
    approved_on = data.get("approved_on")
    extra = tuple(companions.items())
    signs = approver(str(data.get("approved_by", "")), owner)
    if doc_type in EVIDENCE:
        when = max(d for d in (data.get("date"), approved_on, START) if d)
        if data.get("state") in ("closed", "verified") and data.get("date"):
            raised = drop_key(drop_key(front, "effectiveness"), "effectiveness_checked")
            raised = set_key(set_key(raised, "state", "open"), "status", "draft")
            raised = set_key(drop_key(drop_key(raised, "approved_by"), "approved_on"), "version", '"0.1"')
            yield Event(
                data["date"], ((path, join_page(raised, body)),), f"Raise nonconformity {doc_id}: {title}", owner
            )
            yield Event(when, ((path, text),), f"Close {doc_id} after the effectiveness check", owner, approver=signs)
        else:
            approved = signs if data.get("status") == "approved" else None
            yield Event(when, ((path, text), *extra), f"Add {doc_id}: {title}", owner, approver=approved)
        return
    if approved_on is None:  # still a draft or in review: drafted early, worked on, the last edit late
        first = set_key(set_key(front, "version", '"0.1"'), "status", "draft")
        yield Event(months_before(END, 5), ((path, join_page(first, partial_body(body, 0.5))),),
                    f"First draft of {doc_id}", owner)  # fmt: skip
        second = set_key(set_key(front, "version", '"0.2"'), "status", "draft")
        yield Event(months_before(END, 3), ((path, join_page(second, partial_body(body, 0.8))),),
                    f"{doc_id}: fill in the remaining sections", owner)  # fmt: skip
        yield Event(END - dt.timedelta(days=12), ((path, text),), f"{doc_id}: wording after review comments", owner)
        return
    versions = earlier_versions(version)
    dates = spread(approved_on, len(versions) + 1)
    draft_day, version_days = dates[0] - dt.timedelta(days=12), [*dates[1:], approved_on]
    plain = drop_key(front, "next_review")
    draft = set_key(drop_key(drop_key(plain, "approved_by"), "approved_on"), "version", '"0.1"')
    draft = set_key(draft, "status", "draft")
    steps = len(versions) + 1
    first_text = partial_body(body, 1 / (steps + 1))
    placeholder = '\n!!! note "Draft"\n    The remaining sections are still to be written.\n'
    yield Event(max(draft_day, START), ((path, join_page(draft, first_text + placeholder)),),
                f"First draft of {doc_id}: {title}", owner)  # fmt: skip
    # An edit while still a draft: the text changes, the version need not.
    yield Event(max(draft_day, START) + dt.timedelta(days=3), ((path, join_page(draft, first_text)),),
                f"{doc_id}: tidy the draft", owner)  # fmt: skip
    for number, (earlier, day) in enumerate(zip(versions, version_days, strict=False), start=1):
        state = set_key(set_key(set_key(plain, "version", f'"{earlier}"'), "approved_on", day.isoformat()),
                        "status", "approved")  # fmt: skip
        page = join_page(state, partial_body(body, (number + 1) / (steps + 1)))
        words = "Approve" if number == 1 else "Approve revised"
        files = ((path, page), *(extra if number == 1 else ()))
        yield Event(day, files, f"{words} {doc_id} {earlier}", owner, approver=signs)
    if status == "retired":
        approved = set_key(front, "status", "approved")
        message = f"Approve revised {doc_id} {version}"
        yield Event(approved_on, ((path, join_page(approved, body)),), message, owner, approver=signs)
        yield Event(RETIRED_ON, ((path, text),), f"Retire {doc_id}: customers moved to the current SLA", owner)
        return
    message = f"Approve {doc_id} {version}" if not versions else f"Approve revised {doc_id} {version}"
    yield Event(approved_on, ((path, text), *(extra if not versions else ())), message, owner, approver=signs)


def at_path(event: Event) -> Event:
    """``event`` with the renamed document at its old path while the old path was its place."""
    old, new, day = RENAMED
    if event.date >= day:
        return event
    files = tuple((f"docs/{old}" if path == f"docs/{new}" else path, text) for path, text in event.files)
    return Event(event.date, files, event.message, event.author, approver=event.approver)


def history(root: Path) -> list[Event]:
    """Every event of the example's history, in order."""
    docs = root / "docs"
    events: list[Event] = []
    companions: dict[str, dict[str, str]] = {}
    for other in sorted(p for p in docs.rglob("*") if p.is_file() and p.suffix != ".md"):
        relative = other.relative_to(docs).as_posix()
        page = re.sub(r"\.[^/]*$", ".md", relative)
        companions.setdefault(page, {})[f"docs/{relative}"] = other.read_text("utf-8")
    for page in sorted(docs.rglob("*.md")):
        relative = page.relative_to(docs).as_posix()
        text = page.read_text("utf-8")
        if not text.startswith("---\n") or ("\nid:" not in split_page(text)[0] and not text.startswith("---\nid:")):
            events.append(Event(START, ((f"docs/{relative}", before_acknowledgements(text)),), f"Add {relative}",
                                PEOPLE[0]))  # fmt: skip
            if before_acknowledgements(text) != text:
                events.append(Event(ACKNOWLEDGED_ON, ((f"docs/{relative}", text),),
                                    f"{relative}: link the acknowledgements page", PEOPLE[0]))  # fmt: skip
            continue
        for event in document_events(f"docs/{relative}", text, companions.get(relative, {})):
            events.append(at_path(event))
    baseline = (root / "sms-baseline.json").read_text("utf-8")
    events.append(Event(dt.date(2025, 10, 1), (("sms-baseline.json", baseline),),
                        "Save the baseline of the October 2025 gap analysis", PEOPLE[0]))  # fmt: skip
    # The acknowledgements exported from the intranet form, with the staff list, once the policies are final.
    acknowledged = tuple((path, (root / path).read_text("utf-8")) for path in ACKNOWLEDGEMENTS)
    events.append(Event(ACKNOWLEDGED_ON, acknowledged, "Record the policy acknowledgements exported from the form",
                        PEOPLE[0]))  # fmt: skip
    old, new, day = RENAMED
    events.append(Event(day, (), "Rename the request fulfilment process to service request management",
                        PEOPLE[0], (f"docs/{old}", f"docs/{new}")))  # fmt: skip
    events.append(Event(END, (), "Open the handbook for the certification audit", PEOPLE[0]))
    return sorted(events, key=lambda e: (e.date, e.rename is not None, e.message))


def before_acknowledgements(text: str) -> str:
    """A page as it was before acknowledgements were asked for: the home page lists one generated page less."""
    start = text.find("- **[Acknowledgements](sms/acknowledgements.md)**")
    if start < 0:
        return text
    end = text.index("\n\n", start)
    return text[:start].rstrip("\n").replace("Eight pages are generated", "Seven pages are generated") + text[end:]


def configuration(root: Path, day: dt.date, present: set[str]) -> str:
    """mkdocs.yml as on ``day``: the example's, judged on that day, published with mike, its navigation
    naming the pages that exist then; acknowledgements are asked for once their files are committed."""
    text = (root / "mkdocs.yml").read_text("utf-8")
    if not set(ACKNOWLEDGEMENTS) <= present:
        block = r"\n    # Everyone in acknowledgements/.*?\n      grace_days: \d+\n"
        text = re.sub(block, "\n", text, count=1, flags=re.S)
        text = text.replace("      - sms/acknowledgements.md\n", "", 1)
    text = re.sub(r"^(\s*)today: .*$", rf"\g<1>today: {day.isoformat()}  # the demo's date", text, count=1, flags=re.M)
    text = text.replace("    catalogues: [iso20000-1:2018]\n", "    catalogues: [iso20000-1:2018]\n" + APPROVALS, 1)
    head, nav = text.split("\nnav:\n", 1)
    entries = yaml.safe_load("nav:\n" + nav)["nav"]
    old, new, renamed_on = RENAMED

    def keep(items: list[Any]) -> list[Any]:
        kept: list[Any] = []
        for item in items:
            label, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
            if isinstance(value, list):
                inner = keep(value)
                if inner:
                    kept.append({label: inner})
                continue
            path = old if value == new and day < renamed_on else value
            if path.startswith("sms/") or f"docs/{path}" in present:
                kept.append({label: path} if label is not None else path)
        return kept

    wanted = keep(entries)
    body = "\nnav:\n" + nav if wanted == entries else "\n" + yaml.safe_dump({"nav": wanted}, sort_keys=False)
    return head + "\nextra:\n  version:\n    provider: mike\n" + body


def git(repo: Path, *args: str, day: dt.date | None = None, author: tuple[str, str] | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    if day is not None and author is not None:
        stamp = f"{day.isoformat()}T10:00:00+00:00"
        name, user = author
        env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=f"{user}@harbourline.example", GIT_AUTHOR_DATE=stamp,
                   GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=f"{user}@harbourline.example",
                   GIT_COMMITTER_DATE=stamp)  # fmt: skip
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"make_demo: git {' '.join(args)} failed: {(done.stderr or done.stdout).strip()}")
    return done.stdout.strip()


def build(root: Path, output: Path) -> int:
    """Write the demo repository into ``output`` (which must not exist); the number of commits made."""
    output.mkdir(parents=True)
    git(output, "init", "-q", "-b", "main")
    git(output, "config", "user.name", "Harbourline SMS")
    git(output, "config", "user.email", "sms@harbourline.example")
    (output / ".gitignore").write_text("site/\nsite-customers/\n.cache/\n", "utf-8")
    shutil.copyfile(root / "mkdocs.customers.yml", output / "mkdocs.customers.yml")
    present: set[str] = set()
    commits = 0
    tags = list(EDITIONS)
    for event in history(root):
        while tags and tags[0][1] < event.date:
            tag, day, message = tags.pop(0)
            git(output, "tag", "-a", tag, "-m", message, day=day, author=APPROVER)
        if event.rename is not None:
            old, new = event.rename
            (output / new).parent.mkdir(parents=True, exist_ok=True)
            git(output, "mv", old, new)
            present = (present - {old}) | {new}
        for path, text in event.files:
            target = output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text or "", "utf-8")
            present.add(path)
        (output / "mkdocs.yml").write_text(configuration(root, event.date, present), "utf-8")
        git(output, "add", "-A")
        message = event.message
        if event.approver is not None:
            name, user = event.approver
            message += f"\n\nApproved-by: {name} <{user}@harbourline.example>"
        git(output, "commit", "-q", "--allow-empty", "-m", message, day=event.date, author=event.author)
        commits += 1
    for tag, day, message in tags:
        git(output, "tag", "-a", tag, "-m", message, day=day, author=APPROVER)
    return commits


def deploy(output: Path) -> None:
    """Publish each tagged edition with mike, then build the newest state into OUTPUT/site."""
    binaries = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{binaries}{os.pathsep}{os.environ.get('PATH', '')}", "NO_MKDOCS_2_WARNING": "1"}
    for number, (tag, _, _) in enumerate(EDITIONS):
        git(output, "checkout", "-q", tag)
        aliases = ["latest"] if number == len(EDITIONS) - 1 else []
        command = [str(binaries / "mike"), "deploy", "--update-aliases", tag, *aliases]
        subprocess.run(command, cwd=output, env=env, check=True, capture_output=True)
    git(output, "checkout", "-q", "main")
    subprocess.run([str(binaries / "mkdocs"), "build", "-q"], cwd=output, env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default="demo", help="folder to create (default: demo)")
    parser.add_argument("--force", action="store_true", help="remove OUTPUT first if it exists")
    parser.add_argument("--deploy", action="store_true", help="publish both editions with mike and build the site")
    args = parser.parse_args(argv)
    output = Path(args.output)
    if output.exists():
        if not args.force:
            print(f"make_demo: {output} exists; remove it or pass --force", file=sys.stderr)
            return 2
        shutil.rmtree(output)
    commits = build(ROOT, output)
    print(f"make_demo: {output}: {commits} commits from {START} to {END}, tags {', '.join(t for t, _, _ in EDITIONS)}")
    if args.deploy:
        deploy(output)
        print(f"make_demo: editions published to the gh-pages branch of {output}; the newest in {output}/site")
    return 0


if __name__ == "__main__":
    sys.exit(main())
