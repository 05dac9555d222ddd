from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Code de la commande publique R2192-31: public buyers owe the ECB rate + 8 points
PUBLIC_BUYER_POINTS = 8.0


def half_year_start(day):
    """1 January or 1 July of the half-year of ``day``."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


class AdvEcbRate(models.Model):
    """The European Central Bank's main refinancing rate in force on the first day of a
    half-year (1 January or 1 July), which applies to the whole half-year (Code de commerce
    L441-10), with the legal interest rate of the half-year for professional creditors (the
    late-penalty rate may not be below three times it)."""

    _name = "adv.ecb.rate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "ECB Refinancing Rate of a Half-Year"
    _order = "date_from desc"
    _rec_name = "date_from"

    date_from = fields.Date(
        string="Half-Year From",
        required=True,
        tracking=True,
        help="1 January or 1 July: the rate in force on that day applies to the half-year.",
    )
    name = fields.Char(string="Half-Year", compute="_compute_name")
    rate = fields.Float(
        string="ECB Refinancing Rate (%)",
        required=True,
        digits=(5, 2),
        tracking=True,
        help="The ECB's main refinancing operations rate in force on the first day of the "
        "half-year.",
    )
    legal_rate = fields.Float(
        string="Legal Interest Rate (%)",
        digits=(5, 2),
        tracking=True,
        help="The legal interest rate of the half-year for professional creditors ('all other "
        "cases' of the ministerial order). Late penalties may not be below three times it "
        "(Code de commerce L441-10). Empty when not known yet.",
    )

    _date_from_unique = models.UniqueIndex(
        "(date_from)", "There is already a rate for this half-year."
    )
    _rate_positive = models.Constraint(
        "CHECK(rate >= 0 AND legal_rate >= 0)", "Rates cannot be negative."
    )

    @api.depends("date_from")
    @api.depends_context("lang")
    def _compute_name(self):
        for rate in self:
            rate.name = rate._adv_half_year_label(rate.date_from) if rate.date_from else False

    @api.depends("date_from")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for rate in self:
            rate.display_name = rate.name

    @api.model
    def _adv_half_year_label(self, day):
        """'2026 H2' (French: 'S2 2026'), in the context's language."""
        return self.env._("%(year)s H%(half)s", year=day.year, half=1 if day.month <= 6 else 2)

    @api.constrains("date_from")
    def _check_date_from(self):
        for rate in self:
            if rate.date_from.day != 1 or rate.date_from.month not in (1, 7):
                raise ValidationError(
                    self.env._(
                        "A half-year starts on 1 January or 1 July, not on %(date)s.",
                        date=rate.date_from,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        rates = super().create(vals_list)
        self._adv_invalidate_companies()
        return rates

    def write(self, vals):
        result = super().write(vals)
        self._adv_invalidate_companies()
        return result

    def unlink(self):
        result = super().unlink()
        self._adv_invalidate_companies()
        return result

    def _adv_invalidate_companies(self):
        """The companies' current rate fields are computed from this table."""
        self.env["res.company"].invalidate_model(
            ["adv_ecb_rate", "adv_ecb_rate_missing", "adv_late_penalty_rate"]
        )

    @api.model
    def _adv_rate_for(self, day):
        """The rate of the half-year of ``day``, else the latest known before it (else the
        earliest known): a missing half-year never stops an invoice, the warning of
        ``_adv_cron_check_current`` asks accounting to fill it in."""
        day = fields.Date.to_date(day) or fields.Date.context_today(self)
        rates = self.sudo().search([("date_from", "<=", half_year_start(day))], limit=1)
        return rates or self.sudo().search([], order="date_from", limit=1)

    @api.model
    def _adv_missing_half_year(self, day=None):
        """The start of the half-year of ``day`` (today) when it has no rate, else False."""
        start = half_year_start(day or fields.Date.context_today(self))
        if self.sudo().search_count([("date_from", "=", start)], limit=1):
            return False
        return start

    @api.model
    def _adv_cron_check_current(self):
        """Ask the accounting managers to enter the rate of the current half-year when it is
        missing (one activity each, on the latest rate; a rerun adds none)."""
        start = self._adv_missing_half_year()
        if not start:
            return
        latest = self.search([], limit=1)
        if not latest:
            return
        managers = self.env.ref("account.group_account_manager").all_user_ids.filtered(
            lambda u: not u.share and u.active
        )
        for user in managers:
            # in the accountant's language; one activity each, whoever runs it again
            in_lang = self.with_context(lang=user.lang)
            summary = in_lang.env._(
                "Enter the ECB rate of %(half_year)s",
                half_year=in_lang._adv_half_year_label(start),
            )
            if latest.activity_ids.filtered(
                lambda a, u=user, s=summary: a.user_id == u and a.summary == s
            ):
                continue
            latest.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=start + relativedelta(days=1),
                summary=summary,
                note=in_lang.env._(
                    "The late-penalty rate printed on invoices and charged on late payments "
                    "uses the ECB main refinancing rate in force on the first day of the "
                    "half-year. Until it is entered, the latest known rate is used."
                ),
                user_id=user.id,
            )
