"""Checking citations: every place a source string names must exist in the report it cites.

``docs/sources.toml`` lists each report's sections, headings, tables, figures and endnotes. A
citation is a report's short name followed by one or more places: ``IOM-2010 §4.5``,
``IOM-2010 Table 3``, ``IOM-2010 endnote 26`` or ``IASC-2021 "Enablers of re-trafficking"``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "docs" / "sources.toml"
TEXTS = ROOT.parent / "shared" / "sources"

_REPORT = re.compile(r"\b(IOM-2010|IASC-2021)\b")
_PLACE = re.compile(
    r"""\s*(?:,\s*|;\s*|and\s+|\s)?\s*
    (?P<place>§\s?\d+(?:\.\d+)*
      |Table\s+\d+
      |Figure\s+\d+
      |endnotes?\s+\d+
      |"[A-Z][^"\n]*"
      |“[A-Z][^”\n]*”)""",
    re.VERBOSE,
)
_SECTION = re.compile(r"§\s?(\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class Report:
    """What can be cited in one report."""

    name: str
    title: str
    text: str
    sections: frozenset[str]
    headings: frozenset[str]
    tables: frozenset[int]
    figures: frozenset[int]
    endnotes: int


def load_reports(path: Path = SOURCES) -> dict[str, Report]:
    """The reports of ``docs/sources.toml``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))["reports"]
    return {
        name: Report(
            name=name,
            title=r["title"],
            text=r["text"],
            sections=frozenset(r["sections"]),
            headings=frozenset(normal(h) for h in r["headings"]),
            tables=frozenset(r["tables"]),
            figures=frozenset(r["figures"]),
            endnotes=int(r["endnotes"]),
        )
        for name, r in data.items()
    }


def join_literals(code: str) -> str:
    """Python source with implicitly concatenated string literals joined across lines."""
    return re.sub(r"""(["'])\s*\n\s*\1""", "", code)


def normal(text: str) -> str:
    """Lower case, curly quotes straightened, runs of white space folded."""
    return " ".join(text.replace("’", "'").lower().split())


def problems(text: str, reports: dict[str, Report], structured: bool) -> list[str]:
    """What is wrong with the citations in ``text`` (empty when every place exists).

    Args:
        text: A source string, or any text (a docstring, a README).
        reports: From :func:`load_reports`.
        structured: A ``source`` field: it must be ``"assumption: why"`` or begin with a
            citation, and every report it names must be followed by at least one place.
    """
    found: list[str] = []
    if structured and not (text.startswith("assumption: ") or _REPORT.match(text)):
        found.append(f"{text!r} neither cites a report first nor says 'assumption: why'")
    mentions = list(_REPORT.finditer(text))
    for k, mention in enumerate(mentions):
        report = reports[mention.group(1)]
        pos, places = mention.end(), []
        while (m := _PLACE.match(text, pos)) is not None:
            places.append(m.group("place"))
            pos = m.end()
        if structured and not places:
            found.append(f"{text!r}: {report.name} is cited without a section or heading")
        for place in places:
            if not exists(place, report):
                found.append(f"{text!r}: {report.name} has no {place}")
        # A section mark further on belongs to the last report named before it.
        end = mentions[k + 1].start() if k + 1 < len(mentions) else len(text)
        for m in _SECTION.finditer(text, pos, end):
            if m.group(1) not in report.sections:
                found.append(f"{text!r}: {report.name} has no §{m.group(1)}")
    first = mentions[0].start() if mentions else len(text)
    for m in _SECTION.finditer(text, 0, first):
        found.append(f"{text!r}: §{m.group(1)} names no report")
    return found


def exists(place: str, report: Report) -> bool:
    """Whether ``place`` (a section, table, figure, endnote or quoted heading) is in ``report``."""
    if place.startswith("§"):
        return place[1:].strip() in report.sections
    number = re.search(r"\d+$", place)
    if place.startswith("Table") and number:
        return int(number.group()) in report.tables
    if place.startswith("Figure") and number:
        return int(number.group()) in report.figures
    if place.startswith("endnote") and number:
        return 1 <= int(number.group()) <= report.endnotes
    return normal(place.strip('"“”')) in report.headings
