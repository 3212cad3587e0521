from . import aged_balance
