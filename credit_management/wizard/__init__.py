from . import credit_approval_wizard
from . import credit_aged_balance_wizard
from . import credit_kpi_wizard
from . import credit_dunning_pause_wizard
from . import credit_dunning_preview_wizard
from . import credit_dunning_postpone_wizard
from . import credit_statement_wizard
from . import credit_penalty_waive_wizard
