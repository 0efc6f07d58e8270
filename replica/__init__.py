"""A deterministic synthetic replica of the ASHARQ AL-AWSAT English Archive, for tests and
benchmarks: ``build_site`` generates it, ``ReplicaServer`` serves it on loopback, and
``Site.truth()`` gives the records a rules-following parser must extract from it."""

from __future__ import annotations

from replica.generator import DEFAULT_ARTICLES, DEFAULT_SEED, build_site
from replica.profile import Profile
from replica.router import Response, Router
from replica.server import Fault, ReplicaServer
from replica.site import Listing, Site
from replica.truth import TRUTH_KEYS, absolutize

__all__ = [
    "DEFAULT_ARTICLES",
    "DEFAULT_SEED",
    "TRUTH_KEYS",
    "Fault",
    "Listing",
    "Profile",
    "ReplicaServer",
    "Response",
    "Router",
    "Site",
    "absolutize",
    "build_site",
]
