import logging
import re
import tempfile

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from . import sage_format
from .sage_format import CODE_PATTERN

_logger = logging.getLogger(__name__)

# entries read a chunk at a time: memory stays flat whatever the number of entries
CHUNK = 2000
# a few names are enough to find the bad data in a refusal message
SHOWN = 10


class AdvSageExport(models.Model):
    """One export to Sage (a batch): who, when, which entries and customer accounts, the
    file. Each entry is exported once: it points to its export until that export is
    cancelled."""

    _name = "adv.sage.export"
    _description = "Export to Sage"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Exported By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    export_date = fields.Datetime(
        string="Exported On", required=True, readonly=True, default=fields.Datetime.now
    )
    date_from = fields.Date(string="From", readonly=True)
    date_to = fields.Date(string="Up To", required=True, readonly=True)
    state = fields.Selection(
        [("done", "Exported"), ("cancelled", "Cancelled")],
        required=True,
        readonly=True,
        default="done",
    )
    cancel_user_id = fields.Many2one("res.users", string="Cancelled By", readonly=True)
    cancel_date = fields.Datetime(string="Cancelled On", readonly=True)
    export_move_ids = fields.One2many(
        "adv.sage.export.move", "export_id", string="Exported Entries", readonly=True
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Entries",
        compute="_compute_move_ids",
        help="The entries of the file (kept when the export is cancelled).",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "adv_sage_export_partner_rel",
        "export_id",
        "partner_id",
        string="Customer Accounts",
        readonly=True,
        help="The customer accounts (third parties) of the file.",
    )
    journal_line_ids = fields.One2many(
        "adv.sage.export.journal", "export_id", string="Journals", readonly=True
    )
    move_count = fields.Integer(string="Entries Exported", readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True)
    partner_count = fields.Integer(string="Customers Exported", readonly=True)
    total_debit = fields.Monetary(readonly=True)
    total_credit = fields.Monetary(readonly=True)
    file = fields.Binary(string="Sage File", attachment=True, readonly=True, copy=False)
    filename = fields.Char(readonly=True)

    @api.depends("export_move_ids")
    def _compute_move_ids(self):
        for export in self:
            export.move_ids = export.export_move_ids.move_id

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("An export to Sage is kept as a record: cancel it instead of deleting it.")
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file/{self.filename}?download=true",
            "target": "self",
        }

    def action_cancel(self):
        """The entries of the export become exportable again; the export stays, cancelled."""
        for export in self:
            if export.state != "done":
                raise UserError(
                    self.env._("The export %(name)s is already cancelled.", name=export.name)
                )
        self.env["adv.sage.export.move"].flush_model()
        self.env.cr.execute(
            SQL(
                "UPDATE adv_sage_export_move SET current = FALSE WHERE export_id IN %s",
                tuple(self.ids),
            )
        )
        self.env["adv.sage.export.move"].invalidate_model(["current"])
        self.env["account.move"].invalidate_model(["adv_sage_export_id"])
        self.write(
            {
                "state": "cancelled",
                "cancel_user_id": self.env.user.id,
                "cancel_date": fields.Datetime.now(),
            }
        )
        return True

    # ------------------------------------------------------------------
    # What is to export
    # ------------------------------------------------------------------
    @api.model
    def _adv_candidate_query(self, company, date_from, date_to, lock=False):
        """The posted entries of ``company`` not yet exported, up to ``date_to`` (from
        ``date_from`` if given): every entry of the sales journals (invoices, credit notes,
        penalty invoices) and the entries of the bank and cash journals that touch a
        receivable account (customer receipts and refunds), in the file's order."""
        return SQL(
            """
            SELECT m.id, m.journal_id
              FROM account_move m
              JOIN account_journal j ON j.id = m.journal_id
             WHERE m.company_id = %(company)s
               AND m.state = 'posted'
               AND NOT EXISTS (
                    SELECT 1 FROM adv_sage_export_move x WHERE x.move_id = m.id AND x.current)
               AND m.date <= %(date_to)s
               AND (%(date_from)s::date IS NULL OR m.date >= %(date_from)s::date)
               AND (j.type = 'sale' OR (j.type IN ('bank', 'cash') AND EXISTS (
                    SELECT 1 FROM account_move_line l
                      JOIN account_account a ON a.id = l.account_id
                     WHERE l.move_id = m.id AND a.account_type = 'asset_receivable')))
             ORDER BY j.adv_sage_code, m.date, m.name, m.id
             %(lock)s
            """,
            company=company.id,
            date_from=date_from or None,
            date_to=date_to,
            lock=SQL("FOR UPDATE OF m NOWAIT") if lock else SQL(),
        )

    @api.model
    def _adv_candidates(self, company, date_from, date_to, lock=False):
        """[(move id, journal id)] to export, locked when ``lock``: a second export running at
        the same time is refused instead of exporting the same entries."""
        self.env.flush_all()
        query = self._adv_candidate_query(company, date_from, date_to, lock=lock)
        if not lock:
            return self.env.execute_query(query)
        try:
            with self.env.cr.savepoint():
                return self.env.execute_query(query)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "Another export or a change of these entries is under way: try again in "
                    "a moment."
                )
            ) from None

    def _adv_partner_code(self, partner):
        return (partner.ref or "").strip().upper()

    def _adv_check(self, company, move_ids, journal_ids):
        """Refuse the export, naming the entries, customers or journals to fix, when the data
        would give Sage a wrong file."""
        _ = self.env._
        journals = self.env["account.journal"].browse(journal_ids)
        uncoded = journals.filtered(lambda journal: not journal.adv_sage_code)
        if uncoded:
            raise UserError(
                _(
                    "These journals have entries to export but no Sage code: %(journals)s. "
                    "Set their code in Invoicing > Sage and FEC > Sage Journal Codes.",
                    journals=", ".join(uncoded.mapped("display_name")),
                )
            )
        unbalanced = self.env.execute_query(
            SQL(
                """
                SELECT m.name
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                 WHERE l.move_id = ANY(%s)
              GROUP BY m.id, m.name
                HAVING SUM(ROUND(l.debit * 100)) <> SUM(ROUND(l.credit * 100))
              ORDER BY m.name
                 LIMIT %s
                """,
                move_ids,
                SHOWN,
            )
        )
        if unbalanced:
            raise UserError(
                _(
                    "These entries are not balanced (debits different from credits): "
                    "%(entries)s. Nothing was exported.",
                    entries=", ".join(name for (name,) in unbalanced),
                )
            )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT m.name, p.commercial_partner_id
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_account a ON a.id = l.account_id
             LEFT JOIN res_partner p ON p.id = l.partner_id
                 WHERE l.move_id = ANY(%s) AND a.account_type = 'asset_receivable'
                """,
                move_ids,
            )
        )
        no_partner = sorted({name for name, partner_id in rows if not partner_id})
        if no_partner:
            raise UserError(
                _(
                    "These entries have a customer account line without a customer: "
                    "%(entries)s. Nothing was exported.",
                    entries=", ".join(no_partner[:SHOWN]),
                )
            )
        partners = self.env["res.partner"].browse({partner_id for _name, partner_id in rows})
        bad = partners.filtered(lambda p: not CODE_PATTERN.match(self._adv_partner_code(p)))
        if bad:
            raise UserError(
                _(
                    "These customers have no valid customer account code (C00001..., up to 17 "
                    "letters or digits, in the Reference of their customer file): "
                    "%(customers)s. Nothing was exported.",
                    customers=", ".join(bad[:SHOWN].mapped("display_name")),
                )
            )
        codes = {}
        for partner in partners:
            other = codes.setdefault(self._adv_partner_code(partner), partner)
            if other != partner:
                raise UserError(
                    _(
                        "%(first)s and %(second)s have the same customer account code "
                        "%(code)s. Nothing was exported.",
                        first=other.display_name,
                        second=partner.display_name,
                        code=self._adv_partner_code(partner),
                    )
                )
        return partners

    def _adv_customers_to_send(self, company, entry_partners, update_customers):
        """The customer accounts of the file: the customers of its entries and those whose
        first order is confirmed, unless an export of the company already sent them (sent
        again when ``update_customers``, for the customers of the entries)."""
        confirmed = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT p.commercial_partner_id
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.company_id = %s AND so.state = 'sale'
                """,
                company.id,
            )
        )
        ordered = self.env["res.partner"].browse(partner_id for (partner_id,) in confirmed)
        ordered = ordered.filtered(
            lambda p: (
                CODE_PATTERN.match(self._adv_partner_code(p))
                and self._adv_partner_code(p)
                not in {self._adv_partner_code(e) for e in entry_partners - p}
            )
        )
        sent = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT rel.partner_id
                  FROM adv_sage_export_partner_rel rel
                  JOIN adv_sage_export e ON e.id = rel.export_id
                 WHERE e.company_id = %s AND e.state = 'done'
                """,
                company.id,
            )
        )
        sent = self.env["res.partner"].browse(partner_id for (partner_id,) in sent)
        customers = (ordered - entry_partners - sent) | (
            entry_partners if update_customers else entry_partners - sent
        )
        return customers.sorted(self._adv_partner_code)

    # ------------------------------------------------------------------
    # The export
    # ------------------------------------------------------------------
    @api.model
    def _adv_export(self, company, date_from, date_to, update_customers=False):
        """Export to Sage the entries of ``company`` not exported yet up to ``date_to``: one
        new export record with its file, or a UserError and nothing exported."""
        self.check_access("create")
        _ = self.env._
        if company not in self.env.user.company_ids:
            raise AccessError(_("You do not work for %s.", company.name))
        if date_from and date_from > date_to:
            raise UserError(_("The start of the period is after its end."))
        candidates = self._adv_candidates(company, date_from, date_to, lock=True)
        if not candidates:
            raise UserError(
                _(
                    "Nothing to export: every posted entry of the sales journals and customer "
                    "receipts of this period was already sent to Sage."
                )
            )
        move_ids = [move_id for move_id, _journal in candidates]
        journal_ids = sorted({journal_id for _move, journal_id in candidates})
        entry_partners = self._adv_check(company, move_ids, journal_ids)
        customers = self._adv_customers_to_send(company, entry_partners, update_customers)

        export = self.create({"company_id": company.id, "date_from": date_from, "date_to": date_to})
        export.name = self.env["ir.sequence"].next_by_code("adv.sage.export") or str(export.id)
        export.filename = "Sage_{}_{}.txt".format(
            re.sub(r"[^A-Za-z0-9]+", "-", export.name).strip("-"), date_to.strftime("%Y%m%d")
        )
        with tempfile.TemporaryFile() as stream:
            totals = export._adv_write_file(stream, company, customers, move_ids)
            stream.seek(0)
            data = stream.read()
        export._adv_record(move_ids, customers, totals)
        # the file is a field of the export: whoever reads the export may download it
        self.env["ir.attachment"].create(
            {
                "name": export.filename,
                "res_model": self._name,
                "res_field": "file",
                "res_id": export.id,
                "raw": data,
                "mimetype": "application/octet-stream",
            }
        )
        export.invalidate_recordset(["file"])
        _logger.info(
            "Sage export %s: %d entries, %d customers, %d bytes",
            export.name,
            len(move_ids),
            len(customers),
            len(data),
        )
        return export

    def _adv_account_code(self, account, digits):
        code = account.code or ""
        if digits and len(code) < digits and code.isdigit():
            code = code.ljust(digits, "0")
        return code

    def _adv_write_file(self, stream, company, customers, move_ids):
        """Write the file to ``stream``: the customer accounts, then the entries a chunk at a
        time. Returns the totals per journal: {journal id: [entries, lines, debit, credit]}
        (amounts in cents)."""
        self.ensure_one()
        digits = company.adv_sage_account_digits
        method = company.adv_sage_payment_method or 0
        writer = sage_format.SageWriter(stream, currency=company.currency_id.name)
        Partner = self.env["res.partner"].with_company(company)
        for start in range(0, len(customers), CHUNK):
            for partner in Partner.browse(customers[start : start + CHUNK].ids):
                self._adv_write_customer(writer, partner, digits, method)
            self.env.invalidate_all()

        journals = {
            journal.id: journal.adv_sage_code
            for journal in self.env["account.journal"].search([("company_id", "=", company.id)])
        }
        accounts = {}
        codes = {}
        totals = {}
        Account = self.env["account.account"].with_company(company)
        for start in range(0, len(move_ids), CHUNK):
            chunk = move_ids[start : start + CHUNK]
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT m.id, m.journal_id, m.date, m.name, m.ref, l.account_id,
                           a.account_type, p.commercial_partner_id, cp.ref, cp.name,
                           l.name, l.date_maturity,
                           ROUND(l.debit * 100)::bigint, ROUND(l.credit * 100)::bigint
                      FROM account_move_line l
                      JOIN account_move m ON m.id = l.move_id
                      JOIN account_journal j ON j.id = m.journal_id
                      JOIN account_account a ON a.id = l.account_id
                 LEFT JOIN res_partner p ON p.id = l.partner_id
                 LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
                     WHERE l.move_id = ANY(%s) AND (l.debit <> 0 OR l.credit <> 0)
                  ORDER BY j.adv_sage_code, m.date, m.name, m.id, l.id
                    """,
                    chunk,
                )
            )
            missing = {row[5] for row in rows} - accounts.keys()
            for account in Account.browse(missing):
                accounts[account.id] = self._adv_account_code(account, digits)
            last_move = None
            for (
                move_id,
                journal_id,
                date,
                move_name,
                move_ref,
                account_id,
                account_type,
                partner_id,
                partner_ref,
                partner_name,
                label,
                due_date,
                debit,
                credit,
            ) in rows:
                receivable = account_type == "asset_receivable"
                if receivable and partner_id not in codes:
                    codes[partner_id] = (partner_ref or "").strip().upper()
                total = totals.setdefault(journal_id, [0, 0, 0, 0])
                if move_id != last_move:
                    total[0] += 1
                    last_move = move_id
                total[1] += 1
                total[2] += debit
                total[3] += credit
                writer.entry_line(
                    sage_format.entry_line_fields(
                        journal=journals[journal_id],
                        date=date,
                        piece=self._adv_piece(move_name, 13),
                        invoice=self._adv_piece(move_name, 17),
                        account=accounts[account_id],
                        partner_code=codes[partner_id] if receivable else "",
                        label=(label or "").strip()
                        or (f"{partner_name} {move_name}" if partner_name else move_name),
                        due_date=due_date if receivable else None,
                        debit_cents=debit,
                        credit_cents=credit,
                        payment_method=method if receivable else 0,
                        reference=move_ref,
                    )
                )
        writer.close()
        for journal_id, (_count, _lines, debit, credit) in totals.items():
            if debit != credit:  # never: each entry was checked; a last guard
                raise UserError(
                    self.env._(
                        "The file of journal %(journal)s does not balance. Nothing was exported.",
                        journal=journals[journal_id],
                    )
                )
        return totals

    @api.model
    def _adv_piece(self, name, length):
        """The invoice number as Sage's piece number: as it is when it fits, else without its
        separators, keeping its end (the sequence number)."""
        name = name or ""
        if len(name) <= length:
            return name
        return re.sub(r"[^A-Za-z0-9]", "", name)[-length:]

    def _adv_write_customer(self, writer, partner, digits, method):
        collective = self._adv_account_code(partner.property_account_receivable_id, digits)
        code = self._adv_partner_code(partner)
        fields_ = sage_format.third_party_fields(
            code=code,
            name=partner.name,
            collective=collective,
            street=partner.street,
            street2=partner.street2,
            zip_code=partner.zip,
            city=partner.city,
            state=partner.state_id.name,
            country=partner.country_id.name,
            vat=partner.vat,
            siret=re.sub(r"\D", "", partner.company_registry or ""),
            phone=partner.phone,
            email=partner.email,
            website=partner.website,
            created=partner.create_date,
            individual=not partner.is_company,
        )
        terms = []
        term = partner.property_payment_term_id
        lines = term.line_ids.sorted(lambda line: (line.nb_days, line.id))
        for index, line in enumerate(lines):
            condition = {
                "days_after": 0,
                "days_after_end_of_month": 1,
                "days_after_end_of_next_month": 1,
                "days_end_of_month_on_the": 2,
            }.get(line.delay_type, 0)
            days = line.nb_days + (30 if line.delay_type == "days_after_end_of_next_month" else 0)
            if index == len(lines) - 1:
                split_type, value = 1, 0.0  # the balance
            elif line.value == "percent":
                split_type, value = 0, line.value_amount
            else:
                split_type, value = 2, line.value_amount
            terms.append(
                sage_format.payment_term_fields(method, condition, days, split_type, value)
            )
        writer.third_party(fields_, [collective], terms)

    def _adv_record(self, move_ids, customers, totals):
        """The export keeps its entries (one link each, current: the database refuses a second
        current export of an entry), customers and totals. Tens of thousands of links are
        inserted in one statement (a plain model: no computed field depends on it but the
        entries' export, invalidated here)."""
        self.ensure_one()
        self.env["adv.sage.export.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO adv_sage_export_move (export_id, move_id, current)
                SELECT %s, unnest(%s::int[]), TRUE
                """,
                self.id,
                move_ids,
            )
        )
        self.env["adv.sage.export.move"].invalidate_model()
        self.env["account.move"].invalidate_model(
            ["adv_sage_export_move_ids", "adv_sage_export_id"]
        )
        self.invalidate_recordset(["export_move_ids", "move_ids"])
        journals = self.env["account.journal"].browse(totals)
        self.write(
            {
                "partner_ids": [fields.Command.set(customers.ids)],
                "move_count": len(move_ids),
                "partner_count": len(customers),
                "line_count": sum(total[1] for total in totals.values()),
                "total_debit": sum(total[2] for total in totals.values()) / 100,
                "total_credit": sum(total[3] for total in totals.values()) / 100,
                "journal_line_ids": [
                    fields.Command.create(
                        {
                            "journal_id": journal.id,
                            "sage_code": journal.adv_sage_code,
                            "move_count": totals[journal.id][0],
                            "debit": totals[journal.id][2] / 100,
                            "credit": totals[journal.id][3] / 100,
                        }
                    )
                    for journal in journals
                ],
            }
        )


class AdvSageExportJournal(models.Model):
    _name = "adv.sage.export.journal"
    _description = "Journal of an Export to Sage"
    _order = "sage_code, id"

    export_id = fields.Many2one(
        "adv.sage.export", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="export_id.company_id", store=True)
    currency_id = fields.Many2one(related="export_id.currency_id")
    journal_id = fields.Many2one("account.journal", required=True, readonly=True)
    sage_code = fields.Char(readonly=True)
    move_count = fields.Integer(string="Entries", readonly=True)
    debit = fields.Monetary(readonly=True)
    credit = fields.Monetary(readonly=True)
