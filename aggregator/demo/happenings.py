"""The demo's notable events: cross-posted ones, look-alikes, all-day and recurring series.

Why: deduplication needs ground truth. Each :class:`Happening` is ONE real-world event and each
of its :class:`Posting` is the record one organisation publishes about it, with the variations
seen in real feeds (title variants, doors-vs-talk start, other spelling of the place, tracking
parameters). :data:`LOOKALIKES` lists pairs that look alike but must stay apart. Dates are
(week of the demo, weekday); week 0 is the week of ``today``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from .catalog import FRI, MON, SAT, THU, TUE, WED


@dataclass(frozen=True, slots=True)
class Posting:
    """How one organisation publishes a happening; empty fields mean "as the happening"."""

    source_id: str
    title: str = ""
    shift_minutes: int = 0
    """Doors vs talk: the start this publisher writes, relative to the happening's."""
    location: str = ""
    """Free text; empty means the exporter's own spelling of the venue."""
    url: str = ""
    reshare_of: str = ""
    """Source id whose UID this posting copies (the event was imported, not retyped)."""
    timed: tuple[time, int, int] | None = None
    """Publish an all-day happening as timed: (start, last day offset, end hour)."""


@dataclass(frozen=True, slots=True)
class Happening:
    """One real-world event (or one recurring series) and everyone who posts it."""

    key: str
    week: int
    weekday: int
    start: time | None
    """None for an all-day event."""
    length: int
    """Minutes, or days for an all-day event."""
    venue: str
    title: str
    summary: str
    url: str
    postings: tuple[Posting, ...]
    status: str = "CONFIRMED"
    categories: tuple[str, ...] = ()
    rrule: str = ""
    """A recurring series: the first occurrence on or after ``week`` is its DTSTART."""
    exdate_week: int | None = None
    moved: tuple[int, time, str] | None = None
    """RECURRENCE-ID override: (week of the moved occurrence, new start, new venue key)."""


RUST_URL = "https://meetup.example/devmetz/events/301734562/"
OWASP_API_URL = "https://owasp-lorraine.example/evenements/top-10-api"

HAPPENINGS: tuple[Happening, ...] = (
    Happening("devmetz-rust", 1, THU, time(18, 30), 150, "tcrm-blida",
              "DevMetz #42 : Rust pour les développeurs web",
              "Ouverture des portes à 18h30, talk à 19h00.\nClaire Muller (LORIA) présente Rust "
              "côté serveur : Axum, SQLx, déploiement ; retours d'expérience en production.",
              RUST_URL, (
                  Posting("devmetz"),
                  Posting("tcrm-blida", "Meetup DevMetz : Rust pour les développeurs web – Metz",
                          30, url=RUST_URL + "?utm_source=tcrm-blida&utm_medium=agenda"),
                  Posting("loria", "Rencontre DevMetz : Rust pour les développeurs web", 30,
                          "TCRM Blida (Metz)"),
              ), categories=("Meetup", "Web")),
    Happening("nancypy-llm", 2, TUE, time(19, 0), 120, "fab-living-lab",
              "Nancy.py : faire tourner des LLM en local avec Python",
              "llama.cpp, Ollama et vLLM : que peut-on faire sur un portable ? Démonstrations et "
              "mesures par l'équipe SYNALP du LORIA.",
              "https://nancypy.example/evenements/llm-locaux", (
                  Posting("nancy-py"),
                  Posting("fab-living-lab",
                          "[Nancy] Nancy.py – faire tourner des LLM en local avec Python (gratuit)",
                          -15, url="https://nancypy.example/evenements/llm-locaux/"),
                  Posting("loria", "Nancy.py : Faire tourner des LLM en local avec Python", 0,
                          "Lorraine Fab Living Lab, Vandœuvre"),
              ), categories=("Meetup", "IA")),
    Happening("startup-weekend-metz", 4, FRI, None, 3, "tcrm-blida", "Startup Weekend Metz",
              "54 heures pour passer d'une idée à une startup : pitchs le vendredi soir, équipes, "
              "prototypes et jury le dimanche. Repas inclus.",
              "https://tcrm-blida.example/evenement/startup-weekend-metz/", (
                  Posting("tcrm-blida"),
                  Posting("lorntech", "STARTUP WEEKEND METZ – 54h pour entreprendre",
                          url="https://tcrm-blida.example/evenement/startup-weekend-metz/"
                              "?utm_source=lorntech&utm_medium=calendar"),
                  Posting("devmetz", "Startup Weekend Metz (Techstars)",
                          timed=(time(18, 0), 2, 21)),
              ), categories=("Startup Weekend",)),
    Happening("startup-weekend-nancy", 4, FRI, None, 3, "octroi", "Startup Weekend Nancy",
              "Le Startup Weekend revient à Nancy : 54 heures pour créer sa startup avec des "
              "coachs et des mentors du Grand Est.",
              "https://lorntech.example/agenda/startup-weekend-nancy", (
                  Posting("fab-living-lab"),
                  Posting("lorntech", "STARTUP WEEKEND NANCY – 54h pour entreprendre"),
              ), categories=("Startup Weekend",)),
    Happening("hack4lux", 6, SAT, None, 2, "house-of-startups", "Hack4Lux – Open Data Hackathon",
              "A weekend-long hackathon on Luxembourg's open data portal. Teams of 3 to 5, "
              "mentors on site, prizes for the three best projects.",
              "https://houseofstartups.example/events/hack4lux", (
                  Posting("house-of-startups"),
                  Posting("technoport", "Hack4Lux - Open Data Hackathon",
                          url="https://houseofstartups.example/events/hack4lux"
                              "?utm_source=technoport&utm_medium=website",
                          reshare_of="house-of-startups"),
              ), categories=("Hackathon",)),
    Happening("owasp-api", 3, MON, time(18, 30), 120, "tcrm-blida",
              "OWASP Lorraine : le Top 10 de la sécurité des API",
              "Présentation du Top 10 API Security, démonstrations d'attaques (BOLA, mass "
              "assignment) et contre-mesures ; échanges autour d'un buffet.",
              OWASP_API_URL, (
                  Posting("owasp-lorraine"),
                  Posting("tcrm-blida", "OWASP Lorraine : Le Top 10 de la sécurité des API"),
                  Posting("devmetz", "Rencontre OWASP Lorraine – Top 10 de la sécurité des API"),
              ), categories=("Sécurité",)),
    Happening("ia-sante", 5, WED, time(9, 0), 510, "loria-amphi", "Journée IA & Santé",
              "Journée d'échanges entre chercheurs, cliniciens et startups : imagerie, "
              "dossiers patients, éthique. Programme complet et inscription sur le site.",
              "https://www.loria.example/fr/journee-ia-sante/", (
                  Posting("loria"),
                  Posting("lorntech", "Journée IA & Santé – Nancy", 0,
                          url="https://www.loria.example/fr/journee-ia-sante/?utm_source=lorntech"),
                  Posting("datalyse", "Journée IA et santé (LORIA)", 30,
                          "LORIA, Villers-lès-Nancy"),
              ), categories=("Conférence", "IA")),
    Happening("cyber-pme-thionville", 2, THU, time(18, 0), 120, "puzzle",
              "Conférence : la cybersécurité des PME",
              "Rançongiciels, hameçonnage, sauvegardes : les bons réflexes pour les petites "
              "entreprises, avec le chapitre OWASP Lorraine.",
              "https://puzzle-thionville.example/agenda/cybersecurite-pme", (
                  Posting("puzzle-thionville"),
                  Posting("owasp-lorraine", "Conférence cybersécurité des PME – Thionville", 15,
                          "Puzzle, 2 rue du Vieux-Collège, Thionville"),
              ), categories=("Sécurité",)),
    Happening("forum-epinal", 3, THU, time(14, 0), 240, "quai-alpha",
              "Forum Startups & Recherche",
              "Rencontres entre startups vosgiennes et laboratoires : pitchs, stands et "
              "rendez-vous d'affaires.",
              "https://quai-alpha.example/forum-startups-recherche", (
                  Posting("quai-alpha"),
                  Posting("fablab-vosges", "forum startups & recherche – Épinal", 0,
                          "Quai Alpha - Epinal"),
                  Posting("lorntech", "Forum Startups & Recherche (Épinal)", -30),
              ), categories=("Startup", "Recherche")),
    Happening("cyber-breakfast", 1, TUE, time(8, 0), 90, "house-of-startups",
              "Cyber Breakfast: Zero Trust in der Praxis",
              "Frühstück und Vortrag: wie KMU Zero Trust Schritt für Schritt einführen.",
              "https://cyberlux.example/events/zero-trust-breakfast/", (
                  Posting("cyber-lux"),
                  Posting("house-of-startups", "Cyber Breakfast – Zero Trust in der Praxis (free)",
                          url="https://cyberlux.example/events/zero-trust-breakfast"),
              ), categories=("Security",)),
    Happening("datalyse-retex", 2, WED, time(18, 30), 90, "tcrm-blida",
              "Retour d'expérience : passer à l'échelle avec la data",
              "Datalyse raconte trois ans de croissance : architecture, recrutement et erreurs "
              "à éviter.", "https://datalyse.example/evenements/retex-passage-echelle", (
                  Posting("datalyse"),
                  Posting("tcrm-blida", "Retour d’expérience : passer à l’échelle avec la data",
                          reshare_of="datalyse"),
              ), categories=("Startup", "Data")),
    Happening("open-source-lorraine", -2, THU, time(18, 30), 150, "fab-living-lab",
              "Rencontre Open Source Lorraine",
              "Tour de table des projets libres lorrains et lightning talks de 5 minutes.",
              "https://fablivinglab.example/evenement/rencontre-open-source-lorraine/", (
                  Posting("fab-living-lab"),
                  Posting("nancy-py", "Meetup Open Source Lorraine"),
              ), categories=("Open source",)),
    Happening("atelier-docker", 5, TUE, time(18, 30), 120, "tcrm-blida",
              "Atelier : Docker pour débutants",
              "Conteneurs, images et docker compose, pas à pas. Venez avec votre portable.",
              "https://meetup.example/devmetz/events/301734598/", (
                  Posting("devmetz"),
                  Posting("tcrm-blida", "Atelier Docker pour débutants – salle 1"),
              ), categories=("Atelier",)),
    Happening("atelier-websec", 5, TUE, time(18, 30), 120, "tcrm-blida",
              "Atelier : sécurité des applications web",
              "Injection, XSS, CSRF : on attaque une application volontairement vulnérable.",
              "https://owasp-lorraine.example/evenements/atelier-securite-web", (
                  Posting("owasp-lorraine"),
                  Posting("tcrm-blida", "Atelier sécurité des applications web – salle 2"),
              ), categories=("Atelier",)),
    Happening("these-loria", 3, THU, time(14, 0), 150, "loria-amphi",
              "Soutenance de thèse : apprentissage fédéré respectueux de la vie privée",
              "Soutenance de thèse de Léa Schmitt, équipe PESTO. Jury : ...\nLa soutenance "
              "sera suivie d'un pot.", "", (Posting("loria"),), categories=("Soutenance",)),
    Happening("owasp-ctf", 2, SAT, time(14, 0), 240, "metz-saulcy", "Atelier CTF débutants",
              "ANNULÉ – faute de salle disponible, l'atelier est reporté à une date ultérieure.",
              "https://owasp-lorraine.example/evenements/atelier-ctf", (
                  Posting("owasp-lorraine"),), status="CANCELLED"),
    # Recurring series, each published once by one organisation.
    Happening("loria-cafe-ia", -4, MON, time(12, 30), 45, "loria-cafe", "Café IA",
              "Discussion informelle autour d'un article récent en IA. Apportez votre café !",
              "", (Posting("loria"),), rrule="FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=SU",
              moved=(2, time(13, 0), "loria")),
    Happening("nancypy-permanence", -4, WED, time(18, 0), 120, "manufacture",
              "Permanence Python (entraide)",
              "Un problème de code, un projet à démarrer ? Les bénévoles de Nancy.py vous aident.",
              "https://nancypy.example/permanences", (Posting("nancy-py"),),
              rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
    Happening("fablab-open-lab", -4, WED, time(18, 0), 180, "fablab-vosges",
              "Open Lab du mercredi",
              "Le fablab est ouvert à tous : machines, conseils et bonne humeur.", "",
              (Posting("fablab-vosges"),), rrule="FREQ=WEEKLY;BYDAY=WE", exdate_week=3),
    Happening("puzzle-repair-cafe", -4, SAT, time(14, 0), 180, "puzzle",
              "Repair Café numérique",
              "Ordinateurs lents, téléphones capricieux : des bénévoles réparent avec vous.",
              "https://puzzle-thionville.example/repair-cafe", (Posting("puzzle-thionville"),),
              rrule="FREQ=MONTHLY;BYDAY=3SA"),
    Happening("hos-founders-breakfast", -4, FRI, time(8, 30), 90, "house-of-startups",
              "Founders Breakfast",
              "Monthly breakfast for founders: one guest, one story, lots of coffee.",
              "https://houseofstartups.example/events/founders-breakfast",
              (Posting("house-of-startups"),), rrule="FREQ=MONTHLY;BYDAY=1FR"),
)

LOOKALIKES: tuple[tuple[str, str], ...] = (
    ("startup-weekend-metz", "startup-weekend-nancy"),
    ("atelier-docker", "atelier-websec"),
)
"""Pairs of happening keys that must NOT be merged. feeds.py adds the thesis defence vs the
seminar of the same Thursday hour at LORIA, whose key depends on the date."""
