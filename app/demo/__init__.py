"""Demo data: the seed plans transcribed as plain Python, for a loader to post to the API."""
