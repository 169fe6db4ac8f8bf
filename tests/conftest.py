"""Shared fixtures: the seed graph, built once into a real on-disk pyoxigraph store."""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.loading import load
from loader.namespaces import DATA_DIR
from loader.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "2024-03-26-channelstv-niger-putin-security-cooperation"


@pytest.fixture(scope="session")
def seed_store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "store"
    kg = KnowledgeGraph(path)
    load([DATA_DIR], kg)
    kg.close()
    return path


@pytest.fixture(scope="session")
def seed(seed_store_path):
    kg = KnowledgeGraph(seed_store_path, read_only=True)
    yield kg
    kg.close()
