"""A unit's data folder read and checked: ``unit.yaml``, the dossier exports in whatever shape the
one-stop systems write them (read into the canonical columns of :mod:`.schema`, typed and checked by
:mod:`.loading`), the catalogue, the plan and its header, the report's parameters, and an export of
many communes split into one folder each. Every file read stays inside its data folder
(:mod:`.confine`). It imports only :mod:`cchc_lib.base`; it never computes a figure or writes a report.
"""
