"""Plan follow-up service: plans, indicators, cuts, evidence and their results."""
