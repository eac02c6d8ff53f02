"""Word lists for the simulator (pure data, no imports).

Everything is embedded so a demo needs no downloads and the same seed gives the
same network on every machine. Lists are ordered roughly from common to rare:
the generator draws with Zipf-like weights, so the first entries repeat (several
people called Michael or Sarah), as they do in a real address book.
"""

from __future__ import annotations

# fmt: off
# Common US first names first; accented and non-English names are mixed in so
# search, folding ("Jose" finds "José") and e-mail transliteration get exercised.
FIRST_NAMES: tuple[str, ...] = (
    "Michael", "Sarah", "David", "Jennifer", "James", "Jessica", "John", "Emily",
    "Robert", "Ashley", "Daniel", "Maria", "Chris", "Laura", "Matthew", "Amanda",
    "José", "Rachel", "Kevin", "Megan", "Brian", "Lauren", "Andrew", "Nicole",
    "Mark", "Stephanie", "Steven", "Elizabeth", "Paul", "Hannah", "Anthony", "Rebecca",
    "Jason", "Michelle", "Ryan", "Katherine", "Eric", "Samantha", "Justin", "Olivia",
    "Priya", "Dana", "Wei", "Aisha", "Carlos", "Zoë", "Łukasz", "Renée",
    "Thomas", "Emma", "Joseph", "Grace", "William", "Anna", "Benjamin", "Sophia",
    "Jonathan", "Natalie", "Aaron", "Victoria", "Adam", "Christina", "Nathan", "Heather",
    "Tyler", "Bethany", "Jacob", "Melissa", "Brandon", "Kimberly", "Patrick", "Amy",
    "Sean", "Erin", "Alex", "Julia", "Sam", "Kate", "Luis", "Ana",
    "Juan", "Sofía", "Miguel", "Lucía", "Diego", "Valentina", "Raúl", "Inés",
    "Ángel", "Mónica", "Jorge", "Gabriela", "Mateo", "Camila", "Andrés", "Marisol",
    "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Deepa", "Sanjay", "Meera",
    "Raj", "Neha", "Hiroshi", "Yuki", "Kenji", "Aiko", "Min-jun", "Ji-woo",
    "Seo-yeon", "Hye-jin", "Li", "Mei", "Jun", "Xiu", "Chen", "Lin",
    "Tuan", "Linh", "Minh", "Thảo", "Kwame", "Amara", "Chidi", "Ngozi",
    "Tunde", "Fatima", "Omar", "Layla", "Yusuf", "Amira", "Tariq", "Noor",
    "François", "Chloé", "Noémie", "Amélie", "Hélène", "Étienne", "Jérôme", "Théo",
    "Søren", "Björn", "Åsa", "Jürgen", "Jörg", "Günter", "Anneliese", "Bärbel",
    "Małgorzata", "Agnieszka", "Wojciech", "Krzysztof", "Zofia", "Dariusz", "Tomáš", "Zdeněk",
    "Siobhan", "Niamh", "Aoife", "Seán", "Ciarán", "Eoin", "Bríd", "Oisín",
    "Giulia", "Francesca", "Lorenzo", "Niccolò", "Matteo", "Chiara", "João", "Conceição",
    "Dmitri", "Anastasia", "Olga", "Sergei", "Irina", "Nikolai", "Yelena", "Ivan",
    "Ayesha", "Imran", "Bilal", "Sana", "Zainab", "Hamza", "Leila", "Karim",
    "Marcus", "Jasmine", "Darnell", "Keisha", "Malik", "Tanisha", "Andre", "Imani",
    "Ethan", "Chloe", "Noah", "Ava", "Liam", "Mia", "Lucas", "Isabella",
    "Oliver", "Harper", "Elijah", "Evelyn", "Henry", "Abigail", "Owen", "Ella",
    "Gus", "Tess", "Ruth", "Walter", "Frank", "Joan", "Harold", "Doris",
)

# Family names; a few multi-word ("de la Cruz", "Van Dijk") and punctuated
# ("O'Brien", "Smith-Jones") ones keep name parsing honest.
LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
    "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
    "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
    "Carter", "Roberts", "Patel", "Shah", "Kim", "Park", "Chen", "Wang",
    "Li", "Zhang", "Liu", "Huang", "Singh", "Kumar", "Gupta", "Iyer",
    "Reddy", "Nair", "Tanaka", "Suzuki", "Sato", "Watanabe", "Choi", "Kang",
    "Nguyễn", "Trần", "Phạm", "García", "Núñez", "Muñoz", "Peña", "Jiménez",
    "Gómez", "Díaz", "Álvarez", "Fernández", "Ibáñez", "de la Cruz", "Castillo", "Vargas",
    "Müller", "Schröder", "Köhler", "Weiß", "Schmidt", "Becker", "Hoffmann", "Fischer",
    "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Lewandowski", "Dąbrowski", "Zieliński", "Szymański",
    "Novák", "Dvořák", "Horváth", "Kovács", "Nagy", "Popescu", "Ionescu", "Petrović",
    "O'Brien", "O'Connor", "O'Neill", "Murphy", "Kelly", "Byrne", "Ó Súilleabháin", "McCarthy",
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
    "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Gonçalves", "Araújo",
    "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Bonnet", "Béranger", "Lemaître",
    "Andersson", "Johansson", "Larsen", "Sørensen", "Nielsen", "Jørgensen", "Østergaard", "Lindqvist",
    "Ivanov", "Smirnov", "Kuznetsov", "Popov", "Volkov", "Sokolov", "Morozov", "Petrov",
    "Okafor", "Adeyemi", "Mensah", "Okonkwo", "Abubakar", "Kariuki", "Mwangi", "Diallo",
    "Haddad", "Khalil", "Nasser", "Rahman", "Hussain", "Qureshi", "Farouk", "Aziz",
    "Cohen", "Levy", "Friedman", "Goldberg", "Katz", "Shapiro", "Rosen", "Weiss",
    "Van Dijk", "De Vries", "Jansen", "Bakker", "Visser", "Smith-Jones", "Whitfield", "Okoro",
    "Bennett", "Brooks", "Coleman", "Foster", "Graham", "Hayes", "Jenkins", "Long",
    "Morgan", "Price", "Reed", "Russell", "Sullivan", "Ward", "Wood", "Hughes",
)

# Company names are "<first> <second>": the second word also says the industry.
ORG_FIRST: tuple[str, ...] = (
    "Northwind", "Blue Harbor", "Lakeshore", "Summit", "Redwood", "Brightline", "Ironclad",
    "Cobalt", "Granite", "Meridian", "Pioneer", "Keystone", "Silverleaf", "Evergreen",
    "Harborview", "Clearwater", "Beacon", "Catalyst", "Horizon", "Lumen", "Nimbus", "Orion",
    "Prairie", "Riverbend", "Sterling", "Tidewater", "Union Square", "Vantage", "Westgate",
    "Wabash", "Lincoln Park", "Fulton", "Ravenswood", "Bluebird", "Cardinal", "Copperline",
    "Driftwood", "Elmhurst", "Foxglove", "Goldcrest", "Highpoint", "Indigo", "Juniper",
    "Kestrel", "Larkspur", "Maplewood", "Northstar", "Oakridge", "Pinecone", "Quarry",
    "Rosewood", "Sandstone", "Thornbury", "Upland", "Vireo", "Willow", "Yellowpine", "Zephyr",
    "Alder", "Birchwood", "Cedar Point", "Dunmore", "Eastlake", "Fairmount", "Glenview",
    "Hawthorne", "Ironwood", "Jetty", "Kingsbury", "Lakeview", "Monarch", "Nightingale",
    "Oxbow", "Parkside", "Quill", "Riverstone", "Stonebridge", "Trailhead", "Uptown",
    "Vesper", "Waterline", "Lodestar", "Arcadia", "Bellwether", "Crescent", "Dovetail",
    "Ember", "Fathom", "Gossamer", "Halcyon", "Inkwell", "Jubilee", "Kinetic", "Latitude",
    "Mosaic", "Nova", "Osprey", "Paragon", "Quartz", "Radiant", "Solstice", "Tessellate",
    "Umber", "Verity", "Wayfinder", "Apex", "Brightwater", "Canopy", "Delta Bay", "Everlane",
    "Firefly", "Greenfield", "Harbinger", "Islandia", "Jasper", "Keel", "Luminary", "Marigold",
    "Nautilus", "Obsidian", "Pelican", "Quayside", "Rookery", "Saffron", "Topaz", "Ursa",
    "Violet Hill", "Windward", "Xylo", "Yarrow", "Zenith", "Aurora", "Bramble", "Citadel",
    "Dune", "Equinox", "Fjord", "Gable", "Heron", "Ingot", "Jade", "Kite", "Loom",
)

# (second word, industry tag)
ORG_SECOND: tuple[tuple[str, str], ...] = (
    ("Analytics", "data"), ("Labs", "engineering"), ("Health", "healthcare"),
    ("Capital", "finance"), ("Partners", "consulting"), ("Logistics", "logistics"),
    ("Software", "engineering"), ("Systems", "engineering"), ("Foods", "retail"),
    ("Energy", "energy"), ("Bank", "finance"), ("Insurance", "finance"),
    ("Robotics", "manufacturing"), ("Media", "media"), ("Design", "design"),
    ("Consulting", "consulting"), ("Group", "consulting"), ("Financial", "finance"),
    ("Therapeutics", "biotech"), ("Studios", "design"), ("Networks", "engineering"),
    ("Ventures", "investor"), ("Learning", "education"), ("Security", "security"),
    ("Payments", "fintech"), ("Realty", "real-estate"), ("Manufacturing", "manufacturing"),
    ("Biosciences", "biotech"), ("Cloud", "devops"), ("Data", "data"),
    ("Works", "manufacturing"), ("Supply", "logistics"), ("Retail", "retail"),
    ("Advisors", "finance"), ("Technologies", "engineering"), ("Marketing", "marketing"),
    ("Legal", "legal"), ("Staffing", "recruiting"), ("Pharma", "biotech"),
    ("Medical", "healthcare"), ("Mobility", "logistics"), ("Brewing", "retail"),
    ("Hospitality", "retail"), ("Academy", "education"), ("Foundation", "nonprofit"),
    ("Clinic", "healthcare"), ("AI", "ai"), ("Fintech", "fintech"), ("Accounting", "cpa"),
    ("Talent", "recruiting"), ("Commerce", "retail"), ("Interactive", "design"),
)

# Famous placeholder companies: a few people will work at these.
CLASSIC_ORGS: tuple[tuple[str, str], ...] = (
    ("Acme Corp", "manufacturing"), ("Initech", "engineering"), ("Globex", "engineering"),
    ("Hooli", "engineering"), ("Vandelay Industries", "logistics"), ("Wayne Enterprises", "finance"),
    ("Soylent Health", "healthcare"), ("Pied Piper", "startups"), ("Dunder Mifflin", "retail"),
    ("Chicago Public Schools", "education"),
)

# Third word, used only when a huge network needs more distinct company names.
ORG_PLACES: tuple[str, ...] = (
    "Chicago", "Midwest", "West", "East", "North America", "Global", "International",
    "Illinois", "Great Lakes", "Central", "Pacific", "Atlantic",
)

# The tag vocabulary: industries, skills and roles people are known for.
TAGS: tuple[str, ...] = (
    "fintech", "design", "hiring", "python", "healthcare", "cpa", "recruiting", "data",
    "marketing", "sales", "product", "engineering", "finance", "legal", "education",
    "nonprofit", "startups", "ai", "security", "logistics", "retail", "real-estate",
    "biotech", "media", "consulting", "manufacturing", "energy", "hr", "operations", "ux",
    "java", "devops", "mentor", "investor", "public-speaking", "writing", "chicago",
)

# (title, tag the title suggests or "")
TITLES: tuple[tuple[str, str], ...] = (
    ("Software Engineer", "engineering"), ("Senior Software Engineer", "python"),
    ("Staff Engineer", "engineering"), ("Engineering Manager", "hiring"),
    ("Director of Engineering", "hiring"), ("VP Engineering", "hiring"),
    ("Data Scientist", "data"), ("Data Analyst", "data"), ("Machine Learning Engineer", "ai"),
    ("Product Manager", "product"), ("Senior Product Manager", "product"),
    ("Director of Product", "product"), ("UX Designer", "ux"), ("Product Designer", "design"),
    ("Design Lead", "design"), ("Recruiter", "recruiting"), ("Technical Recruiter", "recruiting"),
    ("Talent Acquisition Partner", "recruiting"), ("Head of People", "hr"),
    ("HR Business Partner", "hr"), ("Senior Accountant", "cpa"), ("Controller", "cpa"),
    ("CFO", "finance"), ("Financial Analyst", "finance"), ("Founder", "startups"),
    ("Co-founder & CEO", "startups"), ("COO", "operations"), ("Operations Manager", "operations"),
    ("Account Executive", "sales"), ("Sales Director", "sales"), ("Marketing Manager", "marketing"),
    ("Content Strategist", "writing"), ("Brand Designer", "design"), ("Consultant", "consulting"),
    ("Senior Consultant", "consulting"), ("Partner", "consulting"), ("Attorney", "legal"),
    ("Paralegal", "legal"), ("Nurse Practitioner", "healthcare"), ("Physician", "healthcare"),
    ("Research Scientist", "biotech"), ("Teacher", "education"), ("Professor", "education"),
    ("Program Director", "nonprofit"), ("Security Engineer", "security"),
    ("DevOps Engineer", "devops"), ("Java Developer", "java"), ("Supply Chain Analyst", "logistics"),
    ("Store Manager", "retail"), ("Investment Associate", "investor"), ("Principal", "investor"),
    ("Editor", "media"), ("Producer", "media"), ("Project Manager", "operations"),
    ("Customer Success Manager", "sales"), ("Office Manager", "operations"),
)

# How people met, by kind of tie. "{org}", "{conf}", "{school}", "{meetup}" are filled in.
MET_STRONG: tuple[str, ...] = (
    "college friend", "former colleague at {org}", "grad school at {school}",
    "childhood friend", "former manager at {org}", "roommate in college", "family friend",
    "neighbour", "former teammate at {org}",
)
MET_MEDIUM: tuple[str, ...] = (
    "former colleague at {org}", "alumni event ({school})", "Chicago networking night",
    "conference: {conf}", "meetup: {meetup}", "volunteering together", "kids' school",
    "coffee chat after a cold email", "hackathon", "worked with them as a client at {org}",
)
MET_WEAK: tuple[str, ...] = (
    "LinkedIn", "Chicago networking night", "conference: {conf}", "alumni event ({school})",
    "meetup: {meetup}", "career fair", "LinkedIn", "webinar Q&A", "Slack community",
)

SCHOOLS: tuple[str, ...] = (
    "Northwestern", "UChicago", "UIUC", "Loyola", "DePaul", "Michigan", "Purdue",
    "Notre Dame", "Wisconsin", "Kellogg", "Booth",
)
CONFERENCES: tuple[str, ...] = (
    "PyCon US", "Money20/20", "HIMSS", "SXSW", "Grace Hopper", "1871 Demo Day",
    "Chicago Ideas Week", "Design Week", "Strata Data", "SaaStr", "DevOpsDays Chicago",
)
MEETUPS: tuple[str, ...] = (
    "ChiPy", "Chicago Product Managers", "Women in Tech Chicago", "Fintech Chicago",
    "UX Book Club", "Data Science Chicago", "Startup Grind", "Chicago Founders",
)

# Summary templates by channel; "{topic}", "{place}", "{event}", "{milestone}" are filled.
TOPICS: tuple[str, ...] = (
    "the job search", "their team's hiring plans", "a product launch", "fundraising",
    "career change", "the Chicago tech scene", "interview prep", "a side project",
    "salary negotiation", "remote work", "a new role", "the market", "AI tools",
    "their startup", "a conference talk", "mentoring", "a reorg at work", "kids and school",
    "travel plans", "a book recommendation", "the housing market", "a data project",
    "design systems", "compliance work", "quarterly goals", "a podcast episode",
    "open-source work", "a referral", "an upcoming move", "weekend plans",
)
PLACES: tuple[str, ...] = (
    "Intelligentsia", "the West Loop", "Wicker Park", "their office", "Hyde Park",
    "Logan Square", "the Merchandise Mart", "a diner in Lakeview", "Fulton Market",
    "1871", "Andersonville",
)
EVENTS: tuple[str, ...] = (
    "the Chicago networking night", "an alumni mixer", "a ChiPy meetup", "a product meetup",
    "a fundraiser", "a conference happy hour", "a demo day", "a friend's birthday",
    "a panel on hiring", "a design review night",
)
MILESTONES: tuple[str, ...] = (
    "a new job", "a promotion", "a work anniversary", "a launch", "a baby", "a talk",
)
SUMMARY_TEMPLATES: dict[str, tuple[str, ...]] = {
    "meeting": (
        "Coffee at {place}; talked about {topic}",
        "Lunch near {place}: {topic}",
        "Met up to talk through {topic}",
        "Dinner; caught up on {topic}",
    ),
    "call": (
        "Phone call about {topic}",
        "Quick call: {topic}",
        "Video call on {topic}",
        "Catch-up call; mostly {topic}",
    ),
    "email": (
        "Emailed about {topic}",
        "Sent notes on {topic}",
        "Replied re: {topic}",
        "Forwarded an article on {topic}",
    ),
    "message": (
        "Texted about {topic}",
        "LinkedIn message: {topic}",
        "Quick message re {topic}",
        "Congratulated them on {milestone}",
    ),
    "event": (
        "Saw each other at {event}",
        "Both at {event}; chatted about {topic}",
    ),
}

# Favour descriptions: (kind, from me to them) and (kind, from them to me).
FAVOR_MINE: dict[str, tuple[str, ...]] = {
    "intro": ("Introduced them to a {title} at {org}", "Connected them with someone at {org}"),
    "lead": ("Passed on a {title} opening at {org}", "Sent them a lead at {org}"),
    "advice": ("Gave feedback on {topic}", "Talked them through {topic}"),
    "referral": ("Referred them for a role at {org}", "Put their name forward at {org}"),
    "resource": ("Sent a template for {topic}", "Shared my notes on {topic}"),
    "endorsement": ("Wrote a LinkedIn recommendation", "Was a reference for their {title} application"),
    "time": ("Helped them prep for an interview", "Spent an afternoon on their {topic}"),
}
FAVOR_THEIRS: dict[str, tuple[str, ...]] = {
    "intro": ("Introduced me to a {title} at {org}", "Connected me with the {title} at {org}"),
    "lead": ("Told me about a {title} opening at {org}", "Sent me a lead at {org}"),
    "advice": ("Advice on {topic}", "Reviewed my resume"),
    "referral": ("Referred me for a role at {org}", "Put my name forward at {org}"),
    "resource": ("Shared a list of hiring managers", "Sent me their notes on {topic}"),
    "endorsement": ("Endorsed me on LinkedIn", "Was a reference for me at {org}"),
    "time": ("Did a mock interview with me", "Spent an hour on my portfolio"),
}

PROMISE_MINE: tuple[str, ...] = (
    "Send {first} my notes on {topic}",
    "Introduce {first} to someone at {org}",
    "Review {first}'s resume",
    "Share the article on {topic}",
    "Follow up with {first} about {topic}",
    "Send {first} the intro email for {org}",
    "Buy {first} lunch",
    "Write {first} a LinkedIn recommendation",
)
PROMISE_THEIRS: tuple[str, ...] = (
    "Forward my resume to the hiring manager at {org}",
    "Introduce me to their {title}",
    "Send me the job description at {org}",
    "Check whether {org} is hiring",
    "Get back to me about {topic}",
    "Share their contacts at {org}",
    "Review my portfolio",
)

# (what, tags, favour kind that would meet it)
NEEDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("a CPA who knows startups", ("cpa", "startups"), "intro"),
    ("intro to a hiring manager at {org}", ("hiring",), "intro"),
    ("feedback on a pitch deck", ("startups", "investor"), "advice"),
    ("a referral for a product role at {org}", ("product", "hiring"), "referral"),
    ("someone who has done HIPAA compliance", ("healthcare", "legal"), "intro"),
    ("a Python contractor for a 3-month project", ("python",), "lead"),
    ("a designer to refresh their portfolio site", ("design",), "lead"),
    ("advice on negotiating an offer", ("hiring",), "advice"),
    ("a warm intro to a fintech investor", ("fintech", "investor"), "intro"),
    ("a recruiter who places data scientists", ("recruiting", "data"), "intro"),
    ("a reference for a job application", ("hiring",), "endorsement"),
    ("help moving apartments on Saturday", (), "time"),
    ("a good immigration lawyer", ("legal",), "intro"),
    ("beta testers for a new app", ("product",), "resource"),
    ("a mentor in nonprofit fundraising", ("nonprofit", "mentor"), "intro"),
    ("sales leads at mid-size logistics firms", ("sales", "logistics"), "lead"),
    ("a speaker for their meetup", ("public-speaking",), "time"),
    ("someone who knows the AI team at {org}", ("ai",), "intro"),
    ("a marketing freelancer", ("marketing",), "lead"),
    ("examples of a data engineering take-home", ("data", "engineering"), "resource"),
)
MY_NEEDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("intro to a hiring manager at {org}", ("hiring",), "intro"),
    ("a referral for a data analyst role at {org}", ("data", "hiring"), "referral"),
    ("feedback on my resume", ("hiring",), "advice"),
    ("someone who knows the culture at {org}", ("hiring",), "intro"),
)

NOTES: tuple[str, ...] = (
    "Prefers email over calls.",
    "Has two kids; coaches Little League.",
    "Training for the Chicago marathon.",
    "Looking to hire a {title} at {org} next quarter.",
    "Loves talking about {topic}.",
    "Moving to Denver in the spring.",
    "Vegetarian; suggest {place} for lunch.",
    "Knows everyone in the {tag} scene.",
    "Said to ping them again about {topic} in a month.",
    "Went to {school}; big sports fan.",
    "Mentors bootcamp grads on Thursdays.",
    "Just came back from parental leave.",
)

INTRO_WHY_CONNECT: tuple[str, ...] = (
    "{a} is hiring a {title}; {b} would be a great fit",
    "Both working on {topic}",
    "{b} needs {need}; {a} has done it",
    "{a} asked for someone who knows {org}",
)
INTRO_WHY_REQUEST: tuple[str, ...] = (
    "Want to learn about the team at {org}",
    "Exploring a {title} role at {org}",
    "Advice on {topic}",
    "Heard they are hiring at {org}",
)

PERSONAL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "icloud.com",
    "hotmail.com", "proton.me", "hey.com", "aol.com",
)

# US area codes (Chicago first: the simulated owner lives there). Every number is
# <area>-555-01xx, the range reserved for fiction, and all pass phonenumbers' checks.
AREA_CODES: tuple[str, ...] = (
    "312", "773", "872", "630", "847", "708", "224", "331", "815", "212", "646", "917",
    "718", "347", "415", "628", "510", "650", "408", "617", "857", "781", "206", "425",
    "512", "737", "303", "720", "404", "470", "678", "305", "786", "214", "469", "972",
    "713", "832", "602", "480", "503", "971", "612", "651", "313", "248", "216", "614",
    "513", "412", "215", "267", "202", "703", "571", "301", "410", "919", "984", "704",
    "615", "629", "801", "385", "702", "314", "816", "913", "414", "262", "317",
)

# Pieces the dirty-address-book simulator (troth.sim.dirty) joins into the long tail
# of family names (Ash+worth, Kowal+ski, Lind+qvist): a real surname distribution is
# a few common names and millions of rare ones (6.3 million in the 2010 US census),
# which 208 real names alone cannot give.
SURNAME_HEADS: tuple[str, ...] = (
    "Ash", "Brad", "Carl", "Dal", "Ell", "Fair", "Gold", "Hart", "Ing", "Kent",
    "Lang", "Mor", "North", "Oak", "Pem", "Rad", "Stan", "Thorn", "Whit", "Wood",
    "Bell", "Black", "Brook", "Cald", "Craw", "Dun", "Grant", "Holl", "Kirk", "Lind",
    "Mar", "Nor", "Pen", "Ros", "Sand", "Stock", "Wes", "Win", "Ber", "Kowal",
    "Nov", "Lew", "Wis", "Zel", "Bor", "Dra", "Kar", "Pet", "Sol", "Ves",
    "Gal", "Rin", "Tor", "Val", "Bran", "Cor", "Fen", "Hal", "Lor", "Mel",
    "Ald", "Bar", "Cas", "Dor", "Eck", "Hag", "Jor", "Kel", "Lam", "Mol",
    "Ost", "Quin", "Rey", "Sev", "Tal", "Wal", "York", "Ever", "Fitz", "Gunn",
)
SURNAME_TAILS: tuple[str, ...] = (
    "wood", "ley", "ford", "ton", "son", "field", "well", "by", "worth", "more",
    "ridge", "stone", "man", "mann", "berg", "stein", "ski", "sky", "czyk", "enko",
    "ov", "sen", "strom", "qvist", "ard", "ini", "elli", "etti", "ano", "ez",
    "ier", "eau", "ing", "ham", "ock", "ette", "ach", "hoff", "dottir", "ovic",
)
# fmt: on
