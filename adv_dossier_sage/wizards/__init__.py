from . import adv_sage_export_wizard
from . import adv_fec_export
