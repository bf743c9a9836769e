"""Per-channel consent to messages, recorded as statements with the date and how

Marketing messages (festivals, campaigns, birthday greetings) go only to a patient who agreed
on that channel; service messages (confirmations, reminders, care) need no prior consent but
stop on a refusal of the channel or of everything. Each statement is a row; the latest per
channel counts, so the panel can show when and how it was said.

Revision ID: 20261209_19
Revises: 20261209_17
Create Date: 2026-12-09 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261209_19"
down_revision = "20261209_17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], ondelete="CASCADE",
                                name=op.f("fk_contact_consent_patient_id_patient")),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff.id"],
                                name=op.f("fk_contact_consent_recorded_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_consent")),
    )
    op.create_index("ix_contact_consent_patient", "contact_consent",
                    ["patient_id", "channel", "at"])


def downgrade() -> None:
    op.drop_index("ix_contact_consent_patient", table_name="contact_consent")
    op.drop_table("contact_consent")
