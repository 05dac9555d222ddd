import re
import tempfile
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class AdvFecExport(models.TransientModel):
    """The French audit file (FEC, article A47 A-1 of the Livre des procedures fiscales), made
    by Odoo's own generator (l10n_fr_account). Odoo locks the fiscal year up to the end of the
    period when it makes an official FEC: here that is a choice, off by default."""

    _name = "adv.fec.export"
    _description = "FEC Export"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_dates()[0]
    )
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_dates()[1])
    lock_period = fields.Boolean(
        string="Lock the Period",
        help="Set the fiscal year lock date to the end of the period: no entry can be posted "
        "or changed up to that date any more (what an official FEC sent to the tax "
        "authorities calls for). Off: the period stays open.",
    )
    file = fields.Binary(string="FEC File", readonly=True, attachment=True)
    filename = fields.Char(readonly=True)

    @api.model
    def _default_dates(self):
        """The last closed fiscal year."""
        company = self.env.company
        today = fields.Date.context_today(self)
        current = company.compute_fiscalyear_dates(today)
        previous = company.compute_fiscalyear_dates(current["date_from"] - timedelta(days=1))
        return previous["date_from"], previous["date_to"]

    def action_generate(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The start of the period is after its end."))
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("You do not work for %s.", self.company_id.name))
        if self.lock_period and not self.env.user.has_group("account.group_account_manager"):
            raise UserError(self.env._("Only an accounting administrator locks a period."))
        # Odoo's generator is a tool of Odoo's full accounting (its rights): it runs here as
        # superuser for the accountants this wizard is for, on this company only; "test file"
        # only means, for it: do not set the lock date
        generator = (
            self.env["l10n_fr.fec.export.wizard"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "export_type": "official",
                    "test_file": not self.lock_period,
                }
            )
        )
        # the file is read now, in this transaction: Odoo's "fec_test_mode" only makes its
        # generator read with this cursor instead of a new one (for a streamed download)
        result = generator.with_context(fec_test_mode=True).generate_fec()
        with tempfile.TemporaryFile() as stream:
            for chunk in result["file_content"]:
                stream.write(chunk)
            stream.seek(0)
            data = stream.read()
        # <SIREN>FEC<AAAAMMJJ>.txt: Odoo takes the SIREN from the VAT number; without one,
        # from the company's SIREN/SIRET
        siren = generator._get_company_legal_data(self.company_id)
        if not siren:
            siren = re.sub(r"\D", "", self.company_id.company_registry or "")[:9]
        self.filename = f"{siren}FEC{self.date_to.strftime('%Y%m%d')}.txt"
        self.env["ir.attachment"].create(
            {
                "name": self.filename,
                "res_model": self._name,
                "res_field": "file",
                "res_id": self.id,
                "raw": data,
                "mimetype": "application/octet-stream",
            }
        )
        self.invalidate_recordset(["file"])
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file/{self.filename}?download=true",
            "target": "self",
        }
