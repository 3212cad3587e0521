"""Plain-Python credit arithmetic: no database, no ORM, unit-tested in milliseconds."""

from . import blocking
from . import exposure
