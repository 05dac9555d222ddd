"""The kill -9 test of bench/reminder_bench, fed to ``odoo-bin shell`` after bench_data.py.

BENCH_STEP=setup: the bench data committed, letters e-mailed (no PDF), the mail queue's
scheduled action off (so that the kill interrupts the reminders, not Odoo's own mail
queue), the reminders' scheduled action due now. bench/reminder_bench then runs a real
odoo-bin, kills it with kill -9 in the middle of the run, and runs it again.

BENCH_STEP=count: Odoo's mail queue sends everything to the mail sink (BENCH_MAIL_DIR); the
e-mails it got are counted per reminder (their X-Odoo-Objects header).
"""

import email
import email.policy
import os
import re
from collections import Counter
from pathlib import Path

from odoo import fields

# given by odoo-bin shell (env) and bench_data.py (build_data), which run before this file
env = globals()["env"]
build_data = globals()["build_data"]


def setup(env):
    build_data(env, min_age=8, max_age=60, paid_share=0.0)
    env["adv.reminder.level"].search([("channel", "=", "letter")]).channel = "email"
    env.company.adv_reminder_auto_send = True
    env.ref("mail.ir_cron_mail_scheduler_action").active = False
    cron = env.ref("adv_dossier.ir_cron_payment_reminders")
    cron.nextcall = fields.Datetime.now()
    env.cr.commit()


def count(env):
    mails = env["mail.mail"]
    while True:
        batch = mails.search([("state", "=", "outgoing")], limit=500)
        if not batch:
            break
        batch.send(auto_commit=True)
    env.cr.commit()
    received = Counter()
    for path in Path(os.environ["BENCH_MAIL_DIR"]).glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        match = re.match(r"adv\.reminder-(\d+)", message.get("X-Odoo-Objects", ""))
        if match:
            received[int(match.group(1))] += 1
    reminders = env["adv.reminder"].search([])
    states = Counter(reminders.mapped("state"))
    twice = [rid for rid, n in received.items() if n > 1]
    missing = [r.id for r in reminders if r.state in ("queued", "sent") and r.id not in received]
    print()
    print("kill -9 test: the scheduled action killed in the middle, then run again")
    print(f"{'reminders':<40} {len(reminders):>8}   {dict(states)}")
    print(f"{'e-mails received by the mail sink':<40} {sum(received.values()):>8}")
    print(f"{'reminders e-mailed twice':<40} {len(twice):>8}")
    print(f"{'reminders sent without an e-mail':<40} {len(missing):>8}")
    print("exactly once: " + ("yes" if not twice and not missing else "NO"))


{"setup": setup, "count": count}[os.environ["BENCH_STEP"]](env)
