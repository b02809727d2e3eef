"""English dates in prose (e-mails, PDFs, titles) are written out in full: "March 1, 2026", never "Feb. 19, 2026".

Django's own English format abbreviates some months ("Feb.", "Sept.") and not others ("March", "June"), which reads
as inconsistent beside the Chinese "2026年3月1日". Tables keep ISO dates (`|date:"Y-m-d"`).
"""

DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, H:i"
