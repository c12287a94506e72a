"""The new API: snake_case JSON, RFC 9457 problem errors, real HTTP statuses."""
