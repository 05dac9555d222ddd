from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sage_format import CODE_PATTERN


class AccountJournal(models.Model):
    _inherit = "account.journal"

    adv_sage_code = fields.Char(
        string="Sage Journal Code",
        size=6,
        copy=False,
        help="The code of this journal in Sage 100 (VE, BQ...): its sales or customer "
        "receipts are exported to Sage under this code. Empty: the journal is not exported.",
    )

    @api.constrains("adv_sage_code")
    def _check_adv_sage_code(self):
        for journal in self.filtered("adv_sage_code"):
            if not CODE_PATTERN.match(journal.adv_sage_code) or len(journal.adv_sage_code) > 6:
                raise ValidationError(
                    self.env._(
                        "The Sage code of the journal %(journal)s must be 1 to 6 capital "
                        "letters or digits (VE, BQ1...).",
                        journal=journal.display_name,
                    )
                )

    @api.model
    def _adv_sage_demo_codes(self):
        """The classroom case: the main company's sales journal is VE in Sage, its bank
        journals BQ, BQ2..., its cash journal CA (demo data)."""
        company = self.env.ref("base.main_company")
        prefixes = {"sale": "VE", "bank": "BQ", "cash": "CA"}
        for journal_type, prefix in prefixes.items():
            journals = self.search(
                [
                    ("company_id", "=", company.id),
                    ("type", "=", journal_type),
                    ("adv_sage_code", "=", False),
                ],
                order="sequence, id",
            )
            for index, journal in enumerate(journals):
                journal.adv_sage_code = prefix if not index else f"{prefix}{index + 1}"
