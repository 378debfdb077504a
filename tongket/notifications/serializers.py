"""Shapes of the inbox API: a notice as its owner reads it (nobody else ever does)."""

from __future__ import annotations

from rest_framework import serializers

from tongket.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind = serializers.CharField(
        read_only=True,
        help_text=(
            "self_assess, overdue_steps, decision, self_assessment_returned, award hoặc "
            "program_item_due."
        ),
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.CharField(read_only=True, help_text="Trang liên quan (đường dẫn trong site).")
    due = serializers.DateField(read_only=True, allow_null=True, help_text="Hạn, nếu có.")
    read = serializers.SerializerMethodField(help_text="Đã đánh dấu đã đọc.")

    class Meta:
        model = Notification
        fields = ("id", "kind", "kind_label", "text", "url", "due", "created_at", "read", "read_at")
        read_only_fields = fields

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None
