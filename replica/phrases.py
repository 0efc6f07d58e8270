"""Sentence templates for the replica's prose; ``{slot}`` names are filled by prose.Writer.

Lead templates never contain a dash, so an opening without a dateline can never be mistaken
for one (docs/extraction-rules.md: a dateline is PLACE then a dash).
"""

from __future__ import annotations

NEWS_LEADS = (
    "{Demonym} security forces clashed with protesters in {city} on {day}, witnesses said.",
    "{official} said on {day} that {clause}.",
    "Talks between {org} and {org2} on {topic} stalled on {day} after {number} hours.",
    "At least {number} people were killed in {city} on {day}, according to {bracketed}.",
    "It is the third time this month that {org} has warned of a crisis over {topic}.",
    "It is now clear that {clause}, officials in {city} said.",
    "{Org} called on {day} for an urgent meeting on {topic} in {country}.",
)
NEWS = (
    "{official} told Asharq Al-Awsat that “{clause}.”",
    "The move comes amid growing concern over {topic} in {country}.",
    "Observers monitoring {topic} have been surprised by the speed of events in {city}.",
    "More than {number} people have been displaced since {month} {prev_year}, {org} said.",
    "{Demonym} forces — backed by {backer} — tightened their grip on {city} overnight.",
    "A source close to {bracketed} said that “{clause}… day by day.”",
    "He added that {clause}, although he gave no further details.",
    "The figures cover the {prev_year}–{year} period, the report said.",
    "Residents of {city} said they had not seen such scenes since {prev_year}.",
    "The {demonym} government’s spokesman declined to comment on {topic}.",
    "{official} said {org} was “ready to play a greater role” in {topic}.",
    "The clashes erupted after {bracketed} accused the authorities of breaking the truce.",
    "Diplomats in {world_city} said {clause}.",
    "The statement came a day after {org2} met in {world_city} to discuss {topic}.",
    "Local activists said {number} people had been detained in {city} since {day}.",
)
OPINION_LEADS = (
    "The truth is that {clause}.",
    "Many in the region still remember the summer of {prev_year} in {city}.",
    "Nobody should be surprised by what happened in {city} last week.",
    "It is hard to imagine {topic} without a serious role for {org}.",
    "What {country} needs today is not more promises but a real plan for {topic}.",
)
OPINION = (
    "This is not the first time {clause}, nor will it be the last.",
    "The question, then, is whether {org} can still shape {topic}.",
    "Since the détente of {prev_year}, {country} has tried to balance its neighbours.",
    "Some will say that {clause}; they are mistaken.",
    "History teaches us that {topic} cannot be settled by force alone.",
    "The regime’s “red lines” have shifted so often that nobody takes them seriously.",
    "Let us be clear… {clause}.",
    "Those who bet on {org} in {prev_year} have paid a heavy price.",
    "In {city}, as in {city2}, people are tired of slogans.",
    "The choice facing {country} is stark — reform or decline.",
    "Whoever reads the statements of {official} will find little that is new.",
)
BUSINESS_LEADS = (
    "{company} reported a net profit of {money} in the {quarter}, up {pct} percent.",
    "Oil producers are waiting for a change in the {demonym} stance on output.",
    "Brent crude rose to ${price} a barrel on {day} as traders weighed {topic}.",
)
BUSINESS = (
    "Analysts at {company} expect growth of {pct} percent in {year}.",
    "The index of the {demonym} stock market closed {pct} percent higher on {day}.",
    "{official} said the budget for {year} would total {money}.",
    "According to {company}, inflation eased to {pct} percent in {month}.",
    "Investors remain cautious over {topic}, bankers in {city} said.",
    "The {prev_year}–{year} plan foresees {money} of spending on housing and roads.",
    "Output from {org} members rose by {number},000 barrels per day.",
)
FEATURE_LEADS = (
    "In the old café quarter of {city}, the evenings begin late.",
    "For {number} years the workshop of a {demonym} craftsman has stood near the souk.",
    "The exhibition that opened in {city} on {day} has drawn large crowds.",
)
FEATURE = (
    "Visitors come from {city2} and as far away as {world_city}.",
    "“We learned everything from our fathers,” one of them said, smiling.",
    "The festival, first held in {prev_year}, has become a fixture of the {demonym} calendar.",
    "Prices have doubled since {prev_year}, but demand has not slowed.",
    "Critics have praised the show’s naïve charm and its bold colours.",
    "Among the works on display are photographs of {city} taken in the {decade}s.",
    "The organisers hope to take the exhibition to {world_city} in {year}.",
    "A young protégé of the master now runs the workshop — and its website.",
)
REVIEW_LEADS = (
    "The new novel by a {demonym} writer is set in {city} during the {decade}s.",
    "This book sets out to explain {topic} to a Western reader.",
)
REVIEW = (
    "The author, who grew up in {city}, writes with obvious affection for the city.",
    "Its best chapters deal with {topic} and the fate of ordinary families.",
    "The translation, published in {world_city}, is fluent if occasionally stiff.",
    "Readers who know {city2} will recognise its streets and its cafés.",
    "At {number} pages, the book is long… perhaps too long.",
    "It is, in the end, a book about memory — and about forgetting.",
)
BLOG_LEADS = (
    "The latest issue of the magazine looks at {topic} in {country}.",
    "Our correspondent in {city} sends this note on {topic}.",
)
INTERVIEW_INTRO = (
    "In an interview with Asharq Al-Awsat, {role} {name} spoke about {topic} and {topic2}.",
    "{role} {name} received Asharq Al-Awsat in {city}; the following is the text of the interview.",
)
QUESTIONS_FIRST = (
    "Do you expect {topic} to improve before the end of {year}?",
    "Do you believe {org} can still play a role in {country}?",
)
QUESTIONS = (
    "What is your response to those who say {clause}?",
    "How do you see the future of {topic}?",
    "Is there a risk of a new crisis in {city}?",
    "Have you been in contact with {org} recently?",
    "Some accuse you of siding with {org2}; what do you say?",
)
ANSWERS_FIRST = ("I hope not. {sentence}", "I hope so, but {clause}.")
ANSWERS = (
    "We have always said that {clause}.",
    "Frankly, {clause}. {sentence}",
    "That is a question for {org}, not for me.",
    "Yes… {clause}.",
    "There are contacts, but I cannot go into detail.",
)
CLAUSES = (
    "the talks had reached a dead end",
    "the security situation in {city} had deteriorated sharply",
    "{country} would not accept any foreign interference",
    "{org} was preparing a new initiative on {topic}",
    "the government’s plan had failed to convince the street",
    "the elections would go ahead as planned",
    "the regime was losing control of the countryside",
    "the decision was “final and irreversible”",
    "there was no alternative to dialogue",
    "the economy could not bear another year of unrest",
)
BACKERS = ("tanks and helicopters", "allied militias", "foreign advisers", "air support")
QUARTERS = ("first quarter", "second quarter", "third quarter", "fourth quarter")
OFFICIAL_ROLES = (
    "Foreign Minister", "Interior Minister", "Prime Minister", "army spokesman",
    "opposition spokesman", "oil minister", "central bank governor", "senior official",
)  # fmt: skip
TITLES = {
    "news": (
        "{Demonym} forces tighten grip on {city}",
        "{Org_cap} warns of crisis over {topic}",
        "Defections rise in {city} – activists",
        "{Country}’s opposition rejects “cosmetic” reforms",
        "Clashes in {city} as talks stall in {world_city}",
    ),
    "opinion": (
        "{Country} and the limits of patience",
        "Why {country} cannot wait",
        "The lesson of {city}",
        "Iran senses defeat in {country}",
        "{Country}… the long road back",
        "After {city}, what next?",
    ),
    "business": (
        "Oil producers await change in {demonym} stance",
        "{company} profits rise {pct} percent",
        "{Country}’s budget for {year} – a closer look",
    ),
    "feature": (
        "The craftsmen of {city}",
        "A festival returns to {city}",
        "{city}’s cafés: a world of their own",
    ),
    "review": ("Book review: a novel of {city}", "Reading {country} — a review"),
    "blog": ("Majalla: {topic_cap} in {country}", "Letter from {city}"),
}
CAPTIONS = (
    "Protesters gather in {city} on {day}. (AFP)",
    "A view of {city}’s old quarter. (Reuters)",
    "{Demonym} officials attend a meeting in {world_city}. (AP)",
    "Smoke rises over {city} after clashes — file photo",
)
COMMENTS = (
    "Thank you for this article.",
    "Very interesting analysis, but I disagree with the conclusion.",
    "When will the international community act?",
)
