"""Plain-Python credit arithmetic: no database, no ORM, unit-tested in milliseconds."""

from . import exposure
