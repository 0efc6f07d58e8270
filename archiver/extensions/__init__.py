"""Scrapy extensions for cron-grade operation: the output lock, the run report, progress."""
