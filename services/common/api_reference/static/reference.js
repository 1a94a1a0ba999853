// Starts the vendored Swagger UI on the schema the page names. A file, not inline script:
// the page's Content-Security-Policy allows only the archive's own scripts.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  SwaggerUIBundle({
    url: root.getAttribute("data-schema"),
    domNode: root,
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // Never send the schema to swagger.io's online validator.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis]
  });
})();
