"""merge stage: reports of one incident, from one or many articles, become one Event with all its sources."""

from conflictlog.merge.dedupe import (
    Cluster,
    MergeDecision,
    build_event,
    build_events,
    cluster_events,
    cluster_mentions,
    plan_clusters,
    plan_region,
)

__all__ = [
    "Cluster",
    "MergeDecision",
    "build_event",
    "build_events",
    "cluster_events",
    "cluster_mentions",
    "plan_clusters",
    "plan_region",
]
