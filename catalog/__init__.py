"""catalog: crawl AI model catalog sites, normalise every offering, render a comparable catalog.

The package is laid out as the pipeline runs:

    crawl/ -> extract/ -> normalise/ -> store.py -> render/

`cli.py` wires the stages together.
"""

__version__ = "0.1.0"
