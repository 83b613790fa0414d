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
    # Not in DESIGN.md's list: the controller of the economy and segmentation pages (issue 4).
    ("demo-controller", "Karin", "Vestergaard", "Controller", [("Ydelse", None, "controller")], False),
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

# --- the shared plan and meetings ----------------------------------------------------------------------------

# The citizen's own wishes, in their own words (in a family programme: the family's).
WISHES = {
    "vejen-til-uddannelse": [
        "Jeg vil gerne have en uddannelse og et arbejde, så jeg kan klare mig selv.",
        "Jeg vil gerne være mekaniker og have min egen lejlighed.",
        "Jeg vil gerne tilbage i skole, men ikke i en stor klasse.",
        "Jeg vil gerne have et fritidsjob og tjene mine egne penge.",
        "Jeg vil gerne lære at betale mine regninger selv, før jeg flytter hjemmefra.",
        "Jeg vil gerne arbejde med dyr og have en fast rytme i hverdagen.",
        "Jeg vil gerne tage 10. klasse og derefter en uddannelse som elektriker.",
    ],
    "en-familie-en-indgang": [
        "Vi vil gerne have én person at ringe til i stedet for mange.",
        "Vi ønsker, at vores barn trives i skolen og har en ven at lege med.",
        "Vi vil gerne have aflastning, så vi også har tid til søskende og til hinanden.",
        "Vi vil gerne have ro på, så vi begge kan passe vores arbejde.",
        "Vi ønsker færre møder og én plan, som alle følger.",
    ],
    "tvaergaaende-borgerforloeb": [
        "Jeg vil gerne have én fast kontaktperson og ikke fortælle min historie igen og igen.",
        "Jeg vil gerne have en bolig, hvor jeg kan blive boende.",
        "Jeg vil gerne have styr på min økonomi og min gæld.",
        "Jeg vil gerne holde op med at drikke og se mine børn noget mere.",
        "Jeg vil gerne have det bedre psykisk og komme ud blandt andre mennesker.",
    ],
    "kl-sammenhaeng": [
        "Jeg vil gerne tilbage på arbejdsmarkedet, også selvom det kun er få timer i starten.",
        "Jeg vil gerne have mindre ondt, så jeg kan gå ture med hunden igen.",
        "Jeg vil gerne have en hverdag med faste rutiner og noget at stå op til.",
        "Jeg vil gerne have styr på min gæld, så jeg kan sove om natten.",
        "Jeg vil gerne arbejde med noget praktisk, hvor jeg kan bruge mine hænder.",
    ],
    "vaeresteder": [
        "Jeg vil gerne have et sted at bo og et sted at komme om dagen.",
        "Jeg vil gerne i behandling, men jeg vil ikke sidde alene på et kontor.",
        "Jeg vil gerne have nogen at snakke med og ikke være så ensom.",
        "Jeg vil gerne have min egen lejlighed og en hund.",
        "Jeg vil gerne hjælpe til på værestedet og have noget at lave.",
    ],
}

# Goals per programme: life area, goal, measurable target, horizon ("short"/"long"), goal type ("develop",
# "maintain", "limit_loss"), legal basis, responsible department ("" = the coordinator's), for whom
# ("child"/"parent" in a family, "minor" = only for a young person under 18, None = the citizen or family),
# and agreements it may carry: (who, what). "Who" is "citizen", "coordinator", "network", "role:<external
# team role>", or a department (a staff member on the team from it; the coordinator's own department means
# the coordinator). Only agreements whose "who" is on the team are used.
GOALS = {
    "vejen-til-uddannelse": [
        (
            "education",
            "Starter på en erhvervsuddannelse",
            "Er optaget på grundforløbet og har mødt op alle dage de første fire uger.",
            "long",
            "develop",
            "LAB § 40 stk. 3",
            "Ungeindsatsen (UU)",
            None,
            [
                ("Ungeindsatsen (UU)", "Finder tre uddannelser, der passer til ønskerne, og tager dem med til mødet"),
                ("citizen", "Besøger erhvervsskolen på en åben-skole-dag"),
                ("network", "Følger med til informationsmødet på erhvervsskolen"),
                ("coordinator", "Sender ansøgningen om optagelse sammen med den unge"),
                ("Jobcenter", "Undersøger muligheden for en praktikplads med løn efter grundforløbet"),
            ],
        ),
        (
            "employment",
            "Har et fritidsjob eller en praktik nogle timer om ugen",
            "Arbejder mindst seks timer om ugen i tre måneder.",
            "short",
            "develop",
            "LAB § 40 stk. 3",
            "Jobcenter",
            None,
            [
                ("Jobcenter", "Finder to praktiksteder, som den unge kan besøge"),
                ("citizen", "Skriver et kort CV og tager det med til jobkonsulenten"),
                ("role:mentor", "Tager med til den første samtale på praktikstedet"),
                ("network", "Kører til praktikstedet de første to uger"),
            ],
        ),
        (
            "housing",
            "Bor i egen bolig med den støtte, der skal til",
            "Har underskrevet en lejekontrakt og betalt husleje til tiden i seks måneder.",
            "long",
            "develop",
            "SEL § 85",
            "",
            None,
            [
                ("citizen", "Skriver sig op til en ungdomsbolig"),
                ("coordinator", "Undersøger, hvilken støtte der kan fortsætte efter det fyldte 18. år"),
                ("network", "Hjælper med flytningen og med at købe det nødvendige"),
                ("role:support_contact", "Laver et budget for husleje, mad og telefon sammen med den unge"),
            ],
        ),
        (
            "health",
            "Har en fast døgnrytme og sover om natten",
            "Står op senest kl. 8 på hverdage fire uger i træk.",
            "short",
            "develop",
            "",
            "Sundhed",
            None,
            [
                ("citizen", "Fører en søvndagbog i to uger"),
                ("Sundhed", "Holder tre samtaler om søvn og faste rutiner"),
                ("network", "Ringer og vækker om morgenen de første to uger"),
            ],
        ),
        (
            "substance_use",
            "Stopper med at ryge hash i hverdagen",
            "Har ikke røget hash på hverdage i otte uger, efter egen vurdering.",
            "short",
            "develop",
            "SEL § 101",
            "Misbrugscenter",
            None,
            [
                ("Misbrugscenter", "Tilbyder en samtale i ungebehandlingen hver uge"),
                ("citizen", "Møder op til den første samtale i ungebehandlingen"),
                ("coordinator", "Følger op på behandlingen på næste statusmøde"),
            ],
        ),
        (
            "school",
            "Kommer i skole hver dag og afslutter 9. klasse",
            "Fravær under 10 procent resten af skoleåret, og går op til afgangsprøven.",
            "long",
            "develop",
            "Barnets Lov § 92",
            "Skole og Dagtilbud",
            "minor",
            [
                ("role:teacher", "Sender hver fredag en kort status på fraværet til koordinatoren"),
                ("Skole og Dagtilbud", "Vurderer behovet for støtte i undervisningen"),
                ("citizen", "Siger til læreren, når det er svært at komme i skole"),
                ("network", "Følger i skole om mandagen"),
            ],
        ),
    ],
    "en-familie-en-indgang": [
        (
            "wellbeing_development",
            "Barnet trives i hverdagen og har færre nedsmeltninger",
            "Højst én nedsmeltning om ugen, noteret af forældrene i en dagbog over fire uger.",
            "short",
            "develop",
            "Barnets Lov § 32",
            "",
            "child",
            [
                ("citizen", "Fører dagbog over gode og svære dage"),
                ("coordinator", "Henviser forældrene til et kursus om autisme og ADHD"),
                ("Skole og Dagtilbud", "Giver råd om faste rutiner og billedstøtte i hjemmet"),
                ("role:specialist", "Vurderer medicinen ved næste kontrol"),
            ],
        ),
        (
            "school",
            "Barnet går i skole alle dage med den rette støtte",
            "Er i skole mindst fire timer hver skoledag i to måneder.",
            "long",
            "develop",
            "",
            "Skole og Dagtilbud",
            "child",
            [
                ("role:teacher", "Laver en fast plan for skoledagen med pauser"),
                ("Skole og Dagtilbud", "Holder møde med skolen om støtte i klassen"),
                ("citizen", "Fortæller skolen om morgenen, hvordan natten har været"),
            ],
        ),
        (
            "family_network",
            "Forældrene får aflastning og overskud til hele familien",
            "Barnet er i aflastning én weekend om måneden, og forældrene oplever mere overskud.",
            "long",
            "maintain",
            "Barnets Lov § 32",
            "",
            None,
            [
                ("coordinator", "Behandler ansøgningen om aflastning"),
                ("network", "Passer søskende en eftermiddag om ugen"),
                ("citizen", "Besøger aflastningsfamilien sammen med barnet"),
            ],
        ),
        (
            "employment",
            "Vender gradvist tilbage til arbejdet efter sygemeldingen",
            "Arbejder 20 timer om ugen inden for tre måneder.",
            "long",
            "develop",
            "",
            "Jobcenter",
            "parent",
            [
                ("Jobcenter", "Aftaler en plan for delvis raskmelding med arbejdspladsen"),
                ("citizen", "Taler med sin leder om nedsat tid de første uger"),
                ("Sundhed", "Tilbyder samtaler om stress og søvn"),
            ],
        ),
        (
            "economy",
            "Familien har overblik over økonomien og de ydelser, den har ret til",
            "Der er truffet afgørelse på alle ansøgninger, og familien har et budget.",
            "short",
            "maintain",
            "",
            "",
            None,
            [
                ("coordinator", "Hjælper med ansøgningen om dækning af merudgifter"),
                ("citizen", "Samler kvitteringer for udgifterne til barnets handicap"),
            ],
        ),
    ],
    "tvaergaaende-borgerforloeb": [
        (
            "housing",
            "Har en stabil bolig og klarer hverdagen i den",
            "Har boet i samme bolig i seks måneder uden huslejerestancer.",
            "long",
            "develop",
            "SEL § 85",
            "Voksen og Social",
            None,
            [
                ("Voksen og Social", "Behandler ansøgningen om bostøtte"),
                ("role:support_contact", "Kommer på besøg to gange om ugen og hjælper med post og indkøb"),
                ("citizen", "Åbner posten sammen med bostøtten hver tirsdag"),
                ("Ydelse", "Undersøger muligheden for boligstøtte"),
            ],
        ),
        (
            "economy",
            "Har overblik over økonomien og en plan for gælden",
            "Har et budget og en aftale med alle kreditorer.",
            "short",
            "develop",
            "",
            "Ydelse",
            None,
            [
                ("Ydelse", "Gennemgår ydelserne og laver et budget sammen med borgeren"),
                ("citizen", "Tager alle breve om gæld med til næste møde"),
                ("coordinator", "Henviser til gratis gældsrådgivning"),
            ],
        ),
        (
            "substance_use",
            "Er i stabil behandling for sit alkoholforbrug",
            "Møder til behandling hver uge og har højst to dage med alkohol om ugen.",
            "long",
            "limit_loss",
            "Sundhedsloven § 141",
            "Misbrugscenter",
            None,
            [
                ("Misbrugscenter", "Tilbyder en fast behandler og en samtale hver uge"),
                ("citizen", "Møder op til samtalerne på misbrugscentret"),
                ("network", "Går med til den første samtale"),
            ],
        ),
        (
            "health",
            "Får behandling for sin depression og har flere gode dage",
            "Har en fast aftale i psykiatrien eller hos egen læge og færre dårlige dage end i dag.",
            "long",
            "develop",
            "SEL § 141",
            "Sundhed",
            None,
            [
                ("role:specialist", "Vurderer behandlingen og sender en kort status til koordinatoren"),
                ("citizen", "Bestiller tid hos egen læge"),
                ("Sundhed", "Tilbyder et forløb med træning i en lille gruppe"),
            ],
        ),
        (
            "employment",
            "Er afklaret om sin arbejdsevne",
            "Har afprøvet en virksomhedspraktik i mindst otte uger.",
            "long",
            "develop",
            "LAB § 40 stk. 3",
            "Jobcenter",
            None,
            [
                ("Jobcenter", "Finder en praktik med få timer og en fast kontaktperson"),
                ("citizen", "Besøger praktikstedet sammen med jobkonsulenten"),
                ("coordinator", "Beder egen læge om en attest om skånehensyn"),
            ],
        ),
    ],
    "kl-sammenhaeng": [
        (
            "employment",
            "Vender tilbage til arbejdsmarkedet på nedsat tid",
            "Arbejder mindst 12 timer om ugen i tre måneder.",
            "long",
            "develop",
            "LAB § 40 stk. 3",
            "Jobcenter",
            None,
            [
                ("Jobcenter", "Finder en virksomhedspraktik med gradvis optrapning"),
                ("citizen", "Prøver at arbejde fire timer tre dage om ugen"),
                ("coordinator", "Indkalder til et møde med arbejdspladsen"),
            ],
        ),
        (
            "health",
            "Har mindre ondt og kan klare en almindelig hverdag",
            "Kan gå 30 minutter uden pause og vurderer smerterne til højst 4 på en skala fra 0 til 10.",
            "short",
            "develop",
            "",
            "Sundhed",
            None,
            [
                ("Sundhed", "Tilbyder træning to gange om ugen i 12 uger"),
                ("citizen", "Laver øvelserne hjemme hver dag"),
                ("network", "Går en tur sammen med borgeren hver søndag"),
            ],
        ),
        (
            "health",
            "Har færre dage med angst og nedtrykthed",
            "Har gennemført et forløb hos en psykolog og har en plan for de svære dage.",
            "long",
            "develop",
            "",
            "Sundhed",
            None,
            [
                ("role:specialist", "Tilbyder otte samtaler om angst"),
                ("citizen", "Skriver de svære dage ned og tager noterne med til samtalerne"),
                ("Voksen og Social", "Undersøger, om en støtte- og kontaktperson kan hjælpe"),
            ],
        ),
        (
            "economy",
            "Har styr på gælden og en fast økonomi",
            "Har en afdragsordning og betaler de faste udgifter til tiden i tre måneder.",
            "short",
            "develop",
            "",
            "Ydelse",
            None,
            [
                ("Ydelse", "Gennemgår ydelsen og retten til særlig støtte"),
                ("citizen", "Kontakter gældsrådgivningen og tager budgettet med"),
                ("coordinator", "Følger op på afdragsordningen på næste møde"),
            ],
        ),
        (
            "leisure",
            "Har et fællesskab uden for hjemmet",
            "Deltager i en aktivitet sammen med andre mindst én gang om ugen.",
            "short",
            "maintain",
            "",
            "",
            None,
            [
                ("citizen", "Prøver motionsholdet i den lokale idrætsforening"),
                ("network", "Tager med de første to gange"),
                ("coordinator", "Finder lokale foreninger og aktiviteter"),
            ],
        ),
    ],
    "vaeresteder": [
        (
            "housing",
            "Har et sted at bo",
            "Er flyttet ind i egen bolig eller et botilbud og har boet der i tre måneder.",
            "long",
            "develop",
            "SEL § 85",
            "",
            None,
            [
                ("coordinator", "Søger om en bolig gennem den boligsociale anvisning"),
                ("role:drop_in_staff", "Hjælper med at åbne digital post på værestedets computer"),
                ("citizen", "Kommer til mødet med boligkontoret"),
            ],
        ),
        (
            "substance_use",
            "Starter i behandling og skærer ned på forbruget",
            "Har mødt op til behandling mindst tre gange på en måned.",
            "short",
            "limit_loss",
            "SEL § 101",
            "Misbrugscenter",
            None,
            [
                ("Misbrugscenter", "Holder den første samtale på værestedet i stedet for på kontoret"),
                ("role:drop_in_staff", "Minder om samtalerne og følger med, hvis borgeren ønsker det"),
                ("citizen", "Møder op til samtalen på værestedet"),
            ],
        ),
        (
            "family_network",
            "Har nogen at være sammen med og en fast rytme i ugen",
            "Kommer på værestedet mindst tre dage om ugen og spiser med til fællesspisningen.",
            "short",
            "maintain",
            "",
            "",
            None,
            [
                ("role:drop_in_staff", "Inviterer med til fællesspisning om torsdagen"),
                ("citizen", "Hjælper i køkkenet på værestedet én dag om ugen"),
                ("network", "Ringer til borgeren én gang om ugen"),
            ],
        ),
        (
            "economy",
            "Har en stabil forsørgelse og en bankkonto",
            "Får sin ydelse hver måned og har betalt husleje eller egenbetaling til tiden.",
            "short",
            "develop",
            "",
            "Ydelse",
            None,
            [
                ("Ydelse", "Holder en samtale om ydelsen på værestedet"),
                ("citizen", "Tager legitimation med til banken"),
                ("role:drop_in_staff", "Følger med i banken"),
            ],
        ),
        (
            "health",
            "Får hjælp til sine helbredsproblemer",
            "Har været hos tandlægen og hos egen læge inden for tre måneder.",
            "short",
            "develop",
            "",
            "Sundhed",
            None,
            [
                ("Sundhed", "Hjælper med at bestille tid hos lægen"),
                ("citizen", "Går til tandlægen i den sociale tandpleje"),
                ("role:drop_in_staff", "Følger med til lægen"),
            ],
        ),
    ],
}

# Where meetings are held, per programme.
MEETING_PLACES = {
    "vejen-til-uddannelse": ["Ungehuset, Demovej 12, mødelokale 1", "Rådhuset, mødelokale 3", "Jobcentret, lokale 2"],
    "en-familie-en-indgang": ["Hjemme hos familien", "Familiehuset, Prøvestræde 4", "Rådhuset, mødelokale 3"],
    "tvaergaaende-borgerforloeb": ["Rådhuset, mødelokale 2", "Jobcentret, lokale 4", "Hjemme hos borgeren"],
    "kl-sammenhaeng": ["Jobcentret, lokale 4", "Sundhedshuset, Modelvej 20", "Rådhuset, mødelokale 2"],
    "vaeresteder": ["Værestedet Lyspunktet, Demovej 40", "Café Fællesrummet, Mønstervej 7", "Jobcentret, lokale 1"],
}
ONLINE_MEETING_LINK = "https://moede.demokommune.dk/teams/{code}"
ANALYSIS_PLACE = "Rådhuset, mødelokale 5"

# Minutes. "{name}" is the citizen's first name, or "Familien"; it always begins a sentence.
START_MINUTES = [
    "{name} fortalte om sine ønsker, og teamet præsenterede sig. Vi gennemgik samtykket og aftalte, hvem der "
    "gør hvad. Målene og aftalerne er skrevet ind i den fælles plan.",
    "Godt første møde. {name} var med til at formulere målene og valgte selv, hvad der skal arbejdes med først. "
    "Koordinatoren er fast kontaktperson for hele teamet.",
    "{name} ønsker færre møder og én plan. Teamet aftalte at samle alle aftaler i den fælles plan og mødes igen "
    "til et statusmøde om cirka to måneder.",
]
STATUS_MINUTES = [
    "Vi gennemgik målene. {name} fortalte, hvad der går godt, og hvad der stadig er svært. De fleste aftaler er "
    "holdt; de øvrige er fulgt op.",
    "Statusmøde. {name} er godt i gang. Teamet justerede et mål og lavede nye aftaler, som er skrevet ind i planen.",
    "Vi fulgte op på aftalerne siden sidste møde. {name} oplever fremskridt, og planen fortsætter uændret.",
]
ANALYSIS_MINUTES = (
    "Teamet gennemgik sagens oplysninger uden familien. Hver faggruppe gav sit perspektiv på barnets og "
    "familiens behov. Anbefaling til næste møde med familien: et samlet forslag om aflastning og støtte i skolen."
)

# Follow-ups of a goal: the note the citizen sees, and a note for the professionals only.
FOLLOW_UP_NOTES = [
    "Det går i den rigtige retning, og målet fortsætter.",
    "Det går bedre end ved sidste møde.",
    "Målet er justeret, så det passer til, hvad der er realistisk lige nu.",
]
FOLLOW_UP_INTERNAL_NOTES = [
    "Teamet holder ekstra øje med fremmødet de næste uger.",
    "Aftalt internt, at koordinatoren tager kontakt, hvis der er aflysninger.",
    "",
]
AGREEMENT_DONE_NOTES = ["Gennemført som aftalt.", "Klaret før fristen.", ""]
AGREEMENT_NOT_DONE_NOTES = [
    "Nåede det ikke; aftalen tages op igen på næste møde.",
    "Blev ikke aktuel alligevel.",
]
AGREEMENT_IN_PROGRESS_NOTES = ["Er i gang.", "Første del er gjort.", ""]

# --- Economy (issue 4) -------------------------------------------------------------------------------------
# The service catalogue: code, name, department, legal basis, unit, unit price (kr., as text), provider: an
# internal unit as ("unit", department, unit) or an external organisation as ("organisation", name), or None.
SERVICES = [
    (
        "SEL85-KP",
        "Kontaktperson SEL § 85",
        "Voksen og Social",
        "SEL § 85",
        "per_hour",
        "412.50",
        ("unit", "Voksen og Social", "Socialpsykiatri"),
    ),
    (
        "SEL85-BS",
        "Bostøtte SEL § 85",
        "Voksen og Social",
        "SEL § 85",
        "per_hour",
        "465.00",
        ("organisation", "Demo Bostøtte ApS"),
    ),
    (
        "SEL101",
        "Misbrugsbehandling SEL § 101",
        "Misbrugscenter",
        "SEL § 101",
        "per_month",
        "9850.00",
        ("unit", "Misbrugscenter", "Voksenbehandling"),
    ),
    (
        "SEL101A",
        "Ungebehandling for misbrug SEL § 101 a",
        "Misbrugscenter",
        "SEL § 101 a",
        "per_month",
        "7200.00",
        ("unit", "Misbrugscenter", "Ungebehandling"),
    ),
    ("LAB31B", "Mentor LAB § 31 b", "Jobcenter", "LAB § 31 b", "per_hour", "395.00", None),
    ("LAB91", "Virksomhedspraktik LAB § 91", "Jobcenter", "LAB § 91", "per_month", "2500.00", None),
    (
        "LAB68",
        "Ressourceforløb, koordinerende sagsbehandler LAB § 68 b",
        "Jobcenter",
        "LAB § 68 b",
        "per_month",
        "3400.00",
        ("unit", "Jobcenter", "Team Ressourceforløb"),
    ),
    (
        "BL32-FB",
        "Familiebehandling Barnets Lov § 32",
        "Børn og Unge",
        "Barnets Lov § 32, stk. 1, nr. 3",
        "per_month",
        "14500.00",
        None,
    ),
    (
        "BL32-KP",
        "Kontaktperson for barnet Barnets Lov § 32",
        "Børn og Unge",
        "Barnets Lov § 32, stk. 1, nr. 6",
        "per_hour",
        "430.00",
        None,
    ),
    (
        "BL90",
        "Børnefaglig undersøgelse Barnets Lov § 20",
        "Børn og Unge",
        "Barnets Lov § 20",
        "one_off",
        "18000.00",
        None,
    ),
    (
        "BH-AFL",
        "Aflastning Barnets Lov § 32",
        "Børnehandicap",
        "Barnets Lov § 32, stk. 1, nr. 5",
        "per_month",
        "11800.00",
        None,
    ),
    (
        "SUL-TR",
        "Genoptræning Sundhedsloven § 140",
        "Sundhed",
        "Sundhedsloven § 140",
        "per_hour",
        "610.00",
        ("unit", "Sundhed", "Forebyggelse og træning"),
    ),
    (
        "UU-MENT",
        "Ungementor (UU) LAB § 31 b",
        "Ungeindsatsen (UU)",
        "LAB § 31 b",
        "per_hour",
        "380.00",
        ("unit", "Ungeindsatsen (UU)", "Mentorkorps"),
    ),
    (
        "VS-VAER",
        "Aktivitetstilbud på værested SEL § 104",
        "Voksen og Social",
        "SEL § 104",
        "per_month",
        "1800.00",
        ("organisation", "Værestedet Lyspunktet"),
    ),
]

# Interventions on demo-koordinator's open pathways, in the order the loader plans them (the first pathway
# gets the first list, and so on): service code, months before the demo's "today" it started, duration in
# months (None: ongoing), quantity, granting department.
INTERVENTIONS = [
    [
        ("BL32-FB", 7, None, "1", "Børn og Unge"),
        ("SEL101A", 5, None, "1", "Misbrugscenter"),
        ("UU-MENT", 4, 3, "12", "Ungeindsatsen (UU)"),
        ("BL90", 8, None, "1", "Børn og Unge"),
    ],
    [
        ("BL32-KP", 6, None, "20", "Børn og Unge"),
        ("LAB31B", 3, None, "10", "Jobcenter"),
    ],
    [
        ("BH-AFL", 9, None, "1", "Børnehandicap"),
        ("SUL-TR", 4, 2, "8", "Sundhed"),
        ("VS-VAER", 2, None, "1", "Voksen og Social"),
    ],
    [
        ("LAB68", 5, None, "1", "Jobcenter"),
        ("SEL85-KP", 5, None, "16", "Voksen og Social"),
    ],
]

# Joint-financing decisions: (pathway index, intervention index) → decisions in order, each: months before
# "today", reason, family motivated, motivation note, shares [(department, percent as text)].
FINANCING = {
    (0, 0): [
        (
            6,
            "Familien modtager ydelser fra Børn og Unge, Misbrugscenter og UU; "
            "familiebehandlingen understøtter alle tre.",
            True,
            "Forældrene har selv bedt om hjælp og deltager i alle møder.",
            [("Børn og Unge", "60.00"), ("Misbrugscenter", "25.00"), ("Ungeindsatsen (UU)", "15.00")],
        ),
        (
            2,
            "Revurdering: misbrugsbehandlingen fylder mindre, uddannelsesdelen mere.",
            True,
            "Motivationen er fastholdt.",
            [("Børn og Unge", "50.00"), ("Misbrugscenter", "15.00"), ("Ungeindsatsen (UU)", "35.00")],
        ),
    ],
    (3, 1): [
        (
            4,
            "Kontaktpersonen støtter både arbejdsmarkedsdelen og boligen; Jobcenter og Voksen og Social deler.",
            False,
            "Borgeren er tvivlende, men har sagt ja til at prøve.",
            [("Voksen og Social", "50.00"), ("Jobcenter", "50.00")],
        ),
    ],
}

# Uses of free-municipality exemptions: (pathway index, intervention index or None), law, paragraph, reason.
EXEMPTION_USES = [
    (
        (1, 1),
        "LAB",
        "§ 31 b, stk. 1",
        "Mentor bevilget uden forudgående jobafklaring, så indsatsen kunne starte med det samme.",
    ),
    (
        (0, None),
        "Barnets Lov",
        "§ 20, stk. 2",
        "Fælles børnefaglig og beskæftigelsesrettet undersøgelse i én proces for hele familien.",
    ),
]

# Monthly operating costs per programme element (kr., as text), for the months before the demo's "today".
OPERATING_COST_MONTHS = 4
OPERATING_COSTS = {
    "implementation_team": "86000.00",
    "outreach_casework": "54000.00",
    "outreach_substance_abuse": "31000.00",
    "support_contact": "22500.00",
    "group_activities": "9500.00",
    "project_management": "41000.00",
}
