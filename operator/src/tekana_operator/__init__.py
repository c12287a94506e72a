"""The TekanaStack operator: one custom resource becomes, and stays, a running platform."""
