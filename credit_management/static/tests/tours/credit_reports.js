import { registry } from "@web/core/registry";

// The aged balance from its options dialog, then the dashboard and one of
// its cards. Data comes from tests/test_report_tours.py: Tour Customer owes
// one invoice of 1,000, 100 days past due.
registry.category("web_tour.tours").add("credit_management_aged_balance", {
    url: "/odoo/action-credit_management.action_credit_aged_balance_wizard",
    steps: () => [
        {
            content: "show the aged balance with the default options",
            trigger: ".modal button[name=action_show]",
            run: "click",
        },
        {
            content: "the bucket columns are named after the bucket set",
            trigger: ".o_list_view th[data-name=bucket_4]:contains(91–120)",
        },
        {
            content: "a bucket set of four limits shows no fifth bucket",
            trigger: ".o_list_view:not(:has(th[data-name=bucket_5]))",
        },
        {
            content: "expand the customer",
            trigger: ".o_group_header:contains(Tour Customer)",
            run: "click",
        },
        {
            content: "its invoice is in the 91-120 bucket",
            trigger: ".o_data_row td[name=bucket_4]:contains(1,000.00)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_management_dashboard", {
    url: "/odoo/action-credit_management.action_credit_dashboard",
    steps: () => [
        {
            content: "the overdue card shows the overdue amount",
            trigger: "button[name=action_open_overdue]:contains(1,000.00)",
            run: "click",
        },
        {
            content: "the card opens the overdue items",
            trigger: ".o_list_view .o_group_header:contains(Tour Customer)",
        },
    ],
});
