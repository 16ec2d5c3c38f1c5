"""Result types shared by parsing, planning and writing, so the CLI and the /importer page speak one language."""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

KINDS = ("budget", "sick-leave", "goals", "budget-frame")
KIND_LABELS = {
    "budget": "budsjett og regnskap",
    "sick-leave": "sykefravær",
    "goals": "enhetsmål",
    "budget-frame": "budsjettramme",
}
# Problems beyond this are summarised in one closing problem: a 100 000-row file with a wrong column
# should not produce 100 000 lines that nobody reads.
MAX_PROBLEMS = 500


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported; `row` is the row number as seen in Excel or a text editor."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Rad {self.row}")
        if self.column is not None:
            where.append(f"kolonne «{self.column}»")
        prefix = f"{self.file}: " if self.file else ""
        if where:
            text = ", ".join(where)
            return f"{prefix}{text[0].upper()}{text[1:]}: {self.message}"
        return f"{prefix}{self.message}"


@dataclass
class ParseResult:
    """A file read and validated, not yet written; `rows` is only trustworthy when `ok`."""

    kind: str
    file_name: str
    sha256: str
    rows: pl.DataFrame
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    amount_unit: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # our field -> the file's header text
    options: dict = field(default_factory=dict)
    is_demo: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def what(self) -> str:
        """What the file holds, for messages: a budget file without accounts is not «budsjett og regnskap»."""
        if self.kind == "budget" and self.columns:
            if "accounts" not in self.columns:
                return "budsjett (uten regnskap)"
            if not {"original_budget", "budget_changes", "revised_budget"} & set(self.columns):
                return "regnskap (uten budsjett)"
        return KIND_LABELS[self.kind]


@dataclass
class PeriodChange:
    """How one replaced slice (a month, a year, a unit-year or a frame) changes."""

    label: str
    new_rows: int
    existing_rows: int


@dataclass
class ImportPlan:
    """What an import would do, for the preview before the user confirms."""

    kind: str
    file_name: str
    already_imported: bool
    previous_batch_id: int | None
    rows_to_insert: int
    rows_to_replace: int
    demo_rows_to_remove: int
    periods: list[PeriodChange] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did; status 'unchanged' means the same file was already in the database."""

    status: str  # 'imported' | 'unchanged'
    batch_id: int | None
    plan: ImportPlan
    parsed: ParseResult


class ImportRejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[Problem], file_name: str = ""):
        self.problems = problems
        self.file_name = file_name
        n = len(problems)
        super().__init__(f"{file_name}: {n} problem{'er' if n != 1 else ''} – ingenting ble importert")
