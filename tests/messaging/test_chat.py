"""Work chat channels 工作群通知 (issue 20): notifications also posted to WeCom and DingTalk group robots.

The robots are a local HTTP server (127.0.0.1, a thread) that checks each payload and DingTalk's signature the
way the platforms do, answers as they do, and can be told to fail; nothing leaves the machine.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from aftersales.models import Notification
from aftersales.notifications import notify
from cases.alerts import turnaround_alerts_scan
from cases.choices import ReturnState
from messaging.choices import DeliveryState, Platform
from messaging.models import ChatChannel, ChatDelivery
from messaging.services import dingtalk_sign
from stores.models import Region, Store
from tests.factories.cases import ReturnFactory
from tests.factories.messaging import ChatChannelFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
SECRET = "SEC0123456789abcdef"


class Robot(ThreadingHTTPServer):
    """A group robot: records what it is sent; ``mode`` "ok", "refuse" (errcode 310000) or "error" (HTTP 500)."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RobotHandler)
        self.received: list[dict] = []
        self.mode = "ok"
        self.secret = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/robot/send?access_token=abc"


class RobotHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        robot: Robot = self.server
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        record = {"body": body, "query": query, "content_type": self.headers["Content-Type"], "sign_ok": None}
        if robot.secret:
            # DingTalk: sign = urlencode(base64(HMAC-SHA256(secret, "timestamp\nsecret"))), parse_qs decodes it
            timestamp = query["timestamp"][0]
            expected = base64.b64encode(
                hmac.new(robot.secret.encode(), f"{timestamp}\n{robot.secret}".encode(), hashlib.sha256).digest()
            ).decode()
            record["sign_ok"] = query.get("sign", [""])[0] == expected
        robot.received.append(record)
        if robot.mode == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"server error")
            return
        if robot.mode == "refuse" or record["sign_ok"] is False:
            answer = {"errcode": 310000, "errmsg": "sign not match"}
        else:
            answer = {"errcode": 0, "errmsg": "ok"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def robot():
    server = Robot()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/robot/send"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a piece of work as a committed transaction would: notifications, then the deliveries' tasks."""

    def go(work):
        with django_capture_on_commit_callbacks(execute=True):
            return work()

    return go


def overdue_unit(store_code="S001"):
    due = dt.datetime(2026, 11, 1, 12, tzinfo=SHANGHAI)
    return ReturnFactory(
        store=Store.objects.get(code=store_code),
        state=ReturnState.REPAIRING,
        shipped_at=due - dt.timedelta(days=15),
        due_at=due,
    )


def scan(run):
    return run(lambda: turnaround_alerts_scan(now=dt.datetime(2026, 11, 3, 8, tzinfo=SHANGHAI)))


def test_a_stores_digest_goes_to_its_wecom_group_once(demo, robot, run):
    # Given WeCom robots for S001's group, for S002's group, and one that takes other kinds only
    s001 = ChatChannelFactory(name="S001 售后群", webhook_url=robot.url, store=Store.objects.get(code="S001"))
    ChatChannelFactory(name="S002 售后群", webhook_url=robot.url, store=Store.objects.get(code="S002"))
    ChatChannelFactory(name="召回群", webhook_url=robot.url, kinds=["recall_notice"])
    unit = overdue_unit("S001")
    # When the daily alerts run
    scan(run)
    # Then S001's group got the digest once, as WeCom markdown in Chinese, and nobody else's group did
    assert len(robot.received) == 1
    posted = robot.received[0]
    assert posted["content_type"].startswith("application/json")
    assert posted["body"]["msgtype"] == "markdown"
    content = posted["body"]["markdown"]["content"]
    assert content.startswith("### 周转预警") and unit.number in content
    assert "您好" not in content and "Hello" not in content  # a group, not a person
    delivery = ChatDelivery.objects.get()
    assert (delivery.channel, delivery.state, delivery.attempts) == (s001, DeliveryState.SENT, 1)
    assert list(delivery.attempt_log.values_list("ok", "status_code")) == [(True, 200)]
    s001.refresh_from_db()
    assert s001.last_sent_at is not None and s001.consecutive_failures == 0


def test_region_and_role_channels(demo, robot, run):
    # Given a region channel of R01, a role channel of the technicians, and a unit of S002 (R01)
    region = ChatChannelFactory(webhook_url=robot.url, region=Region.objects.get(code="R01"))
    role = ChatChannelFactory(webhook_url=robot.url, role="technician")
    r02 = ChatChannelFactory(webhook_url=robot.url, region=Region.objects.get(code="R02"))
    unit = overdue_unit("S002")
    scan(run)
    # Then the region's group got S002's digest and the technicians' group the center's, R02's nothing
    by_channel = {delivery.channel_id: delivery for delivery in ChatDelivery.objects.all()}
    assert set(by_channel) == {region.pk, role.pk}
    assert r02.pk not in by_channel
    assert all(unit.number in delivery.text for delivery in by_channel.values())
    assert len(robot.received) == 2


def test_a_dingtalk_robot_gets_a_signed_markdown_message(demo, robot, run):
    # Given a DingTalk robot that signs (加签) with its secret
    robot.secret = SECRET
    channel = ChatChannelFactory(
        platform=Platform.DINGTALK, webhook_url=robot.url, secret=SECRET, store=Store.objects.get(code="S001")
    )
    unit = overdue_unit()
    scan(run)
    # Then the robot verified the timestamp and signature, and the message is DingTalk's markdown
    [posted] = robot.received
    assert posted["sign_ok"] is True
    assert posted["query"]["access_token"] == ["abc"]
    assert abs(int(posted["query"]["timestamp"][0]) / 1000 - dt.datetime.now().timestamp()) < 60
    assert posted["body"]["msgtype"] == "markdown"
    assert posted["body"]["markdown"]["title"].startswith("周转预警")
    assert unit.number in posted["body"]["markdown"]["text"]
    assert ChatDelivery.objects.get(channel=channel).state == DeliveryState.SENT


def test_the_signature_is_dingtalks():
    # DingTalk's documented algorithm, computed independently
    expected = base64.b64encode(hmac.new(b"SECx", b"1700000000000\nSECx", hashlib.sha256).digest()).decode()
    assert dingtalk_sign("SECx", 1700000000000) == expected


def test_a_wrong_secret_is_a_failure_not_retried(demo, robot, run):
    robot.secret = SECRET
    channel = ChatChannelFactory(
        platform=Platform.DINGTALK, webhook_url=robot.url, secret="SECwrong", store=Store.objects.get(code="S001")
    )
    overdue_unit()
    scan(run)
    # Then the robot refused the signature once; the delivery failed with its answer, no second try
    assert [posted["sign_ok"] for posted in robot.received] == [False]
    delivery = ChatDelivery.objects.get(channel=channel)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 1)
    assert delivery.last_error == "errcode 310000: sign not match"
    channel.refresh_from_db()
    assert channel.active and channel.consecutive_failures == 1


@override_settings(AFTERSALES_CHAT_RETRIES=2)
def test_connection_errors_are_retried_then_fail(demo, run, closed_port_url):
    # Given a robot address nothing listens on
    channel = ChatChannelFactory(webhook_url=closed_port_url, store=Store.objects.get(code="S001"))
    overdue_unit()
    scan(run)
    # Then the delivery was tried 1 + 2 times, each attempt recorded, and then failed
    delivery = ChatDelivery.objects.get(channel=channel)
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 3
    assert [attempt.ok for attempt in delivery.attempt_log.all()] == [False, False, False]
    assert all(attempt.error.startswith("Connection error") for attempt in delivery.attempt_log.all())


@override_settings(AFTERSALES_CHAT_MAX_FAILURES=2)
def test_a_channel_that_keeps_failing_is_switched_off_with_a_notice(demo, robot, run, demo_user):
    robot.mode = "error"
    channel = ChatChannelFactory(webhook_url=robot.url, store=Store.objects.get(code="S001"), kinds=["test_kind"])
    store1 = demo_user("store1")

    def message(n):
        return lambda: notify(
            recipients=[store1], kind="test_kind", template="chat_channel_disabled",
            context={"channel": channel, "failures": n, "error": f"message {n}"},
        )  # fmt: skip

    # When two messages in a row fail (HTTP 500: not retried)
    run(message(1))
    channel.refresh_from_db()
    assert channel.active and channel.consecutive_failures == 1
    run(message(2))
    # Then the channel is switched off, says why, and the superusers are told in their inbox
    channel.refresh_from_db()
    assert not channel.active and channel.disabled_at is not None
    assert channel.consecutive_failures == 2 and channel.last_error == "HTTP 500"
    notice = Notification.objects.get(kind="chat_channel_disabled", recipient__username="admin")
    assert channel.name in notice.subject
    # and a later message is not posted to it
    posted = len(robot.received)
    run(message(3))
    assert len(robot.received) == posted == 2
    assert ChatDelivery.objects.filter(channel=channel).count() == 2


def test_the_admin_shows_a_failure_and_is_translated(demo, browser_as, robot):
    channel = ChatChannelFactory(
        name="S001 售后群",
        webhook_url=robot.url,
        active=False,
        consecutive_failures=5,
        last_error="errcode 93000: invalid webhook url",
        disabled_at=dt.datetime(2026, 11, 3, 8, tzinfo=SHANGHAI),
    )
    client = browser_as("admin")
    page = client.get("/admin/messaging/chatchannel/").content.decode()
    assert "工作群通知" in page
    assert "已停用" in page and "errcode 93000: invalid webhook url" in page
    form = client.get(f"/admin/messaging/chatchannel/{channel.pk}/change/").content.decode()
    assert "消息类型" in form and 'value="turnaround_digest"' in form and "签名密钥" in form
    # When it is switched on again, its count of failures starts over
    response = client.post("/admin/messaging/chatchannel/", {"action": "switch_on", "_selected_action": [channel.pk]})
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.active and channel.consecutive_failures == 0 and channel.disabled_at is None


def test_the_admin_sends_a_test_message(demo, browser_as, robot):
    channel = ChatChannelFactory(webhook_url=robot.url)
    response = browser_as("admin").post(
        "/admin/messaging/chatchannel/", {"action": "send_test_message", "_selected_action": [channel.pk]}
    )
    assert response.status_code == 302
    assert len(robot.received) == 1 and "测试消息" in robot.received[0]["body"]["markdown"]["content"]
    assert ChatChannel.objects.get(pk=channel.pk).last_sent_at is not None


def test_a_worker_leaves_a_connection_error_to_a_later_retry(demo, closed_port_url, monkeypatch):
    # Given a delivery to an address nothing listens on, run by a worker (not eagerly)
    from celery.exceptions import Retry

    from messaging.tasks import chat_delivery_task
    from tests.factories.messaging import ChatDeliveryFactory

    delivery = ChatDeliveryFactory(channel=ChatChannelFactory(webhook_url=closed_port_url))
    asked = []

    def retry(exc, countdown):
        asked.append((type(exc).__name__, countdown))
        return Retry()

    monkeypatch.setattr(chat_delivery_task, "retry", retry)
    # When the task meets the connection error, it asks Celery to retry in 30 s and leaves the delivery pending
    with pytest.raises(Retry):
        chat_delivery_task.run(delivery.pk)
    assert asked == [("TransientChatError", 30)]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)


def test_a_broken_channel_never_stops_the_inbox(demo, demo_user, run, monkeypatch):
    # Given a channel for the kind, and the chat rendering failing
    ChatChannelFactory(kinds=["test_kind"])

    def broken(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr("messaging.services.render_message", broken)
    # When a message is sent, the inbox still gets it and no delivery is left half-made
    run(lambda: notify(
        recipients=[demo_user("store1")], kind="test_kind", template="chat_channel_disabled",
        context={"channel": ChatChannel(name="x"), "failures": 1, "error": "e"},
    ))  # fmt: skip
    assert Notification.objects.filter(kind="test_kind", recipient__username="store1").count() == 1
    assert ChatDelivery.objects.count() == 0
