"""The report notebooks, shipped in the package as ``cchc_lib.notebooks`` (see pyproject.toml)."""
