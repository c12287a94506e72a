"""The customer service: customers, their credentials, and access-token issuance."""
