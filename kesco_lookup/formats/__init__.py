"""Date formats for India (settings.FORMAT_MODULE_PATH), in both languages of the site.

Django's own put Hindi datetimes in the US order, with a full stop after the month and "बजे" for
both a.m. and p.m. ("नवम्बर. 29, 2026, 1:05 बजे"), English ones in the US order too ("Nov. 29, 2026,
1:05 p.m."), and read a typed 05/06/2026 as 6 May. Here: day, month, year; a 24-hour clock, which
needs no a.m./p.m.; ISO first for input. The month names are the overrides catalogue's.
"""

# Typed dates, in both languages: ISO first (the admin's date picker writes it, a browser's
# <input type="date"> sends it), then day-first forms as Indians write them. No month-first form:
# 05/06/2026 is 5 June here, never 6 May.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-29
    "%d-%m-%Y",  # 29-11-2026
    "%d/%m/%Y",  # 29/11/2026
    "%d.%m.%Y",  # 29.11.2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
