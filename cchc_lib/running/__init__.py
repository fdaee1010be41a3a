"""Making reports happen: the notebook runs and their time limits, the steps that turn one run into
files, staging and publishing under a folder's lock, the index pages, the pool of processes for many
units, the self-assessment's run and the checks of ``cchc validate``. It may import every room
below it; nothing below imports it.
"""
