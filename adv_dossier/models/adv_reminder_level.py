from odoo import api, fields, models

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
        """The company's levels, created the first time from the main company's (the French
        ladder), whoever asks first: an accountant who may not create levels, a user of
        another company who cannot read the main company's. Called under the company's
        reminder run lock, so that two runs never create them twice."""
        levels = self.search([("company_id", "=", company.id)])
        if levels:
            return levels
        Level = self.sudo().with_context(active_test=True)
        main = self.env.ref("base.main_company")
        defaults = Level.search([("company_id", "=", main.id)]) if main != company else Level
        created = self.browse()
        for level in defaults:
            created |= level.copy({"company_id": company.id})
        return self.browse(created.ids)
