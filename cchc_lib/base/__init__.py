"""Words, dates and errors every room shares: the project's exceptions and the problems table,
reporting periods and their windows, working days and holidays, Vietnamese numbers and dates, and
where the package's files are. It imports nothing else of the package.
"""
