"""Alerts: subscriptions stored with the events, a webhook per matching new or changed event, an Atom feed each."""

from conflictlog.alerts.feed import atom_feed
from conflictlog.alerts.outbox import (
    DeliveryReport,
    Dispatcher,
    add_subscription,
    deliver,
    enqueue,
    get_subscription,
    list_subscriptions,
    queued_alerts,
    remove_subscription,
    sign,
    verify,
)
from conflictlog.alerts.subscriptions import Subscription, matches, subscription_from

__all__ = [
    "DeliveryReport", "Dispatcher", "Subscription", "add_subscription", "atom_feed", "deliver", "enqueue",
    "get_subscription", "list_subscriptions", "matches", "queued_alerts", "remove_subscription", "sign",
    "subscription_from", "verify",
]
