from . import adv_order_confirm
from . import adv_sale_order_lost
from . import adv_risk_settings
