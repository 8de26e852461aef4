"""Serializers of ``/api/v1/reports/`` (api-contract.md): report runs as rows and with their figures, and the input
of a build request and a retry."""

from __future__ import annotations

from rest_framework import serializers

from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from reports.selectors import report_scope


class ReportRunSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period_label", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    pdf = serializers.SerializerMethodField(help_text="Download link of the PDF (service center only), or null.")
    xlsx = serializers.SerializerMethodField(help_text="Download link of the XLSX, or null until the run is done.")

    class Meta:
        model = ReportRun
        fields = [
            "id", "kind", "period", "status", "progress", "error", "attempts", "requested_by",
            "started_at", "finished_at", "pdf", "pdf_sha256", "xlsx", "xlsx_sha256",
        ]  # fmt: skip
        read_only_fields = fields

    def _link(self, run: ReportRun, fmt: str) -> str | None:
        request = self.context.get("request")
        if run.status != ReportRunStatus.DONE or request is None:
            return None
        if fmt == "pdf" and not report_scope(request.user).everything:
            return None
        return request.build_absolute_uri(f"/api/v1/reports/{run.pk}/{fmt}/")

    def get_pdf(self, run) -> str | None:
        return self._link(run, "pdf")

    def get_xlsx(self, run) -> str | None:
        return self._link(run, "xlsx")

    def to_representation(self, run):
        data = super().to_representation(run)
        request = self.context.get("request")
        if request is not None and not report_scope(request.user).everything:
            # The checksums belong to the center's files, which are not this caller's.
            data["pdf_sha256"] = data["xlsx_sha256"] = ""
        return data


class ReportRunDetailSerializer(ReportRunSerializer):
    figures = serializers.SerializerMethodField(help_text="The report's figures within your scope, once done.")

    class Meta(ReportRunSerializer.Meta):
        fields = [*ReportRunSerializer.Meta.fields, "figures"]
        read_only_fields = fields

    def get_figures(self, run) -> dict | None:
        from reports.views import figures_for

        return figures_for(self.context["request"].user, run)


class ReportRunRequestInputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=f"One of {', '.join(ReportKind.values)}.")
    period = serializers.CharField(help_text="The month as YYYY-MM; this month or an earlier one.")


class ReportRunRetryInputSerializer(serializers.Serializer):
    """No arguments."""
