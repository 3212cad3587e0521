import { registry } from "@web/core/registry";

// The customer signs a quotation that credit blocks: the signature is kept
// and the page tells them the order is being reviewed. Data comes from
// tests/test_portal.py.
registry.category("web_tour.tours").add("credit_management_portal_signature", {
    url: "/my/quotes",
    steps: () => [
        {
            content: "open the quotation waiting for signature",
            trigger: "a:text(Credit Hold Quotation)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "open the signature dialog",
            trigger: 'a:contains("Sign")',
            run: "click",
        },
        {
            content: "type the signer's name",
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit Joel Willis",
        },
        {
            content: "wait for the signature drawn from the name",
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "accept and sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the customer is told the order is under review",
            trigger: "#credit_approval_pending",
        },
    ],
});
