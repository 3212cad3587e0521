from . import test_blocking
from . import test_concurrency
from . import test_demo_data
from . import test_exposure
from . import test_security
from . import test_tools_exposure
