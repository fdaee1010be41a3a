"""Words, dates and errors every room shares: the project's exceptions and the problems table,
reporting periods and their windows, working days and holidays, Vietnamese numbers and dates,
where the package's files are, and a file written whole (under a temporary name, then renamed).
It imports nothing else of the package.
"""
