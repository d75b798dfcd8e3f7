"""Background jobs on a queue in the service's own PostgreSQL (procrastinate)."""
