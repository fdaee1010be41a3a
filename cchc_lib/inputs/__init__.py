"""A unit's data folder read and checked: ``unit.yaml`` (:mod:`.unit`), the dossier exports in whatever
shape the one-stop systems write them (read into the canonical columns of :mod:`.schema` by
:mod:`.exports` and :mod:`.ingest`, typed and checked by :mod:`.loading`), the small tables (the
catalogue, the plan's and the scoring files: :mod:`.tables`), the plan and its header, the reform index
criteria (:mod:`.criteria`), the office's texts (:mod:`.narrative`), the report's parameters, ``cchc
inspect``'s view of one export (:mod:`.inspection`), and an export of many communes read to be split into
one folder each. Every file read stays inside its data folder (:mod:`.confine`); the unit, the plan and
the criteria are read once per process while their files are unchanged (:mod:`.cache`). It imports only
:mod:`cchc_lib.base`; it never computes a figure or writes a report.
"""
