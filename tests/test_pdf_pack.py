"""The controlled documentation pack (`mkdocs-sms export --format pdf`) of the example handbook, read back
as an auditor's PDF reader sees it: its text with poppler's `pdftotext`, its outline with pypdf."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import ROOT, run_cli, run_cli_process
from mkdocs_sms.analysis.audience import published
from mkdocs_sms.load import load_project_handbook

pytestmark = pytest.mark.slow  # WeasyPrint lays out some three hundred pages

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"


@dataclass(frozen=True)
class Pack:
    """A pack as written: its text (pdftotext, layout kept), its outline titles by level, its pages."""

    text: str
    outline: list[tuple[int, str]]
    pages: int
    seconds: float

    @property
    def squeezed(self) -> str:
        """The text without any white space: an id broken across lines in a narrow cell is found too."""
        return "".join(self.text.split())


def _outline(items: list[Any], level: int = 1) -> Iterator[tuple[int, str]]:
    for item in items:
        if isinstance(item, list):
            yield from _outline(item, level + 1)
        else:
            yield level, str(item.title)


def make_pack(tmp: Path, name: str, *args: str) -> Pack:
    output = tmp / f"{name}.pdf"
    started = time.perf_counter()
    result = run_cli("export", "--format", "pdf", "--output", str(output), *args, cwd=ROOT)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert f"Wrote {output}" in result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(output), "-"], capture_output=True, text=True, check=True).stdout
    reader = PdfReader(output)
    return Pack(text, list(_outline(reader.outline)), len(reader.pages), seconds)


def documents(config: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The published and the withheld documents (by id) of the edition ``config``."""
    _, handbook = load_project_handbook(ROOT / config, with_history=False)
    view = published(handbook)
    return dict(view.by_id), {i: d for i, d in handbook.by_id.items() if i not in view.by_id}


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packs")


@pytest.fixture(scope="module")
def internal_pack(tmp: Path) -> Pack:
    return make_pack(tmp, "internal")


@pytest.fixture(scope="module")
def customer_pack(tmp: Path) -> Pack:
    return make_pack(tmp, "customers", "-f", "mkdocs.customers.yml")


def test_the_pack_holds_every_published_document_with_its_bookmark(internal_pack: Pack, tmp: Path) -> None:
    shown, hidden = documents("mkdocs.yml")
    assert hidden, "the example withholds a confidential record from its internal edition"
    for doc_id, document in shown.items():
        assert doc_id in internal_pack.squeezed
        assert (3, f"{doc_id} {document.title}") in internal_pack.outline, doc_id
    parts = [title for level, title in internal_pack.outline if level == 1]
    assert parts == ["Harbourline service management handbook", "Document register", "Coverage matrix", "Documents"]
    assert (2, "Policies") in internal_pack.outline and (2, "Records") in internal_pack.outline
    for doc_id in hidden:
        assert doc_id not in internal_pack.squeezed
    # Saved for people to look at: the cover, the register and a policy.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for page, name in ((1, "cover"), (2, "register")):
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(page), "-l", str(page),
             str(tmp / "internal.pdf"), str(ARTIFACTS / f"pdf-pack-{name}")],
            check=True,
        )  # fmt: skip


def test_every_page_is_numbered_and_carries_the_controlled_copy_footer(internal_pack: Pack) -> None:
    pages = internal_pack.text.split("\f")[: internal_pack.pages]
    assert len(pages) == internal_pack.pages > 100
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {internal_pack.pages}" in page
        assert "Uncontrolled when printed" in page
        assert "pack of 2026-11-29" in page
    # A document's pages name it, with its version and status, in the footer.
    policy = next(page for page in pages if "POL-CHG-01 Change management policy" in page)
    assert re.search(r"Uncontrolled when printed · POL-CHG-01, version [\d.]+, approved", policy)


def test_the_cover_names_organisation_scope_edition_date_and_audience(internal_pack: Pack) -> None:
    cover = internal_pack.text.split("\f")[0]
    squeezed = " ".join(cover.split())
    assert "Harbourline service management handbook" in squeezed
    assert "SCP-SMS-01 SMS scope statement" in squeezed
    assert "The service management system of Harbourline Managed Services Ltd" in squeezed
    assert "Edition not named" in squeezed and "Date 2026-11-29" in squeezed
    assert "documents classified up to internal; 1 further document" in squeezed


def test_a_customer_pack_contains_nothing_withheld(customer_pack: Pack) -> None:
    shown, hidden = documents("mkdocs.customers.yml")
    assert len(hidden) > 50 and shown
    # A title may be the catalogue's own words ("Service continuity plan(s)"): those are left out first.
    _, handbook = load_project_handbook(ROOT / "mkdocs.customers.yml", with_history=False)
    text = customer_pack.squeezed
    for name in sorted({"".join(row.requirement.name.split()) for row in handbook.coverage}, key=len, reverse=True):
        text = text.replace(name, "")
    for doc_id, document in hidden.items():
        assert doc_id not in customer_pack.squeezed, doc_id
        assert "".join(document.title.split()) not in text, document.title
    for doc_id in shown:
        assert doc_id in customer_pack.squeezed
    documents_in_outline = [title.split()[0] for level, title in customer_pack.outline if level == 3]
    assert sorted(documents_in_outline) == sorted(shown)
    assert "classified up to public" in " ".join(customer_pack.text.split())


def test_types_choose_the_documents_of_the_pack(tmp: Path) -> None:
    shown, _ = documents("mkdocs.yml")
    pack = make_pack(tmp, "policies", "--types", "policy")
    policies = sorted(i for i, d in shown.items() if d.type == "policy")
    assert [title.split()[0] for level, title in pack.outline if level == 3] == policies
    assert [title for level, title in pack.outline if level == 2] == ["Policies"]
    # Each page of the documents part names its document in the footer: policies only.
    footers = re.findall(r"Uncontrolled when printed · ([A-Z][A-Z0-9-]+), version", pack.text)
    assert sorted(set(footers)) == policies


def test_documents_pick_ids_and_an_unknown_id_is_refused(tmp: Path) -> None:
    pack = make_pack(tmp, "picked", "--documents", "POL-CHG-01,PRC-CHG-01")
    assert [title.split()[0] for level, title in pack.outline if level == 3] == ["POL-CHG-01", "PRC-CHG-01"]
    assert pack.seconds < 120

    result = run_cli(
        "export", "--format", "pdf", "--output", str(tmp / "x.pdf"), "--documents", "POL-NONE-99", cwd=ROOT
    )
    assert result.returncode == 2
    assert "--documents: 'POL-NONE-99' is not a document of this edition (audience internal)" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp / "x.pdf").exists()

    # A withheld id is refused in the same words as an unknown one: the message confirms nothing.
    withheld = run_cli(
        "export", "--format", "pdf", "--output", str(tmp / "y.pdf"), "-f", "mkdocs.customers.yml",
        "--documents", "POL-CHG-01", cwd=ROOT,
    )  # fmt: skip
    assert withheld.returncode == 2
    assert "'POL-CHG-01' is not a document of this edition (audience public)" in withheld.stderr

    types = run_cli("export", "--format", "pdf", "--output", str(tmp / "z.pdf"), "--types", "poem", cwd=ROOT)
    assert types.returncode == 2 and "--types: 'poem' is not one of policy, plan" in types.stderr

    csv = run_cli("export", "--format", "csv", "--types", "policy", cwd=ROOT)
    assert csv.returncode == 2 and "--format pdf" in csv.stderr


def test_an_output_in_a_missing_folder_is_refused_at_once(tmp: Path) -> None:
    target = tmp / "no-such-folder" / "pack.pdf"
    result = run_cli("export", "--format", "pdf", "--output", str(target), cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr == f"mkdocs-sms: error: cannot write {target}: folder {target.parent} does not exist\n"


def test_without_weasyprint_the_command_says_how_to_install_it(tmp: Path) -> None:
    # A module named weasyprint earlier on the path that fails to import, as a missing package does.
    shim = tmp / "shim"
    shim.mkdir()
    (shim / "weasyprint.py").write_text("raise ImportError('No module named weasyprint')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(shim), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    result = run_cli_process("export", "--format", "pdf", "--output", str(tmp / "pack.pdf"), cwd=ROOT, env=env)
    assert result.returncode == 2
    assert "pip install 'mkdocs-sms[pdf]'" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp / "pack.pdf").exists()
    assert len(result.stderr.splitlines()) == 1
