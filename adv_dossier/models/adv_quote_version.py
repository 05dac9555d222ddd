from odoo import api, fields, models

# what the customer sees of a quote line: a change of any of them is a change of the quote
LINE_KEYS = ("product", "description", "quantity", "uom", "price_unit", "discount", "taxes")
# the names above are read in the language of whoever sends or confirms: the records behind them
# are compared by id (snapshots taken before the ids were kept compare by name)
ID_KEYS = {"product": "product_id", "uom": "uom_id", "taxes": "tax_ids"}
TOTAL_KEYS = ("amount_untaxed", "amount_tax", "amount_total")


class AdvQuoteVersion(models.Model):
    _name = "adv.quote.version"
    _description = "Quote Version Sent to the Customer"
    _order = "order_id, version desc"
    _rec_name = "display_name"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    dossier_id = fields.Many2one(related="order_id.dossier_id", store=True, index="btree_not_null")
    version = fields.Integer(required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Sent By", default=lambda self: self.env.user)
    channel = fields.Selection(
        [
            ("email", "E-mail"),
            ("print", "Printed"),
            ("manual", "Marked as Sent"),
            ("accepted", "Changes Accepted"),
        ],
        required=True,
        default="manual",
    )
    currency_id = fields.Many2one("res.currency", required=True)
    amount_untaxed = fields.Monetary(string="Untaxed Amount")
    amount_tax = fields.Monetary(string="Taxes")
    amount_total = fields.Monetary(string="Total")
    content = fields.Json(help="The quote lines and totals as the customer received them.")

    _order_version_unique = models.UniqueIndex(
        "(order_id, version)", "This version of the quote already exists."
    )

    @api.depends("order_id.name", "version")
    def _compute_display_name(self):
        for version in self:
            version.display_name = f"{version.order_id.name} v{version.version}"

    def _diff(self, current):
        """Differences between this version and ``current`` (a snapshot of the quote).

        :return: list of dicts {change: added|removed|changed, line: label, details: [(field, old, new)]}
        """
        self.ensure_one()
        old_lines = {line["key"]: line for line in (self.content or {}).get("lines", [])}
        new_lines = {line["key"]: line for line in current.get("lines", [])}
        changes = []
        for key, line in new_lines.items():
            old = old_lines.get(key)
            if not old:
                changes.append({"change": "added", "line": line, "details": []})
                continue
            details = [
                (k, old.get(k), line.get(k)) for k in LINE_KEYS if self._line_differs(old, line, k)
            ]
            if details:
                changes.append({"change": "changed", "line": line, "details": details})
        changes.extend(
            {"change": "removed", "line": line, "details": []}
            for key, line in old_lines.items()
            if key not in new_lines
        )
        return changes

    @api.model
    def _line_differs(self, old, new, key):
        id_key = ID_KEYS.get(key)
        if id_key and id_key in old and id_key in new:
            return old[id_key] != new[id_key]
        return old.get(key) != new.get(key)

    def _same_as(self, snapshot):
        """Whether this version shows the customer what ``snapshot`` shows (lines and totals)."""
        self.ensure_one()
        content = self.content or {}
        return not self._diff(snapshot) and all(
            content.get(key) == snapshot.get(key) for key in TOTAL_KEYS
        )
