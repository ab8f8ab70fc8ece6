"""What the demo help desk talks about: the people, the customers and the ticket stories.

The demo company is a small managed-service provider: its Support team looks after the
software it sells, Billing handles invoices and plans, IT runs its customers' devices and
networks. Texts use `{placeholders}` filled per ticket (see `stories.story_words`).
"""

from dataclasses import dataclass

from frontdesk.accounts.choices import Role
from frontdesk.customers.models import Tier
from frontdesk.tickets.choices import TicketType

DEMO_DOMAIN = "demo.frontdesk.test"


@dataclass(frozen=True)
class StaffMember:
    key: str  # also the local part of the email address
    name: str
    role: str
    teams: tuple[str, ...]


STAFF = (
    StaffMember("admin", "Dana Whitfield", Role.ADMIN, ()),
    StaffMember("supervisor", "Sofia Marquez", Role.SUPERVISOR, ("support", "billing", "it")),
    StaffMember("maya", "Maya Chen", Role.AGENT, ("support",)),
    StaffMember("liam", "Liam Walsh", Role.AGENT, ("support",)),
    StaffMember("noah", "Noah Fischer", Role.AGENT, ("support", "it")),
    StaffMember("hannah", "Hannah Berg", Role.LIGHT_AGENT, ("support",)),
    StaffMember("emma", "Emma Rossi", Role.AGENT, ("billing",)),
    StaffMember("omar", "Omar Haddad", Role.AGENT, ("billing",)),
    StaffMember("priya", "Priya Nair", Role.AGENT, ("it",)),
    StaffMember("lucas", "Lucas Silva", Role.AGENT, ("it",)),
)
TEAMS = {"support": "Support", "billing": "Billing", "it": "IT"}

CUSTOMER_KEY = "customer"
CUSTOMER_NAME = "Jamie Rivera"


@dataclass(frozen=True)
class Company:
    name: str
    domain: str
    tier: str
    contacts: int  # how many contacts, the demo customer included for the first one
    shares_tickets: bool = False


COMPANIES = (
    Company("Northwind Traders", "northwind.example", Tier.ENTERPRISE, 8, shares_tickets=True),
    Company(
        "Bluebird Logistics", "bluebird-logistics.example", Tier.PREMIUM, 6, shares_tickets=True
    ),
    Company("Cedar & Pine Dental", "cedarpine-dental.example", Tier.STANDARD, 4),
    Company("Helix Biotech", "helixbio.example", Tier.ENTERPRISE, 7),
    Company("Lumen Studios", "lumenstudios.example", Tier.STANDARD, 3),
    Company("Orbit Payments", "orbitpay.example", Tier.PREMIUM, 6, shares_tickets=True),
    Company("Summit Outdoor Co.", "summit-outdoor.example", Tier.STANDARD, 4),
    Company("Tidewater Hotels", "tidewater-hotels.example", Tier.PREMIUM, 5),
    Company("Vertex Engineering", "vertex-eng.example", Tier.STANDARD, 4, shares_tickets=True),
    Company("Willow Health", "willowhealth.example", Tier.ENTERPRISE, 3),
)

FIRST_NAMES = (
    "Aisha",
    "Ben",
    "Carla",
    "Daniel",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Keiko",
    "Leo",
    "Mira",
    "Nils",
    "Olivia",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Yara",
    "Zoe",
    "Amir",
    "Bianca",
    "Chloe",
    "Diego",
    "Erik",
)
LAST_NAMES = (
    "Adler",
    "Brooks",
    "Costa",
    "Dubois",
    "Evans",
    "Fontaine",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Patel",
    "Quist",
    "Romero",
    "Sato",
    "Turner",
    "Usman",
    "Varga",
    "Weber",
    "Young",
    "Zimmer",
)

CATEGORIES = ("Hardware", "Software", "Network", "Accounts & access", "Billing", "How-to")
PRODUCTS = (
    "Web app",
    "Mobile app",
    "POS terminal",
    "Cloud backup",
    "Managed email",
    "Office network",
    "Laptops & devices",
)
WAITING_ON_VENDOR = "Waiting on vendor"
ADDRESSES = (
    "14 Harbour Street, Bristol BS1 4RN",
    "Friedrichstrasse 120, 10117 Berlin",
    "22 Rue des Lilas, 69003 Lyon",
    "Keizersgracht 301, 1016 ED Amsterdam",
    "Unit 5, Riverside Park, Leeds LS11 5DN",
)


@dataclass(frozen=True)
class Scenario:
    """One kind of ticket, told from the first message to the fix."""

    team: str
    type: str
    category: str
    subject: str
    opening: str  # the requester's first message
    question: str  # the agent's first reply, usually asking for details
    details: str  # the requester's answer
    note: str  # what the agent found, for colleagues only
    solution: str  # the reply that solves the ticket
    tags: tuple[str, ...]
    products: tuple[str, ...]
    staff_only: bool = False  # raised by an agent in the workspace, never by the customer


SUPPORT = (
    Scenario(
        team="support",
        type=TicketType.INCIDENT,
        category="software",
        subject="Mobile app crashes when opening the order list",
        opening=(
            "Since this morning the mobile app closes as soon as I open the order list. It happens"
            " on two of our phones (both Android) and reinstalling did not help. We rely on it for"
            " deliveries, so this is quite urgent."
        ),
        question=(
            "Sorry about the trouble. Could you tell me which app version is installed (Settings >"
            " About) and roughly how many orders are in the list?"
        ),
        details=(
            "Version 4.12.0 on both phones. There are about 1,400 open orders. It always happens "
            "right after the list starts loading."
        ),
        note=(
            "Reproduced with a test account holding 1,200+ orders: the list view runs out of "
            "memory on Android. Known issue in 4.12.0, fixed in 4.12.1 which is rolling out today."
        ),
        solution=(
            "Thanks for the details. Version 4.12.0 had a memory problem with long order lists. "
            "Version 4.12.1 is now in the Play Store and fixes it; please update both phones."
        ),
        tags=("mobile", "crash", "android"),
        products=("Mobile app",),
    ),
    Scenario(
        team="support",
        type=TicketType.QUESTION,
        category="how-to",
        subject="How do I export our customer list to CSV?",
        opening=(
            "We'd like to import our customer list into our newsletter tool. Is there a way to "
            "export all customers with their email addresses to a CSV file?"
        ),
        question=(
            "Yes: open Customers, filter if you like, then choose Export > CSV at the top right. "
            "Do you see that button? It is only shown to users with the 'Export data' permission."
        ),
        details="I can't see the Export button. I'm not an admin on our account, could that be it?",
        note=(
            "Their role lacks the export permission and the account owner is the only admin. "
            "Suggested asking the owner to grant it."
        ),
        solution=(
            "That's it: exports need the 'Export data' permission. Your account owner can grant it"
            " under Settings > Team > Roles, or run the export for you."
        ),
        tags=("export", "how-to"),
        products=("Web app",),
    ),
    Scenario(
        team="support",
        type=TicketType.INCIDENT,
        category="software",
        subject="POS terminal not syncing sales to the web app",
        opening=(
            "Sales from till 2 have not appeared in the web app since yesterday afternoon. Till 1 "
            "is fine. The terminal shows 'Queued: 57' on its sync screen."
        ),
        question=(
            "Thanks for the report. Could you check that the terminal shows 'Online' under "
            "Settings > Network, and send me the serial number printed under the device?"
        ),
        details="It says Online. The serial number is {serial}, and the queue is now at 63.",
        note=(
            "Terminal {serial} is rejected by the sync API: its device certificate expired "
            "yesterday. Renewed it from the admin console; the queue should drain in minutes."
        ),
        solution=(
            "The terminal's security certificate had expired, which blocked the upload. I renewed "
            "it remotely and all queued sales have synced now. No data was lost."
        ),
        tags=("pos", "sync"),
        products=("POS terminal",),
    ),
    Scenario(
        team="support",
        type=TicketType.PROBLEM,
        category="software",
        subject="Booking portal returns 502 errors several times a day",
        opening=(
            "Our customers keep telling us that the booking portal shows a '502 Bad Gateway' page."
            " It comes and goes, usually for a minute or two, several times a day."
        ),
        question=(
            "We're looking into it. Could you send the approximate times you or your customers saw"
            " the error today? That lets us match them with our server logs."
        ),
        details="Today around 09:10, 11:45 and 14:20. Yesterday at least once around 16:00.",
        note=(
            "Times match the cache rebuild on web-3: the node drops out of the pool while it "
            "rebuilds. Engineering issue opened; workaround is to stagger the rebuilds."
        ),
        solution=(
            "We found the cause: one web server stopped answering while rebuilding its cache. The "
            "rebuilds are now staggered and no errors have been logged since."
        ),
        tags=("portal", "outage", "502"),
        products=("Web app",),
    ),
    Scenario(
        team="support",
        type=TicketType.SERVICE_REQUEST,
        category="accounts-access",
        subject="New user account for {person}",
        opening=(
            "Could you please create a login for our new receptionist, {person}, starting Monday? "
            "Same permissions as the rest of the front desk staff."
        ),
        question=(
            "Happy to help. Please confirm the email address {person} should sign in with, and "
            "whether they need access to reports."
        ),
        details="The address is {person_email}. No reports, just bookings and the customer list.",
        note="Created the user with the 'Front desk' role and sent the invitation. Seats: 3 of 5.",
        solution=(
            "Done: {person} has been invited and will receive an email to set a password. They "
            "have the Front desk role (bookings and customers, no reports)."
        ),
        tags=("user-admin",),
        products=("Web app",),
    ),
    Scenario(
        team="support",
        type=TicketType.QUESTION,
        category="how-to",
        subject="Can booking confirmations be sent in French?",
        opening=(
            "Part of our clientele is French-speaking. Is it possible to send booking "
            "confirmations in French instead of English?"
        ),
        question=(
            "Yes, confirmations can go out in several languages. Would you like all emails in "
            "French, or a language per customer?"
        ),
        details="Per customer would be ideal, we have both.",
        note=(
            "Per-customer language needs the Multilingual add-on, included from Premium up. "
            "Customer is on {tier}."
        ),
        solution=(
            "Open a customer and set 'Preferred language'; confirmations will follow it. The "
            "French templates are ready under Settings > Emails > Templates."
        ),
        tags=("emails", "localisation"),
        products=("Web app",),
    ),
    Scenario(
        team="support",
        type=TicketType.INCIDENT,
        category="accounts-access",
        subject="Password reset email never arrives",
        opening=(
            "I tried to reset my password three times but the email never arrives. I checked the "
            "spam folder too."
        ),
        question=(
            "Sorry about that. Which address are you using? Could your IT check that mail from our"
            " domain is not blocked?"
        ),
        details="My work address, the one I'm writing from. Our IT says nothing was blocked.",
        note=(
            "Mail log: hard bounces for this address since {month}, so it landed on our "
            "suppression list after a mailbox-full bounce. Removed it from the list."
        ),
        solution=(
            "Our mail system had stopped sending to your address after an old delivery error. I "
            "cleared that, so please try the reset once more."
        ),
        tags=("login", "email-delivery"),
        products=("Web app", "Mobile app"),
    ),
    Scenario(
        team="support",
        type=TicketType.QUESTION,
        category="software",
        subject="Is there an API to update stock levels?",
        opening=(
            "Our warehouse software should push stock levels into the web app every hour. Is there"
            " an API for that, and is it included in our plan?"
        ),
        question=(
            "There is a bulk stock endpoint that takes up to 500 products per call. How many "
            "products do you have, roughly?"
        ),
        details="About 3,000 products. I think we are on the {tier} plan.",
        note="API access is in every plan; six bulk calls per sync is far below the rate limit.",
        solution=(
            "API access is included in your plan, and six bulk calls per hourly sync stay well "
            "within the limits. Create an API key under Settings > Integrations."
        ),
        tags=("api", "integration"),
        products=("Web app",),
    ),
    Scenario(
        team="support",
        type=TicketType.INCIDENT,
        category="software",
        subject="Yesterday's sales appear twice in the daily report",
        opening=(
            "The daily sales report for yesterday shows every transaction twice, so the total is "
            "doubled. The till itself shows the correct amount."
        ),
        question=(
            "Thanks for spotting this. Is it only yesterday, and did anything change on your side "
            "(new terminal, a restore, a restart)?"
        ),
        details=(
            "Only yesterday as far as I can see. We restarted the till after a power cut at noon."
        ),
        note=(
            "The restart re-sent the afternoon batch with a new batch id. Ran the dedup script for"
            " the store and day: 212 duplicates removed."
        ),
        solution=(
            "The power cut made the till send the afternoon's sales a second time. I removed the "
            "duplicates and the report now matches the till."
        ),
        tags=("reports", "duplicates"),
        products=("POS terminal", "Web app"),
    ),
    Scenario(
        team="support",
        type=TicketType.TASK,
        category="software",
        subject="Migrate {org} to the new reporting module",
        opening=(
            "Agreed with {first} on the call: move the account to the new reporting module before "
            "the end of the month and carry over the three saved report layouts."
        ),
        question=(
            "As discussed, we'll switch your account to the new reporting module. Is next Tuesday "
            "evening a good time? Reports will be unavailable for about 15 minutes."
        ),
        details="Tuesday evening works for us.",
        note=(
            "Ran the migration on staging first: 3 layouts converted, one custom column needs a "
            "manual mapping."
        ),
        solution=(
            "The migration is done: your three saved layouts are in the new reporting module and "
            "the custom 'Net margin' column has been mapped."
        ),
        tags=("migration", "reports"),
        products=("Web app",),
        staff_only=True,
    ),
)

BILLING = (
    Scenario(
        team="billing",
        type=TicketType.INCIDENT,
        category="billing",
        subject="Invoice {invoice} charged twice",
        opening=(
            "We were charged twice for invoice {invoice} ({amount}). Both payments are on our card"
            " statement on the same day. Please refund one of them."
        ),
        question=(
            "I'm sorry about that. Could you send the last four digits of the card and the dates "
            "of both charges as they appear on the statement?"
        ),
        details="Card ending {card4}, both charges dated {date}.",
        note=(
            "The payment provider retried after a timeout and both captures went through. Refunded"
            " the second capture."
        ),
        solution=(
            "The payment was captured twice after a timeout at our payment provider. I refunded "
            "the duplicate {amount}; expect it on your statement within 5 to 10 business days."
        ),
        tags=("refund", "double-charge"),
        products=("Web app",),
    ),
    Scenario(
        team="billing",
        type=TicketType.SERVICE_REQUEST,
        category="billing",
        subject="Please update our billing address",
        opening=(
            "We have moved offices. Could you update the billing address on our account to "
            "{address}? Future invoices should use the new address."
        ),
        question=(
            "Of course. Should the address also change on this month's invoice, or only on future "
            "ones?"
        ),
        details="Future ones are fine, thanks.",
        note="Address updated in the billing system; VAT region unchanged.",
        solution="Done: your billing address is now {address}, and future invoices will use it.",
        tags=("account-details",),
        products=("Web app", "Cloud backup"),
    ),
    Scenario(
        team="billing",
        type=TicketType.QUESTION,
        category="billing",
        subject="VAT number missing on invoice {invoice}",
        opening=(
            "Our accountant noticed that our VAT number is not printed on invoice {invoice}. We "
            "need it to reclaim VAT. Can you reissue the invoice?"
        ),
        question=(
            "Sorry about that. Please send the VAT number you need on the invoice and I'll check "
            "why it was left off."
        ),
        details="Our VAT number is {vat}.",
        note=(
            "The VAT number had been entered in the notes instead of the tax id field. Moved it "
            "and reissued the invoice under the same number."
        ),
        solution=(
            "I added your VAT number to the account and reissued invoice {invoice}; the corrected "
            "PDF is under Billing > Invoices. Future invoices will include it."
        ),
        tags=("invoice", "vat"),
        products=("Web app", "Managed email"),
    ),
    Scenario(
        team="billing",
        type=TicketType.SERVICE_REQUEST,
        category="billing",
        subject="Switch to annual billing",
        opening=(
            "We'd like to switch from monthly to annual billing to get the discount. Can this be "
            "done from the next renewal?"
        ),
        question=(
            "Certainly, annual billing saves 15%. Shall I switch you from the next renewal, with "
            "the unused days credited?"
        ),
        details="Yes, please go ahead from the next renewal.",
        note="Plan term changed to annual from the next renewal; proration credit applied.",
        solution=(
            "All set: you'll be billed annually from your next renewal, with the 15% discount."
        ),
        tags=("plan-change",),
        products=("Web app", "Cloud backup", "Managed email"),
    ),
    Scenario(
        team="billing",
        type=TicketType.INCIDENT,
        category="billing",
        subject="Card payment declined although the card is valid",
        opening=(
            "Our renewal payment failed with 'card declined', but the card works everywhere else "
            "and has enough funds. Our account now shows a warning."
        ),
        question=(
            "Sorry for the trouble. Banks sometimes block recurring payments from abroad. Could "
            "you re-enter the card under Billing > Payment method? That triggers a 3-D Secure "
            "check."
        ),
        details=(
            "I re-entered the card and confirmed in our banking app. The warning is still there."
        ),
        note="New payment method verified; retried the failed renewal by hand and it was captured.",
        solution=(
            "The card is verified now and I retried the renewal payment, which went through. The "
            "warning will disappear within the hour."
        ),
        tags=("payment", "renewal"),
        products=("Web app",),
    ),
    Scenario(
        team="billing",
        type=TicketType.QUESTION,
        category="billing",
        subject="Refund for unused seats",
        opening=(
            "Two of our staff left in {month} and we removed their seats. Will we get a refund for"
            " the rest of the billing period?"
        ),
        question=(
            "Removed seats are credited for the remaining days. When were they removed, so I can "
            "check the credit?"
        ),
        details="We removed them on {date}.",
        note=(
            "Credit of {amount} already on the next invoice. Policy: credits, not cash refunds, "
            "unless the account closes."
        ),
        solution=(
            "A credit of {amount} for the two seats is already on your account and will be "
            "deducted from your next invoice. Nothing to do on your side."
        ),
        tags=("seats", "credit"),
        products=("Web app", "Managed email"),
    ),
    Scenario(
        team="billing",
        type=TicketType.TASK,
        category="billing",
        subject="Service credit for {org} after the {month} outage",
        opening=(
            "Per the service credit policy, {org} is due a credit for the outage on {date}. "
            "Prepare a credit note for 10% of the monthly fee."
        ),
        question=(
            "As promised on the phone, we're issuing a service credit for the outage on {date}. "
            "You'll see it on your next invoice."
        ),
        details="Thank you, much appreciated.",
        note="Credit note CN-{n} created for {amount} and approved.",
        solution=(
            "The credit note for {amount} has been issued and will be deducted from your next "
            "invoice. Thanks again for your patience."
        ),
        tags=("credit-note", "outage"),
        products=("Web app",),
        staff_only=True,
    ),
)

IT = (
    Scenario(
        team="it",
        type=TicketType.INCIDENT,
        category="network",
        subject="VPN disconnects every few minutes",
        opening=(
            "Since yesterday my VPN connection drops every 5 to 10 minutes when I work from home. "
            "Colleagues at the office are fine."
        ),
        question=(
            "Thanks. Which VPN client version do you have, and does it also happen on another "
            "network, for example your phone's hotspot?"
        ),
        details="Client version 5.1. On my phone's hotspot it stays connected!",
        note=(
            "The home router drops idle UDP sessions after 60 s. Pushed a 20 s keepalive to the "
            "user's VPN profile."
        ),
        solution=(
            "Your home router closed the VPN connection whenever it was idle for a moment. Your "
            "VPN profile now sends a small keep-alive; reconnect once to pick it up."
        ),
        tags=("vpn", "remote-work"),
        products=("Office network",),
    ),
    Scenario(
        team="it",
        type=TicketType.SERVICE_REQUEST,
        category="hardware",
        subject="New laptop for {person} starting Monday",
        opening=(
            "{person} joins our accounts team on Monday. Could you prepare a laptop with the usual"
            " software and an email account?"
        ),
        question=(
            "Welcome to {person}! The standard image only, or also the accounting software? And "
            "the usual firstname.lastname address?"
        ),
        details="Standard image plus the accounting software, and yes, the usual address.",
        note="Laptop {asset} imaged; accounting licence assigned (4 of 5 used). Mailbox created.",
        solution=(
            "Everything is ready for Monday: laptop {asset} with the standard image and the "
            "accounting software, and the mailbox {person_email}."
        ),
        tags=("onboarding", "laptop"),
        products=("Laptops & devices", "Managed email"),
    ),
    Scenario(
        team="it",
        type=TicketType.INCIDENT,
        category="hardware",
        subject="Printer on the second floor shows offline",
        opening=(
            "The printer on the 2nd floor shows as offline on all our PCs. It has power and the "
            "display looks normal."
        ),
        question=(
            "Could you print a configuration page from the printer menu (Reports > Configuration) "
            "and tell me the IP address on it?"
        ),
        details="The page says IP {ip}.",
        note=(
            "The printer took a new DHCP lease after the switch replacement and the print queue "
            "still points at the old address. Reserved the address and updated the queue."
        ),
        solution=(
            "The printer got a new network address after last week's switch replacement. I fixed "
            "its address and updated the print queue; it prints from all PCs again."
        ),
        tags=("printer",),
        products=("Laptops & devices", "Office network"),
    ),
    Scenario(
        team="it",
        type=TicketType.SERVICE_REQUEST,
        category="accounts-access",
        subject="Shared mailbox for the accounts team",
        opening=(
            "Could you set up a shared mailbox accounts@ for our accounts team (three people)? "
            "They should all be able to send as that address."
        ),
        question=(
            "Sure. Please confirm the three people who need access, and whether sent replies "
            "should also be kept in their own Sent folder."
        ),
        details="{person}, {first} and our finance manager. A copy in Sent is fine.",
        note="Shared mailbox created, send-as granted to 3 users, sent-items copy enabled.",
        solution=(
            "The shared mailbox accounts@ is ready and will appear in Outlook for all three within"
            " the hour. Pick it in the From field to send as accounts@."
        ),
        tags=("email", "mailbox"),
        products=("Managed email",),
    ),
    Scenario(
        team="it",
        type=TicketType.INCIDENT,
        category="network",
        subject="Wi-Fi is very slow in the meeting room",
        opening=(
            "In the large meeting room the Wi-Fi is so slow that video calls keep freezing. "
            "Everywhere else in the office it is fine."
        ),
        question=(
            "Thanks. How many people are usually connected in that room during calls, and is it "
            "slow all day or only at certain times?"
        ),
        details="Up to 12 people, mostly during the Monday and Thursday meetings.",
        note=(
            "The room is served by one old 802.11n access point at the end of the corridor. "
            "Changed its channel for now; sent a quote for an extra access point."
        ),
        solution=(
            "One older access point covers the room and gets overloaded in big meetings. I moved "
            "it to a quieter channel, which already helps, and sent you a quote for a second one."
        ),
        tags=("wifi", "network"),
        products=("Office network",),
    ),
    Scenario(
        team="it",
        type=TicketType.PROBLEM,
        category="software",
        subject="Nightly backups failing since the update",
        opening=(
            "Our backup report shows the nightly backup of the file server failing for three "
            "nights in a row with 'snapshot timeout'."
        ),
        question=(
            "We're on it. Has anything changed on the file server recently? We're checking the "
            "backup agent logs in the meantime."
        ),
        details="We installed the latest Windows updates last weekend, nothing else.",
        note=(
            "The update changed the VSS writer timeout and backup agent 7.2 cannot cope. Upgraded "
            "to 7.3 here; other customers with the update are likely affected too."
        ),
        solution=(
            "The Windows update made the backup agent time out while taking its snapshot. We "
            "upgraded the agent and last night's backup completed successfully."
        ),
        tags=("backup",),
        products=("Cloud backup",),
    ),
    Scenario(
        team="it",
        type=TicketType.SERVICE_REQUEST,
        category="accounts-access",
        subject="Reset two-factor authentication for {person}",
        opening=(
            "{person} has a new phone and cannot sign in because the authenticator app was on the "
            "old one. Could you reset their two-factor authentication?"
        ),
        question=(
            "For security we need to verify the request. Could you confirm it as the account "
            "administrator?"
        ),
        details="I'm the administrator and I confirm the request.",
        note=(
            "Requester is listed as an admin of the organisation. MFA reset; the user enrols again"
            " at the next sign-in."
        ),
        solution=(
            "Two-factor authentication for {person} has been reset. At the next sign-in they will "
            "set it up again on the new phone."
        ),
        tags=("mfa", "security"),
        products=("Managed email", "Laptops & devices"),
    ),
    Scenario(
        team="it",
        type=TicketType.TASK,
        category="network",
        subject="Renew the TLS certificate for {host}",
        opening=(
            "The certificate for {host} expires in 14 days. Renew it, install it on the load "
            "balancer and tell the customer about the short maintenance."
        ),
        question=(
            "The security certificate of {host} expires soon. We'll renew it on Thursday evening; "
            "the site may be unavailable for a minute or two."
        ),
        details="Thanks for the heads-up, Thursday evening is fine.",
        note="New certificate issued (valid 13 months) and installed; chain verified externally.",
        solution=(
            "The certificate for {host} has been renewed and installed. Nothing to do on your side."
        ),
        tags=("tls", "maintenance"),
        products=("Office network", "Web app"),
        staff_only=True,
    ),
    Scenario(
        team="it",
        type=TicketType.INCIDENT,
        category="software",
        subject="Cannot open PDF attachments in Outlook",
        opening=(
            "Since this morning I can't open PDF attachments in Outlook. It says 'This file cannot"
            " be previewed' and double-clicking does nothing."
        ),
        question=(
            "Is it every PDF or only some senders? And do PDF files saved on your desktop open?"
        ),
        details="Every PDF. The ones on my desktop don't open either.",
        note=(
            "The PDF reader was removed by last night's clean-up policy (wrong target group). "
            "Reinstalled it from the software centre and fixed the policy."
        ),
        solution=(
            "A clean-up task removed the PDF reader from your computer by mistake. I reinstalled "
            "it and corrected the task, so PDFs open again in Outlook and from your desktop."
        ),
        tags=("email", "outlook"),
        products=("Managed email", "Laptops & devices"),
    ),
    Scenario(
        team="it",
        type=TicketType.QUESTION,
        category="network",
        subject="Can we get a guest Wi-Fi network?",
        opening=(
            "We often have visitors who need internet access. Could you set up a guest Wi-Fi that "
            "has no access to our internal network?"
        ),
        question=(
            "Yes, we can add an isolated guest network on your access points. A password that "
            "changes monthly, or a sign-in page?"
        ),
        details="A password that changes monthly is perfect.",
        note=(
            "Guest SSID on VLAN 30, client isolation on, 20 Mbit/s limit, monthly password "
            "rotation scheduled."
        ),
        solution=(
            "The guest network '{org_short}-Guest' is live and isolated from your network. We'll "
            "send reception the new password on the first of each month."
        ),
        tags=("wifi", "guest"),
        products=("Office network",),
    ),
)

SCENARIOS = SUPPORT + BILLING + IT

CHASERS = (
    "Any news on this? It is still happening.",
    "Just checking that you received my message.",
    "A bit more detail: it happened again an hour ago, same as before.",
)
STILL_BROKEN = (
    "Unfortunately it happened again this morning, exactly the same way.",
    "Thanks, but I'm afraid the problem is back.",
    "Sorry to reopen this, but it doesn't seem fixed on our side.",
)
FIXED_AGAIN = (
    "Thanks for letting us know. There was a second cause we had missed; it is fixed now and "
    "we've watched it for a few hours without any problem.",
    "Sorry it came back. We applied a permanent fix this time and checked it with you on the "
    "phone. Let us know if you see anything else.",
)
HOLD_NOTES = (
    "Escalated to the vendor, case {case}. Holding until they answer.",
    "Replacement part ordered, delivery in 3 to 5 days. On hold until it arrives.",
    "Engineering is working on a fix (issue {case}); holding until it ships.",
)
HOLD_REPLY = (
    "We've passed this to our specialists and are waiting on their answer. We'll update you "
    "as soon as we hear back; there is nothing you need to do in the meantime."
)
EXTRA_NOTES = (
    "Customer is on the {tier} plan; keep them posted proactively.",
    "Checked the monitoring: nothing unusual on our side at the reported times.",
    "Similar report from another customer last week, see tag {tag}.",
)
FOLLOW_UPS = (
    "Hi again, the problem from my earlier ticket has come back since yesterday.",
    "Following up on my previous ticket: we are seeing the same thing again.",
)
