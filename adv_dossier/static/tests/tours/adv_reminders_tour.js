import { registry } from "@web/core/registry";

// An accountant sends today's reminder of a customer from "Reminders to Send Today".
registry.category("web_tour.tours").add("adv_dossier_reminders_tour", {
    steps: () => [
        {
            content: "Today's reminders are listed under their own title",
            trigger: ".o_breadcrumb .active:contains(Reminders to Send Today)",
        },
        {
            content: "The customer's reminder is there with its invoice",
            trigger: ".o_data_row:contains(Serres du Tour SARL):contains(First reminder)",
        },
        {
            content: "Select it",
            trigger: ".o_data_row:contains(Serres du Tour SARL) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Send it",
            trigger: "button[name=action_send]",
            run: "click",
        },
        {
            content: "Sent: it leaves the list of the reminders to send",
            trigger: ".o_list_renderer:not(:has(.o_data_row:contains(Serres du Tour SARL)))",
        },
    ],
});

// The reminder sent is found from the dossier.
registry.category("web_tour.tours").add("adv_dossier_reminder_history_tour", {
    steps: () => [
        {
            content: "The dossier is in the Reminder tray",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Reminder)",
        },
        {
            content: "Open its reminders",
            trigger: "button[name=action_view_reminders]",
            run: "click",
        },
        {
            content: "The reminder sent is there, its e-mail in the mail queue",
            trigger: ".o_data_row:contains(Serres du Tour SARL):contains(Queued)",
        },
    ],
});
