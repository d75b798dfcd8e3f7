"""The public read model: what a portal shows without a token, only published figures."""
