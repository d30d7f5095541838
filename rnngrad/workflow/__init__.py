"""Workflow: plan the jobs, record what each read, made and ran, and say what is stale and why."""
