"""Request and response bodies, per surface."""
