"""Payment reminder e-mails posted for a whole batch, exactly as ``message_post`` posts them.

Why: a reminder e-mail must be what every other e-mail of Odoo is, i.e. what
``mail.thread.message_post`` produces (addons/mail/models/mail_thread.py): written by the
company, its Reply-To through the company's alias domain (the catchall) so that the
customer's answer comes back into the reminder's chatter, wrapped in the company's e-mail
layout, with a notification per recipient that records the delivery (sent, failed, bounced),
the company and alias domain of the message set. ``message_post`` does this for one record at
a time, about 30 ms each: one ``create`` per message, e-mail and notification, and searches
for the parent, the recipients and the references of every message. The daily run posts a
thousand reminders.

What: ``post_messages`` runs the steps of ``message_post`` and ``_notify_thread`` in their
order for a batch of records, calling Odoo's own methods for every value, and creating the
records of the batch with one ORM ``create`` per model:

1. author and From (``_message_compute_author``), subtype, parent message
   (``_message_compute_parent_id``), alias domain and company (``_mail_get_alias_domains``,
   ``_mail_get_companies``, for the batch), Reply-To (``_notify_get_reply_to_batch``, the
   batch version Odoo's mass mailing uses), attachments (``_process_attachments_for_post``);
2. the messages: ``_message_create`` for the batch;
3. the author followed the record (``_message_subscribe``, for the batch), the
   ``_message_post_after_hook`` of each record;
4. recipients: ``mail.followers._get_recipient_data`` for the batch (one query instead of
   one per record), then the filters of ``_notify_get_recipients`` (the author, archived
   partners);
5. e-mails: for each record, the classification of the recipients, the layout rendered
   (``_notify_get_classified_recipients_iterator``, ``_notify_by_email_render_layout``) and
   the mail values (``_notify_by_email_get_base_mail_values``, headers and references
   included, ``_notify_by_email_get_final_mail_values``); then one ``mail.mail`` create and
   one ``mail.notification`` create for the batch. The e-mails are queued (``force_send``
   False): Odoo's mail queue sends them and records the delivery on the notifications;
6. internal users notified in their inbox, web push to their devices, out-of-office
   answers: Odoo's own ``_notify_thread_by_inbox``, ``_notify_thread_by_web_push`` and
   ``_notify_thread_with_out_of_office`` for the records concerned (rare for reminders).

Values ``message_post`` accepts and that this module does not reproduce (another subtype
or message type, scheduled or immediate sending, extra e-mail addresses, autofollow
context...) send the record through ``message_post`` itself. tests/test_reminder_mail.py
posts the same reminder both ways and compares every stored value of the message, the
e-mail, its headers, the notifications and the followers.
"""

from markupsafe import escape

from odoo.tools import split_every
from odoo.tools.misc import clean_context

# message_post's own arguments (the others are message fields or notification parameters)
POST_ARGUMENTS = {
    "body",
    "subject",
    "message_type",
    "email_from",
    "author_id",
    "subtype_id",
    "partner_ids",
    "attachment_ids",
}
# the notification parameters reproduced here
NOTIFY_PARAMETERS = {"force_email_lang", "force_send", "mail_auto_delete", "model_description"}
# the message fields a reminder e-mail may set besides message_post's arguments
MESSAGE_FIELDS = {"email_add_signature", "email_layout_xmlid", "reply_to"}


def post_messages(records, values_by_id):
    """Post a message on each of ``records`` as ``record.message_post(**values)`` would, with
    ``values = values_by_id[record.id]``. Returns the messages, in the order of ``records``."""
    env = records.env
    records = records._fallback_lang()
    comment = env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
    batch = records.browse(
        [record.id for record in records if _batchable(record, values_by_id[record.id], comment)]
    )
    messages = dict(zip(batch.ids, _post_batch(batch, values_by_id, comment), strict=True))
    for record in records - batch:
        messages[record.id] = record.message_post(**values_by_id[record.id])
    return env["mail.message"].browse([messages[record.id].id for record in records])


def _batchable(record, values, comment):
    """Whether ``message_post(**values)`` on ``record`` is what the batch reproduces."""
    allowed = POST_ARGUMENTS | NOTIFY_PARAMETERS | MESSAGE_FIELDS
    context = record.env.context
    return (
        set(values) <= allowed
        and values.get("message_type") == "comment"
        and values.get("subtype_id") == comment
        and values.get("force_send") is False
        and not context.get("mail_post_autofollow")
        and not context.get("mail_notify_force_send")
        and not context.get("mail_notify_author")
        and not record._mail_thread_customer
    )


def _post_batch(records, values_by_id, comment):
    if not records:
        return []
    env = records.env
    Message = env["mail.message"]
    msg_values_list, notify_kwargs_list = [], []
    alias_domains = records.sudo()._mail_get_alias_domains(default_company=env.company)
    companies = records._mail_get_companies(default=env.company)
    for record in records:
        values = dict(values_by_id[record.id])
        post = {key: values.pop(key) for key in POST_ARGUMENTS if key in values}
        msg_kwargs = {key: val for key, val in values.items() if key in Message._fields}
        notify_kwargs = {key: val for key, val in values.items() if key not in msg_kwargs}
        author_id, email_from = record._message_compute_author(
            post.get("author_id"), post.get("email_from")
        )
        msg_values = dict(msg_kwargs)
        msg_values.setdefault("email_add_signature", True)
        msg_values.update(
            {
                "author_id": author_id,
                "author_guest_id": False,
                "email_from": email_from,
                "model": record._name,
                "res_id": record.id,
                "body": escape(post.get("body", "")),
                "message_type": "comment",
                "parent_id": record._message_compute_parent_id(False),
                "subject": post.get("subject") or False,
                "subtype_id": comment,
                "partner_ids": list(post.get("partner_ids") or []),
                "incoming_email_to": False,
                "incoming_email_cc": False,
                "outgoing_email_to": False,
                "record_alias_domain_id": alias_domains[record.id].id,
                "record_company_id": companies[record.id].id,
            }
        )
        msg_values_list.append(msg_values)
        notify_kwargs_list.append((notify_kwargs, list(post.get("attachment_ids") or [])))
    # Reply-To: the record's alias, else the catchall of its company's alias domain
    without = records.browse(
        [values["res_id"] for values in msg_values_list if "reply_to" not in values]
    )
    if without:
        reply_to = without._notify_get_reply_to_batch(
            defaults={
                v["res_id"]: v["email_from"] for v in msg_values_list if v["res_id"] in without.ids
            },
            author_ids={
                v["res_id"]: v["author_id"] for v in msg_values_list if v["res_id"] in without.ids
            },
        )
        for values in msg_values_list:
            values.setdefault("reply_to", reply_to.get(values["res_id"]))
    for record, values, (_kwargs, attachment_ids) in zip(
        records, msg_values_list, notify_kwargs_list, strict=True
    ):
        values.update(record._process_attachments_for_post(None, attachment_ids, values))
    messages = records._message_create(msg_values_list)

    # the author follows the reminders (an active internal user posting by hand)
    real_authors = _real_authors(records, msg_values_list)
    if not env.context.get("mail_post_autofollow_author_skip"):
        by_author = {}
        for record, values in zip(records, msg_values_list, strict=True):
            real_author = real_authors[values["author_id"]]
            if real_author and not real_author.partner_share:
                by_author.setdefault(real_author.id, []).append(record.id)
        for partner_id, record_ids in by_author.items():
            records.browse(record_ids)._message_subscribe(partner_ids=[partner_id])
    for record, message, values in zip(records, messages, msg_values_list, strict=True):
        record._message_post_after_hook(message, values)
    _notify(
        records,
        messages,
        msg_values_list,
        [kwargs for kwargs, _a in notify_kwargs_list],
        real_authors,
    )
    return list(messages)


def _real_authors(records, msg_values_list):
    """``_message_compute_real_author`` of each author of the batch (it depends on the
    author and the current user only)."""
    return {
        author_id: records._message_compute_real_author(author_id)
        for author_id in {values["author_id"] for values in msg_values_list}
    }


def _recipients(records, msg_values_list, kwargs_list, subtype_id, real_authors):
    """``_notify_get_recipients`` for the batch: one query for every record's followers of
    the subtype and every direct recipient."""
    env = records.env
    all_pids = {pid for values in msg_values_list for pid in values["partner_ids"]}
    data = env["mail.followers"]._get_recipient_data(records, "comment", subtype_id, all_pids)
    # a follower (not of the subtype) who is a direct recipient of another record of the
    # batch comes with the others: check its subtype
    ambiguous = {
        (record.id, pid)
        for record, values in zip(records, msg_values_list, strict=True)
        for pid, pdata in data[record.id].items()
        if pdata["is_follower"] and pid in all_pids and pid not in values["partner_ids"]
    }
    subtype_followers = set()
    if ambiguous:
        followers = (
            env["mail.followers"]
            .sudo()
            .search(
                [
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("partner_id", "in", list({pid for _rid, pid in ambiguous})),
                    ("subtype_ids", "in", [subtype_id]),
                ]
            )
        )
        subtype_followers = {(f.res_id, f.partner_id.id) for f in followers}
    result = {}
    for record, values, kwargs in zip(records, msg_values_list, kwargs_list, strict=True):
        own = set(values["partner_ids"])
        skip_author_id = False
        if not kwargs.get("notify_author"):
            skip_author_id = real_authors[values["author_id"]].id
            notify_author_mention = kwargs.get("notify_author_mention") or env.context.get(
                "mail_notify_author_mention"
            )
            if notify_author_mention and skip_author_id in own:
                skip_author_id = False
        recipients = []
        for pid, pdata in data[record.id].items():
            if pid not in own and (
                not pdata["is_follower"]
                or (pid in all_pids and (record.id, pid) not in subtype_followers)
            ):
                continue
            if pid and pid == skip_author_id:
                continue
            if pdata["active"] is False:
                continue
            recipients.append(pdata)
        result[record.id] = recipients
    return result


def _notify(records, messages, msg_values_list, kwargs_list, real_authors):
    """``_notify_thread`` for the batch: e-mails and notifications created in one go."""
    env = records.env
    subtype_id = msg_values_list[0]["subtype_id"]
    for record, kwargs in zip(records, kwargs_list, strict=True):
        record._raise_for_invalid_parameters(
            set(kwargs), restricting_names=record._get_notify_valid_parameters()
        )
    recipients_all = _recipients(records, msg_values_list, kwargs_list, subtype_id, real_authors)
    batch_size = int(env["ir.config_parameter"].sudo().get_param("mail.batch_size")) or 50
    mail_values_list, notification_values_list = [], []
    extra_pids = {}
    for record, message, msg_values, kwargs in zip(
        records, messages, msg_values_list, kwargs_list, strict=True
    ):
        recipients = recipients_all[record.id]
        if msg_values["parent_id"] or any(r["uid"] and not r["share"] for r in recipients):
            record._notify_thread_with_out_of_office(
                message, recipients, msg_vals=msg_values, **kwargs
            )
        if not recipients:
            continue
        if any(r["notif"] == "inbox" for r in recipients):
            record._notify_thread_by_inbox(message, recipients, msg_vals=msg_values, **kwargs)
        partners_data = [r for r in recipients if r["notif"] == "email"]
        if partners_data:
            base_mail_values = record._notify_by_email_get_base_mail_values(
                message,
                partners_data,
                additional_values={"auto_delete": kwargs.get("mail_auto_delete", True)},
            )
            base_notification_values = record._notify_by_email_get_base_notification_values(message)
            # a message just created has no tracking values: no need to search them
            render_msg_values = dict(msg_values, tracking_value_ids=[])
            for _lang, render_values, group in record._notify_get_classified_recipients_iterator(
                message,
                partners_data,
                msg_vals=render_msg_values,
                model_description=kwargs.get("model_description"),
                force_email_company=kwargs.get("force_email_company"),
                force_email_lang=kwargs.get("force_email_lang"),
                force_record_name=kwargs.get("force_record_name"),
                subtitles=kwargs.get("subtitles"),
            ):
                body = record._notify_by_email_render_layout(
                    message, group, msg_vals=msg_values, render_values=render_values
                )
                for chunk in split_every(batch_size, group["recipients_ids"]):
                    mail_values_list.append(
                        record._notify_by_email_get_final_mail_values(
                            chunk, base_mail_values, additional_values={"body_html": body}
                        )
                    )
                    notification_values_list.append(
                        [{"res_partner_id": pid, **base_notification_values} for pid in chunk]
                    )
                if group["recipients_emails"]:
                    mail_values = record._notify_by_email_get_final_mail_values(
                        [], base_mail_values, additional_values={"body_html": body}
                    )
                    mail_values["email_to"] = ",".join(group["recipients_emails"])
                    mail_values_list.append(mail_values)
                    notification_values_list.append(
                        [
                            {"mail_email_address": email, **base_notification_values}
                            for email in group["recipients_emails"]
                        ]
                    )
        pids = record._notify_get_recipients_for_extra_notifications(
            message, recipients, msg_vals=msg_values
        )
        if pids:
            extra_pids[record.id] = set(pids)
    clean_env = env(context=clean_context(env.context))
    mails = clean_env["mail.mail"].sudo().create(mail_values_list)
    clean_env["mail.notification"].sudo().create(
        [
            dict(values, mail_mail_id=mail.id)
            for mail, mail_notifications in zip(mails, notification_values_list, strict=True)
            for values in mail_notifications
        ]
    )
    # web push to the devices of internal users (none for customers)
    if extra_pids:
        devices, _private, _public = env["mail.thread"]._web_push_get_partners_parameters(
            list(set().union(*extra_pids.values()))
        )
        with_devices = set(devices.partner_id.ids)
        for record, message, msg_values, kwargs in zip(
            records, messages, msg_values_list, kwargs_list, strict=True
        ):
            if extra_pids.get(record.id, set()) & with_devices:
                record._notify_thread_by_web_push(
                    message, recipients_all[record.id], msg_vals=msg_values, **kwargs
                )
