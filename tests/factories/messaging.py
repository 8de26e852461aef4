"""Factories for the work chat channels 工作群通知 and their deliveries."""

import hashlib

import factory

from messaging.choices import DeliveryState, Platform
from messaging.models import ChatChannel, ChatDelivery, ChatDeliveryAttempt


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
