"""Saved segments and campaigns with their members

A manager's segment is kept as its rules, re-evaluated when opened; a campaign copies the
rules it ran with and lists every patient it chose, acted on or held out, with what it made
for each (a callback task, a queued message, a coupon), so its result can be read later.

Revision ID: 20261206_14
Revises: 20261205_13
Create Date: 2026-12-06 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261206_14"
down_revision = "20261205_13"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("rules_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"],
                                name=op.f("fk_saved_segment_created_by_staff")),
        sa.ForeignKeyConstraint(["updated_by"], ["staff.id"],
                                name=op.f("fk_saved_segment_updated_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_segment")),
        sa.UniqueConstraint("name", name=op.f("uq_saved_segment_name")),
    )
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("rules_json", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.Column("holdout_percent", sa.Integer(), nullable=False),
        sa.Column("result_days", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"],
                                name=op.f("fk_campaign_created_by_staff")),
        sa.ForeignKeyConstraint(["segment_id"], ["saved_segment.id"],
                                name=op.f("fk_campaign_segment_id_saved_segment"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    op.create_table(
        "campaign_member",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("held_out", sa.Boolean(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("coupon_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_campaign_member_campaign_id_campaign"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"],
                                name=op.f("fk_campaign_member_patient_id_patient"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["task_id"], ["care_task.id"],
                                name=op.f("fk_campaign_member_task_id_care_task"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox_message.id"],
                                name=op.f("fk_campaign_member_outbox_id_outbox_message"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupon.id"],
                                name=op.f("fk_campaign_member_coupon_id_coupon"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("campaign_id", "patient_id", name=op.f("pk_campaign_member")),
    )
    op.create_index("ix_campaign_member_patient", "campaign_member", ["patient_id"])


def downgrade() -> None:
    op.drop_index("ix_campaign_member_patient", table_name="campaign_member")
    op.drop_table("campaign_member")
    op.drop_table("campaign")
    op.drop_table("saved_segment")
