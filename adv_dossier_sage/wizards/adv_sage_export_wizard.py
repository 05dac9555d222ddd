from odoo import api, fields, models


class AdvSageExportWizard(models.TransientModel):
    _name = "adv.sage.export.wizard"
    _description = "Export to Sage"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From",
        help="Empty: every entry not exported yet up to the end of the period.",
    )
    date_to = fields.Date(string="Up To", required=True, default=fields.Date.context_today)
    update_customers = fields.Boolean(
        string="Send the Customer Accounts Again",
        help="Also send the accounts of customers already sent to Sage, to update their "
        "address, VAT number or payment terms there (Sage replaces the whole account). "
        "Otherwise a customer account is sent once, with its first entries or its first "
        "confirmed order.",
    )
    move_count = fields.Integer(string="Entries to Export", compute="_compute_preview")
    journal_summary = fields.Text(string="Per Journal", compute="_compute_preview")

    @api.depends("company_id", "date_from", "date_to")
    def _compute_preview(self):
        Export = self.env["adv.sage.export"]
        for wizard in self:
            candidates = (
                Export._adv_candidates(wizard.company_id, wizard.date_from, wizard.date_to)
                if wizard.date_to
                else []
            )
            wizard.move_count = len(candidates)
            counts = {}
            for _move, journal_id in candidates:
                counts[journal_id] = counts.get(journal_id, 0) + 1
            journals = self.env["account.journal"].browse(counts)
            wizard.journal_summary = "\n".join(
                f"{journal.adv_sage_code or '?'} - {journal.name}: {counts[journal.id]}"
                for journal in journals.sorted(lambda j: (j.adv_sage_code or "", j.id))
            )

    def action_export(self):
        self.ensure_one()
        export = self.env["adv.sage.export"]._adv_export(
            self.company_id, self.date_from, self.date_to, self.update_customers
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "adv.sage.export",
            "res_id": export.id,
            "view_mode": "form",
            "target": "current",
        }
