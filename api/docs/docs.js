// Mounts Swagger UI over the API's own OpenAPI document (no CDN, no inline script).
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: false,
  // The page is served next to the API: requests carry this site's cookie, never a stored key.
  persistAuthorization: false,
});
