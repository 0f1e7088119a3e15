"""The demo's news articles: who wrote each one, when (days before ``today``) and who relays it.

Why: news deduplication needs articles that several feeds relay under their own GUIDs and with
tracking parameters, next to ordinary articles. feeds.py adds, per organisation, announcements
and recaps of its own events, so every news feed holds 8 to 20 items.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Story:
    """One article, published by ``source_id`` and relayed by ``relays``."""

    key: str
    source_id: str
    days_ago: int
    title: str
    html: str
    author: str
    relays: tuple[str, ...] = ()


STORIES: tuple[Story, ...] = (
    Story("lorntech-accelerateur", "lorntech", 6,
          "La French Tech Est lance « Cap Scale », son programme d'accélération",
          "<p>Douze startups du Grand Est seront accompagnées pendant <strong>six mois</strong> : "
          "mentorat, accès aux investisseurs et bureaux dans les Totems de Metz et Nancy.</p>"
          "<p>Candidatures ouvertes jusqu'à la fin du mois.</p>", "Équipe LORnTECH",
          ("tcrm-blida", "fab-living-lab", "quai-alpha")),
    Story("lorntech-barometre", "lorntech", 17, "Baromètre annuel de l'écosystème startup lorrain",
          "<p>412 startups, 3 800 emplois et 96 M€ levés : les chiffres clés de l'année.</p>",
          "Équipe LORnTECH"),
    Story("lorntech-tremplin", "lorntech", 24, "French Tech Tremplin : les lauréats lorrains",
          "<p>Huit entrepreneurs et entrepreneuses rejoignent le programme <em>Tremplin</em>.</p>",
          "Équipe LORnTECH"),
    Story("loria-erc", "loria", 9,
          "Une bourse ERC pour une chercheuse du LORIA en apprentissage automatique",
          "<p>Le Conseil européen de la recherche soutient le projet <strong>FRUGAL</strong> "
          "sur l'apprentissage économe en données et en énergie.</p>", "Service communication",
          ("nancy-py", "datalyse")),
    Story("loria-supercalculateur", "loria", 15,
          "Mise en service de la nouvelle grappe de calcul du LORIA",
          "<p>480 GPU mutualisés avec les laboratoires du site, alimentés par une électricité "
          "bas carbone.</p>", "Service communication"),
    Story("loria-fete-science", "loria", 22, "Le LORIA ouvre ses portes pour la Fête de la science",
          "<p>Démonstrations de robots, ateliers de cryptographie et escape game pour les "
          "scolaires.</p>", "Service communication"),
    Story("loria-prix-these", "loria", 26, "Prix de thèse pour un docteur de l'équipe CARAMBA",
          "<p>Récompense nationale pour des travaux sur la factorisation d'entiers.</p>",
          "Service communication"),
    Story("fll-nouvelle-machine", "fab-living-lab", 4,
          "Une nouvelle découpeuse laser au Lorraine Fab Living Lab",
          "<p>Surface de travail de 130 × 90 cm : formations d'habilitation chaque mardi.</p>",
          "Lorraine Fab Living Lab"),
    Story("fll-appel-projets", "fab-living-lab", 19,
          "Appel à projets « Prototypes citoyens »",
          "<p>Jusqu'à 2 000 € de matériel et un accompagnement pour prototyper une idée.</p>",
          "Lorraine Fab Living Lab"),
    Story("blida-nouveaux-residents", "tcrm-blida", 8,
          "Cinq nouvelles startups s'installent à Blida",
          "<p>Robotique agricole, cybersécurité, edtech : bienvenue aux nouveaux résidents.</p>",
          "TCRM-Blida"),
    Story("blida-coworking", "tcrm-blida", 20, "Le coworking de Blida s'agrandit",
          "<p>40 postes supplémentaires et deux salles de réunion équipées.</p>", "TCRM-Blida"),
    Story("nancypy-pycon", "nancy-py", 11, "Trois membres de Nancy.py à PyCon France",
          "<p>Retrouvez les <a href=\"/blog/pycon-fr-slides/\">supports des présentations</a>.</p>",
          "Bureau Nancy.py"),
    Story("nancypy-mentorat", "nancy-py", 25, "Lancement du mentorat Python pour débutants",
          "<p>Des binômes pour apprendre Python en 8 semaines. <a href=\"/mentorat/\">"
          "Inscriptions</a>.</p>", "Bureau Nancy.py"),
    Story("owasp-rapport", "owasp-lorraine", 5,
          "Rançongiciels : ce que montrent les incidents de l'année",
          "<p>Synthèse des retours d'expérience partagés lors de nos réunions.</p>",
          "OWASP Lorraine", ("quai-alpha",)),
    Story("owasp-nouveau-bureau", "owasp-lorraine", 21, "Un nouveau bureau pour le chapitre",
          "<p>Élection du bureau et feuille de route du chapitre.</p>", "OWASP Lorraine"),
    Story("datalyse-levee", "datalyse", 3, "Datalyse lève 2,5 millions d'euros",
          "<p>La startup messine accélère sur l'analytique industrielle et recrute 15 personnes."
          "</p>", "Datalyse", ("tcrm-blida", "lorntech")),
    Story("datalyse-recrute", "datalyse", 16, "Nous recrutons : ingénieur·e data (Metz)",
          "<p>CDI, télétravail partiel, stack Python / dbt / ClickHouse.</p>", "Datalyse"),
    Story("quai-alpha-label", "quai-alpha", 7, "Quai Alpha labellisé « Territoire d'innovation »",
          "<p>Une reconnaissance pour l'écosystème numérique vosgien.</p>", "Quai Alpha"),
    Story("quai-alpha-fibre", "quai-alpha", 23,
          "Fibre optique : 98 % des zones d'activité couvertes",
          "<p>Point d'étape du déploiement dans les Vosges.</p>", "Quai Alpha"),
    Story("puzzle-horaires", "puzzle-thionville", 2, "Nouveaux horaires d'ouverture",
          "<p>Le tiers-lieu est désormais ouvert le samedi de 9h à 17h.</p>", "Puzzle"),
    Story("puzzle-pass-numerique", "puzzle-thionville", 18,
          "Pass numérique : 200 chèques distribués",
          "<p>Des ateliers gratuits pour les habitants du Val de Fensch et de Thionville.</p>",
          "Puzzle"),
    Story("technoport-call", "technoport", 10, "Incubation programme: applications now open",
          "<p>Hardware and deep tech founders: join our <strong>12-month</strong> incubation "
          "programme in Esch-sur-Alzette.</p>", "Technoport"),
    Story("technoport-lab", "technoport", 27, "Our prototyping lab gets a metal 3D printer",
          "<p>Available to incubated start-ups from next month.</p>", "Technoport"),
    Story("hos-fund", "house-of-startups", 12, "New seed fund for Luxembourg start-ups",
          "<p>A €20m fund backed by private investors will invest in 30 companies.</p>",
          "House of Startups", ("technoport",)),
    Story("hos-residents", "house-of-startups", 26, "Meet our new residents",
          "<p>Eight start-ups moved into the House this quarter.</p>", "House of Startups"),
    Story("nancypy-sponsors", "nancy-py", 4, "Merci à nos hôtes et sponsors",
          "<p>La Médiathèque Manufacture et le <a href=\"/partenaires/\">Fab Living Lab</a> "
          "nous accueillent toute l'année.</p>", "Bureau Nancy.py"),
    Story("nancypy-appel-orateurs", "nancy-py", 14, "Appel à orateurs et oratrices",
          "<p>Un sujet Python à partager ? <a href=\"/proposer-un-talk/\">Proposez un talk</a> de "
          "5 ou 20 minutes.</p>", "Bureau Nancy.py"),
    Story("nancypy-discord", "nancy-py", 20, "Rejoignez-nous sur Discord",
          "<p>Entraide et annonces au quotidien : <a href=\"/discord/\">lien d'invitation</a>.</p>",
          "Bureau Nancy.py"),
    Story("owasp-top10", "owasp-lorraine", 9,
          "Traduction française du Top 10 OWASP : appel à relecteurs",
          "<p>Aidez-nous à relire la traduction : "
          "<a href=\"https://owasp-lorraine.example/top10-fr\">"
          "dépôt du projet</a>.</p>", "OWASP Lorraine"),
    Story("owasp-cfp", "owasp-lorraine", 13, "Appel à présentations pour la saison prochaine",
          "<p>Retours d'expérience, outils libres, recherche : toutes les propositions sont "
          "bienvenues.</p>", "OWASP Lorraine"),
    Story("owasp-ctf-resultats", "owasp-lorraine", 25, "Résultats du CTF inter-écoles",
          "<p>Bravo à l'équipe de TELECOM Nancy, victorieuse devant 14 équipes.</p>",
          "OWASP Lorraine", ("tcrm-blida",)),
    Story("datalyse-client", "datalyse", 11, "Datalyse équipe trois usines sidérurgiques",
          "<p>Maintenance prédictive et suivi énergétique en temps réel.</p>", "Datalyse"),
    Story("datalyse-open-source", "datalyse", 22,
          "Nous publions notre connecteur OPC UA en open source",
          "<p>Code sous licence Apache 2.0, contributions bienvenues.</p>", "Datalyse"),
    Story("lorntech-visa", "lorntech", 12, "French Tech Visa : nouvelles conditions",
          "<p>Procédure simplifiée pour les talents internationaux des startups labellisées.</p>",
          "Équipe LORnTECH"),
    Story("quai-alpha-incubation", "quai-alpha", 13,
          "Trois nouvelles entreprises incubées à Épinal",
          "<p>Bois connecté, tourisme numérique et e-santé rejoignent Quai Alpha.</p>",
          "Quai Alpha"),
    Story("quai-alpha-formation", "quai-alpha", 20, "Formations numériques pour les commerçants",
          "<p>Six modules gratuits pour vendre en ligne.</p>", "Quai Alpha"),
    Story("technoport-demo-day", "technoport", 4, "Demo Day: eight start-ups on stage",
          "<p>Robotics, materials and medtech founders presented their progress to 200 guests."
          "</p>", "Technoport"),
    Story("technoport-greater-region", "technoport", 16,
          "New partnership with Grand Est incubators",
          "<p>Soft-landing programme for French start-ups in Luxembourg and vice versa.</p>",
          "Technoport", ("lorntech", "tcrm-blida")),
    Story("technoport-ceo", "technoport", 21, "Interview: what makes a hardware start-up succeed",
          "<p>Our CEO on prototypes, patience and the Greater Region.</p>", "Technoport"),
    Story("hos-fintech-report", "house-of-startups", 3, "Luxembourg FinTech report published",
          "<p>Key figures on funding, hiring and regulation in the FinTech sector.</p>",
          "House of Startups"),
    Story("hos-coworking", "house-of-startups", 8, "Flexible desks now open to non-residents",
          "<p>Day passes and monthly plans available at the front desk.</p>", "House of Startups"),
    Story("hos-mentors", "house-of-startups", 15, "Ten new mentors join the House",
          "<p>Experienced founders and investors offer weekly office hours.</p>",
          "House of Startups"),
    Story("hos-women", "house-of-startups", 19, "Women in Tech programme: second cohort",
          "<p>Twelve founders selected for a six-month programme.</p>", "House of Startups"),
    Story("hos-ecosystem-map", "house-of-startups", 23, "The Luxembourg start-up map, updated",
          "<p>More than 600 start-ups, incubators and investors listed.</p>", "House of Startups"),
    Story("owasp-juice-shop", "owasp-lorraine", 17, "Atelier Juice Shop : les supports en ligne",
          "<p>Les exercices de l'atelier sont disponibles sur "
          "<a href=\"https://owasp-lorraine.example/ateliers/juice-shop\">notre site</a>.</p>",
          "OWASP Lorraine"),
    Story("owasp-partenariat", "owasp-lorraine", 2, "Partenariat avec le Campus Cyber Grand Est",
          "<p>Des salles et du matériel pour nos ateliers pratiques.</p>", "OWASP Lorraine"),
    Story("nancypy-bilan", "nancy-py", 27, "Bilan de la saison : 11 rencontres, 40 orateurs",
          "<p>Merci à tous ! Les <a href=\"/videos/\">vidéos</a> sont en ligne.</p>",
          "Bureau Nancy.py"),
)
