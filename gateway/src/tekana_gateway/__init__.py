"""The gateway: Tekana's REST edge (legacy contract and /v1), in front of the gRPC services."""
