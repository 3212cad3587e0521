from . import credit_approval_wizard
