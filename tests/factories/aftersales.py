"""Factories for the core's records: the transition log, number sequences, notifications, alerts, preferences, uploads.

Also the small valid PNG (``PNG``) and the declarations that every uploaded-file
factory shares (``png_file``, ``file_size``, ``file_sha256``), so a file
factory's size and checksum always match the bytes it stores.

The generic records (a log entry, an alert) point at a Return unless given
``record=``.
"""

import hashlib
import io

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from PIL import Image

from aftersales.models import Alert, Notification, Sequence, TemporaryUpload, TransitionLog, UserPreference
from cases.choices import DueStatus, ReturnState
from tests.factories.stores import UserFactory


def png_bytes(size: tuple[int, int] = (4, 4), colour: str = "red") -> bytes:
    """A small image that Pillow (and so the upload check) reads as a real PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


def png_file(filename: str = "photo.png") -> factory.django.FileField:
    return factory.django.FileField(filename=filename, data=PNG)


def _read(stored) -> bytes:
    stored.seek(0)
    data = stored.read()
    stored.seek(0)
    return data


def file_size() -> factory.LazyAttribute:
    """The size of whatever the factory's ``file`` holds (the PNG unless a test passes its own)."""
    return factory.LazyAttribute(lambda o: len(_read(o.file)))


def file_sha256() -> factory.LazyAttribute:
    return factory.LazyAttribute(lambda o: hashlib.sha256(_read(o.file)).hexdigest())


def _content_type(o) -> ContentType:
    return ContentType.objects.get_for_model(o.record, for_concrete_model=True)


class TransitionLogFactory(factory.django.DjangoModelFactory):
    """A log entry of a fired transition (by default a Return cancelled at the counter)."""

    class Meta:
        model = TransitionLog

    class Params:
        record = factory.SubFactory("tests.factories.cases.ReturnFactory", state=ReturnState.CANCELLED)

    content_type = factory.LazyAttribute(_content_type)
    object_id = factory.SelfAttribute("record.pk")
    transition = "cancel"
    source_state = ReturnState.LOGGED
    target_state = ReturnState.CANCELLED
    actor = factory.SubFactory(UserFactory)
    at = factory.LazyFunction(timezone.now)
    payload = factory.LazyFunction(lambda: {"reason": "登记错误"})


class SequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sequence
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"TEST-{n}")
    last_value = 0


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread message in one user's inbox, about no record in particular."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "turnaround_digest"
    subject = factory.Sequence(lambda n: f"售后提醒 {n}")
    body = "3 件退货即将超期"
    url = "/returns/?due=due_soon"


class AlertFactory(factory.django.DjangoModelFactory):
    """That the turnaround alert was raised for one Return at one level."""

    class Meta:
        model = Alert

    class Params:
        record = factory.SubFactory("tests.factories.cases.ReturnFactory", state=ReturnState.IN_TRANSIT)

    kind = "turnaround"
    content_type = factory.LazyAttribute(_content_type)
    object_id = factory.SelfAttribute("record.pk")
    level = DueStatus.DUE_SOON


class UserPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserPreference

    user = factory.SubFactory(UserFactory)
    language = "en"


class TemporaryUploadFactory(factory.django.DjangoModelFactory):
    """A photo chosen on a form and not claimed yet."""

    class Meta:
        model = TemporaryUpload

    owner = factory.SubFactory(UserFactory)
    file = png_file()
    original_name = "photo.png"
    content_type = "image/png"
    size = file_size()
