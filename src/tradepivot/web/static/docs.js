// The API docs page: Swagger UI, vendored, drawing the app's own OpenAPI schema.
// An external script (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // the public validator would leave the machine
    tryItOutEnabled: true,
    defaultModelsExpandDepth: 0
  });
})();
