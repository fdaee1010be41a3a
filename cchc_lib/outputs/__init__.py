"""What a reader receives, made from the figures: the official document's content
(:mod:`.document`) and its HTML, Word and Excel forms, the notebook's views and charts, the internal
companion page, the roll-up's workbook and document, and what the PDF renderer may draw with. It
imports the rooms below it; it never runs a notebook, takes a lock or publishes a folder.
"""
