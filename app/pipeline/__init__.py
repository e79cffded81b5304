"""Pure document work: bytes in, values out. Nothing here touches the database.

``text``/``ocr``/``pages`` turn a stored file into the text of its pages and their types;
``fields`` reads those pages into an ``Extraction``. ``resolvers/pipeline.py`` is the job
handler that runs these and stores what they return.
"""
