"""``./taskw bench``: the platform's speed under loopback load, against PostgreSQL's own
ceiling for the same work measured in the same run."""
