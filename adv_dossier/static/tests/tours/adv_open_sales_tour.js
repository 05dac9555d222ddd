import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("adv_dossier_open_sales", {
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        {
            content: "The quotations list is shown",
            trigger: ".o_breadcrumb .active:contains(Quotations)",
        },
        {
            content: "The New button is there",
            trigger: ".o_list_button_add, .o-kanban-button-new",
        },
    ],
});
