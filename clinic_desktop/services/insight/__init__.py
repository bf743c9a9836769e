"""The manager's numbers: the dashboard's figures, the daily reports, patient segments (the
filter builder, RFM, active/dormant) and the campaigns run on them.

Every figure is computed in SQL through SQLAlchemy expressions that run unchanged on SQLite
and PostgreSQL, over local days of the clinic's time zone, money in fen; each definition is
written in the README."""
