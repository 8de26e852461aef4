"""Quality management's models, one module per part; every model is importable from here.

- ``orders``: rectification orders 质量整改令 and their links to recalls, lots, Returns and service cases.
- ``bulletins``: quality bulletins 质量通报 and each recipient's read receipt.
- ``audits``: the monthly 10 % audit 每月抽查, its samples and their reviews.
- ``surveys``: the quarterly satisfaction survey 满意度调查 and its one-time links.
"""

# Each module is imported so Django registers its models; names are re-exported below as they are added.
from quality.models import audits, bulletins, orders, surveys  # noqa: F401
from quality.models.bulletins import BulletinRecipient, QualityBulletin  # noqa: F401
from quality.models.orders import RectificationOrder  # noqa: F401
from quality.models.surveys import SatisfactionSurvey, SurveyInvitation, SurveyLinkMiss  # noqa: F401
