"""Developer tooling behind ``./taskw``: code generation and the local platform launcher."""
