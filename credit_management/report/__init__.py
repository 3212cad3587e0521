from . import credit_aged_balance
