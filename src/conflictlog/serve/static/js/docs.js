// Starts Swagger UI on the app's own OpenAPI schema (kept out of the HTML so the page needs no inline script).
"use strict";
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
