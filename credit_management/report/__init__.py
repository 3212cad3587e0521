from . import credit_aged_balance
from . import credit_kpi_line
from . import credit_kpi_trend
from . import credit_aged_balance_pdf
from . import credit_aged_balance_xlsx
from . import credit_statement_pdf
from . import credit_segment_exposure
