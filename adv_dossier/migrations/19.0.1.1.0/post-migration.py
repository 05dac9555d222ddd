import re

from psycopg2.extras import Json

# the amounts of the reminder templates of 19.0.1.0.0, in the company's currency, and what
# they became: each invoice's currency, a total per currency
REPLACEMENTS = [
    (
        "format_amount(line.amount_residual, object.currency_id)",
        "format_amount(line.amount_residual, line.currency_id)",
    ),
    (
        '<strong t-out="format_amount(object.amount_due, object.currency_id)"/>',
        '<t t-foreach="object._adv_totals()" t-as="total"><strong '
        "t-out=\"format_amount(total['amount_due'], total['currency'])\"/><t "
        't-if="not total_last"> and </t></t>',
    ),
]


def migrate(cr, version):
    """The reminder e-mail templates (kept as the users edited them) show each invoice's
    amount in its own currency and a total per currency, and go to their partner_to."""
    if not version:
        return
    cr.execute(
        """
        SELECT t.id, t.body_html
          FROM mail_template t
          JOIN ir_model_data d ON d.model = 'mail.template' AND d.res_id = t.id
         WHERE d.module = 'adv_dossier' AND d.name LIKE 'mail_template_reminder%%'
        """
    )
    for template_id, bodies in cr.fetchall():
        if not bodies:
            continue
        new = {}
        for lang, body in bodies.items():
            # the total at the start of a line would lose the space before it (QWeb drops the
            # indentation before a t-foreach)
            body = re.sub(
                r"\s*\n\s*(<strong t-out=\"format_amount\(object\.amount_due)", r" \1", body
            )
            for old, replacement in REPLACEMENTS:
                body = body.replace(old, replacement)
            new[lang] = body
        if new != bodies:
            cr.execute(
                "UPDATE mail_template SET body_html = %s WHERE id = %s", (Json(new), template_id)
            )
        # the customer of the reminder (partner_to), as the templates say
        cr.execute(
            "UPDATE mail_template SET use_default_to = FALSE WHERE id = %s AND partner_to IS NOT NULL",
            (template_id,),
        )
