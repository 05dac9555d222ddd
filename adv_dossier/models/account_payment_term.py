from odoo import api, fields, models

# Code de commerce L441-10: at most 60 days from the invoice date, or 45 days end of month.
# The largest number of days each kind of term line may have within that limit:
LEGAL_MAX_DAYS = {
    "days_after": 60,
    "days_after_end_of_month": 45,
    # end of next month is already about 30 days after end of month
    "days_after_end_of_next_month": 15,
    "days_end_of_month_on_the": 45,
}


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    adv_exceeds_legal_max = fields.Boolean(
        string="Exceeds the French Legal Maximum",
        compute="_compute_adv_exceeds_legal_max",
        help="Between French companies, a payment term may not exceed 60 days from the "
        "invoice date, or 45 days end of month (Code de commerce, L441-10).",
    )

    @api.depends("line_ids.nb_days", "line_ids.delay_type")
    def _compute_adv_exceeds_legal_max(self):
        for term in self:
            term.adv_exceeds_legal_max = any(
                line.nb_days > LEGAL_MAX_DAYS.get(line.delay_type, 60) for line in term.line_ids
            )

    def _adv_legal_warning(self):
        self.ensure_one()
        return self.env._(
            "The payment term %(term)s exceeds the legal maximum between French companies: "
            "60 days from the invoice date, or 45 days end of month (Code de commerce, L441-10).",
            term=self.display_name,
        )
