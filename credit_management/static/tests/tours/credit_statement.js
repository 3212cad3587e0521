import { registry } from "@web/core/registry";

// Anne, contact of Lamy SA, on its statement (tests/test_portal_statement.py):
// filter the overdue items, download the PDF, dispute the oldest invoice.
registry.category("web_tour.tours").add("credit_management_statement", {
    url: "/my/statement",
    steps: () => [
        {
            content: "the statement lists the open items",
            trigger: ".o_credit_statement_items tr[data-move]",
        },
        {
            content: "show the overdue items only",
            trigger: "a.o_credit_filter_overdue",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the filter is on and the invoice not yet due is gone",
            trigger: "a.o_credit_filter_overdue.btn-primary",
        },
        {
            content: "download the statement as PDF",
            trigger: "a.o_credit_statement_pdf",
            async run({ anchor }) {
                const response = await fetch(anchor.getAttribute("href"));
                if (!response.ok || response.headers.get("Content-Type") !== "application/pdf") {
                    throw new Error("the statement PDF did not download");
                }
            },
        },
        {
            content: "dispute the first overdue invoice",
            trigger: ".o_credit_statement_items tr[data-move] a.o_credit_dispute",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "choose the reason",
            trigger: "select[name=reason_id]",
            run: "selectByLabel Goods damaged",
        },
        {
            content: "explain",
            trigger: "textarea[name=message]",
            run: "edit Two boxes arrived broken.",
        },
        {
            content: "send the dispute",
            trigger: ".o_credit_dispute_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the dispute is open and shows its messages",
            trigger: ".o_credit_dispute_state:contains(Open)",
        },
    ],
});
