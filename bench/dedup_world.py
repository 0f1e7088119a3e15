"""The benchmark's region: its ~40 sources, venues, subjects and the real events behind feeds.

bench/dedup_generate.py turns these real events into feed records (the duplicates and the
look-alikes); this module only holds the world they come from, kept apart to stay readable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from aggregator.models import Event, Source

PARIS = ZoneInfo("Europe/Paris")
ZONES = ("Europe/Paris", "UTC", "Europe/Luxembourg", "Europe/Berlin", "floating")
CITY_NAMES = {"Metz": ("Metz",), "Nancy": ("Nancy",), "Thionville": ("Thionville", "Diedenhofen"),
              "Épinal": ("Épinal", "Epinal"), "Luxembourg": ("Luxembourg", "Lëtzebuerg")}


@dataclass(frozen=True)
class Venue:
    name: str
    address: str
    city: str
    postcode: str


VENUES = {
    "Metz": [Venue("TCRM-Blida", "7 avenue de Blida", "Metz", "57000"),
             Venue("Totem", "12 rue Serpenoise", "Metz", "57000"),
             Venue("La Fabrique Numérique", "4 rue des Trinitaires", "Metz", "57000")],
    "Nancy": [Venue("LORIA", "615 rue du Jardin Botanique", "Vandœuvre-lès-Nancy", "54600"),
              Venue("L'Octroi", "47 boulevard d'Austrasie", "Nancy", "54000"),
              Venue("Le Cercle", "12 rue des Jardiniers", "Nancy", "54000")],
    "Thionville": [Venue("Puzzle", "1 place de la Libération", "Thionville", "57100"),
                   Venue("Espace Coolidge", "8 rue Coolidge", "Thionville", "57100")],
    "Épinal": [Venue("Quai Alpha", "2 rue du Port", "Épinal", "88000"),
               Venue("La Souris Verte", "15 rue des Soupirs", "Épinal", "88000")],
    "Luxembourg": [Venue("House of Startups", "9 rue du Laboratoire", "Luxembourg", "L-1911"),
                   Venue("Technoport", "9 avenue des Hauts-Fourneaux", "Esch-sur-Alzette",
                         "L-4362"),
                   Venue("Luxembourg House of Cybersecurity", "122 rue Adolphe Fischer",
                         "Luxembourg", "L-1521")],
}

SUBJECTS = (
    "Python", "Rust", "Kubernetes", "Docker", "IA générative", "Cybersécurité", "DevOps",
    "Data Science", "Machine Learning", "Flutter", "React", "Angular", "PostgreSQL", "Green IT",
    "Accessibilité web", "No-code", "Blockchain", "Open Data", "Java", "Golang", "Symfony",
    "Django", "Laravel", "UX Design", "Product Management", "Scrum", "Levée de fonds",
    "Cloud souverain", "Informatique quantique", "Robotique", "IoT", "Linux", "Cartographie",
    "Jeux vidéo", "Impression 3D", "Arduino", "RGPD", "Marketing digital", "SEO", "e-santé",
    "FinTech", "Industrie 4.0", "Smart city", "Mobilité électrique", "WebAssembly", "Elixir",
    "Kotlin", "Swift", "TypeScript", "GraphQL", "Terraform", "Ansible", "Observabilité",
    "Sobriété numérique", "Éthique des algorithmes", "Vision par ordinateur", "LLM",
    "Cryptographie", "Réseaux 5G", "Bioinformatique", "Edge computing", "Low-tech",
)
SUBTITLES = ("retour d'expérience", "les bases", "en production", "pour les débutants",
             "bonnes pratiques", "cas concrets", "table ronde", "démo live", "mythes et réalités",
             "tests et qualité", "performance & sécurité", "architecture et outils")
FORMATS = {  # canonical -> spellings in the region's languages
    "meetup": ("Meetup", "Rencontre", "Treffen"), "workshop": ("Atelier", "Workshop"),
    "talk": ("Conférence", "Konferenz", "Talk"), "apero": ("Afterwork", "Apéro"),
    "breakfast": ("Petit-déjeuner", "Breakfast"),
}
EMOJI = ("🚀", "🐍", "🤖", "💡", "🎉", "🔐", "📅")


@dataclass
class World:
    """Sources of the region and the events/labels produced so far."""

    rng: random.Random
    sources: dict[str, Source]
    events: list[Event] = field(default_factory=list)
    truth: dict[str, str] = field(default_factory=dict)
    family: dict[str, str] = field(default_factory=dict)
    """record key -> the variation family of that copy ("organiser" for the original)."""
    counter: int = 0
    used: set[tuple[date, str]] = field(default_factory=set)
    """(day, subject) already taken: two unrelated events never share both (a world where
    they did would make the labels themselves ambiguous); look-alikes are made on purpose."""

    def fresh_subject(self, day: date, pool: tuple[str, ...] = ()) -> str:
        """A subject nobody uses on ``day`` yet (random; any after 30 tries)."""
        pool = pool or SUBJECTS
        subject = self.rng.choice(pool)
        for _ in range(30):
            if (day, subject) not in self.used:
                break
            subject = self.rng.choice(pool)
        return subject

    def next_id(self) -> int:
        self.counter += 1
        return self.counter


def make_sources() -> dict[str, Source]:
    """About 40 organisations of Metz, Nancy, Thionville, Épinal and Luxembourg."""
    rows = [
        ("lorntech", "Lor'N'Tech", "association", "Nancy"), ("loria", "LORIA", "lab", "Nancy"),
        ("python-nancy", "Python Nancy", "association", "Nancy"),
        ("octroi", "L'Octroi", "venue", "Nancy"), ("le-cercle", "Le Cercle", "venue", "Nancy"),
        ("ul", "Université de Lorraine", "institution", "Nancy"),
        ("nancy-startups", "Nancy Startups", "association", "Nancy"),
        ("inria-nancy", "Inria Nancy", "lab", "Nancy"), ("datadev", "DataDev", "company", "Nancy"),
        ("blida", "TCRM-Blida", "venue", "Metz"), ("totem", "Totem", "venue", "Metz"),
        ("metz-tech", "Metz Tech Meetups", "association", "Metz"),
        ("fabnum", "La Fabrique Numérique", "venue", "Metz"),
        ("grandest-num", "Grand Est Numérique", "institution", "Metz"),
        ("bliiida-startups", "Startups de Blida", "startup", "Metz"),
        ("ecole-42", "Campus Tech Metz", "institution", "Metz"),
        ("devfest-lorraine", "DevFest Lorraine", "association", "Metz"),
        ("cyber-grand-est", "Cyber Grand Est", "association", "Metz"),
        ("puzzle", "Puzzle", "venue", "Thionville"), ("coolidge", "Espace Coolidge", "venue",
                                                      "Thionville"),
        ("thionville-num", "Thionville Numérique", "association", "Thionville"),
        ("moselle-startup", "Moselle Startup", "startup", "Thionville"),
        ("quai-alpha", "Quai Alpha", "venue", "Épinal"), ("souris-verte", "La Souris Verte",
                                                         "venue", "Épinal"),
        ("epinal-dev", "Épinal Dev", "association", "Épinal"),
        ("vosges-num", "Vosges Numériques", "institution", "Épinal"),
        ("hos", "House of Startups", "venue", "Luxembourg"),
        ("technoport", "Technoport", "venue", "Luxembourg"),
        ("lhc", "Luxembourg House of Cybersecurity", "venue", "Luxembourg"),
        ("luxinnov", "Luxinnovation", "institution", "Luxembourg"),
        ("lux-python", "Python Luxembourg", "association", "Luxembourg"),
        ("list", "LIST", "lab", "Luxembourg"), ("uni-lu", "Université du Luxembourg", "lab",
                                                 "Luxembourg"),
        ("lux-devs", "Luxembourg Developers", "association", "Luxembourg"),
        ("fintech-lux", "FinTech Lux", "startup", "Luxembourg"),
        ("gr-tech", "Greater Region Tech", "institution", "Luxembourg"),
        ("women-tech", "Women in Tech Lorraine", "association", "Nancy"),
        ("startup-weekend", "Techstars Startup Weekend", "association", "Metz"),
        ("agile-lorraine", "Agile Lorraine", "association", "Metz"),
        ("opendata-lux", "Open Data Lëtzebuerg", "association", "Luxembourg"),
    ]
    return {sid: Source(id=sid, name=name, kind=kind, city=city,
                        country="LU" if city == "Luxembourg" else "FR",
                        website=f"https://{sid}.example.org/")
            for sid, name, kind, city in rows}


@dataclass
class Truth:
    """One real-world event before any source posts it."""

    ident: str
    organiser: str
    city: str
    venue: Venue
    fmt: str
    subject: str
    subtitle: str
    number: int | None
    start: datetime
    all_day: bool
    city_in_title: bool = False
    url: str = ""
    rrule: str | None = None


def organisers_of(world: World, city: str) -> list[str]:
    return sorted(s.id for s in world.sources.values() if s.kind != "venue" and s.city == city)


def posters_of(world: World, truth: Truth) -> list[str]:
    """Cross-posters: the venue's own source, an umbrella institution, sometimes a lab."""
    rng = world.rng
    venue_src = [s.id for s in world.sources.values()
                 if s.kind == "venue" and s.name == truth.venue.name]
    others = [s for s in organisers_of(world, truth.city) if s != truth.organiser]
    posters = []
    if venue_src and rng.random() < 0.6:
        posters.append(venue_src[0])
    umbrella = [s for s in others if world.sources[s].kind == "institution"]
    if umbrella and rng.random() < 0.45:
        posters.append(rng.choice(umbrella))
    if others and rng.random() < 0.25:
        posters.append(rng.choice(others))
    return list(dict.fromkeys(posters))


def new_truth(world: World, day: date, **fixed: object) -> Truth:
    """A random real-world event on ``day`` (any field can be fixed by the caller)."""
    rng = world.rng
    city = str(fixed.get("city") or rng.choice(sorted(VENUES)))
    hour, minute = rng.choice(((18, 30), (18, 30), (19, 0), (18, 0), (12, 0), (9, 0), (14, 0),
                               (17, 30), (19, 30), (8, 30), (10, 0)))
    ident = f"t{world.next_id()}"
    values: dict[str, object] = dict(
        ident=ident, organiser=rng.choice(organisers_of(world, city)), city=city,
        venue=rng.choice(VENUES[city]), fmt=rng.choice(sorted(FORMATS)),
        subject=world.fresh_subject(day),
        subtitle=rng.choice(SUBTITLES) if rng.random() < 0.5 else "",
        number=rng.randint(2, 60) if rng.random() < 0.25 else None,
        start=datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute,
                                                                  tzinfo=PARIS),
        all_day=rng.random() < 0.06)
    values.update(fixed)
    truth = Truth(**values)  # type: ignore[arg-type]
    world.used.add((day, truth.subject))
    if not truth.url:
        truth.url = organiser_url(world, truth)
    return truth


def organiser_url(world: World, truth: Truth) -> str:
    if world.rng.random() < 0.35:
        group = world.sources[truth.organiser].name.replace(" ", "-").replace("'", "")
        return f"https://www.meetup.com/{group}/events/{300000000 + world.next_id()}/"
    return f"https://{truth.organiser}.example.org/evenements/{truth.ident}/"
