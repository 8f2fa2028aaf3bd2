"""Extract: stored pages to lenient records of what each page says.

One module per page format or source; `dispatch.extract_page` picks the module for a
page. Extractors never touch the database and never raise.
"""
