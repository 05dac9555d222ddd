from datetime import date, timedelta

from odoo import api, fields, models
from odoo.tools import date_utils

# The invoice dates a term is tried on: two whole years, a leap year among them, so that every
# month length and every end of month is met.
TRIAL_DATES = [date(2027, 1, 1) + timedelta(days=n) for n in range(731)]


def legal_limit_b2b(invoice_date):
    """The latest due date the law allows between companies (Code de commerce L441-10): 60
    days from the invoice date, or 45 days end of month in either reading the DGCCRF accepts
    (the end of the month, then 45 days; or 45 days, then the end of that month)."""
    return max(
        invoice_date + timedelta(days=60),
        date_utils.end_of(invoice_date, "month") + timedelta(days=45),
        date_utils.end_of(invoice_date + timedelta(days=45), "month"),
    )


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    adv_exceeds_legal_max = fields.Boolean(
        string="Exceeds the French Legal Maximum",
        compute="_compute_adv_exceeds_legal_max",
        help="Between French companies, a payment term may not exceed 60 days from the "
        "invoice date, or 45 days end of month (Code de commerce, L441-10).",
    )

    @api.depends("line_ids.nb_days", "line_ids.delay_type", "line_ids.days_next_month")
    def _compute_adv_exceeds_legal_max(self):
        for term in self:
            term.adv_exceeds_legal_max = term._adv_exceeds(legal_limit_b2b)

    def _adv_exceeds(self, limit):
        """Whether a line of the term falls due after ``limit(invoice_date)`` for some invoice
        date: every kind of line (days after, end of month, end of month on the Nth) is tried
        on two years of invoice dates with Odoo's own due-date computation."""
        self.ensure_one()
        return any(
            line._get_due_date(day) > limit(day) for line in self.line_ids for day in TRIAL_DATES
        )

    def _adv_legal_warning(self, partner=None):
        """Why the term is beyond the legal maximum for ``partner``, or False."""
        self.ensure_one()
        max_days = partner and partner._adv_max_payment_days()
        if max_days:
            if self._adv_exceeds(lambda day: day + timedelta(days=max_days)):
                return self.env._(
                    "The payment term %(term)s exceeds the legal maximum of %(days)s days for "
                    "the public buyer %(partner)s (Code de la commande publique, L2192-10 and "
                    "R2192-10).",
                    term=self.display_name,
                    days=max_days,
                    partner=partner.commercial_partner_id.display_name,
                )
            return False
        if not self.adv_exceeds_legal_max:
            return False
        return self.env._(
            "The payment term %(term)s exceeds the legal maximum between French companies: "
            "60 days from the invoice date, or 45 days end of month (Code de commerce, L441-10).",
            term=self.display_name,
        )
