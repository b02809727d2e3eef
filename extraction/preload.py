"""Imported by the sandbox's fork server only (see pdfrender.sandbox.preload): the parsers a contract file needs are
loaded once there, so a child reading an upload does not spend a third of a second importing them."""

import cn2an  # noqa: F401
import docx  # noqa: F401
import opencc  # noqa: F401
import pdfplumber  # noqa: F401

from . import isolated  # noqa: F401
