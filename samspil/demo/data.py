"""Fixed material for the demo municipality: names, places, organisation and texts. All of it is fictional."""

MUNICIPALITY_CODE = "999"
MUNICIPALITY_NAME = "Demokommune"
CITY = "Demoby"
POSTCODE = "9999"
STAFF_EMAIL_DOMAIN = "demokommune.dk"

# Word lists read best as paragraphs.
# fmt: off
FEMALE_NAMES = [
    "Anne", "Mette", "Camilla", "Louise", "Maria", "Sofie", "Emma", "Ida", "Laura", "Julie", "Freja", "Clara",
    "Signe", "Katrine", "Line", "Pernille", "Susanne", "Hanne", "Helle", "Lene", "Birgit", "Inge", "Kirsten",
    "Marianne", "Tina", "Rikke", "Cecilie", "Nanna", "Amalie", "Alma", "Ella", "Karla", "Agnes", "Astrid",
    "Josefine", "Mathilde", "Sara", "Maja", "Nora", "Liva", "Fatima", "Aisha", "Zeynep", "Agnieszka", "Yasmin",
]
MALE_NAMES = [
    "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Niels", "Anders", "Martin", "Jesper",
    "Morten", "Rasmus", "Christian", "Mads", "Jonas", "Mikkel", "Frederik", "Emil", "Oliver", "William", "Noah",
    "Lucas", "Victor", "Malthe", "Magnus", "Oscar", "Carl", "Alfred", "Bent", "Poul", "Erik", "Ole", "Kim", "Brian",
    "Kenneth", "Tobias", "Sebastian", "Mathias", "Ahmed", "Omar", "Ali", "Mehmet", "Tomasz", "Elias",
]
LAST_NAMES = [
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
    "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen",
    "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Frederiksen", "Laursen", "Henriksen", "Lund",
    "Holm", "Schmidt", "Eriksen", "Kristiansen", "Clausen", "Simonsen", "Svendsen", "Andreasen", "Iversen",
    "Jeppesen", "Mogensen", "Vestergaard", "Nissen", "Lauridsen", "Kjær", "Jepsen", "Skov", "Dahl", "Bach", "Berg",
    "Brandt", "Juhl", "Bertelsen", "Østergaard", "Friis", "Lindberg", "Winther", "Ahmadi", "Hassan", "Yilmaz",
    "Nowak", "Kowalski", "Abdi",
]
# Obviously invented streets, all in the invented town Demoby.
STREETS = [
    "Demovej", "Eksempelgade", "Prøvestræde", "Fiktivvej", "Modelvej", "Skitsevej", "Udkastgade", "Mønstervej",
    "Øvelsesvej", "Testrupvej", "Pladsholderallé", "Attrapvej",
]
# fmt: on

# Departments (name, kind, units). "Skole og Dagtilbud" has no kind of its own and is "other".
DEPARTMENTS = [
    ("Jobcenter", "job_centre", ["Team Unge", "Team Sygedagpenge", "Team Ressourceforløb"]),
    ("Ydelse", "benefits", ["Kontanthjælp", "Boligstøtte og enkeltydelser"]),
    ("Børn og Unge", "children_youth", ["Myndighed 0-13 år", "Myndighed 14-23 år"]),
    ("Børnehandicap", "children_disabilities", ["Familierådgivningen", "Handicapteamet"]),
    ("Voksen og Social", "adult_social", ["Socialpsykiatri", "Hjemløse og udsatte"]),
    ("Sundhed", "health", ["Sundhedsplejen", "Forebyggelse og træning"]),
    ("Misbrugscenter", "substance_abuse", ["Voksenbehandling", "Ungebehandling"]),
    ("Ungeindsatsen (UU)", "youth_guidance", ["Vejledning", "Mentorkorps"]),
    ("Skole og Dagtilbud", "other", ["PPR", "Skoleafdelingen"]),
]

# The five demo users named in DESIGN.md: username, first name, last name, job title, memberships
# (department, unit or None, role), Django admin access.
NAMED_STAFF = [
    (
        "demo-koordinator",
        "Mette",
        "Lindholm",
        "Koordinerende sagsbehandler",
        [("Børn og Unge", "Myndighed 14-23 år", "caseworker"), ("Børnehandicap", "Familierådgivningen", "caseworker")],
        False,
    ),
    ("demo-fagperson", "Jonas", "Kjeldsen", "Jobkonsulent", [("Jobcenter", "Team Unge", "caseworker")], False),
    (
        "demo-udenfor",
        "Birgitte",
        "Holst",
        "Socialrådgiver",
        [("Voksen og Social", "Socialpsykiatri", "caseworker")],
        False,
    ),
    ("demo-leder", "Henrik", "Dahlgaard", "Afdelingsleder", [("Børn og Unge", None, "department_head")], False),
    ("demo-admin", "Sofie", "Brandt", "Systemadministrator", [("Jobcenter", None, "administrator")], True),
]

# The rest of the staff: department, unit or None, role, job title, role on a team, how many.
STAFF_POSITIONS = [
    ("Jobcenter", None, "department_head", "Jobcenterchef", "professional", 1),
    ("Jobcenter", "Team Unge", "team_leader", "Teamleder", "caseworker", 1),
    ("Jobcenter", "Team Ressourceforløb", "caseworker", "Jobkonsulent", "caseworker", 3),
    ("Jobcenter", "Team Sygedagpenge", "professional", "Virksomhedskonsulent", "professional", 1),
    ("Jobcenter", None, "project_leader", "Projektleder, tværgående forløb", "professional", 1),
    ("Ydelse", "Kontanthjælp", "team_leader", "Teamleder", "caseworker", 1),
    ("Ydelse", "Kontanthjælp", "caseworker", "Ydelsesrådgiver", "caseworker", 2),
    ("Ydelse", None, "controller", "Økonomikonsulent", "professional", 1),
    ("Børn og Unge", "Myndighed 0-13 år", "team_leader", "Teamleder", "caseworker", 1),
    ("Børn og Unge", "Myndighed 14-23 år", "caseworker", "Socialrådgiver", "caseworker", 2),
    ("Børnehandicap", None, "department_head", "Afdelingsleder", "professional", 1),
    ("Børnehandicap", "Familierådgivningen", "caseworker", "Familiekoordinator", "caseworker", 2),
    ("Børnehandicap", "Handicapteamet", "professional", "Handicapkonsulent", "professional", 1),
    ("Voksen og Social", None, "department_head", "Afdelingsleder", "professional", 1),
    ("Voksen og Social", "Hjemløse og udsatte", "caseworker", "Socialrådgiver", "caseworker", 3),
    ("Voksen og Social", "Socialpsykiatri", "professional", "Støtte- og kontaktperson", "support_contact", 1),
    ("Sundhed", None, "department_head", "Sundhedschef", "professional", 1),
    ("Sundhed", "Forebyggelse og træning", "caseworker", "Sundhedskoordinator", "caseworker", 1),
    ("Sundhed", "Forebyggelse og træning", "professional", "Fysioterapeut", "specialist", 1),
    ("Sundhed", "Sundhedsplejen", "professional", "Sundhedsplejerske", "professional", 1),
    ("Misbrugscenter", "Voksenbehandling", "team_leader", "Teamleder", "caseworker", 1),
    ("Misbrugscenter", "Ungebehandling", "caseworker", "Misbrugskonsulent", "caseworker", 1),
    ("Misbrugscenter", "Voksenbehandling", "professional", "Misbrugsbehandler", "specialist", 1),
    ("Ungeindsatsen (UU)", "Vejledning", "team_leader", "Teamleder", "caseworker", 1),
    ("Ungeindsatsen (UU)", "Vejledning", "caseworker", "UU-vejleder", "caseworker", 1),
    ("Ungeindsatsen (UU)", "Mentorkorps", "professional", "Mentor", "mentor", 1),
    ("Skole og Dagtilbud", "PPR", "professional", "Psykolog", "specialist", 1),
    ("Skole og Dagtilbud", "Skoleafdelingen", "professional", "Skolekonsulent", "professional", 1),
]

# External organisations: name, kind, address, phone, cooperation agreement (ISO date or None), contacts
# (name, title, phone, e-mail, role on a team).
EXTERNAL_ORGANISATIONS = [
    (
        "Værestedet Lyspunktet",
        "drop_in_municipal",
        "Demovej 40, 9999 Demoby",
        "99 10 20 30",
        "2024-03-01",
        [
            ("Lone Bech", "Leder af værestedet", "99 10 20 31", "lone.bech@demokommune.dk", "drop_in_staff"),
            ("Kasper Vinther", "Pædagog", "99 10 20 32", "kasper.vinther@demokommune.dk", "drop_in_staff"),
        ],
    ),
    (
        "Café Fællesrummet",
        "drop_in_municipal",
        "Mønstervej 7, 9999 Demoby",
        "99 10 21 00",
        "2024-09-15",
        [
            ("Gitte Dalsgaard", "Daglig leder", "99 10 21 01", "gitte.dalsgaard@demokommune.dk", "drop_in_staff"),
            ("Ali Rahimi", "Medarbejder", "99 10 21 02", "ali.rahimi@demokommune.dk", "drop_in_staff"),
        ],
    ),
    (
        "Foreningen Åbne Døre (privat værested)",
        "drop_in_private",
        "Attrapvej 3, 9999 Demoby",
        "99 10 22 00",
        "2025-01-10",
        [
            ("Jytte Krogh", "Frivillig koordinator", "99 10 22 01", "jytte@aabnedoere.example", "drop_in_staff"),
            ("Bo Sandberg", "Værestedsmedarbejder", "99 10 22 02", "bo@aabnedoere.example", "support_contact"),
        ],
    ),
    (
        "Demoby Skole",
        "school",
        "Skitsevej 1, 9999 Demoby",
        "99 10 30 00",
        None,
        [
            ("Lærke Borup", "Klasselærer", "99 10 30 01", "laerke.borup@demokommune.dk", "teacher"),
            ("Tue Hald", "AKT-lærer", "99 10 30 02", "tue.hald@demokommune.dk", "teacher"),
        ],
    ),
    (
        "Demo Bostøtte ApS",
        "provider",
        "Udkastgade 12, 9999 Demoby",
        "99 10 40 00",
        None,
        [
            ("Nina Storm", "Bostøttemedarbejder", "99 10 40 01", "nina@demobostoette.example", "support_contact"),
            ("Frank Holt", "Mentor", "99 10 40 02", "frank@demobostoette.example", "mentor"),
        ],
    ),
    (
        "Region Demo, Psykiatrien",
        "region",
        "Modelvej 100, 9999 Demoby",
        "99 10 50 00",
        None,
        [
            ("Dr. Helene Vang", "Overlæge", "99 10 50 01", "helene.vang@regiondemo.example", "specialist"),
            ("Peter Ravn", "Psykolog", "99 10 50 02", "peter.ravn@regiondemo.example", "specialist"),
        ],
    ),
]

NETWORK_RELATIONS = [
    "Mormor",
    "Farmor",
    "Morfar",
    "Onkel",
    "Moster",
    "Storesøster",
    "Storebror",
    "Ven",
    "Nabo",
    "Kæreste",
    "Træner i fodboldklubben",
]
NETWORK_RELATIONS_CARE = ["Plejemor", "Plejefar", "Tidligere kontaktperson på opholdsstedet"]

REFERRAL_REASONS = {
    "vejen-til-uddannelse": [
        "Anbragt i plejefamilie; er droppet ud af 9. klasse og har brug for en plan for uddannelse.",
        "Tidligere anbragt; fylder 18 snart og skal over på voksenområdet. Ønsker at starte på en uddannelse.",
        "Bor på opholdssted og har stort fravær fra skolen. Ønsker at blive mekaniker.",
        "Efterværn efter anbringelse. Har afbrudt en erhvervsuddannelse og søger hjælp til at komme videre.",
    ],
    "en-familie-en-indgang": [
        "Barn med autisme; familien har sager i børnehandicap, skole og jobcenter og oplever mange kontakter.",
        "Barn med cerebral parese; forældrene har brug for aflastning og én indgang til kommunen.",
        "Barn med ADHD og angst; mor er sygemeldt og familien har sager i flere forvaltninger.",
    ],
    "tvaergaaende-borgerforloeb": [
        "Borgeren modtager indsatser fra fem forvaltninger og har haft otte sagsbehandlere på to år.",
        "Komplekst forløb med psykisk sygdom, misbrug og boligproblemer.",
        "Mange samtidige indsatser uden fælles plan; borgeren ønsker én kontaktperson.",
    ],
    "kl-sammenhaeng": [
        "Sygemeldt med rygsmerter i over et år; har brug for en samlet plan for træning og arbejde.",
        "Kontanthjælpsmodtager med depression og gæld.",
        "Kombinerede fysiske og psykiske lidelser; ressourceforløb er bevilget.",
        "Diffuse smerter og livsstilsudfordringer; ønsker at komme tilbage på arbejdsmarkedet.",
    ],
    "vaeresteder": [
        "Kommer dagligt på værestedet; har ikke mødt op til samtaler i jobcentret.",
        "Hjemløs og bruger værestedet; ønsker hjælp til bolig og misbrugsbehandling.",
        "Ensom og socialt isoleret; personalet på værestedet har bedt om et samarbejde med kommunen.",
    ],
}

STATUS_REASONS = {
    "assessment": [
        "Startmøde holdt; den tværfaglige udredning er begyndt.",
        "Borgeren har sagt ja til forløbet; udredning aftalt på startmødet.",
    ],
    "active": ["Den fælles plan er vedtaget på statusmødet.", "Udredningen er samlet i én rapport; planen gælder."],
    "follow_up": [
        "Målene i planen er nået; teamet følger op i tre måneder.",
        "Er startet på uddannelse; opfølgning aftalt.",
    ],
    "paused": ["Borgeren er indlagt; forløbet holder pause.", "Familien har bedt om en pause i forløbet."],
    "closed": [
        "Målene er nået, og forløbet afsluttes.",
        "Borgeren er flyttet fra kommunen.",
        "Er i uddannelse og har ikke længere brug for et koordineret forløb.",
    ],
}

CONSENT_PURPOSES = {
    "vejen-til-uddannelse": "Koordinering af forløbet mod uddannelse og beskæftigelse i det tværfaglige team.",
    "en-familie-en-indgang": "Fælles udredning og én fælles plan for hele familien.",
    "tvaergaaende-borgerforloeb": "Én samlet plan og koordinering på tværs af forvaltningerne.",
    "kl-sammenhaeng": "Koordinering af indsatser på tværs af beskæftigelse, sundhed og socialområdet.",
    "vaeresteder": "Samarbejde mellem værestedet og kommunens sagsbehandlere om borgerens forløb.",
}

LEGAL_BASES = {
    "minor": ["Barnets Lov § 92", "SEL § 49 b"],
    "adult": ["Retssikkerhedsloven § 11 c", "LAB § 40 stk. 3"],
}
