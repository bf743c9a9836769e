"""The platform services: what keeps the clinic's data safe rather than what the clinic does
with it. The house plan groups ``services`` by domain (patients, calendar, care, billing and
loyalty, insight, messaging, importing, platform); ``platform`` holds the backups now
(taking, verifying, rotating and restoring them) and will hold the other platform services
(encryption at rest, sessions) when they come."""
