"""The nicknames the simulated dirty address book gives people (troth.sim.dirty), from
a source that troth's matcher does not read.

Issue 19: the identity benchmark must not draw its test nicknames from the matcher's
own table, or its nickname recall is guaranteed by construction. The matcher reads the
`nicknames` package (carltonnorthern/nicknames, a genealogist's list) with troth's
own pairs over it (troth.identity.names); these come from Wiktionary's "English
diminutives of male/female given names" instead, as extracted and edited by hand in
diminutives.db (github.com/HaJongler/diminutives.db, a copy of dtrebbien's, commit
caae757f1f91bce2175a49942a6c466846ade50c, files male_diminutives.csv and
female_diminutives.csv; the data is in the public domain). Copied here verbatim, each
row whole, for the simulator's 32 formal names (its earlier hand-written table's), so
the population is drawn as before and only the nicknames changed source. Some of them
the matcher does not know (Rabbie, Jimbo, Jonty, Kimmy, ...): that is the point.
"""

from __future__ import annotations

DIMINUTIVES: dict[str, tuple[str, ...]] = {
    "Michael": ("Mick", "Mickey", "Micky", "Mike", "Mikey"),
    "Robert": ("Bob", "Bobbi", "Bobbie", "Bobby", "Rabbie", "Rob", "Robbie", "Robby"),
    "William": ("Bill", "Billy", "Will", "Willie", "Willy"),
    "Elizabeth": (
        "Bess",
        "Bessie",
        "Bessy",
        "Beth",
        "Betsy",
        "Bette",
        "Betty",
        "Ellie",
        "Izzy",
        "Libby",
        "Lilibet",
        "Liz",
        "Lizzie",
        "Lizzy",
    ),
    "Katherine": ("Kat", "Kath", "Kathi", "Kathie", "Kathy", "Kati", "Katy", "Kay", "Kit", "Kitty"),
    "James": (
        "Jake",
        "Jamey",
        "Jamie",
        "Jay",
        "Jem",
        "Jim",
        "Jimbo",
        "Jimi",
        "Jimmer",
        "Jimmie",
        "Jimmy",
    ),
    "Jennifer": ("Jen", "Jenn", "Jenni", "Jennie", "Jenny"),
    "Daniel": ("Dan", "Dani", "Danny"),
    "David": ("Dave", "Davey", "Davie", "Davo", "Davy"),
    "Matthew": ("Mat", "Matt", "Matty"),
    "Andrew": ("Andy", "Drew"),
    "Anthony": ("Ant", "Tony"),
    "Joseph": ("Jo", "Jody", "Joe", "Joey", "Pepe"),
    "Thomas": ("Thom", "Tom", "Tommy"),
    "Benjamin": ("Ben", "Benji", "Benjie", "Benjy", "Bennie", "Benny"),
    "Jonathan": ("Jon", "Jonty"),
    "Samantha": ("Sam", "Sammi", "Sammie", "Sammy"),
    "Rebecca": ("Becca", "Becki", "Becky", "Beki"),
    "Jessica": ("Jess", "Jessie"),
    "Christina": (
        "Chris",
        "Chrissie",
        "Chrissy",
        "Christy",
        "Kris",
        "Krissy",
        "Kristi",
        "Kristie",
        "Kristy",
    ),
    "Nathan": ("Nat", "Nate"),
    "Patrick": ("Paddy", "Pat", "Patsy"),
    "Steven": ("Steve", "Stevie"),
    "Alexander": (
        "Al",
        "Alec",
        "Aleck",
        "Elsie",
        "Lex",
        "Sander",
        "Sandy",
        "Sawney",
        "Xan",
        "Zander",
    ),
    "Victoria": ("Vic", "Vickey", "Vicki", "Vickie", "Vicky", "Vikki"),
    "Abigail": ("Abbey", "Abbi", "Abbie", "Abby", "Abi", "Gail", "Gayle"),
    "Kimberly": ("Kimmy",),
    "Stephanie": (
        "Stef",
        "Steff",
        "Steffi",
        "Steffie",
        "Steffy",
        "Steph",
        "Stephie",
        "Steve",
        "Stevie",
    ),
    "Nicole": ("Nic", "Nicki", "Nicky", "Nikki"),
    "Natalie": ("Nat",),
    "Jacob": ("Jake",),
    "Henry": ("Hal", "Hank", "Harry"),
}
