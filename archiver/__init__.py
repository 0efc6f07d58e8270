"""archiver: an archival crawler for the ASHARQ AL-AWSAT English Archive 2005-2017."""

__version__ = "0.1.0"
