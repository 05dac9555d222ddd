from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command, Domain
from odoo.tools import SQL, format_date, formatLang

FIXED_INDEMNITY = 40.0  # EUR per late invoice, professional customers (Code de commerce D441-5)


class AdvLatePenalty(models.Model):
    """The ledger of the late-payment penalties billed: for a due line (an invoice, or one of
    its instalments), the days billed, the penalty and the fixed indemnity, and the penalty
    invoice that billed them. A penalty invoice bills only the days no other one billed, and
    the fixed indemnity once per late invoice (per late instalment if the company chose
    so). Cancelling or crediting a penalty invoice frees its days again."""

    _name = "adv.late.penalty"
    _description = "Late-Payment Penalty"
    _order = "date_to desc, id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Late Invoice", required=True, index=True, readonly=True
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Due Line", ondelete="set null", readonly=True
    )
    date_maturity = fields.Date(string="Due Date", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date_from = fields.Date(string="Billed From", readonly=True)
    date_to = fields.Date(string="Billed Up To", readonly=True)
    days = fields.Integer(readonly=True)
    rate = fields.Float(string="Annual Rate (%)", digits=(5, 2), readonly=True)
    penalty = fields.Monetary(readonly=True)
    indemnity = fields.Monetary(string="Fixed Indemnity", readonly=True)
    penalty_invoice_id = fields.Many2one(
        "account.move", required=True, ondelete="cascade", index=True, readonly=True
    )
    reminder_id = fields.Many2one(
        "adv.reminder", ondelete="set null", index="btree_not_null", readonly=True
    )
    billed = fields.Boolean(
        compute="_compute_billed",
        search="_search_billed",
        help="Billed by a penalty invoice neither cancelled nor credited.",
    )

    @api.depends("penalty_invoice_id.state", "penalty_invoice_id.payment_state")
    def _compute_billed(self):
        for entry in self:
            invoice = entry.penalty_invoice_id
            entry.billed = invoice.state != "cancel" and invoice.payment_state != "reversed"

    def _search_billed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = Domain("penalty_invoice_id.state", "!=", "cancel") & Domain(
            "penalty_invoice_id.payment_state", "!=", "reversed"
        )
        return domain if (operator == "=") == value else ~domain

    # ------------------------------------------------------------------
    # Computing
    # ------------------------------------------------------------------
    @api.model
    def _payments(self, move_line_ids):
        """The payments and credit notes matched with due lines, in the lines' currency:
        {move line id: [(date, amount)]} (one query)."""
        if not move_line_ids:
            return {}
        self.env["account.partial.reconcile"].flush_model()
        result = {}
        for line_id, date, amount in self.env.execute_query(
            SQL(
                """
                SELECT debit_move_id, max_date, debit_amount_currency
                  FROM account_partial_reconcile
                 WHERE debit_move_id = ANY(%s)
                """,
                list(move_line_ids),
            )
        ):
            result.setdefault(line_id, []).append((date, amount))
        return result

    @api.model
    def _accrued(self, amount_due, payments, date_maturity, date_to, rate, date_from=None):
        """Penalties at ``rate`` % a year for each day late from ``date_from`` (the day after
        the due date by default) to ``date_to`` included, on the amount due that day:
        ``amount_due`` (due today) plus what was paid after that day (``payments``: [(date,
        amount)]; a payment settles its amount at the end of its day). Not rounded."""
        date_from = max(date_from or date_maturity, date_maturity + timedelta(days=1))
        if date_to < date_from:
            return 0.0
        # the amount due changes the day after each payment: segments between those days
        later = sorted((date, amount) for date, amount in payments if date >= date_from)
        total = 0.0
        due = amount_due + sum(amount for _date, amount in later)
        start = date_from
        for date, amount in later:
            end = min(date, date_to)
            if end >= start:
                total += due * ((end - start).days + 1)
                start = end + timedelta(days=1)
            due -= amount
            if start > date_to:
                break
        if start <= date_to:
            total += due * ((date_to - start).days + 1)
        return total * rate / 100.0 / 365.0

    @api.model
    def _indemnity(self, company, currency, date):
        """The fixed recovery indemnity (EUR 40) in the invoice's currency."""
        euro = self.env["res.currency"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id("base.EUR")
        )
        if currency == euro:
            return FIXED_INDEMNITY
        return euro._convert(FIXED_INDEMNITY, currency, company, date)

    @api.model
    def _late_lines(self, partner, company, moves, date):
        """The receivable due lines of ``moves`` (posted customer invoices) late at ``date``:
        still due after their due date, or paid after it."""
        lines = moves.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.company_id == company
                and m.commercial_partner_id == partner
            )
        ).line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and line.date_maturity
                and line.date_maturity < date
            )
        )
        return lines

    @api.model
    def _prepare_billing(self, partner, company, moves, date):
        """What a penalty invoice dated ``date`` would bill for ``moves``: the days late not
        billed yet of each due line, and the fixed indemnity of each late invoice (instalment)
        not billed yet. [{values of a ledger entry}]."""
        lines = self._late_lines(partner, company, moves, date)
        if not lines:
            return []
        payments = self._payments(lines.ids)
        billed = self.search(
            [
                ("move_id", "in", lines.move_id.ids),
                ("company_id", "=", company.id),
                ("billed", "=", True),
            ]
        )
        professional = partner.commercial_partner_id.is_company
        per_instalment = company.adv_indemnity_per_instalment
        entries = []
        indemnity_given = {
            (entry.move_id, entry.date_maturity if per_instalment else None)
            for entry in billed
            if entry.indemnity
        }
        for line in lines.sorted(lambda aml: (aml.date_maturity, aml.id)):
            own = billed.filtered(
                lambda e, aml=line: (
                    e.move_id == aml.move_id and e.date_maturity == aml.date_maturity
                )
            )
            line_payments = payments.get(line.id, [])
            amount_due = line.amount_residual_currency
            paid_on = max((d for d, _a in line_payments), default=None)
            end = date if amount_due > 0 else min(date, paid_on or line.date_maturity)
            if end <= line.date_maturity:
                continue  # paid in time
            start = max(
                line.date_maturity + timedelta(days=1),
                max((e.date_to for e in own if e.date_to), default=line.date_maturity)
                + timedelta(days=1),
            )
            rate = company._adv_late_penalty_rate(partner, line.date_maturity)
            currency = line.currency_id
            penalty = currency.round(
                self._accrued(amount_due, line_payments, line.date_maturity, end, rate, start)
            )
            key = (line.move_id, line.date_maturity if per_instalment else None)
            indemnity = 0.0
            if professional and key not in indemnity_given:
                indemnity = self._indemnity(company, currency, date)
                indemnity_given.add(key)
            if currency.is_zero(penalty) and not indemnity:
                continue
            entries.append(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "move_id": line.move_id.id,
                    "move_line_id": line.id,
                    "date_maturity": line.date_maturity,
                    "currency_id": currency.id,
                    "date_from": start if end >= start else False,
                    "date_to": end if end >= start else False,
                    "days": max((end - start).days + 1, 0),
                    "rate": rate,
                    "penalty": penalty,
                    "indemnity": indemnity,
                }
            )
        return entries

    # ------------------------------------------------------------------
    # Billing
    # ------------------------------------------------------------------
    @api.model
    def _invoice_penalties(self, partner, company, moves, reminder=None):
        """Draft the penalty invoices (one per currency) of the days and indemnities of
        ``moves`` not billed yet, outside the scope of VAT, on the company's penalty
        account; the ledger records what they bill. Returns the invoices."""
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only accounting invoices late-payment penalties."))
        partner = partner.commercial_partner_id
        company._adv_check_user_company()
        date = fields.Date.context_today(self)
        entries = self._prepare_billing(partner, company, moves, date)
        if not entries:
            raise UserError(
                self.env._(
                    "Nothing to invoice: the late-payment penalties of these invoices are "
                    "billed up to today (or the invoices were paid in time)."
                )
            )
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), *self.env["account.journal"]._check_company_domain(company)],
            limit=1,
        )
        if not journal:
            raise UserError(self.env._("The company has no sales journal to invoice with."))
        account = company._adv_penalty_account(journal)
        invoices = self.env["account.move"]
        by_currency = {}
        for entry in entries:
            by_currency.setdefault(entry["currency_id"], []).append(entry)
        Move = self.env["account.move"].with_context(default_move_type="out_invoice")
        for currency_id, currency_entries in by_currency.items():
            lines = []
            for entry in currency_entries:
                invoice = self.env["account.move"].browse(entry["move_id"])
                currency = self.env["res.currency"].browse(currency_id)
                if entry["penalty"]:
                    lines.append(self._penalty_line(entry, invoice, currency, account))
                if entry["indemnity"]:
                    lines.append(self._indemnity_line(entry, invoice, account))
            penalty_invoice = Move.create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "currency_id": currency_id,
                    "invoice_date": date,
                    "invoice_origin": reminder.display_name
                    if reminder
                    else self.env._("Late-payment penalties"),
                    "invoice_line_ids": lines,
                }
            )
            self.sudo().create(
                [
                    dict(
                        entry,
                        penalty_invoice_id=penalty_invoice.id,
                        reminder_id=reminder.id if reminder else False,
                    )
                    for entry in currency_entries
                ]
            )
            penalty_invoice.message_post(
                body=self.env._(
                    "Late-payment penalties and fixed indemnities not billed yet, outside the "
                    "scope of VAT."
                )
            )
            invoices |= penalty_invoice
        return invoices

    @api.model
    def _penalty_line(self, entry, invoice, currency, account):
        lang_env = self.with_context(lang=invoice.partner_id.lang).env
        name = lang_env._(
            "Late-payment penalties, invoice %(invoice)s due %(due)s: %(days)s days from "
            "%(start)s to %(end)s on the amount due, at %(rate)s %% a year",
            invoice=invoice.name,
            due=format_date(lang_env, entry["date_maturity"]),
            days=entry["days"],
            start=format_date(lang_env, entry["date_from"]),
            end=format_date(lang_env, entry["date_to"]),
            rate=formatLang(lang_env, entry["rate"]),
        )
        return Command.create(
            {
                "name": name,
                "quantity": 1,
                "price_unit": entry["penalty"],
                "account_id": account.id,
                "tax_ids": [Command.clear()],
            }
        )

    @api.model
    def _indemnity_line(self, entry, invoice, account):
        lang_env = self.with_context(lang=invoice.partner_id.lang).env
        return Command.create(
            {
                "name": lang_env._(
                    "Fixed indemnity for recovery costs (Code de commerce D441-5), invoice "
                    "%(invoice)s",
                    invoice=invoice.name,
                ),
                "quantity": 1,
                "price_unit": entry["indemnity"],
                "account_id": account.id,
                "tax_ids": [Command.clear()],
            }
        )
