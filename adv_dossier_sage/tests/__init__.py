from . import test_sage_export
from . import test_fec_export
