"""A real one-node Kubernetes cluster inside a network namespace: ``./taskw cluster:up``."""
