"""Plain-Python credit arithmetic: no database, no ORM, unit-tested in milliseconds."""

from . import ageing
from . import blocking
from . import exposure
from . import kpi
from . import policy
from . import rating
from . import score
from . import statement
