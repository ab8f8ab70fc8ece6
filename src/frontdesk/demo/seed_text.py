"""Word lists for `frontdesk seed`: realistic ticket text from a few combinable parts.

Subjects are product x symptom x context (thousands of distinct ones); bodies are built
from sentence pools to 40-80 words, so search and list benchmarks see varied, wordy text.
"""

import math
import random

PRODUCTS = (
    "Invoice export",
    "Mobile app",
    "VPN client",
    "Payment page",
    "Order sync",
    "Report builder",
    "User import",
    "Calendar integration",
    "Email notifications",
    "Single sign-on",
    "POS terminal",
    "Barcode scanner",
    "Shared mailbox",
    "Backup job",
    "Password reset",
    "Search",
    "Dashboard",
    "API key",
    "Webhook delivery",
    "File upload",
    "Label printer",
    "Customer portal",
    "Stock levels",
    "Tax settings",
    "Time tracking",
    "Office Wi-Fi",
    "Laptop dock",
    "CSV import",
    "Two-factor login",
    "Data export",
)
SYMPTOMS = (
    "fails with a timeout",
    "shows wrong totals",
    "is very slow",
    "crashes on start",
    "returns error 500",
    "stopped working",
    "shows an empty page",
    "sends duplicates",
    "rejects valid input",
    "loses our changes",
    "keeps logging us out",
    "cannot be opened",
    "shows the wrong language",
    "does not sync",
    "asks for the password again and again",
    "is missing recent data",
    "hangs at 99%",
    "prints blank pages",
    "shows an old version",
    "charges the wrong amount",
    "drops the connection",
    "sends nothing",
    "shows garbled text",
    "ignores the new settings",
    "reports a licence error",
)
CONTEXTS = (
    "after the latest update",
    "since this morning",
    "for some users only",
    "on Android phones",
    "in Safari",
    "at month end",
    "for large files",
    "when two people edit at once",
    "over the VPN",
    "on the second floor",
    "for new employees",
    "in the EU region",
    "since the migration",
    "after a password change",
    "during peak hours",
    "with more than 1,000 rows",
    "at the weekend",
    "from the branch office",
    "in the mobile browser",
    "since Tuesday",
)
GREETINGS = ("Hello,", "Hi team,", "Good morning,", "Hi there,", "Dear support,")
SIGN_OFFS = ("Thanks in advance,", "Kind regards,", "Best,", "Many thanks,", "Cheers,")
CUSTOMER_SENTENCES = (
    "We first noticed it when a colleague tried to finish the weekly report.",
    "Restarting the application did not make any difference.",
    "It affects roughly a dozen people in our office.",
    "Clearing the browser cache only helped for a few minutes.",
    "We have not changed any settings on our side recently.",
    "The error message disappears before we can take a screenshot.",
    "Our deadline for this is the end of the week, so a quick answer would really help.",
    "Other parts of the system seem to work normally.",
    "I tried it on two different computers with the same result.",
    "The problem comes and goes, which makes it hard to reproduce on demand.",
    "Our accountant needs this working before the quarterly close.",
    "We are happy to join a call or screen share if that is easier for you.",
    "A customer of ours reported the same thing independently this morning.",
    "It worked fine last week with exactly the same data.",
    "We use the latest version as far as we can tell.",
    "Could you let us know whether this is a known issue?",
)
CUSTOMER_FOLLOW_UPS = (
    "Thanks for the quick reply.",
    "I checked what you asked and it still happens.",
    "Here are the details you asked for: it started around nine and affects the whole team.",
    "We tried the workaround but it did not help.",
    "The workaround helps for now, but we would like a permanent fix.",
    "Is there any update on this?",
    "Our manager asked me to follow up on this as it blocks invoicing.",
    "I have attached nothing sensitive, but I can send logs if needed.",
)
AGENT_SENTENCES = (
    "Thanks for reporting this and sorry for the trouble.",
    "I have reproduced the issue on our test system.",
    "Could you tell me which version you are using and when it last worked?",
    "Our engineers are looking into it and I will keep you posted.",
    "As a workaround, please sign out and back in, which refreshes the settings.",
    "I have checked the logs for your account and found the failing requests.",
    "This is caused by a configuration change we rolled out yesterday.",
    "The fix has been deployed, so please try again and let me know.",
    "I have passed this to our specialist team with all the details.",
    "Could you send a screenshot of the error, if you can catch it?",
    "We have applied a change to your account which should resolve this.",
    "Please let us know if you still see the problem after that.",
)
NOTE_SENTENCES = (
    "Checked monitoring: error rate on the sync workers spiked at the reported time.",
    "Customer is on a premium plan, keep the response times tight.",
    "Same symptom as last month's incident, likely the same root cause.",
    "Asked engineering in the team channel; waiting for their answer.",
    "Workaround shared; a permanent fix is planned for the next release.",
    "Logs attached to the internal issue, nothing sensitive in them.",
)
TAGS = (
    "billing",
    "bug",
    "feature-request",
    "vip",
    "outage",
    "mobile",
    "login",
    "sync",
    "export",
    "printer",
    "vpn",
    "email",
    "performance",
    "security",
    "onboarding",
    "refund",
    "api",
    "reports",
    "integration",
    "hardware",
    "network",
    "backup",
    "how-to",
    "duplicate",
    "regression",
    "urgent-customer",
    "follow-up",
    "documentation",
    "data-fix",
    "escalated",
)
ORG_PREFIXES = (
    "Northwind",
    "Bluebird",
    "Cedar",
    "Helix",
    "Lumen",
    "Orbit",
    "Summit",
    "Tidewater",
    "Vertex",
    "Willow",
    "Granite",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Kestrel",
    "Lakeside",
    "Meridian",
    "Nimbus",
    "Oakridge",
    "Pinecrest",
)
# Different from the demo's company names, so seeding next to the demo reuses none of them.
ORG_INDUSTRIES = (
    "Freight",
    "Clinics",
    "Labs",
    "Media",
    "Finance",
    "Gear",
    "Resorts",
    "Works",
    "Care",
    "Stores",
)

_WORDS = {s: len(s.split()) for pool in (CUSTOMER_SENTENCES, AGENT_SENTENCES) for s in pool}
_STEPS = {
    n: [step for step in range(1, n) if math.gcd(step, n) == 1]
    for n in (len(CUSTOMER_SENTENCES), len(AGENT_SENTENCES))
}


def subject(rng: random.Random) -> str:
    return f"{rng.choice(PRODUCTS)} {rng.choice(SYMPTOMS)} {rng.choice(CONTEXTS)}"


def fill(rng: random.Random, pool: tuple[str, ...], words: int, target: int) -> list[str]:
    """Distinct sentences from `pool` until about `target` words (`words` already used).

    Walks the pool from a random start with a random step coprime to its size, which
    visits every sentence once at a fraction of the cost of shuffling (400k calls a run).
    """
    size = len(pool)
    start, step = rng.randrange(size), rng.choice(_STEPS[size])
    sentences = []
    for k in range(size):
        if words >= target:
            break
        sentence = pool[(start + k * step) % size]
        sentences.append(sentence)
        words += _WORDS[sentence]
    return sentences


def first_message(rng: random.Random, subject_line: str, reference: str, name: str) -> str:
    """The requester's opening message (40-80 words) with the ticket's reference token."""
    problem = f"{subject_line} and we cannot work around it."
    details = fill(rng, CUSTOMER_SENTENCES, len(problem.split()) + 6, rng.randint(40, 80))
    return (
        f"{rng.choice(GREETINGS)}\n\n{problem} {' '.join(details)}\n\n"
        f"Reference: {reference}\n\n{rng.choice(SIGN_OFFS)}\n{name}"
    )


def customer_reply(rng: random.Random, name: str) -> str:
    lines = [rng.choice(CUSTOMER_FOLLOW_UPS), *fill(rng, CUSTOMER_SENTENCES, 8, 40)]
    return f"{' '.join(lines)}\n\n{rng.choice(SIGN_OFFS)}\n{name}"


def agent_reply(rng: random.Random, customer: str, agent: str) -> str:
    lines = fill(rng, AGENT_SENTENCES, 4, rng.randint(40, 70))
    return f"Hi {customer},\n\n{' '.join(lines)}\n\nBest regards,\n{agent}"


def internal_note(rng: random.Random) -> str:
    return " ".join(rng.sample(NOTE_SENTENCES, 2))
