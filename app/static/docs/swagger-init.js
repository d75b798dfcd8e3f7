// Starts Swagger UI on /docs. Kept in a file (not inline) so the page's Content-Security-Policy
// can forbid every script that is not the service's own.
(function () {
  "use strict";
  var config = document.currentScript.dataset;
  var loginPath = config.loginPath;
  var ui = window.SwaggerUIBundle({
    url: config.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    persistAuthorization: true,
    showExtensions: false,
    filter: true,
    // No badge that would ask an outside validator about the schema.
    validatorUrl: null,
    // "Try it out" on the login operation fills in "Authorize" with the token it returns.
    responseInterceptor: function (response) {
      try {
        var path = new URL(response.url, window.location.href).pathname;
        if (path === loginPath && response.ok && response.body && response.body.access_token) {
          ui.preauthorizeApiKey(config.securityScheme, response.body.access_token);
        }
      } catch (e) {
        // A response the interceptor does not understand is shown as it is.
      }
      return response;
    },
  });
  window.ui = ui;
})();
