"""Helpers shared by the test suites: fakes, in-memory gRPC, key pairs, the platform launcher."""
