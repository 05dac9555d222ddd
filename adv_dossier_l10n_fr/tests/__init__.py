from . import test_report_invoice
