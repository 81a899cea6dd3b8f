"""Feedback between departments: ratings, thanks, expectations, complaints, summaries, surveys."""
