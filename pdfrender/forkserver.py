"""Imported by the PDF renderer's fork server only (see pdfrender.sandbox), never by the app.

Importing it loads WeasyPrint (pdfrender.engine) in the fork server and warms it, so that every child forked to
render a document inherits it loaded, with filled caches. The fork server imports its preload modules before it
serves its first request.
"""

from pdfrender.engine import warm_up

warm_up()
