"""Posting notifications to work chat channels 工作群通知 (WeCom and DingTalk group robots).

``notifications_created`` is the core's notification listener (declared in ``MessagingConfig``): after
``aftersales.notifications.notify`` puts messages in the inboxes, every active channel that takes the message's
kind and whose scope holds one of the recipients (a store's staff, a region's managers and stores' staff, a role's
members; no scope: everyone) gets one ``ChatDelivery``, rendered once in Chinese without a greeting, since a group
reads it. The same text reaches a channel once (the digest two store staff both receive is posted once).

Delivery runs in ``chat_delivery_task`` after commit: each try is a ``ChatDeliveryAttempt``. A connection error
(refused, reset, timed out) is retried with backoff up to ``AFTERSALES_CHAT_RETRIES`` times; an answer that is not
a success (an HTTP error, or the robot's ``errcode`` other than 0: a bad token, a bad signature, a rate limit) is
not retried. A delivery that finally fails counts against its channel; after
``AFTERSALES_CHAT_MAX_FAILURES`` failed deliveries in a row the channel is switched off and the superusers are
told in their inbox, so it is not retried forever (the admin shows why, and switching it on again resets the count).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from aftersales.notifications import absolute_url, notify, render_message
from messaging.choices import DeliveryState, Platform
from messaging.models import ChatChannel, ChatDelivery, ChatDeliveryAttempt

DISABLED_KIND = "chat_channel_disabled"
TIMEOUT_SECONDS = 10


class TransientChatError(Exception):
    """A connection error worth another try (refused, reset, timed out): never a robot's refusal."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None = None
    response: str = ""
    error: str = ""


# --- Who a channel is for -------------------------------------------------------------------------------------


def _recipient_scopes(users: list) -> tuple[set[int], set[int], set[str]]:
    """(store ids, region ids, role names) the recipients belong to: staff of stores (and those stores' regions),
    managers of regions, holders of roles. Three queries."""
    from stores.models import RegionMembership, Store, StoreMembership

    ids = [user.pk for user in users]
    store_ids = set(StoreMembership.objects.filter(user_id__in=ids).values_list("store_id", flat=True))
    region_ids = set(RegionMembership.objects.filter(user_id__in=ids).values_list("region_id", flat=True))
    region_ids |= set(Store.objects.filter(pk__in=store_ids).values_list("region_id", flat=True))
    roles = set(get_user_model().objects.filter(pk__in=ids).values_list("groups__name", flat=True)) - {None}
    return store_ids, region_ids, roles


def channels_for(*, kind: str, users: list) -> list[ChatChannel]:
    """Active channels taking ``kind`` whose scope holds one of ``users``."""
    candidates = [channel for channel in ChatChannel.objects.filter(active=True) if kind in (channel.kinds or [])]
    if not candidates:
        return []
    store_ids, region_ids, roles = _recipient_scopes(users)
    return [
        channel
        for channel in candidates
        if (channel.store_id and channel.store_id in store_ids)
        or (channel.region_id and channel.region_id in region_ids)
        or (channel.role and channel.role in roles)
        or not (channel.store_id or channel.region_id or channel.role)
    ]


# --- The listener ---------------------------------------------------------------------------------------------


def notifications_created(
    *, kind: str, template: str, context: dict[str, Any], url: str, recipients: Iterable, **_ignored
) -> list[ChatDelivery]:
    """Queue the message for every channel it belongs to (see the module); called inside ``notify``'s transaction."""
    users = [user for user in recipients if getattr(user, "pk", None)]
    if not users:
        return []
    channels = channels_for(kind=kind, users=users)
    if not channels:
        return []
    title, text, _html = render_message(
        template,
        {**context, "recipient": None, "link": absolute_url(url), "site_url": settings.AFTERSALES_SITE_URL},
        language=settings.LANGUAGE_CODE,
    )
    digest = hashlib.sha256(f"{kind}\n{title}\n{text}".encode()).hexdigest()
    created = []
    for channel in channels:
        try:
            with transaction.atomic():
                delivery = ChatDelivery.objects.create(
                    channel=channel, kind=kind, digest=digest, title=title[:200], text=text
                )
        except IntegrityError:
            continue  # already posted (or queued) to this channel
        created.append(delivery)
        transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk))
    return created


def _enqueue(delivery_id: int) -> None:
    from messaging.tasks import chat_delivery_task

    chat_delivery_task.delay(delivery_id)


# --- The robots' formats --------------------------------------------------------------------------------------


def payload_for(delivery: ChatDelivery) -> dict:
    """The robot's incoming-webhook JSON: a markdown message (WeCom: ``markdown.content``; DingTalk:
    ``markdown.title`` and ``markdown.text``)."""
    body = f"### {delivery.title}\n\n{delivery.text}"
    if delivery.channel.platform == Platform.WECOM:
        # WeCom caps a markdown message at 4096 bytes.
        return {"msgtype": "markdown", "markdown": {"content": _clip(body, 4000)}}
    return {"msgtype": "markdown", "markdown": {"title": delivery.title, "text": _clip(body, 18000)}}


def _clip(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature (加签): base64 of HMAC-SHA256, keyed by the secret, of "timestamp\\nsecret"."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(channel: ChatChannel, *, now_ms: int | None = None) -> str:
    """The address to post to: DingTalk's signed robots take ``timestamp`` (ms) and ``sign`` as query parameters."""
    if channel.platform != Platform.DINGTALK or not channel.secret:
        return channel.webhook_url
    timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
    sign = urllib.parse.quote_plus(dingtalk_sign(channel.secret, timestamp))
    separator = "&" if "?" in channel.webhook_url else "?"
    return f"{channel.webhook_url}{separator}timestamp={timestamp}&sign={sign}"


def post(channel: ChatChannel, payload: dict) -> Outcome:
    """POST the payload; a success is HTTP 2xx with ``errcode`` 0. Raises ``TransientChatError`` on connection
    errors only."""
    request = urllib.request.Request(
        signed_url(channel),
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 (admin-set URL)
            status, raw = answer.status, answer.read(4096)
    except urllib.error.HTTPError as error:
        return Outcome(False, error.code, error.read(2000).decode(errors="replace"), f"HTTP {error.code}")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        raise TransientChatError(str(getattr(error, "reason", error))) from error
    text = raw.decode(errors="replace")
    try:
        answer_json = json.loads(text)
    except ValueError:
        return Outcome(False, status, text[:2000], "The robot's answer is not JSON.")
    errcode = answer_json.get("errcode", 0) if isinstance(answer_json, dict) else None
    if errcode != 0:
        message = answer_json.get("errmsg", "") if isinstance(answer_json, dict) else ""
        return Outcome(False, status, text[:2000], f"errcode {errcode}: {message}")
    return Outcome(True, status, text[:2000])


# --- Delivering -----------------------------------------------------------------------------------------------


def chat_delivery_attempt(*, delivery_id: int, final: bool) -> str:
    """Try one delivery now and record the attempt. Answers its state; raises ``TransientChatError`` when a
    connection error should be retried (``final`` False), else settles the delivery as failed."""
    delivery = ChatDelivery.objects.select_related("channel").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return delivery.state if delivery else "gone"
    channel = delivery.channel
    if not channel.active:
        _settle(delivery, ok=False, error="The channel is switched off.", count=False)
        return DeliveryState.FAILED
    try:
        outcome = post(channel, payload_for(delivery))
    except TransientChatError as error:
        _record(delivery, Outcome(False, error=f"Connection error: {error}"))
        if not final:
            raise
        _settle(delivery, ok=False, error=f"Connection error: {error}")
        return DeliveryState.FAILED
    _record(delivery, outcome)
    _settle(delivery, ok=outcome.ok, error=outcome.error)
    return DeliveryState.SENT if outcome.ok else DeliveryState.FAILED


def _record(delivery: ChatDelivery, outcome: Outcome) -> None:
    ChatDeliveryAttempt.objects.create(
        delivery=delivery,
        ok=outcome.ok,
        status_code=outcome.status_code,
        response=outcome.response,
        error=outcome.error,
    )
    ChatDelivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1, last_error=outcome.error)


@transaction.atomic
def _settle(delivery: ChatDelivery, *, ok: bool, error: str = "", count: bool = True) -> None:
    """Close the delivery and keep the channel's count of failures in a row; switch it off at the limit."""
    now = timezone.now()
    channel = ChatChannel.objects.select_for_update().get(pk=delivery.channel_id)
    if ok:
        ChatDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.SENT, sent_at=now, last_error="")
        channel.consecutive_failures = 0
        channel.last_sent_at = now
        channel.save(update_fields=["consecutive_failures", "last_sent_at", "updated_at"])
        return
    ChatDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED, last_error=error)
    if not count:
        return
    channel.consecutive_failures += 1
    channel.last_error = error
    fields = ["consecutive_failures", "last_error", "updated_at"]
    switched_off = channel.active and channel.consecutive_failures >= settings.AFTERSALES_CHAT_MAX_FAILURES
    if switched_off:
        channel.active = False
        channel.disabled_at = now
        fields += ["active", "disabled_at"]
    channel.save(update_fields=fields)
    if switched_off:
        _tell_admins(channel)


def _tell_admins(channel: ChatChannel) -> None:
    """The notice that a channel was switched off: every active superuser's inbox (and e-mail)."""
    from django.urls import reverse

    admins = get_user_model().objects.filter(is_superuser=True, is_active=True).select_related("preference")
    notify(
        recipients=list(admins),
        kind=DISABLED_KIND,
        template="chat_channel_disabled",
        context={"channel": channel, "failures": channel.consecutive_failures, "error": channel.last_error},
        url=reverse("admin:messaging_chatchannel_change", args=[channel.pk]),
        target=channel,
    )


@transaction.atomic
def chatchannel_switch_on(*, channel: ChatChannel) -> ChatChannel:
    """Switch a channel on again (the admin's action): its count of failures starts over."""
    ChatChannel.objects.filter(pk=channel.pk).update(
        active=True, consecutive_failures=0, disabled_at=None, updated_at=timezone.now()
    )
    channel.refresh_from_db()
    return channel


def failing_channels() -> list[ChatChannel]:
    """Channels switched off after failures, or failing now: what the admin's banner names."""
    return list(ChatChannel.objects.filter(Q(disabled_at__isnull=False) | Q(consecutive_failures__gt=0)))


def chatchannel_test(*, channel: ChatChannel, user) -> ChatDelivery:
    """Post a short test message to the channel now (the admin's action); the delivery records what came of it."""
    title = f"测试消息 Test message {timezone.localtime():%Y-%m-%d %H:%M:%S}"
    text = f"{settings.AFTERSALES_COMPANY_NAME}: {channel.name} ({user.get_username()})"
    delivery = ChatDelivery.objects.create(
        channel=channel, kind="test", digest=hashlib.sha256(title.encode()).hexdigest(), title=title, text=text
    )
    # final=True settles a connection error as a failure instead of raising it.
    chat_delivery_attempt(delivery_id=delivery.pk, final=True)
    delivery.refresh_from_db()
    return delivery
