"""A real PostgreSQL for the sync tests: one throwaway cluster per test session (per xdist
worker), a fresh database in it per test (tests/helpers/pgcluster.py)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

import pytest

from kiosk.sync.server import ServerConfig
from tests.helpers.enrolling import asking_passwords
from tests.helpers.pgcluster import Cluster
from tests.helpers.pgha import Formation


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's cluster: it asks every login but its superuser for its password, as
    a real hub does (a station's own login, a thief's guess)."""
    cluster = Cluster()
    try:
        yield asking_passwords(cluster)
    finally:
        cluster.close()


@pytest.fixture
def hub_dsn(pg_cluster: Cluster, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database on the session's cluster (no hub schema yet)."""
    digest = hashlib.sha1(f"{request.node.nodeid}{os.getpid()}".encode()).hexdigest()[:16]
    return pg_cluster.create_database(f"hub_{digest}")


@pytest.fixture
def server(hub_dsn: str) -> ServerConfig:
    """A hub with its schema."""
    from kiosk.sync.hub import Hub

    config = ServerConfig(hub_dsn, "test")
    with Hub(config) as h:
        h.init_schema()
    return config


@pytest.fixture(scope="session")
def ha_formation() -> Iterator[Formation]:
    """A pg_auto_failover monitor, a primary and a synchronous standby on loopback, for
    the session (per xdist worker); everything it started is gone after it."""
    formation = Formation()
    with formation:
        yield formation
    assert not formation.left_behind(), "processes of the formation left behind"
