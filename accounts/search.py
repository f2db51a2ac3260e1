"""Searching people by name as people type names: accents and case never matter.

Each Person keeps `search_name`, its full name folded by `name_key` ("Chloé Fernández" ->
"chloe fernandez"), written by Person.save() and by PersonQuerySet.bulk_create/bulk_update (the
import and the demo go through those). A search folds the query the same way and looks for it
inside `search_name`, so it behaves alike on SQLite and PostgreSQL; on PostgreSQL a trigram index
(migration accounts 0003) keeps `LIKE '%fernandez%'` fast at 100,000 people.
"""

from __future__ import annotations

import unicodedata

from django.db.models import Q

# Letters that do not decompose into a base letter plus an accent.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l",
                          "ı": "i", "þ": "th", "ð": "d"})


def name_key(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: the form names are stored and searched in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_SPECIAL).split())


def name_matches(query: str, *, prefix: str = "") -> Q:
    """Q for the people (through `prefix`, e.g. "person__") whose name contains each word of the
    query, in any order: "dubois jamal" finds Jamal Dubois as "jamal dub" does."""
    words = name_key(query.replace(",", " ")).split() or [""]
    condition = Q()
    for word in words:
        condition &= Q(**{f"{prefix}search_name__contains": word})
    return condition
