"""External ratings from a CSV file: parsing and checks, no database.

The file has a header line and the columns ``partner`` (the customer's VAT
number, internal reference or exact name), ``rating``, ``scale_min``,
``scale_max``, ``source`` and ``date`` (YYYY-MM-DD); ``higher_is_safer``
(1/0, yes/no, true/false) is optional and true by default.  Separators ``,``
and ``;`` are both read.  :func:`parse` returns one :class:`RatingLine` per
data line with its errors (codes, turned into sentences by the caller); a
line with errors is never applied.

>>> lines = parse("partner;rating;scale_min;scale_max;source;date\\n"
...               "FR123;7;1;10;Bureau;2025-06-01\\nACME;x;1;10;;2025-13-01\\n")
>>> [(line.number, line.rating, line.errors) for line in lines]
[(2, 7.0, ()), (3, None, ('rating', 'source', 'date'))]
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

REQUIRED = ("partner", "rating", "scale_min", "scale_max", "source", "date")
TRUE = {"1", "yes", "true", "y", "oui", "vrai"}
FALSE = {"0", "no", "false", "n", "non", "faux"}


@dataclass(frozen=True)
class RatingLine:
    number: int  # line number in the file, the header being line 1
    partner: str
    rating: float | None
    scale_min: float | None
    scale_max: float | None
    source: str
    date: date | None
    higher_is_safer: bool
    errors: tuple = ()  # codes: the names of the wrong columns, or "scale"


def missing_columns(header):
    """The required columns missing from ``header``."""
    names = {name.strip().lower() for name in header}
    return tuple(name for name in REQUIRED if name not in names)


def _number(text):
    try:
        return float(text.strip().replace(",", "."))
    except (AttributeError, ValueError):
        return None


def _date(text):
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def parse(text):
    """The lines of the CSV ``text``; ``ValueError`` naming the missing
    columns when the header lacks some."""
    sample = text.split("\n", 1)[0]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    missing = missing_columns(header)
    if missing:
        raise ValueError(", ".join(missing))
    index = {name.strip().lower(): position for position, name in enumerate(header)}
    lines = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(header) - len(row))

        def cell(name, row=row):
            position = index.get(name)
            return row[position].strip() if position is not None else ""

        safer_text = cell("higher_is_safer").lower()
        line = RatingLine(
            number=number,
            partner=cell("partner"),
            rating=_number(cell("rating")),
            scale_min=_number(cell("scale_min")),
            scale_max=_number(cell("scale_max")),
            source=cell("source"),
            date=_date(cell("date")),
            higher_is_safer=safer_text not in FALSE,
        )
        errors = [
            name
            for name, wrong in (
                ("partner", not line.partner),
                ("rating", line.rating is None),
                ("scale_min", line.scale_min is None),
                ("scale_max", line.scale_max is None),
                ("source", not line.source),
                ("date", line.date is None),
                ("higher_is_safer", safer_text and safer_text not in TRUE | FALSE),
            )
            if wrong
        ]
        if not errors and not (line.scale_min < line.scale_max):
            errors.append("scale")
        if not errors and not line.scale_min <= line.rating <= line.scale_max:
            errors.append("out_of_scale")
        lines.append(RatingLine(**{**line.__dict__, "errors": tuple(errors)}))
    return lines
