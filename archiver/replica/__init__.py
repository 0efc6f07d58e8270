"""A deterministic synthetic replica of the ASHARQ AL-AWSAT English Archive, for tests and
benchmarks: ``build_site`` generates it, ``ReplicaServer`` serves it on loopback, and
``Site.truth()`` gives the records a rules-following parser must extract from it."""

from __future__ import annotations

from archiver.replica.generator import DEFAULT_ARTICLES, DEFAULT_SEED, build_site
from archiver.replica.profile import Profile
from archiver.replica.router import Response, Router
from archiver.replica.server import Fault, ReplicaServer
from archiver.replica.site import Listing, Site
from archiver.replica.truth import TRUTH_KEYS, absolutize

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
