from . import sage_format
from . import account_journal
from . import account_move
from . import res_company
from . import res_config_settings
from . import adv_sage_export
from . import adv_sage_export_move
from . import adv_sage_pending
