"""The coverage report: what was seen, archived and missed, by month and section."""
