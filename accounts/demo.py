"""Demo data for a fresh machine: made-up consumers and the documented examples to try.

Everything here is invented. The mappings follow the real shapes (8-digit old, 10-digit new) but
belong to nobody; the registry entries are marked as demo data for staff to verify.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from accounts.models import AccountMapping

DIVISIONS = (
    "Kidwai Nagar",
    "Kalyanpur",
    "Govind Nagar",
    "Kakadeo",
    "Panki",
    "Civil Lines",
    "Armapur",
    "Jajmau",
    "Swaroop Nagar",
    "Naubasta",
    "Shyam Nagar",
    "Rawatpur",
)
FIRST_NAMES = (
    "Ramesh",
    "Sunita",
    "Mohd",
    "Anita",
    "Rajesh",
    "Pooja",
    "Suresh",
    "Kavita",
    "Imran",
    "Neha",
    "राम",
    "सीता",
    "अनिल",
    "गीता",
)
LAST_NAMES = ("Kumar", "Devi", "Ali", "Sharma", "Gupta", "Verma", "Yadav", "Singh", "Khan", "Mishra", "प्रसाद", "शर्मा")


@dataclass(frozen=True)
class DemoExample:
    old_account_number: str
    mobile_last4: str
    new_account_number: str
    consumer_name: str
    division: str
    what_it_shows: str


# Printed by load_demo and listed in the README: the cases worth trying by hand.
EXAMPLES = (
    DemoExample("10000001", "4321", "2100000001", "Ramesh Kumar", "Kidwai Nagar", "a match"),
    DemoExample("10000002", "9876", "2100000002", "सुनीता देवी", "Kalyanpur", "a match with a Hindi name"),
    DemoExample("00123456", "1111", "2100123456", "Mohd Imran Khan", "Civil Lines", "leading zeros kept"),
    DemoExample("10000003", "", "2100000003", "Anita Sharma", "Panki", "no mobile on file: always 'no match'"),
)

GENERATED_COUNT = 3000


def demo_mappings(count: int = GENERATED_COUNT) -> list[AccountMapping]:
    rng = random.Random(20261128)  # fixed seed: the same rows every run, so loading is idempotent
    rows = [
        AccountMapping(
            old_account_number=e.old_account_number,
            new_account_number=e.new_account_number,
            consumer_name=e.consumer_name,
            division=e.division,
            mobile_last4=e.mobile_last4,
        )
        for e in EXAMPLES
    ]
    for index in range(count):
        old = f"{30000000 + index * 7:08d}"
        rows.append(
            AccountMapping(
                old_account_number=old,
                new_account_number=f"42{old}",
                consumer_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                division=rng.choice(DIVISIONS),
                mobile_last4=f"{rng.randrange(10000):04d}",
            )
        )
    return rows
