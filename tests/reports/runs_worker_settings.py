"""Worker settings for the report run SIGKILL test: the real-worker settings, with Redis handing a dead worker's
unacknowledged message to the next worker after seconds instead of the production hour.

``visibility_timeout`` is how long a delivered, unacknowledged message stays with its worker; the restore sweep
runs every second (interval 1, no throttle) so the replacement worker picks the message up at once after that.
"""

from tests.celery_worker_settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 8,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
