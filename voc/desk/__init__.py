"""The complaint procedure (R1-R11): intake and lifecycle of cases, SLA clocks and policy, letters and
documents, attachments, root causes, CSV import/export and the admin's operations."""
