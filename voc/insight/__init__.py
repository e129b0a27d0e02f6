"""Voice-of-Customer analytics: the SQL behind every chart, alerts, SLA reports, the home overview and
the Làm sáng tỏ use cases."""
