from . import adv_dossier
from . import stock_picking
