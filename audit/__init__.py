"""The audit trail: an append-only record of who did what to the staff side, when and from where."""
