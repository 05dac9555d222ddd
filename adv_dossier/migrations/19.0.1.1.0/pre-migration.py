def migrate(cr, version):
    """Payment reminders of 19.0.1.0.0: the reminder lines keep what the customer was told
    (due date, invoice currency, amount in the company's currency) without their due line;
    a reminder sent knows its e-mail and the day it left."""
    if not version:
        return
    cr.execute(
        """
        ALTER TABLE adv_reminder_line
            ADD COLUMN IF NOT EXISTS currency_id int4,
            ADD COLUMN IF NOT EXISTS date_maturity date,
            ADD COLUMN IF NOT EXISTS amount_residual_company numeric;
        ALTER TABLE adv_reminder
            ADD COLUMN IF NOT EXISTS mail_message_id int4,
            ADD COLUMN IF NOT EXISTS date_sent date;
        """
    )
    # the amounts were in the company's currency
    cr.execute(
        """
        UPDATE adv_reminder_line l
           SET currency_id = COALESCE(aml.currency_id, c.currency_id),
               date_maturity = aml.date_maturity,
               amount_residual_company = l.amount_residual,
               amount_residual = CASE WHEN aml.balance != 0
                                      THEN ROUND(l.amount_residual * aml.amount_currency / aml.balance, 2)
                                      ELSE l.amount_residual END,
               penalty = CASE WHEN aml.balance != 0
                              THEN ROUND(l.penalty * aml.amount_currency / aml.balance, 2)
                              ELSE l.penalty END
          FROM account_move_line aml, res_company c
         WHERE aml.id = l.move_line_id AND c.id = l.company_id AND l.currency_id IS NULL
        """
    )
    cr.execute(
        """
        UPDATE adv_reminder r
           SET mail_message_id = m.id, date_sent = r.date
          FROM (SELECT DISTINCT ON (res_id) res_id, id
                  FROM mail_message
                 WHERE model = 'adv.reminder' AND message_type = 'comment'
              ORDER BY res_id, id DESC) m
         WHERE m.res_id = r.id AND r.state = 'sent' AND r.mail_message_id IS NULL
        """
    )
