from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        # Contract files are read in the sandbox's children (imports.extraction_services): its fork server loads the
        # parsers once, so no upload waits for their import.
        from pdfrender import sandbox

        sandbox.preload("extraction.preload")
