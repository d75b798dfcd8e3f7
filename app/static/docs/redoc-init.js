// Starts ReDoc on /redoc with Spanish labels, from a file so the CSP can forbid inline scripts.
(function () {
  "use strict";
  var config = document.currentScript.dataset;
  window.Redoc.init(
    config.openapiUrl,
    {
      hideDownloadButton: false,
      expandResponses: "200,201",
      requiredPropsFirst: true,
      sortPropsAlphabetically: false,
      labels: {
        enum: "Valores",
        enumSingleValue: "Valor",
        enumArray: "Elementos",
        default: "Por defecto",
        deprecated: "Obsoleto",
        example: "Ejemplo",
        examples: "Ejemplos",
        recursive: "Recursivo",
        arrayOf: "Lista de ",
        webhook: "Evento",
        const: "Valor",
        noResultsFound: "Sin resultados",
        download: "Descargar",
        downloadSpecification: "Descargar la especificación OpenAPI",
        responses: "Respuestas",
        callbackResponses: "Respuestas de callback",
        requestSamples: "Ejemplos de petición",
        responseSamples: "Ejemplos de respuesta",
      },
    },
    document.getElementById("redoc")
  );
})();
