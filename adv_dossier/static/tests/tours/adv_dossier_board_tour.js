import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("adv_dossier_board_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        {
            content: "Open the Dossiers menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='adv_dossier.menu_adv_dossier_root']",
            run: "click",
        },
        {
            content: "Open the board",
            trigger: ".dropdown-item[data-menu-xmlid='adv_dossier.menu_adv_dossier']",
            run: "click",
        },
        {
            content: "Every tray is on the board",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Awaiting order'))",
        },
        {
            content: "Create a dossier",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "Project title",
            trigger: ".o_kanban_quick_create .o_field_widget[name=title] input",
            run: "edit Jardin de la mairie",
        },
        {
            content: "Customer",
            trigger: ".o_kanban_quick_create .o_field_widget[name=partner_id] input",
            run: "edit Jardins du Rh",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('Jardins du Rhône SARL')",
            run: "click",
        },
        {
            content: "Add it to the board",
            trigger: ".o_kanban_quick_create .o_kanban_add",
            run: "click",
        },
        {
            content: "Drag it to the Awaiting order tray",
            trigger: ".o_kanban_record:contains('Jardin de la mairie')",
            run: "drag_and_drop (.o_kanban_group:has(.o_column_title:contains('Awaiting order')))",
        },
        {
            content: "It is in the Awaiting order tray",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Awaiting order')) .o_kanban_record:contains('Jardin de la mairie')",
        },
        {
            trigger: ".o_kanban_renderer",
            run: "click",
        },
        {
            content: "Open the dossier",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Awaiting order')) .o_kanban_record:contains('Jardin de la mairie')",
            run: "click",
        },
        {
            content: "The form shows the tray",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Awaiting order')",
        },
        {
            content: "Print the cover sheet",
            trigger: ".o_form_view button:contains('Print Cover Sheet')",
            run: "click",
        },
        {
            content: "The form is still there after printing",
            trigger: ".o_form_view .o_field_widget[name=title]:contains('Jardin de la mairie'), .o_form_view .o_field_widget[name=title] input",
        },
    ],
});
