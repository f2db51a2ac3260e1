"""English dates as this app has always written them ("13 March 2026", "13 Mar 2026"), not
Django's American defaults; templates name the formats (|date:"DATE_FORMAT") so French and
Spanish get their own ("13 mars 2026", "13 de marzo de 2026"). Only what is set here changes."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "l j F Y, H:i"
SHORT_DATETIME_FORMAT = "D j M, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
