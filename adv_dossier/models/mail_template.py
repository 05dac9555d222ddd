import uuid

from lxml import etree, html
from markupsafe import Markup

from odoo import api, models, tools

BATCH_LOOP = "adv_records"  # the loop of a body rendered for many records at once


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """With ``adv_render_once`` in the context, a QWeb body is rendered for all the records
        in one go: a loop over them around the template, so that it is compiled once, not once
        per record as the standard rendering does (it compiles a fresh fragment every time);
        the compiled loop is cached (see ``ir.qweb``), so the next batches reuse it.

        The records are rendered by the same QWeb engine with the same evaluation context, so
        the output is the same (expressions escaped by ``t-out``, the template's language from
        the context, which ``_classify_per_lang`` set). Left to the standard rendering: a template
        that does not need QWeb, restricted (non template editor) users, a
        template setting variables (``t-set`` would carry from one record to the next), and
        any error, which the standard rendering then reports."""
        if (
            not self.env.context.get("adv_render_once")
            or not template_src
            or "t-set" in template_src
            or not self._has_unsafe_expression_template_qweb(template_src, model)
            or not (
                self._unrestricted_rendering
                or self.env.is_admin()
                or self.env.user.has_group("mail.group_mail_template_editor")
            )
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        loop = etree.Element("t", {"t-foreach": BATCH_LOOP, "t-as": "object"})
        loop.append(html.fragment_fromstring(template_src, create_parent="div"))
        etree.SubElement(loop, "t", {"t-out": "adv_separator"})
        separator = uuid.uuid4().hex
        variables = self._render_eval_context()
        if add_context:
            variables.update(**add_context)
        variables.update({BATCH_LOOP: self.env[model].browse(res_ids), "adv_separator": separator})
        try:
            rendered = self.env["ir.qweb"]._render(loop, variables, **(options or {}))
        except Exception:
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        parts = rendered.split(separator)
        if len(parts) != len(res_ids) + 1:
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        # each part is wrapped in the <div> the fragment was parsed into, removed as Odoo does
        return {res_id: Markup(part[5:-6]) for res_id, part in zip(res_ids, parts, strict=False)}


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """The loop of bodies rendered at once (``mail.template``) is compiled once for all
        batches, cached by its source like a template view is cached by its id."""
        if (
            isinstance(template, etree._Element)
            and template.get("t-foreach") == BATCH_LOOP
            and not self.env.context.get("profile")
        ):
            return self._adv_generate_code_cached(
                etree.tostring(template, encoding="unicode"), template
            )
        return super()._compile(template)

    @tools.ormcache(
        "source",
        "tuple(self.env.context.get(k) or False for k in self._get_template_cache_keys())",
        cache="templates",
    )
    def _adv_generate_code_cached(self, source, template):
        return self._generate_code_uncached(template)
