"""Factories for the work chat channels 工作群通知 and their deliveries, and the report subscriptions 报表订阅."""

import datetime as dt
import hashlib

import factory

from messaging.choices import DeliveryState, Platform
from messaging.models import ChatChannel, ChatDelivery, ChatDeliveryAttempt, ReportMailing, ReportSubscription
from reports.choices import ReportKind
from tests.factories.reports import ReportRunFactory
from tests.factories.stores import UserFactory


class ChatChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatChannel

    name = factory.Sequence(lambda n: f"售后群 {n}")
    platform = Platform.WECOM
    webhook_url = "http://127.0.0.1:9/cgi-bin/webhook/send?key=test"
    kinds = factory.LazyFunction(lambda: ["turnaround_digest"])


class ChatDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatDelivery

    channel = factory.SubFactory(ChatChannelFactory)
    kind = "turnaround_digest"
    digest = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
    title = "周转预警"
    text = "RT-209901-000001"
    state = DeliveryState.PENDING


class ChatDeliveryAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatDeliveryAttempt

    delivery = factory.SubFactory(ChatDeliveryFactory)
    ok = True
    status_code = 200
    response = '{"errcode":0,"errmsg":"ok"}'


class ReportSubscriptionFactory(factory.django.DjangoModelFactory):
    """A user's own subscription to the scrap report (pass ``user=None, addresses=...`` for an address list)."""

    class Meta:
        model = ReportSubscription

    kind = ReportKind.SCRAP
    user = factory.SubFactory(UserFactory)


class ReportMailingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportMailing

    subscription = factory.SubFactory(ReportSubscriptionFactory)
    run = factory.SubFactory(ReportRunFactory, period=dt.date(2025, 4, 1))
    kind = factory.SelfAttribute("run.kind")
    period = factory.SelfAttribute("run.period")
    address = factory.Sequence(lambda n: f"subscriber{n}@brand.example")
