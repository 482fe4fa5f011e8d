"""What the running processes tell operators: Prometheus metrics and structured logs.

Ground level: imports nothing of ours, so every package may instrument its edges with it.
"""
