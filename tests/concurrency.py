"""Run a function in several threads that start together (for the PostgreSQL race tests)."""

import threading

from django.db import connection


def at_once(target, arguments: list) -> None:
    """Call target(argument) for each argument, each in its own thread and database
    connection, all released by one barrier; return when every call has ended."""
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        try:
            barrier.wait()
            target(argument)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
