from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """A quote paid online that the confirmation gate stops is not confirmed: the customer
        is told the payment was received (Odoo's own e-mail), the order waits for the sales
        administration."""
        held_txs = self.browse()
        for tx in self:
            if len(tx.sale_order_ids) != 1:
                continue
            quote = tx.sale_order_ids.filtered(lambda so: so.state in ("draft", "sent"))
            if quote and quote._is_confirmation_amount_reached() and quote._adv_gate_problems():
                quote._adv_hold(self.env._("The customer paid the quote online."))
                held_txs |= tx
        return super(PaymentTransaction, self - held_txs)._check_amount_and_confirm_order()
