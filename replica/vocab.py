"""Word pools for the replica's names, places, tags and prose (all invented, no downloads)."""

from __future__ import annotations

FIRST_NAMES = (
    "Adel", "Amal", "Basma", "Caroline", "Dina", "Fadi", "Faisal", "Ghassan", "Hamid", "Hana",
    "Hassan", "Huda", "Ibrahim", "Karim", "Khalid", "Layla", "Maha", "Majid", "Mina", "Nadia",
    "Nabil", "Omar", "Paula", "Rania", "Salim", "Salma", "Sami", "Tarek", "Yasmin", "Youssef",
    "Michael", "Emily", "David", "Sarah",
)  # fmt: skip
LAST_NAMES = (
    "Haddad", "Khoury", "Mansour", "Nasser", "Saleh", "Hamdan", "Farouk", "Darwish", "Sabbagh",
    "Barakat", "Aziz", "Jaber", "Bishara", "Tamimi", "Habib", "Sharif", "Lahoud", "Qassem",
    "Al-Amin", "Al-Shammari", "Al-Qahtani", "Al-Otaibi", "Al-Rifai", "Al-Zayani", "Morgan",
    "Clarke", "Bennett", "Fischer",
)  # fmt: skip
# Interviewees' surnames become speaker labels: "[Al-Hashimi] I hope not..." (SITE.md).
INTERVIEWEE_SURNAMES = (
    "Al-Hashimi", "Al-Jubouri", "Al-Khatib", "Al-Masri", "Al-Sadr", "Al-Tikriti", "Arslan",
    "Bakr", "Daher", "Ghanem", "Jumblatt", "Karami", "Mikati", "Nusseibeh", "Qabbani",
)  # fmt: skip
INTERVIEWEE_ROLES = (
    "Iraqi Vice President", "Lebanese MP", "Syrian opposition leader", "Libyan minister",
    "Egyptian presidential candidate", "Jordanian Foreign Minister", "Kurdish official",
    "Palestinian negotiator", "Yemeni Prime Minister", "Tunisian writer",
)  # fmt: skip

# (country, demonym, cities): cities double as dateline places.
COUNTRIES = (
    ("Syria", "Syrian", ("Damascus", "Aleppo", "Homs", "Idlib")),
    ("Iraq", "Iraqi", ("Baghdad", "Basra", "Erbil", "Mosul")),
    ("Lebanon", "Lebanese", ("Beirut", "Tripoli", "Sidon")),
    ("Egypt", "Egyptian", ("Cairo", "Alexandria", "Suez")),
    ("Saudi Arabia", "Saudi", ("Riyadh", "Jeddah", "Khobar", "Dammam")),
    ("Iran", "Iranian", ("Tehran", "Isfahan", "Tabriz")),
    ("Yemen", "Yemeni", ("Sana'a", "Aden", "Taiz")),
    ("Libya", "Libyan", ("Tripoli", "Benghazi", "Misrata")),
    ("Jordan", "Jordanian", ("Amman", "Zarqa", "Irbid")),
    ("Turkey", "Turkish", ("Ankara", "Istanbul", "Antakya")),
    ("Bahrain", "Bahraini", ("Manama",)),
    ("Tunisia", "Tunisian", ("Tunis", "Sfax")),
)  # fmt: skip
WORLD_CITIES = ("London", "Paris", "Washington", "Geneva", "Brussels", "Moscow", "New York")
# Upper-case wire-style places for "RAS LANUF, Libya (Reuters) – " datelines.
WIRE_PLACES = (
    ("RAS LANUF", "Libya"), ("BENGHAZI", "Libya"), ("ALEPPO", "Syria"), ("SANAA", "Yemen"),
    ("KIRKUK", "Iraq"), ("MANAMA", "Bahrain"), ("AMMAN", "Jordan"),
)  # fmt: skip
KURDISH_VILLAGES = ("QALACHWALAN", "SOURAN", "PENJWEN", "RANYA")

ORGS = (
    "the Arab League", "the United Nations", "OPEC", "the European Union", "Hezbollah",
    "the Muslim Brotherhood", "the Gulf Cooperation Council", "the International Monetary Fund",
    "the Syrian National Council", "the Iraqi parliament", "the Security Council",
)  # fmt: skip
BRACKETED = (
    "the Free Syrian Army [FSA]", "the Shabiha [militia]", "the Revolutionary Guards [IRGC]",
    "the Supreme Council of the Armed Forces [SCAF]", "the National Transitional Council [NTC]",
)  # fmt: skip
COMPANIES = (
    "Saudi Aramco", "SABIC", "Emirates NBD", "Qatar Airways", "Orascom", "Zain", "Etisalat",
    "Standard & Poor’s", "Ernst & Young", "Al Rajhi Bank",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TOPICS = (
    "the peace talks", "the security situation", "reconstruction", "the elections",
    "the refugee crisis", "oil prices", "the national dialogue", "the constitution",
    "regional stability", "the nuclear file", "youth unemployment", "press freedom",
)  # fmt: skip

# Tags: (name, slug); some slugs differ from the name, as WordPress allows.
TAGS = (
    ("Syria", "syria"), ("Iraq", "iraq"), ("Lebanon", "lebanon"), ("Egypt", "egypt"),
    ("Saudi Arabia", "saudi-arabia"), ("Iran", "iran"), ("Yemen", "yemen"), ("Libya", "libya"),
    ("Jordan", "jordan"), ("Turkey", "turkey"), ("Bahrain", "bahrain"), ("Tunisia", "tunisia"),
    ("Arab Spring", "arab-spring"), ("Oil", "oil"), ("OPEC", "opec"), ("Al-Qaeda", "al-qaeda"),
    ("Gulf Cooperation Council", "gcc"), ("Hezbollah", "hezbollah"), ("Kurds", "kurds"),
    ("Refugees", "refugees"), ("Elections", "elections-2"), ("Books", "books"),
    ("Culture & Arts", "culture-arts"), ("Economy", "economy"), ("Diplomacy", "diplomacy"),
)  # fmt: skip
