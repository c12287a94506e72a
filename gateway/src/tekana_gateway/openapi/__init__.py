"""The OpenAPI document: what each route declares, the document built from the route
table, and the endpoints that serve it."""
