"""Imported by the PDF renderer's fork server only (see pdfrender.sandbox), never by the app.

Importing it warms WeasyPrint in the fork server, so that every child forked to render a document inherits filled
caches. The fork server imports its preload modules before it serves its first request.
"""

from pdfrender.sandbox import warm_up

warm_up()
