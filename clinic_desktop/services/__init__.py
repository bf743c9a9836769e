"""Use cases. Each public function takes a Context, checks permission, runs one transaction,
writes the audit entry and returns frozen dataclasses."""
