import logging

import psycopg2

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

CHANNELS = [("email", "E-mail"), ("letter", "Letter (PDF) and e-mail"), ("phone", "Phone call")]


class AdvReminderLevel(models.Model):
    _name = "adv.reminder.level"
    _description = "Payment Reminder Level"
    _order = "company_id, days_after_due, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    days_after_due = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="The level is reached this many days after the due date.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template", string="E-mail Template", domain=[("model", "=", "adv.reminder")]
    )
    phone_call = fields.Boolean(
        string="Phone Call Activity",
        help="Also schedule a phone call for the customer's salesperson.",
    )
    formal_notice = fields.Boolean(
        help="The formal notice (mise en demeure) states the late-payment penalties and the fixed "
        "recovery indemnity.",
    )

    _days_positive = models.Constraint(
        "CHECK(days_after_due >= 0)", "The days after the due date cannot be negative."
    )
    _company_days_unique = models.UniqueIndex(
        "(company_id, days_after_due) WHERE active",
        "Two reminder levels of a company cannot have the same delay.",
    )

    @api.model
    def _for_company(self, company):
        """The company's active levels. The first time (the company never had levels), they
        are created from the main company's levels by the process, whoever runs first: the
        scheduled action, an accountant (who may not create levels) or a user outside the main
        company (who cannot read its levels). A company whose levels were all archived keeps
        none. Two runs at the same time create them once: the second finds none this time."""
        Level = self.sudo().with_context(active_test=False)
        if not Level.search_count([("company_id", "=", company.id)], limit=1):
            main = self.env.ref("base.main_company")
            defaults = Level.search([("company_id", "=", main.id), ("active", "=", True)])
            try:
                with self.env.cr.savepoint():
                    defaults.copy({"company_id": company.id})
            except psycopg2.errors.UniqueViolation:
                # created by another transaction not committed when this one began
                _logger.info("Reminder levels of company %s created by another run", company.id)
                return self.browse()
        return self.browse(
            Level.search([("company_id", "=", company.id), ("active", "=", True)]).ids
        )
