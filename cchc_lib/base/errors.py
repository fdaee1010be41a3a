"""The project's exceptions: each carries a message fit to show the analyst as is."""


class CchcError(Exception):
    """Base of every error the command line reports as a one-line reason."""


class ParameterError(CchcError):
    """A report parameter (period, cut-off, data folder, unit) is not valid."""


class DataError(CchcError):
    """An input file cannot be read or holds rows that break the rules."""


class ReportError(CchcError):
    """Building or publishing a report failed; earlier reports are untouched."""
