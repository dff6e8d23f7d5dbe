"""Deterministic, realistic-looking people and payment data for the lab's seeds.

Emails, US phone numbers and Luhn-valid card numbers look like production PII, so the console's
masking is exercised on the shapes it will meet; nothing here belongs to a real person.
"""

from __future__ import annotations

import random

FIRST = (
    "james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david",
    "elizabeth", "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah",
    "chris", "karen", "daniel", "nancy", "matthew", "lisa", "anthony", "betty", "mark", "sandra",
    "wei", "mei", "jun", "xiaoling", "carlos", "maria", "jose", "sofia", "ahmed", "fatima",
)  # fmt: skip
LAST = (
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
    "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor",
    "moore", "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "chen", "wang",
    "li", "zhang", "liu", "nguyen", "kim", "patel", "shah", "cohen", "murphy", "obrien",
)  # fmt: skip
MAIL_DOMAINS = (
    "gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com",
    "icloud.com", "aol.com", "comcast.net", "proton.me",
)  # fmt: skip
AREA_CODES = (
    212, 646, 718, 917, 347, 201, 973, 415, 628, 510, 408, 650, 310, 213, 323, 626, 714, 949,
    312, 773, 617, 857, 206, 425, 305, 786, 404, 470, 469, 214, 512, 713, 702, 602, 303, 215,
)  # fmt: skip
CARD_PREFIXES = (("VISA", "4", 16), ("MASTERCARD", "51", 16), ("MASTERCARD", "55", 16),
                 ("AMEX", "37", 15), ("DISCOVER", "6011", 16))  # fmt: skip
CITIES = (
    ("New York", "NY", "10001"), ("Brooklyn", "NY", "11201"), ("Jersey City", "NJ", "07302"),
    ("San Francisco", "CA", "94105"), ("Los Angeles", "CA", "90012"), ("Chicago", "IL", "60601"),
    ("Boston", "MA", "02110"), ("Seattle", "WA", "98101"), ("Miami", "FL", "33131"),
    ("Austin", "TX", "78701"), ("Houston", "TX", "77002"), ("Atlanta", "GA", "30303"),
)  # fmt: skip
STREETS = ("Main St", "Broadway", "Market St", "5th Ave", "Park Ave", "Elm St", "Oak Ave",
           "Mission St", "Lexington Ave", "Madison Ave", "Pine St", "Washington Blvd")  # fmt: skip


def person(rng: random.Random, index: int) -> tuple[str, str]:
    """(display name, email) of a made-up customer."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    style = index % 4
    local = (
        f"{first}.{last}",
        f"{first}{last}{rng.randint(1, 99)}",
        f"{first[0]}{last}{rng.randint(1970, 2005)}",
        f"{first}_{last}{index}",
    )[style]
    return f"{first.title()} {last.title()}", f"{local}@{rng.choice(MAIL_DOMAINS)}"


def us_phone(rng: random.Random) -> str:
    """A NANP-shaped US number such as (415) 867-2301."""
    exchange = rng.randint(200, 999)
    return f"({rng.choice(AREA_CODES)}) {exchange}-{rng.randint(0, 9999):04d}"


def luhn_complete(partial: str) -> str:
    """Append the Luhn check digit to `partial`."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return partial + str((10 - total % 10) % 10)


def card(rng: random.Random) -> tuple[str, str]:
    """(brand, Luhn-valid card number)."""
    brand, prefix, length = rng.choice(CARD_PREFIXES)
    body = "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    return brand, luhn_complete(prefix + body)


def luhn_valid(number: str) -> bool:
    return luhn_complete(number[:-1]) == number


def address(rng: random.Random) -> tuple[str, str, str, str]:
    """(street, city, state, zip)."""
    city, state, zip_code = rng.choice(CITIES)
    return f"{rng.randint(1, 999)} {rng.choice(STREETS)}", city, state, zip_code
