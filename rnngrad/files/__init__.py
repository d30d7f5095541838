"""Files: write atomically, hash, and read what a user gives (YAML, weights) with every check.

The lowest layer but rnngrad.errors: it imports nothing else of rnngrad.
"""
