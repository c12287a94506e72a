"""The routes of both surfaces, and the health endpoints."""
