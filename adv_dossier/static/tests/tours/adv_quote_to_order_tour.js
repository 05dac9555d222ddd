import { registry } from "@web/core/registry";
import tourUtils from "@sale/js/tours/tour_utils";

registry.category("web_tour.tours").add("adv_dossier_quote_to_order_tour", {
    steps: () => [
        {
            content: "The dossier awaits its quote",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Request and costing')",
        },
        {
            content: "Create the quote from the dossier",
            trigger: ".o_form_view button[name=action_new_quotation]",
            run: "click",
        },
        {
            content: "The customer comes from the dossier",
            trigger: ".o_field_widget[name=partner_id] input:value('Mairie de Villeurbanne')",
        },
        ...tourUtils.addProduct("Olivier en pot"),
        {
            content: "The product's price is filled in",
            trigger: ".o_data_row .o_field_widget[name=price_unit] input:value('120.00')",
        },
        {
            content: "Save the quote",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Send it by e-mail",
            trigger: ".o_statusbar_buttons > button[name='action_quotation_send']",
            run: "click",
        },
        {
            content: "Send the e-mail",
            trigger: ".modal .o_mail_send",
            run: "click",
        },
        {
            content: "The quote awaits the order",
            trigger: ".o_form_view .o_field_widget[name=adv_quote_state]:contains('Awaiting Order')",
        },
        {
            content: "The customer asks for 12 trees instead of 10: change the quantity",
            trigger: ".o_data_row:first-child td.o_data_cell[name=product_uom_qty]",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_field_widget[name=product_uom_qty] input",
            run: "edit 12",
        },
        {
            content: "Save the change",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_view:not(:has(.o_form_dirty)) .o_statusbar_buttons > button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The difference with the version sent is shown",
            trigger: ".modal .o_adv_changes:contains('Quantity')",
        },
        {
            content: "The customer accepted the change",
            trigger: ".modal .o_field_widget[name=accept_changes] input",
            run: "click",
        },
        {
            content: "SIRET",
            trigger: ".modal .o_field_widget[name=company_registry] input",
            run: "edit 732 829 320 00074",
        },
        {
            content: "VAT number",
            trigger: ".modal .o_field_widget[name=vat] input",
            run: "edit FR44732829320",
        },
        {
            trigger: ".modal .o_field_widget[name=street] input",
            run: "edit Place du Docteur Lazare Goujon",
        },
        {
            trigger: ".modal .o_field_widget[name=zip] input",
            run: "edit 69100",
        },
        {
            trigger: ".modal .o_field_widget[name=city] input",
            run: "edit Villeurbanne",
        },
        {
            content: "45 days from invoice date is proposed",
            trigger: ".modal .o_field_widget[name=payment_term_id] input:value('45 Days')",
        },
        {
            content: "Confirm the order",
            trigger: ".modal footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_form_view .o_field_widget[name=adv_quote_state]:contains('Closed Won')",
        },
        {
            content: "Back to the dossier",
            trigger: ".o_form_view button[name=action_open_adv_dossier]",
            run: "click",
        },
        {
            content: "The dossier is in Order to do",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Order to do')",
        },
    ],
});
