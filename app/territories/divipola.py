"""DANE's DIVIPOLA codes (departments and municipalities), read once from the shipped file.

Pure lookups over `divipola.csv` (source and date in DIVIPOLA.md beside it): no database,
no network. A territory code is a department (2 digits) or a municipality (5 digits, the
first two its department's).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("divipola.csv")
DEPARTMENT = "department"
MUNICIPALITY = "municipality"


@dataclass(frozen=True)
class Territory:
    code: str
    name: str
    kind: str  # "department" or "municipality"
    department_code: str  # its own code for a department

    @property
    def level(self) -> int:
        """0 for a department, 1 for a municipality: what "coarser" means between them."""
        return 0 if self.kind == DEPARTMENT else 1


@cache
def territories() -> dict[str, Territory]:
    """Every code of the list, departments first, then municipalities, each in code order."""
    out: dict[str, Territory] = {}
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["code"]
            out[code] = Territory(
                code=code,
                name=row["name"],
                kind=row["kind"],
                department_code=row["department_code"] or code,
            )
    return out


def get(code: str) -> Territory | None:
    return territories().get(code)


def name_of(code: str) -> str | None:
    found = territories().get(code)
    return None if found is None else found.name


def problem(code: str) -> str | None:
    """Why `code` is not a DIVIPOLA code, or None when it is one."""
    if code in territories():
        return None
    if not (code.isdigit() and len(code) in (2, 5)):
        return (
            f"territory {code!r} is not a DIVIPOLA code (2 digits for a department, "
            "5 for a municipality)"
        )
    return f"territory {code!r} is not in DANE's DIVIPOLA list"
