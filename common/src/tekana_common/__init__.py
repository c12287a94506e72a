"""Tekana's one shared library: settings, logging, context, errors, gRPC plumbing, db, auth.

It holds plumbing only; business rules live in the services.
"""
