"""Reads of the monthly audit 每月抽查: audits, samples, and the scores by agent, technician and store."""

from __future__ import annotations

from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404

from quality.models.audits import AuditSample, MonthlyAudit


def audit_list(user):
    """The audits the user sees (QA only), newest month first, with their sample and review counts."""
    return (
        MonthlyAudit.objects.visible_to(user)
        .select_related("drawn_by")
        .annotate(
            sample_count=Count("samples"),
            reviewed_count=Count("samples", filter=Q(samples__reviewed_at__isnull=False)),
            average_score=Avg("samples__score"),
        )
        .order_by("-period")
    )


def audit_get(user, pk) -> MonthlyAudit:
    return get_object_or_404(audit_list(user), pk=pk)


def audit_samples(audit: MonthlyAudit):
    """The audit's samples with what their rows show (the Return or case, store, people, the order), one query."""
    return audit.samples.select_related(
        "return_item", "service_case", "store", "agent", "technician", "reviewed_by", "rectification_order"
    ).order_by("kind", "rank")


def sample_list(user):
    return AuditSample.objects.visible_to(user).select_related(
        "return_item", "service_case", "store", "agent", "technician", "reviewed_by", "rectification_order"
    )


def sample_get(user, pk) -> AuditSample:
    queryset = AuditSample.objects.visible_to(user).select_related(
        "audit", "return_item__style__supplier", "return_item__store", "service_case__store", "store", "agent",
        "technician", "reviewed_by", "rectification_order",
    )  # fmt: skip
    return get_object_or_404(queryset, pk=pk)


def _scores(audit: MonthlyAudit, field: str, labels: tuple[str, ...]) -> list[dict]:
    rows = (
        audit.samples.filter(**{f"{field}__isnull": False})
        .values(field, *labels)
        .annotate(
            samples=Count("pk"),
            reviewed=Count("pk", filter=Q(reviewed_at__isnull=False)),
            average=Avg("score"),
            findings=Count("pk", filter=~Q(findings="")),
            orders=Count("rectification_order"),
        )
        .order_by(*labels)
    )
    rows = list(rows)
    for row in rows:
        if field == "store":
            row["name"] = f"{row['store__code']} {row['store__name']}"
        else:
            full = f"{row[f'{field}__first_name']} {row[f'{field}__last_name']}".strip()
            row["name"] = full or row[f"{field}__username"]
    return rows


def audit_scores(audit: MonthlyAudit) -> dict[str, list[dict]]:
    """The audit report's three tables: per hotline agent, per technician, per store (one GROUP BY each).

    ``average`` is the mean score of the reviewed samples (None while none is reviewed).
    """
    person = ("username", "first_name", "last_name")
    return {
        "agents": _scores(audit, "agent", tuple(f"agent__{name}" for name in person)),
        "technicians": _scores(audit, "technician", tuple(f"technician__{name}" for name in person)),
        "stores": _scores(audit, "store", ("store__code", "store__name")),
    }
