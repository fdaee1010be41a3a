"""The figures, computed from checked inputs and written nowhere: a period's counts of Biểu II.06a,
the KPIs, the plan's milestones and targets (:mod:`.dossiers`, :mod:`.summary`: the contract of
``<PERIOD>.json``), what an export without a column cannot tell (:mod:`.coverage`), the national
service index, the reform index self-assessment (:mod:`.scoring`) and the roll-up of many units.
It imports :mod:`cchc_lib.base` and :mod:`cchc_lib.inputs`; it never writes a file or renders text.
"""
