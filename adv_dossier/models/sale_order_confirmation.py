"""The order confirmation gate: one place, every path.

An order of a company that checks its orders (``res.company.adv_confirm_checks``) is
confirmed only when

* the customer received the quote as it is (no change since the last version sent, or the
  changes accepted in the confirmation step),
* the customer file is complete (a prospect's first order),
* and, when the company blocks risky customers (``adv_risk_gate`` = block), the customer risk
  allows it,

unless a manager confirmed it anyway, with a reason, in the confirmation step. The gate is
``_confirmation_error_message`` (Odoo's own check, run by ``action_confirm`` for every caller,
superuser mode included) and the write of the ``sale`` state itself: no context key, no
view, no wizard field can open it.

A web user meets the gate as the confirmation step (``adv.order.confirm``); a program calling
``action_confirm`` gets a ``UserError``; a customer who signs or pays online for an order that
does not pass is thanked, and the order waits (``adv_hold_date``) with an activity for the
people who can clear it.
"""

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError

# the override fields are written by the confirmation step only (see _adv_record_override)
OVERRIDE_FIELDS = (
    "adv_override_user_id",
    "adv_override_date",
    "adv_override_reason",
    "adv_override_problems",
)
HOLD_FIELDS = ("adv_hold_date", "adv_hold_reason")


# the confirmation gate has a file of its own, beside sale_order.py
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    _inherit = "sale.order"

    adv_override_user_id = fields.Many2one(
        "res.users", string="Confirmed Anyway By", readonly=True, copy=False
    )
    adv_override_date = fields.Datetime(string="Confirmed Anyway On", readonly=True, copy=False)
    adv_override_reason = fields.Text(string="Reason to Confirm Anyway", readonly=True, copy=False)
    adv_override_problems = fields.Char(
        string="Checks Waived",
        readonly=True,
        copy=False,
        help="The confirmation checks a manager waived (changes, customer_file, risk).",
    )
    adv_hold_date = fields.Datetime(
        string="Waiting for Confirmation Since",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The customer signed or paid the quote online, but it could not be confirmed yet: "
        "it waits for the sales administration or the risk manager.",
    )
    adv_hold_reason = fields.Text(string="Waiting Because", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # CRUD: the gate on the state itself, the override and hold fields kept for the code
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._adv_check_protected_fields(vals)
        orders = super().create(vals_list)
        # an order created confirmed passes the same gate
        for order in orders.filtered(lambda o: o.state == "sale"):
            message = order._adv_gate_message()
            if message:
                raise UserError(message)
        return orders

    def write(self, vals):
        if not self.env.su:
            self._adv_check_protected_fields(vals)
        if vals.get("state") == "sale":
            for order in self.filtered(lambda o: o.state in ("draft", "sent")):
                message = order._adv_gate_message()
                if message:
                    raise UserError(message)
        return super().write(vals)

    @api.model
    def _adv_check_protected_fields(self, vals):
        protected = set(vals) & set(OVERRIDE_FIELDS + HOLD_FIELDS)
        if protected:
            raise AccessError(
                self.env._(
                    "These fields are set by the order confirmation step only: %(fields)s.",
                    fields=", ".join(sorted(protected)),
                )
            )

    # ------------------------------------------------------------------
    # The gate
    # ------------------------------------------------------------------
    def _adv_gate_problems(self):
        """What keeps this order from being confirmed now: {problem: message}.

        ``changes``: changed since the customer received it; ``customer_file``: the customer
        file is incomplete; ``risk``: the customer risk blocks it. Problems a manager waived
        in the confirmation step are left out.
        """
        self.ensure_one()
        problems = {}
        company = self.company_id
        if company.adv_confirm_checks:
            # whoever confirms (a user without the versions' rights, an online payment) is
            # checked against the last version the customer received
            last = self.sudo()._adv_last_version()
            if last and last._diff(self.sudo()._adv_snapshot()):
                problems["changes"] = self.env._(
                    "the quote was changed since the customer received %(version)s",
                    version=last.display_name,
                )
            customer = self.partner_id.commercial_partner_id
            missing = customer._adv_customer_file_missing(company)
            if missing:
                problems["customer_file"] = self.env._(
                    "the customer file of %(customer)s is incomplete (%(fields)s)",
                    customer=customer.display_name,
                    fields=", ".join(customer._adv_customer_file_labels(missing)),
                )
        # the gate setting is the risk managers': read for every user
        if company.sudo().adv_risk_gate == "block":
            risk = self._adv_risk_problem()
            if risk:
                problems["risk"] = risk
        waived = set((self.adv_override_problems or "").split(","))
        return {code: message for code, message in problems.items() if code not in waived}

    def _adv_gate_message(self):
        """The gate's answer for this order, for whoever asks (False: it may be confirmed)."""
        self.ensure_one()
        problems = self._adv_gate_problems()
        if not problems:
            return False
        return self.env._(
            "%(order)s cannot be confirmed yet: %(problems)s. Confirm it from the order, where "
            "the confirmation step lets you complete what is missing.",
            order=self.name,
            problems=self._adv_problems_text(problems),
        )

    @api.model
    def _adv_problems_text(self, problems):
        """The gate's problems in one sentence."""
        return "; ".join(message.rstrip(".") for message in problems.values())

    def _confirmation_error_message(self):
        return super()._confirmation_error_message() or self._adv_gate_message()

    def _adv_risk_problem(self):
        """What the customer risk says of confirming this order (False: nothing to say)."""
        self.ensure_one()
        if self.company_id.sudo().adv_risk_gate == "none":
            return False
        amount = self.currency_id._convert(
            self.amount_total,
            self.company_id.currency_id,
            self.company_id,
            fields.Date.context_today(self),
        )
        return self.partner_id.commercial_partner_id.with_company(
            self.company_id
        )._adv_risk_message(amount)

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------
    def action_confirm(self):
        """From the web client (``adv_confirm_check`` in the button's context), an order that
        the gate stops, or with a customer risk to warn of, opens the confirmation step instead
        of an error. The context only chooses how the gate is shown: the gate itself is in
        ``_confirmation_error_message``."""
        if self.env.context.get("adv_confirm_check"):
            for order in self:
                if order.state in ("draft", "sent") and (
                    order._adv_gate_problems() or order._adv_risk_problem()
                ):
                    return order._adv_confirmation_wizard_action()
        return super().action_confirm()

    def _adv_confirmation_wizard_action(self):
        self.ensure_one()
        wizard = self.env["adv.order.confirm"].create({"order_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirm the Order"),
            "res_model": "adv.order.confirm",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _action_confirm(self):
        self._adv_assign_order_number()
        res = super()._action_confirm()
        held = self.filtered("adv_hold_date")
        if held:
            held.sudo().write({"adv_hold_date": False, "adv_hold_reason": False})
            held.activity_ids.filtered(
                lambda a: a.activity_type_id == self._adv_hold_activity_type()
            ).sudo().action_feedback(feedback=self.env._("Order confirmed."))
        self.dossier_id._move_to_stage_code("order_to_do")
        self.dossier_id._adv_sync_follow_up()
        return res

    def _adv_assign_order_number(self):
        """French practice: the order gets its own number; the quote number stays on it."""
        for order in self.filtered(lambda o: not o.adv_quote_number):
            if not order.company_id.adv_order_numbering:
                continue
            number = order.company_id._adv_order_sequence().next_by_id(
                sequence_date=fields.Date.context_today(order)
            )
            order.write({"adv_quote_number": order.name, "name": number})

    def action_draft(self):
        res = super().action_draft()
        # a quote set back to draft is checked again from scratch
        self.filtered("adv_override_problems").sudo().write(dict.fromkeys(OVERRIDE_FIELDS, False))
        return res

    # ------------------------------------------------------------------
    # Confirmed anyway, by a manager
    # ------------------------------------------------------------------
    def _adv_record_override(self, problems, reason):
        """A manager confirms anyway: waive ``problems`` (codes) with ``reason``, logged.

        The customer risk is waived by a risk manager only, the other checks by a sales
        manager or a risk manager; superuser mode is nobody (an online payment, a program).
        """
        self.ensure_one()
        user = self.env.user
        human = user._is_internal() and not user._is_superuser()
        is_risk_manager = human and user.has_group("adv_dossier.group_adv_risk_manager")
        is_sales_manager = human and user.has_group("sales_team.group_sale_manager")
        if "risk" in problems and not is_risk_manager:
            raise UserError(
                self.env._("Only a risk manager can confirm the order of a blocked customer.")
            )
        if not (is_sales_manager or is_risk_manager):
            raise UserError(self.env._("Only a sales manager can confirm an order anyway."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the order is confirmed anyway."))
        self.check_access("write")
        self.sudo().write(
            {
                "adv_override_user_id": user.id,
                "adv_override_date": fields.Datetime.now(),
                "adv_override_reason": reason.strip(),
                "adv_override_problems": ",".join(problems),
            }
        )

    # ------------------------------------------------------------------
    # Signed or paid online: thanked, and the order waits
    # ------------------------------------------------------------------
    def _validate_order(self):
        """The customer signed online: confirm what passes the gate, hold the rest."""
        held = self.filtered(lambda o: o.state in ("draft", "sent") and o._adv_gate_problems())
        for order in held:
            order._adv_hold(self.env._("The customer signed the quote online."))
        return super(SaleOrder, self - held)._validate_order()

    @api.model
    def _adv_hold_activity_type(self):
        return self.env.ref("adv_dossier.mail_activity_type_order_to_confirm")

    def _adv_hold(self, event):
        """The customer signed or paid: the order waits for whoever clears what stops it."""
        self.ensure_one()
        problems = self._adv_gate_problems()
        order = self.sudo()
        order.write(
            {
                "adv_hold_date": order.adv_hold_date or fields.Datetime.now(),
                "adv_hold_reason": self._adv_problems_text(problems),
            }
        )
        users = order.user_id | order.dossier_id.user_id
        if "risk" in problems:
            users = order.company_id.adv_risk_user_id or users
        users = users.filtered(lambda u: u.active and not u.share)[:1]
        if not users:
            users = (
                self.env["res.users"]
                .sudo()
                .search(
                    [
                        ("group_ids", "in", self.env.ref("sales_team.group_sale_manager").id),
                        ("company_ids", "in", order.company_id.id),
                        ("share", "=", False),
                        ("id", "!=", SUPERUSER_ID),
                    ],
                    limit=1,
                )
            )
        activity_type = self._adv_hold_activity_type()
        if not order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            order.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=users.id or SUPERUSER_ID,
                note=Markup("<p>{}</p><p>{}</p>").format(event, self._adv_problems_text(problems)),
            )
        order.message_post(
            body=Markup("<p>{}</p><p>{}</p>").format(
                event,
                self.env._(
                    "Not confirmed yet: %(problems)s. The order waits for the sales "
                    "administration.",
                    problems=self._adv_problems_text(problems),
                ),
            ),
            subtype_xmlid="mail.mt_note",
        )
