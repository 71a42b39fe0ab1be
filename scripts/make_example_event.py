#!/usr/bin/env python3
"""Generate a SYNTHETIC India–Russia business forum as an event folder.

Everything it writes is invented: organisations (made-up brand names), people, e-mail
addresses (on the reserved ``.example`` domain), preferences and caps. Only the structure is
realistic: a one-day forum in New Delhi, Russian importers, distributors, retail chains and
officials meeting Indian exporters of leather, pharmaceuticals, engineering goods, agri-food
and chemicals, with real HS2022 codes, three export-council delegations, scarce tables and
interpreters, availability gaps, caps and preferences. It exists so the scheduler, the
agendas and the benchmarks have a realistic input that nobody can mistake for data.

Deterministic: the same arguments give byte-identical files.

Usage::

    python scripts/make_example_event.py --seed 1 --out examples/india-russia-forum
    # the benchmark size: 1,000 participants, 400 on the Russian side, 600 Indian exporters
    python scripts/make_example_event.py --seed 1 --participants 1000 --buyers 400 --out DIR

``--buyers`` is the Russian (buying) side: buyers plus officials, of which ``--officials``
(default 15% of the side) are officials; every other participant is an Indian exporter.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tradepivot.data.reference import Reference
from tradepivot.events import load_event, write_event
from tradepivot.matchmaking.model import (
    Cooperation,
    Event,
    Interpreter,
    Meeting,
    Participant,
    Preference,
    PreferenceLevel,
    Slot,
    Table,
    Venue,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "examples" / "india-russia-forum"

EVENT_DATE = dt.date(2025, 12, 4)
EVENT_ZONE = "Asia/Kolkata"
RUSSIA_ZONE = "Europe/Moscow"  # every Russian contact, so agendas show Moscow time
SLOT_MINUTES = 20
MORNING = [dt.time(10, 0), dt.time(10, 20), dt.time(10, 40), dt.time(11, 0), dt.time(11, 20)]
MORNING.append(dt.time(11, 40))  # six slots 10:00-12:00, a break 12:00-12:20
AFTERNOON = [dt.time(12, 20), dt.time(12, 40), dt.time(13, 0), dt.time(13, 20)]
AFTERNOON += [dt.time(13, 40), dt.time(14, 0)]  # six slots 12:20-14:20


@dataclass(frozen=True)
class Sector:
    """An Indian export sector: real HS2022 codes, broad codes buyers use, where firms are."""

    key: str
    label: str
    hs6: tuple[str, ...]
    broad: tuple[str, ...]  # chapters/headings a buyer may name instead of subheadings
    cities: tuple[str, ...]
    word: str  # in company names
    goods: str  # in descriptions
    certifications: tuple[str, ...]
    exporter_share: float
    buyer_share: float


SECTORS: tuple[Sector, ...] = (
    Sector(
        "leather",
        "leather and footwear",
        (
            "410712", "411200", "420221", "420222", "420231", "420292", "420310",
            "420329", "430310", "640399", "640391", "640359", "640610", "640419",
        ),
        ("41", "42", "43", "64", "4202", "6403"),
        ("Kanpur", "Agra", "Chennai", "Ambur", "Kolkata", "Jalandhar"),
        "Leather",
        "leather goods and footwear",
        ("ISO 9001", "LWG", "REACH", "SA8000"),
        0.24,
        0.26,
    ),
    Sector(
        "pharma",
        "pharmaceuticals",
        (
            "300490", "300420", "300410", "300432", "300450", "300390", "300241",
            "300510", "294110", "294150", "294190",
        ),
        ("30", "3004", "2941"),
        ("Hyderabad", "Ahmedabad", "Mumbai", "Baddi", "Vadodara", "Visakhapatnam"),
        "Pharma",
        "generic medicines and APIs",
        ("WHO-GMP", "EU-GMP", "EAEU GMP", "ISO 9001"),
        0.20,
        0.22,
    ),
    Sector(
        "engineering",
        "engineering goods",
        (
            "841370", "841391", "841480", "848180", "848210", "848340", "847989",
            "850440", "853690", "854449", "870899", "870830", "870840", "730890",
            "731815", "732690", "730630",
        ),
        ("84", "85", "87", "73", "8708", "8413"),
        ("Pune", "Chennai", "Ludhiana", "Rajkot", "Coimbatore", "Faridabad"),
        "Engineering",
        "pumps, valves, bearings, auto parts and steel articles",
        ("ISO 9001", "IATF 16949", "EAC", "ISO 14001"),
        0.27,
        0.24,
    ),
    Sector(
        "agrifood",
        "agri-food",
        (
            "090230", "090240", "090411", "090921", "091030", "090831", "100630",
            "100640", "080132", "080131", "080450", "210690", "210390", "030617",
        ),
        ("09", "10", "08", "2106", "0306", "0902"),
        ("Kochi", "Guwahati", "Kolkata", "Kollam", "Karnal", "Nashik"),
        "Foods",
        "tea, spices, rice, cashews and seafood",
        ("FSSAI", "HACCP", "ISO 22000", "Halal"),
        0.18,
        0.20,
    ),
    Sector(
        "chemicals",
        "chemicals",
        (
            "290542", "291739", "293359", "282300", "283620", "320416", "320417",
            "320890", "321590", "380893", "380891", "380210", "382499",
        ),
        ("28", "29", "32", "38", "3204"),
        ("Vapi", "Ankleshwar", "Vadodara", "Mumbai", "Hyderabad", "Dahej"),
        "Chemicals",
        "dyes, pigments, agrochemicals and speciality chemicals",
        ("ISO 9001", "REACH", "ISO 14001", "Responsible Care"),
        0.11,
        0.08,
    ),
)  # fmt: skip
BY_KEY = {s.key: s for s in SECTORS}

# (name, sector, members at the 300-exporter default; scaled with the number of exporters)
DELEGATIONS = (
    ("CLE leather delegation", "leather", 22),
    ("Pharmexcil delegation", "pharma", 25),
    ("EEPC engineering delegation", "engineering", 30),
)

RU_CITIES = (
    "Moscow", "Moscow", "Moscow", "Saint Petersburg", "Saint Petersburg", "Kazan",
    "Yekaterinburg", "Novosibirsk", "Nizhny Novgorod", "Samara", "Krasnodar",
    "Rostov-on-Don", "Vladivostok", "Chelyabinsk", "Perm", "Ufa", "Voronezh",
)  # fmt: skip
RU_FIRST = (
    "Aleksei", "Anna", "Dmitry", "Elena", "Igor", "Irina", "Maksim", "Marina", "Nikolai",
    "Olga", "Pavel", "Svetlana", "Sergei", "Tatiana", "Vladimir", "Yulia", "Andrei", "Natalia",
)  # fmt: skip
RU_LAST = (
    "Ivanov", "Petrov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov",
    "Novikov", "Morozov", "Volkov", "Solovyov", "Vasiliev", "Zaitsev", "Pavlov", "Orlov",
)  # fmt: skip
RU_FEMALE = {"Anna", "Elena", "Irina", "Marina", "Olga", "Svetlana", "Tatiana", "Yulia", "Natalia"}
IN_FIRST = (
    "Aarav", "Ananya", "Arjun", "Deepa", "Farhan", "Gauri", "Harish", "Isha", "Karan",
    "Lakshmi", "Manoj", "Neha", "Pooja", "Rahul", "Sanjay", "Shalini", "Vikram", "Zoya",
)  # fmt: skip
IN_LAST = (
    "Agarwal", "Banerjee", "Chopra", "Desai", "Gupta", "Iyer", "Jain", "Khan", "Mehta",
    "Nair", "Patel", "Rao", "Reddy", "Shah", "Sharma", "Singh", "Verma", "Qureshi",
)  # fmt: skip
# Made-up brand syllables: names built from them are invented, not real companies.
RU_STEMS = (
    "Zarin", "Velm", "Korv", "Tuls", "Beryo", "Mirov", "Lozn", "Sarm", "Dubr", "Kestr",
    "Yuzh", "Prav", "Orlin", "Vyaz", "Tesn", "Gorm", "Ladov", "Shchel",
)  # fmt: skip
RU_ENDS = ("ak", "ovo", "eks", "ira", "et", "ant", "or", "ika", "um", "ilon")
IN_STEMS = (
    "Kavi", "Anv", "Shre", "Tarun", "Vedh", "Ishan", "Mrid", "Pranj", "Rukm", "Sanv",
    "Dhruv", "Nirv", "Aadh", "Hemav", "Jyot", "Suvar", "Trish", "Ojas",
)  # fmt: skip
IN_ENDS = ("ika", "esh", "ara", "ita", "ansh", "odaya", "ant", "ya", "iv", "ora")
BUYER_KINDS = (
    ("importer", "Trading House", "Importer"),
    ("importer", "Import", "Importer"),
    ("distributor", "Distribution", "Distributor"),
    ("distributor", "Wholesale", "Wholesale distributor"),
    ("retail", "Retail", "Retail chain"),
)
OFFICIAL_KINDS = (
    ("ministry", "Foreign Trade Department of the {r} Ministry of Industry"),
    ("mission", "{r} Trade Mission Office"),
    ("chamber", "{r} Chamber of Commerce and Industry"),
    ("agency", "{r} Regional Export Agency"),
)
RU_REGIONS = (
    "Zarechensk", "Belovodsk", "Krutogorsk", "Lesnoborsk", "Ozyorsk-Nizhny", "Svetlogradsk",
    "Kamenodolsk", "Yasnopolye", "Verkhnedarsk", "Sosnogorye",
)  # fmt: skip


class Names:
    """Unique invented brand names: every stem+ending combination in a seeded order, then
    stem+ending+ending ones when an event is larger than that."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pools: dict[tuple[str, ...], list[str]] = {}

    def brand(self, stems: Sequence[str], ends: Sequence[str]) -> str:
        key = (*stems, "|", *ends)
        pool = self.pools.get(key)
        if pool is None:
            two = [a + b for a in stems for b in ends]
            three = [a + b + c for a in stems for b in ends for c in ends if b != c]
            self.rng.shuffle(two)
            self.rng.shuffle(three)
            pool = self.pools[key] = list(dict.fromkeys(three + two))  # popped from the end
        return pool.pop()


def allocate(total: int, shares: Sequence[float]) -> list[int]:
    """Split ``total`` by ``shares`` with the largest-remainder rule (sums exactly)."""
    raw = [total * s / sum(shares) for s in shares]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def person(rng: random.Random, first: Sequence[str], last: Sequence[str], russian: bool) -> str:
    given = rng.choice(first)
    family = rng.choice(last)
    if russian and given in RU_FEMALE:
        family += "a"  # Ivanova, Petrova ...
    return f"{given} {family}"


def email(contact: str, brand: str) -> str:
    local = contact.lower().replace(" ", ".")
    return f"{local}@{brand.lower()}.example"


def build_slots(halls: int) -> tuple[dict[str, Venue], list[Slot], dict[tuple[str, str], int]]:
    zone = zoneinfo.ZoneInfo(EVENT_ZONE)
    venues = {"hall-a": Venue("hall-a", "Forum Centre, Hall A", "New Delhi", EVENT_ZONE)}
    if halls == 2:
        venues["hall-b"] = Venue("hall-b", "Forum Centre, Hall B", "New Delhi", EVENT_ZONE)
    slots: list[Slot] = []
    for venue in venues:
        prefix = "s" if halls == 1 else venue[-1]
        for number, start in enumerate(MORNING + AFTERNOON, start=1):
            begin = dt.datetime.combine(EVENT_DATE, start, tzinfo=zone)
            session = "morning" if start in MORNING else "afternoon"
            slots.append(
                Slot(
                    f"{prefix}{number:02d}",
                    begin,
                    begin + dt.timedelta(minutes=SLOT_MINUTES),
                    venue,
                    session,
                )
            )
    slots.sort(key=lambda s: s.start)
    travel = {("hall-a", "hall-b"): 5} if halls == 2 else {}
    return venues, slots, travel


def generate(
    seed: int, participants: int, buyers: int, officials: int | None, halls: int
) -> tuple[Event, str]:
    """The synthetic event and the description for its event.yaml."""
    rng = random.Random(seed)
    names = Names(rng)
    if not 0 < buyers < participants:
        raise SystemExit("--buyers must be between 1 and --participants - 1")
    n_officials = round(buyers * 0.15) if officials is None else officials
    if not 0 <= n_officials <= buyers:
        raise SystemExit("--officials must be between 0 and --buyers")
    n_buyers = buyers - n_officials
    n_exporters = participants - buyers
    venues, slots, travel = build_slots(halls)
    morning = frozenset(s.id for s in slots if s.session == "morning")
    afternoon = frozenset(s.id for s in slots if s.session == "afternoon")
    first_slots = [s for s in slots if s.start == slots[0].start]

    people: list[Participant] = []
    sector_of: dict[str, str] = {}

    # --- Indian exporters, by sector; the first members of a sector join its delegation
    per_sector = allocate(n_exporters, [s.exporter_share for s in SECTORS])
    in_sector = dict(zip(BY_KEY, per_sector, strict=True))
    delegation_size = {
        sector: min(round(size * n_exporters / 300), in_sector[sector])
        for _, sector, size in DELEGATIONS
    }
    number = 0
    for sector, count in zip(SECTORS, per_sector, strict=True):
        delegation = next((d for d in DELEGATIONS if d[1] == sector.key), None)
        for k in range(count):
            number += 1
            pid = f"IN{number:04d}"
            brand = names.brand(IN_STEMS, IN_ENDS)
            suffix = rng.choice(("Pvt Ltd", "Pvt Ltd", "Exports", "LLP", "Industries"))
            contact = person(rng, IN_FIRST, IN_LAST, russian=False)
            languages = ["en"]
            if rng.random() < 0.60:
                languages.append("hi")
            if rng.random() < 0.03:
                languages.append("ru")
            offered: list[Cooperation] = ["supply"]
            if rng.random() < 0.20:
                offered.append("licensing")
            if rng.random() < 0.20:
                offered.append("joint_venture")
            if sector.key == "engineering" and rng.random() < 0.25:
                offered.append("subcontracting")
            sought: list[Cooperation] = ["distribution"] if rng.random() < 0.85 else []
            if rng.random() < 0.15:
                sought.append("joint_venture")
            if rng.random() < 0.05 or not sought:
                sought.append("investment")
            offers = sorted(rng.sample(sector.hs6, rng.randint(2, 4)))
            employees = rng.choice((25, 40, 60, 80, 120, 150, 250, 400, 800))
            markets = rng.choice(
                ("the EU and the UAE", "the UK and the USA", "the CIS", "Africa", "South-East Asia")
            )
            in_delegation = delegation is not None and k < delegation_size[sector.key]
            people.append(
                Participant(
                    id=pid,
                    organisation=f"{brand} {sector.word} {suffix}",
                    side="exporter",
                    country="IND",
                    city=rng.choice(sector.cities),
                    contact=contact,
                    email=email(contact, brand),
                    delegation=delegation[0] if in_delegation and delegation else None,
                    offers=tuple(offers),
                    cooperation_offered=tuple(offered),
                    cooperation_sought=tuple(sought),
                    languages=tuple(languages),
                    certifications=tuple(
                        sorted(rng.sample(sector.certifications, rng.randint(0, 2)))
                    ),
                    description=f"Maker of {sector.goods}; {employees} employees; exports to {markets}.",
                    timezone=EVENT_ZONE,
                )
            )
            sector_of[pid] = sector.key

    # --- Russian buyers and officials
    buyer_sectors = allocate(n_buyers, [s.buyer_share for s in SECTORS])
    buyer_plan = [s.key for s, c in zip(SECTORS, buyer_sectors, strict=True) for _ in range(c)]
    rng.shuffle(buyer_plan)
    for number, key in enumerate(buyer_plan, start=1):
        sector = BY_KEY[key]
        pid = f"RU{number:04d}"
        interests = [sector]
        if rng.random() < 0.25:
            interests.append(rng.choice([s for s in SECTORS if s.key != key]))
        seeks: list[str] = []
        for interest in interests:
            if rng.random() < 0.30:
                seeks += rng.sample(interest.broad, rng.randint(1, 2))
            else:
                seeks += rng.sample(interest.hs6, rng.randint(2, 3))
        kind, word, label = rng.choice(BUYER_KINDS)
        brand = names.brand(RU_STEMS, RU_ENDS)
        contact = person(rng, RU_FIRST, RU_LAST, russian=True)
        city = rng.choice(RU_CITIES)
        wants: list[Cooperation] = ["distribution"]
        if rng.random() < 0.10:
            wants.append("investment")
        needs: list[Cooperation] = ["supply"]
        if rng.random() < 0.10:
            needs.append("licensing")
        if rng.random() < 0.10:
            needs.append("joint_venture")
        scale = (
            f"{rng.randint(8, 120)} stores"
            if kind == "retail"
            else f"{rng.randint(60, 900)} clients"
        )
        people.append(
            Participant(
                id=pid,
                organisation=f"{brand} {word}",
                side="buyer",
                country="RUS",
                city=city,
                contact=contact,
                email=email(contact, brand),
                seeks=tuple(dict.fromkeys(seeks)),
                cooperation_offered=tuple(wants),
                cooperation_sought=tuple(needs),
                languages=("ru", "en") if rng.random() < 0.30 else ("ru",),
                description=f"{label} of {' and '.join(i.goods for i in interests)}; {scale}.",
                timezone=RUSSIA_ZONE,
            )
        )
        sector_of[pid] = key
    for number in range(1, n_officials + 1):
        pid = f"RG{number:04d}"
        kind, pattern = OFFICIAL_KINDS[(number - 1) % len(OFFICIAL_KINDS)]
        region = RU_REGIONS[(number - 1) // len(OFFICIAL_KINDS) % len(RU_REGIONS)]
        organisation = pattern.format(r=region)
        office = (number - 1) // (len(OFFICIAL_KINDS) * len(RU_REGIONS))
        if office:  # more officials than kinds x regions: number the offices
            organisation += f" (office {office + 1})"
        interests = rng.sample(SECTORS, 2)
        contact = person(rng, RU_FIRST, RU_LAST, russian=True)
        people.append(
            Participant(
                id=pid,
                organisation=organisation,
                side="official",
                country="RUS",
                city=rng.choice(RU_CITIES[:6]),
                contact=contact,
                email=email(contact, region.replace("-", "")),
                seeks=tuple(c for i in interests for c in i.broad[:2]),
                cooperation_sought=("investment", "joint_venture")
                if rng.random() < 0.5
                else ("investment",),
                languages=("ru", "en") if rng.random() < 0.30 else ("ru",),
                description=f"Public body ({kind}) promoting trade in {interests[0].label} "
                f"and {interests[1].label}.",
                timezone=RUSSIA_ZONE,
            )
        )
        sector_of[pid] = interests[0].key

    # --- availability gaps and caps (delegation leaders stay all day: they open the forum)
    leaders = {
        d[0]: next(p.id for p in people if p.delegation == d[0])
        for d in DELEGATIONS
        if any(p.delegation == d[0] for p in people)
    }
    final: list[Participant] = []
    for p in people:
        available: frozenset[str] | None = None
        cap: int | None = None
        if p.id not in leaders.values():
            draw = rng.random()
            if draw < 0.05:
                available = morning  # leaves after lunch
            elif draw < 0.08:
                available = afternoon  # arrives after lunch
            if rng.random() < 0.15:
                cap = rng.randint(6, 10)
        final.append(dataclasses.replace(p, available=available, max_meetings=cap))
    by_id = {p.id: p for p in final}

    # --- tables and interpreters, both scarce
    n_tables = max(2, round(participants * 90 / 500))
    tables: list[Table] = []
    hall_ids = list(venues)
    per_hall = allocate(n_tables, [2.0, 1.0] if halls == 2 else [1.0])
    width = len(str(n_tables))
    opening_times = sorted({s.start for s in slots})[:2]
    number = 0
    for hall, count in zip(hall_ids, per_hall, strict=True):
        # The last four tables of each hall are the press corner in the first two slots.
        press = frozenset(s.id for s in slots if s.venue == hall and s.start in opening_times)
        for k in range(count):
            number += 1
            tables.append(
                Table(f"T{number:0{width}d}", hall, press if k >= count - 4 else frozenset())
            )
    interpreters: list[Interpreter] = []
    en_ru = max(1, round(participants * 12 / 500))
    hi_ru = max(1, round(participants * 2 / 500))
    for k in range(en_ru + hi_ru):
        pair = frozenset({"en", "ru"}) if k < en_ru else frozenset({"hi", "ru"})
        gap: frozenset[str] | None = None
        if k % 4 == 1:
            gap = morning
        elif k % 4 == 2 and k < en_ru:
            gap = afternoon
        if k == en_ru + hi_ru - 1:
            gap = afternoon
        russian = k % 2 == 0
        interpreters.append(
            Interpreter(
                id=f"I{k + 1:02d}",
                name=person(rng, RU_FIRST, RU_LAST, True)
                if russian
                else person(rng, IN_FIRST, IN_LAST, False),
                pairs=frozenset({pair}),
                venue=hall_ids[k % len(hall_ids)] if halls == 2 else None,
                available=gap,
            )
        )

    # --- preferences: about 150 at 500 participants
    exporters = [p for p in final if p.side == "exporter"]
    russians = [p for p in final if p.side in ("buyer", "official")]
    target_count = round(participants * 150 / 500)
    kinds: tuple[PreferenceLevel, ...] = ("must", "meet", "no")
    plan = allocate(target_count, [0.22, 0.62, 0.16])
    levels = [level for level, count in zip(kinds, plan, strict=True) for _ in range(count)]
    rng.shuffle(levels)
    preferences: list[Preference] = []
    pairs_used: set[frozenset[str]] = set()
    locked_pairs: list[tuple[str, str]] = []
    # Opening meetings, locked and published: English-speaking officials x delegation leaders.
    speakers = [p for p in final if p.side == "official" and "en" in p.languages]
    for leader, official in zip(leaders.values(), speakers, strict=False):
        if by_id[official.id].available not in (None, morning):
            continue
        locked_pairs.append((leader, official.id))
        pairs_used.add(frozenset({leader, official.id}))
    attempts = 0
    while len(preferences) < len(levels) and attempts < 100 * len(levels):
        attempts += 1
        level = levels[len(preferences)]
        if rng.random() < 0.7:
            source = rng.choice(russians)
            same = [e for e in exporters if sector_of[e.id] == sector_of[source.id]]
            target = rng.choice(same or exporters)
        else:
            source = rng.choice(exporters)
            same = [r for r in russians if sector_of[r.id] == sector_of[source.id]]
            target = rng.choice(same or russians)
        pair = frozenset({source.id, target.id})
        if pair in pairs_used:
            continue
        pairs_used.add(pair)
        preferences.append(Preference(source.id, target.id, level))

    meetings: list[Meeting] = []
    opening = next(s for s in first_slots if s.venue == hall_ids[0])
    free_tables = [
        t for t in tables if t.venue == opening.venue and opening.id not in t.unavailable
    ]
    for (a, b), table in zip(locked_pairs, free_tables, strict=False):
        meetings.append(
            Meeting(min(a, b), max(a, b), opening.id, table.id, locked=True, published=True)
        )

    halls_text = "one hall" if halls == 1 else "two halls five minutes apart"
    event = Event(
        name="India–Russia Business Forum, New Delhi (synthetic example)",
        timezone=EVENT_ZONE,
        participants=by_id,
        venues=venues,
        slots=tuple(slots),
        tables=tuple(tables),
        interpreters=tuple(interpreters),
        preferences=tuple(preferences),
        travel_minutes=travel,
        meetings=tuple(meetings),
        synthetic=True,
    )
    description = (
        "SYNTHETIC: invented organisations, people and preferences for testing and "
        f"demonstration (make_example_event.py --seed {seed}). A one-day India–Russia B2B "
        f"forum in New Delhi, {halls_text}, 20-minute meetings 10:00-12:00 and 12:20-14:20 "
        "India time."
    )
    return event, description


def readme(event: Event, seed: int, command: str) -> str:
    people = list(event.participants.values())
    sides = {s: sum(p.side == s for p in people) for s in ("buyer", "official", "exporter")}
    delegations: dict[str, int] = {}
    for p in people:
        if p.delegation:
            delegations[p.delegation] = delegations.get(p.delegation, 0) + 1
    levels = {lv: sum(p.level == lv for p in event.preferences) for lv in ("must", "meet", "no")}
    pairs: dict[str, int] = {}
    for i in event.interpreters:
        for pair in i.pairs:
            key = "-".join(sorted(pair))
            pairs[key] = pairs.get(key, 0) + 1
    first, last = event.slots[0], event.slots[-1]
    lines = [
        "# India–Russia Business Forum, New Delhi — SYNTHETIC example event",
        "",
        "**Everything in this folder is invented.** The organisations are made-up names, the",
        "people are random combinations of common first and family names, the e-mail addresses",
        "use the reserved `.example` domain, and the preferences, caps and availability were",
        "drawn at random. Nothing here describes a real company, person or event. Only the",
        "HS codes are real (HS2022 subheadings, chapters and headings).",
        "",
        f"Generated by `{command}` (seed {seed}, deterministic); do not edit by hand.",
        "The folder format is described in [docs/events.md](../../docs/events.md).",
        "",
        "| What | Count |",
        "| --- | --- |",
        f"| Participants | {len(people)} |",
        f"| Russian buyers (importers, distributors, retail chains) | {sides['buyer']} |",
        f"| Russian officials (ministries, trade missions, chambers, agencies) | {sides['official']} |",
        f"| Indian exporters | {sides['exporter']} |",
    ]
    lines += [f"| {name} | {count} |" for name, count in delegations.items()]
    lines += [
        f"| Venues | {len(event.venues)} |",
        f"| Slots (20 minutes, {first.start:%H:%M}–{last.end:%H:%M} India time, break "
        "12:00–12:20) | " + str(len(event.slots)) + " |",
        f"| Tables | {len(event.tables)} |",
    ]
    lines += [f"| Interpreters {k} | {v} |" for k, v in sorted(pairs.items())]
    lines += [
        f"| Preferences (must / meet / no) | {len(event.preferences)} "
        f"({levels['must']} / {levels['meet']} / {levels['no']}) |",
        f"| Locked, published meetings (the opening) | {len(event.meetings)} |",
        f"| Participants with a cap (max_meetings) | "
        f"{sum(p.max_meetings is not None for p in people)} |",
        f"| Participants present only part of the day | "
        f"{sum(p.available is not None for p in people)} |",
        "",
        "Russian participants' agendas are in Moscow time (Europe/Moscow, 2 h 30 behind India);",
        "Indian participants' in India time (Asia/Kolkata).",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--participants", type=int, default=500, help="everyone (default 500)")
    parser.add_argument(
        "--buyers",
        type=int,
        default=200,
        help="the Russian side, buyers plus officials (default 200); the rest are exporters",
    )
    parser.add_argument(
        "--officials", type=int, default=None, help="officials among --buyers (default 15%%)"
    )
    parser.add_argument("--halls", type=int, choices=(1, 2), default=1)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    event, description = generate(
        args.seed, args.participants, args.buyers, args.officials, args.halls
    )
    out: Path = args.out
    write_event(event, out, description=description)
    command = "python scripts/make_example_event.py " + " ".join(
        ["--seed", str(args.seed)]
        + (["--participants", str(args.participants)] if args.participants != 500 else [])
        + (["--buyers", str(args.buyers)] if args.buyers != 200 else [])
        + (["--officials", str(args.officials)] if args.officials is not None else [])
        + (["--halls", "2"] if args.halls == 2 else [])
        + ["--out", _display(out)]
    )
    (out / "README.md").write_text(readme(event, args.seed, command), encoding="utf-8")
    loaded, notes = load_event(out, Reference())  # the written folder must read back as written
    if loaded != event:
        print("error: the written event does not read back identically", file=sys.stderr)
        return 1
    if not args.quiet:
        for note in notes:
            print(f"note: {note}")
        print(f"wrote {out}: {len(event.participants)} participants, {len(event.slots)} slots")
    return 0


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
