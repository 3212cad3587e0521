from . import aged_balance
from . import portal_statement
