"""The demo's organisations, venues and regular programmes: plain data, no dates, no bytes.

Why: the demo must look like the real ecosystem of Metz, Nancy, Thionville, Épinal and
Luxembourg, and every calendar and news writer needs the same facts (who publishes with which
tool, where each venue is). Keeping the facts here, away from the writers, lets the writers stay
small and lets a reader check the data at a glance. Dates appear only as "week of the demo" and
weekday: :mod:`aggregator.demo.feeds` turns them into real dates relative to ``today``.
Web sites and event pages use the reserved ``.example`` domain: plausible, never real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Literal

CalendarShape = Literal[
    "google", "outlook", "meetup", "wordpress", "icloud", "handmade", "nextcloud"
]
NewsShape = Literal["rss", "atom", "jsonfeed"]
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@dataclass(frozen=True, slots=True)
class Organisation:
    """One publisher: a sources.yaml entry plus the tools it publishes with."""

    id: str
    name: str
    kind: str
    city: str
    country: str
    language: str
    domain: str
    tags: tuple[str, ...]
    calendar: CalendarShape
    news: NewsShape | None
    tz: str = "Europe/Paris"

    @property
    def website(self) -> str:
        return f"https://{self.domain}/"


@dataclass(frozen=True, slots=True)
class Venue:
    """A place; each exporter spells it its own way from these parts."""

    name: str
    street: str
    postcode: str
    city: str
    country: str
    lat: float
    lon: float
    room: str = ""


@dataclass(frozen=True, slots=True)
class Programme:
    """A regular series that its publisher exports as separate one-off events.

    WordPress, Meetup and Exchange users usually publish a seminar series as one VEVENT per
    session with its own topic, so each occurrence is a distinct real-world event.
    """

    key: str
    source_id: str
    title: str
    """Contains ``{topic}``."""
    topics: tuple[str, ...]
    weekday: int
    start: time
    minutes: int
    every_weeks: int
    venue: str
    summary: str
    """Description text; may contain ``{topic}``."""
    categories: tuple[str, ...] = ()


ORGANISATIONS: tuple[Organisation, ...] = (
    Organisation("loria", "LORIA – Laboratoire lorrain de recherche en informatique", "lab",
                 "Nancy", "FR", "fr", "www.loria.example", ("research", "ai", "security", "data"),
                 "outlook", "rss"),
    Organisation("fab-living-lab", "Lorraine Fab Living Lab – Totem Nancy", "venue", "Nancy",
                 "FR", "fr", "fablivinglab.example", ("hardware", "open-source", "startup"),
                 "wordpress", "rss"),
    Organisation("tcrm-blida", "TCRM-Blida – Totem Metz", "venue", "Metz", "FR", "fr",
                 "tcrm-blida.example", ("startup", "web", "hardware"), "wordpress", "rss"),
    Organisation("devmetz", "DevMetz", "association", "Metz", "FR", "fr", "devmetz.example",
                 ("web", "open-source"), "meetup", None),
    Organisation("nancy-py", "Nancy.py – Python à Nancy", "association", "Nancy", "FR", "fr",
                 "nancypy.example", ("ai", "data", "open-source"), "google", "atom"),
    Organisation("owasp-lorraine", "OWASP Lorraine", "association", "Metz", "FR", "fr",
                 "owasp-lorraine.example", ("security",), "google", "atom"),
    Organisation("datalyse", "Datalyse", "startup", "Metz", "FR", "fr", "datalyse.example",
                 ("ai", "data", "startup"), "google", "rss"),
    Organisation("lorntech", "LORnTECH – French Tech Est", "institution", "Nancy", "FR", "fr",
                 "lorntech.example", ("startup",), "icloud", "rss"),
    Organisation("quai-alpha", "Quai Alpha – Technopôle d'Épinal", "institution", "Épinal",
                 "FR", "fr", "quai-alpha.example", ("startup", "web"), "icloud", "rss"),
    Organisation("fablab-vosges", "Fablab des Vosges", "association", "Épinal", "FR", "fr",
                 "fablab-vosges.example", ("hardware", "open-source"), "handmade", None),
    Organisation("puzzle-thionville", "Puzzle – Tiers-lieu numérique de Thionville", "venue",
                 "Thionville", "FR", "fr", "puzzle-thionville.example", ("web", "open-source"),
                 "nextcloud", "jsonfeed"),
    Organisation("technoport", "Technoport", "company", "Esch-sur-Alzette", "LU", "en",
                 "technoport.example", ("startup", "hardware"), "wordpress", "rss",
                 "Europe/Luxembourg"),
    Organisation("house-of-startups", "House of Startups", "venue", "Luxembourg", "LU", "en",
                 "houseofstartups.example", ("startup", "data"), "nextcloud", "atom",
                 "Europe/Luxembourg"),
    Organisation("cyber-lux", "Cybersecurity Meetup Luxemburg", "association", "Luxembourg",
                 "LU", "de", "cyberlux.example", ("security",), "meetup", None,
                 "Europe/Luxembourg"),
)

ORGANISATIONS_BY_ID: dict[str, Organisation] = {org.id: org for org in ORGANISATIONS}

VENUES: dict[str, Venue] = {
    "tcrm-blida": Venue("TCRM-Blida", "7 avenue de Blida", "57000", "Metz", "France",
                        49.1265, 6.1822),
    "metz-saulcy": Venue("UFR MIM – Campus du Saulcy", "3 rue Augustin Fresnel", "57070", "Metz",
                         "France", 49.1193, 6.1659),
    "fab-living-lab": Venue("Lorraine Fab Living Lab", "2 avenue de la Forêt de Haye", "54500",
                            "Vandœuvre-lès-Nancy", "France", 48.6568, 6.1558),
    "loria": Venue("LORIA", "615 rue du Jardin Botanique", "54600", "Villers-lès-Nancy",
                   "France", 48.6653, 6.1584, "salle A008"),
    "loria-amphi": Venue("LORIA", "615 rue du Jardin Botanique", "54600", "Villers-lès-Nancy",
                         "France", 48.6653, 6.1584, "amphithéâtre Gilles Kahn"),
    "loria-cafe": Venue("LORIA", "615 rue du Jardin Botanique", "54600", "Villers-lès-Nancy",
                        "France", 48.6653, 6.1584, "cafétéria"),
    "octroi": Venue("Octroi Nancy", "47 boulevard d'Austrasie", "54000", "Nancy", "France",
                    48.6921, 6.1985),
    "manufacture": Venue("Médiathèque Manufacture", "10 rue Baron Louis", "54000", "Nancy",
                         "France", 48.6880, 6.1720),
    "quai-alpha": Venue("Quai Alpha", "4 quai des Bons Enfants", "88000", "Épinal", "France",
                        48.1732, 6.4497),
    "fablab-vosges": Venue("Fablab des Vosges", "12 rue de la Clé d'Or", "88000", "Épinal",
                           "France", 48.1745, 6.4518),
    "puzzle": Venue("Puzzle", "2 rue du Vieux Collège", "57100", "Thionville", "France",
                    49.3579, 6.1683),
    "technoport": Venue("Technoport", "9 avenue des Hauts-Fourneaux", "4362",
                        "Esch-sur-Alzette", "Luxembourg", 49.5016, 5.9481),
    "house-of-startups": Venue("House of Startups", "9 rue du Laboratoire", "1911",
                               "Luxembourg", "Luxembourg", 49.6048, 6.1342),
    "kirchberg": Venue("Kirchberg Tech Hub", "6 rue Coudenhove-Kalergi", "1359", "Luxembourg",
                       "Luxembourg", 49.6261, 6.1590),
    "online": Venue("En ligne", "", "", "", "", 0.0, 0.0),
}

PROGRAMMES: tuple[Programme, ...] = (
    Programme("loria-seminaire", "loria", "Séminaire du LORIA : {topic}", (
        "apprentissage frugal pour le traitement de la parole",
        "vérification formelle de protocoles cryptographiques",
        "graphes de connaissances et grands modèles de langage",
        "robotique collaborative en milieu industriel",
        "confidentialité différentielle appliquée aux données de santé",
        "calcul haute performance et sobriété énergétique",
        "reconnaissance d'écritures manuscrites anciennes",
        "sécurité des systèmes embarqués",
    ), THU, time(14, 0), 90, 1, "loria",
        "Séminaire ouvert à tous, en français.\nThème : {topic}.\nAccueil café à partir de 13h45.",
        ("Séminaire", "Recherche")),
    Programme("blida-jeudis", "tcrm-blida", "Les Jeudis de Blida : {topic}", (
        "financer son premier tour de table", "concevoir des interfaces sobres",
        "recruter ses premiers développeurs", "la propriété intellectuelle pour les startups",
        "l'industrie 4.0 en Moselle", "réussir son pitch en 3 minutes",
    ), THU, time(18, 30), 120, 2, "tcrm-blida",
        "Talk, échanges et apéro réseau au cœur de Blida ; thème : {topic}. Entrée libre, "
        "inscription conseillée.", ("Afterwork", "Startup")),
    Programme("blida-permanence", "tcrm-blida", "Permanence incubateur : {topic}", (
        "BPI, subventions et prêts d'honneur", "choisir ses statuts juridiques",
        "marketing digital à petit budget", "préparer une levée de fonds",
    ), TUE, time(10, 0), 180, 2, "tcrm-blida",
        "Rendez-vous individuels de 30 minutes avec un expert ({topic}). Sur inscription.",
        ("Startup",)),
    Programme("fll-decouverte", "fab-living-lab", "Atelier découverte : {topic}", (
        "impression 3D", "découpe laser", "Arduino et capteurs", "brodeuse numérique",
        "Raspberry Pi", "modélisation 3D avec FreeCAD", "soudure électronique",
    ), TUE, time(17, 30), 150, 1, "fab-living-lab",
        "Atelier d'initiation ({topic}), 8 places, matériel fourni. Adhésion au fablab non "
        "requise.", ("Atelier", "Fablab")),
    Programme("devmetz-talks", "devmetz", "DevMetz : {topic}", (
        "TypeScript avancé", "Kubernetes sans douleur", "accessibilité web : les bases",
        "tests de bout en bout avec Playwright",
    ), WED, time(19, 0), 120, 3, "metz-saulcy",
        "DevMetz, la communauté des développeurs messins.\n\nAu programme : {topic}, puis "
        "pizzas et discussions.", ()),
    Programme("nancypy-talks", "nancy-py", "Nancy.py : {topic}", (
        "Polars ou pandas ?", "FastAPI en production", "le typage statique avec mypy",
    ), TUE, time(19, 0), 120, 4, "manufacture",
        "Rencontre mensuelle des pythonistes nancéiens. Au menu : {topic}", ()),
    Programme("owasp-chapter", "owasp-lorraine", "OWASP Lorraine – {topic}", (
        "sécurité des pipelines CI/CD", "supply chain logicielle et SBOM",
        "tests d'intrusion sur applications mobiles",
    ), WED, time(18, 30), 120, 4, "metz-saulcy",
        "Réunion du chapitre OWASP Lorraine : {topic}. Ouvert à tous, gratuit.", ()),
    Programme("datalyse-webinaires", "datalyse", "Webinaire Datalyse : {topic}", (
        "tableaux de bord temps réel", "prévoir la demande avec le machine learning",
        "la qualité des données industrielles", "RGPD et analytique web",
    ), TUE, time(11, 0), 60, 2, "online",
        "Webinaire de 45 minutes suivi de questions ({topic}). Lien envoyé après inscription.",
        ()),
    Programme("lorntech-office-hours", "lorntech", "Office hours French Tech Est : {topic}", (
        "French Tech Tremplin", "French Tech Visa", "accès aux marchés publics",
        "programme de mentorat",
    ), FRI, time(9, 30), 120, 2, "octroi",
        "Créneaux de 20 minutes avec l'équipe LORnTECH ({topic}).", ()),
    Programme("quai-alpha-petit-dej", "quai-alpha", "Petit-déjeuner du numérique : {topic}", (
        "la cybersécurité des TPE", "l'IA générative au bureau",
        "site web et référencement local", "facturation électronique obligatoire",
    ), FRI, time(8, 30), 90, 2, "quai-alpha",
        "Un expert, un café, 45 minutes pour comprendre : {topic}.", ()),
    Programme("puzzle-ateliers", "puzzle-thionville", "Atelier numérique : {topic}", (
        "premiers pas sur smartphone", "démarches administratives en ligne",
        "protéger ses mots de passe", "montage vidéo", "initiation à Linux",
        "créer son site avec WordPress",
    ), SAT, time(10, 0), 120, 1, "puzzle",
        "Atelier gratuit de médiation numérique ({topic}). Apportez votre appareil.", ()),
    Programme("technoport-talks", "technoport", "Technoport Tech Talk: {topic}", (
        "hardware prototyping on a budget", "go-to-market in the Greater Region",
        "deep tech funding in Luxembourg", "digital twins for manufacturing",
    ), WED, time(12, 0), 60, 2, "technoport",
        "Lunchtime talk ({topic}). Sandwiches provided, registration required.", ()),
    Programme("hos-pitch-night", "house-of-startups", "Pitch Night: {topic}", (
        "FinTech", "ClimateTech", "HealthTech", "SpaceTech",
    ), THU, time(18, 0), 150, 3, "house-of-startups",
        "Five {topic} start-ups pitch to investors, followed by networking drinks.", ()),
    Programme("cyberlux-stammtisch", "cyber-lux", "Cyber Stammtisch Luxemburg: {topic}", (
        "Phishing-Abwehr im Alltag", "NIS2 für KMU", "Passkeys statt Passwörter",
        "Incident Response üben",
    ), TUE, time(18, 30), 120, 3, "kirchberg",
        "Lockerer Austausch unter Security-Leuten. Thema des Abends: {topic}.", ()),
    Programme("fablab-ateliers", "fablab-vosges", "Atelier {topic}", (
        "soudure pour débutants", "réparer son vélo électrique", "initiation à la CNC",
    ), SAT, time(14, 0), 180, 3, "fablab-vosges",
        "Atelier {topic}, 6 places, participation libre.", ()),
)
