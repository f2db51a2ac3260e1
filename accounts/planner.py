"""Fresh planner statistics after bulk writes (PostgreSQL).

PostgreSQL plans each query from table statistics that autovacuum refreshes only after a while.
Right after seed_demo or a large import, the tables hold many more rows than their statistics
say, so plans are chosen blind (the equity page's plan changed entirely once statistics
existed). Bulk writers call refresh_planner_statistics() when they finish. Other databases keep
no such statistics worth refreshing; it does nothing there.
"""

from django.db import connection

# An import this large changes the statistics enough to refresh them at once.
ANALYZE_MIN_ROWS = 1000


def refresh_planner_statistics() -> None:
    """ANALYZE every table of this database (a few seconds at 100,000 people)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
