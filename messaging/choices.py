"""Platforms of the work-chat channels and states of a delivery to one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot 企业微信")
    DINGTALK = "dingtalk", _("DingTalk group robot 钉钉")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
