"""Load the people of the demo and their posts from data/demo/people.json, through the service.

Every post there is true and cites its source (no example data); re-running changes nothing.
"""

import datetime
import json
from collections import Counter
from pathlib import Path

from django.db import transaction

from intese.actors.models import Organisation
from intese.actors.services import post_record


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def load_demo_people(path: Path) -> Counter:
    """Record each post of the file; returns how many were created, changed or unchanged."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    outcomes: Counter = Counter()
    for person in data["people"]:
        for row in person["posts"]:
            _post, outcome = post_record(
                organisation=Organisation.objects.get(**row["organisation"]),
                role=row["role"],
                given_name=person["given_name"],
                family_name=person["family_name"],
                valid_from=_date(row.get("valid_from")),
                valid_to=_date(row.get("valid_to")),
                note=row.get("note", ""),
                evidence=row.get("evidence", ""),
                source_url=row.get("source_url", ""),
            )
            outcomes[outcome] += 1
    return outcomes
