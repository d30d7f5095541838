"""Summaries: the tables that compare scenarios and sweep points, from their arrays."""
