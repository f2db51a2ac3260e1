"""Spanish short dates in lower case ("30 nov 2026", "3 feb 2027"), not Django's "30/11/2026"
nor the capitalised "30 Nov 2026" of the "M" format. Every other format is Django's own for
Spanish, but for the date boxes below."""

SHORT_DATE_FORMAT = "j b Y"

# A browser's date box (<input type="date">) reads and shows only ISO dates: forms render their
# dates with the first of these, so ISO comes first; Spanish day/month/year is still read.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
