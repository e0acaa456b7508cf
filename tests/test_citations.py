"""Every source names a section or heading that exists in the report it cites."""

import re
import tomllib

import pytest

from sim.mechanisms import MECHANISMS
from sim.parameters import parameter_table
from tests.citations import ROOT, TEXTS, join_literals, load_reports, normal, problems

REPORTS = load_reports()


def structured_sources():
    """(where, source) for every source field the project ships."""
    for row in parameter_table():
        yield row["name"], row["source"]
    priors = tomllib.loads((ROOT / "calibration" / "priors.toml").read_text(encoding="utf-8"))
    for prior in priors["prior"]:
        yield f"prior {prior['parameter']}", prior["reason"]
    targets = tomllib.loads((ROOT / "calibration" / "targets.toml").read_text(encoding="utf-8"))
    for target in targets["target"]:
        yield f"target {target['id']} {target['statistic']}", target["source"]
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        yield path.name, data["source"]
        for name, source in data.get("sources", {}).items():
            yield f"{path.name} [sources] {name}", source
    for mechanism in MECHANISMS:
        yield f"mechanism {mechanism.number}", mechanism.source


def test_every_source_cites_places_that_exist():
    bad = [
        f"{where}: {p}" for where, src in structured_sources() for p in problems(src, REPORTS, True)
    ]
    assert not bad, "\n".join(bad)


def prose_files():
    yield from (ROOT / p for p in ("README.md", "ARCHITECTURE.md"))
    yield from sorted((ROOT / "docs").glob("*.md"))
    for folder in ("sim", "experiments", "calibration", "scenarios"):
        yield from sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", list(prose_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_and_code_cite_only_places_that_exist(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        text = join_literals(text)
    found = problems(text, REPORTS, structured=False)
    assert not found, "\n".join(f[-200:] for f in found)


def test_assumptions_are_uncertain():
    for row in parameter_table():
        if row["source"].startswith("assumption: "):
            assert row["uncertain"], row["name"]


@pytest.mark.parametrize(
    ("source", "wrong"),
    [
        ("IOM-2010 §6 (recommendations)", "has no §6"),
        ("IOM-2010 (somewhere)", "without a section or heading"),
        ('IASC-2021 "Enablers" (too short a heading)', "has no"),
        ("IOM-2010 Table 9", "has no Table 9"),
        ("IOM-2010 endnote 31", "has no endnote 31"),
        ("a guess", "neither cites a report first"),
        ("assumption: as in §4.4", "names no report"),
        ("IOM-2010 §4.5 (threats), §4.9", "has no §4.9"),
    ],
)
def test_checker_catches_what_does_not_exist(source, wrong):
    assert any(wrong in p for p in problems(source, REPORTS, structured=True))


@pytest.mark.parametrize(
    "source",
    [
        "IOM-2010 §4.3 Table 3 (27 of 40)",
        "IOM-2010 §5.3.3 and §5.3.4 (one-month courses)",
        'IASC-2021 "Enablers of re-trafficking" (homelessness)',
        'assumption: why (IOM-2010 "Key research findings", §5.1; IASC-2021 "Data")',
        "IOM-2010 §5.1, endnote 26",
    ],
)
def test_checker_accepts_places_that_exist(source):
    assert problems(source, REPORTS, structured=True) == []


@pytest.mark.skipif(not TEXTS.is_dir(), reason="../shared/sources/ is not beside the checkout")
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_list_of_places_matches_the_report_text(name):
    report = REPORTS[name]
    text = (TEXTS / report.text).read_text(encoding="utf-8")
    body = re.split(r"^\s*ENDNOTES\s*$", text, maxsplit=1, flags=re.MULTILINE)
    lines = [normal(line).rstrip(":") for line in body[0].splitlines()]
    assert report.title.lower() in normal(text.splitlines()[0])
    for section in report.sections:
        pattern = rf"^\s*{re.escape(section)}\.?\s+\S"
        assert re.search(pattern, body[0], flags=re.MULTILINE), f"{name} §{section}"
    for heading in report.headings:
        if heading == "endnotes":
            assert len(body) == 2
            continue
        assert any(line == heading or line.startswith(heading + " ") for line in lines) or (
            heading in normal(body[0])
        ), f"{name}: heading {heading!r}"
    for kind, numbers in (("Table", report.tables), ("Figure", report.figures)):
        for number in numbers:
            assert re.search(rf"^\s*{kind} {number}:", text, flags=re.MULTILINE), f"{kind} {number}"
    if report.endnotes:
        notes = body[1]
        for number in range(1, report.endnotes + 1):
            assert re.search(rf"^\s*{number}\.\s", notes, flags=re.MULTILINE), f"endnote {number}"
        assert not re.search(rf"^\s*{report.endnotes + 1}\.\s", notes, flags=re.MULTILINE)
