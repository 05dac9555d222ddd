from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    adv_no_reminder = fields.Boolean(
        string="No Payment Reminder",
        copy=False,
        tracking=True,
        help="Never send a payment reminder for this invoice.",
    )
    adv_dispute = fields.Boolean(
        string="In Dispute",
        copy=False,
        tracking=True,
        help="No reminder while the invoice is disputed.",
    )
    adv_dispute_reason = fields.Char(string="Dispute Reason", copy=False, tracking=True)
    adv_reminder_line_ids = fields.One2many(
        "adv.reminder.line", "move_id", string="Payment Reminders"
    )
    adv_reminder_count = fields.Integer(
        compute="_compute_adv_reminder_count", string="Reminder Count"
    )

    # the customers of the customer invoices and credit notes, by state: the Customers and
    # Prospects filters (posted) and the customer risk (drafts) read it without the invoices
    _adv_customer_invoice_idx = models.Index(
        "(commercial_partner_id, state) WHERE move_type IN ('out_invoice', 'out_refund')"
    )

    def _compute_adv_reminder_count(self):
        counts = dict(
            self.env["adv.reminder.line"]._read_group(
                [
                    ("move_id", "in", self.ids),
                    ("reminder_id.state", "in", ("queued", "sent", "to_print")),
                ],
                ["move_id"],
                ["__count"],
            )
        )
        for move in self:
            move.adv_reminder_count = counts.get(move, 0)

    def action_view_adv_reminders(self):
        self.ensure_one()
        return self.env["adv.reminder"]._action_open([("line_ids.move_id", "=", self.id)])

    def _adv_check_risk_at_posting(self):
        """If the company wants it, check the customer risk before a customer invoice is
        posted, whoever posts it: a risk manager posts anyway (logged), anybody else, a
        program or superuser mode is stopped. An invoice already paid online carries no
        credit risk."""
        for move in self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "draft"):
            company = move.company_id.sudo()  # the risk settings, read for every user
            if not company.adv_risk_gate_invoice or company.adv_risk_gate == "none":
                continue
            message = move.partner_id.commercial_partner_id.with_company(
                company
            )._adv_risk_message()
            if not message or move._adv_paid_online():
                continue
            user = self.env.user
            risk_manager = (
                user._is_internal()
                and not user._is_superuser()
                and user.has_group("adv_dossier.group_adv_risk_manager")
            )
            if company.adv_risk_gate == "block" and not risk_manager:
                raise UserError(
                    self.env._(
                        "%(message)s The invoice cannot be posted: ask a risk manager.",
                        message=message,
                    )
                )
            move.message_post(
                body=Markup("<p>{}</p>").format(
                    self.env._("Posted despite the customer risk: %(message)s", message=message)
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _adv_paid_online(self):
        """Whether online payments already cover the whole invoice."""
        self.ensure_one()
        paid = sum(
            tx.amount
            for tx in self.sudo().transaction_ids
            if tx.state in ("authorized", "done") and tx.currency_id == self.currency_id
        )
        return self.currency_id.compare_amounts(paid, self.amount_total) >= 0

    def _adv_dossiers(self):
        return self.invoice_line_ids.sale_line_ids.order_id.dossier_id

    def _post(self, soft=True):
        self._adv_check_risk_at_posting()
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda m: m.move_type in ("out_invoice", "out_refund")
        )._adv_dossiers()._adv_sync_follow_up()
        return posted


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # the open items (posted, not reconciled, something left to pay) by partner, with what the
    # risk levels and the reminders read of them: the risk level filter sums them per customer
    # from the index alone, in partner order, without reading the journal items
    _adv_open_items_idx = models.Index(
        "(partner_id) INCLUDE (account_id, company_id, amount_residual, date_maturity) "
        "WHERE reconciled IS NOT TRUE AND parent_state = 'posted' AND amount_residual != 0"
    )

    def reconcile(self):
        results = super().reconcile()
        # a payment matched with an invoice may settle a dossier
        invoices = self.move_id.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        invoices._adv_dossiers()._adv_sync_follow_up()
        return results
