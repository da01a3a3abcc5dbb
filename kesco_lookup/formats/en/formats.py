"""English as written in India: 29 Nov 2026, 13:05."""

# Django reads each format as an attribute of this module: the shared input formats count as ours.
from kesco_lookup.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"

# Counts in Indian digit groups (7,50,000), where a page asks for grouping (number_format(...,
# force_grouping=True)); USE_THOUSAND_SEPARATOR stays off, so other numbers are written as before.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = (3, 2, 0)
