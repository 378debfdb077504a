"""REST API v1 for the inbox: the user's own notices, newest first, paged like every list, and
marking one read. Another person's notice answers 404 like a missing one."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.exchange.api import ID_PARAM, READ_ERRORS, ApiViewSet, parse_id
from tongket.notifications import selectors, services
from tongket.notifications.models import Notification
from tongket.notifications.serializers import NotificationSerializer

NOT_FOUND = "Không tìm thấy thông báo."
UNREAD_PARAM = OpenApiParameter(
    "unread", str, description="«1»: chỉ những thông báo chưa đọc.", required=False
)


class NotificationViewSet(ApiViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.visible_notifications(self.request.user)

    @extend_schema(
        parameters=[UNREAD_PARAM],
        responses={200: NotificationSerializer(many=True), **READ_ERRORS},
        description="Thông báo của chính người dùng, mới nhất trước.",
    )
    def list(self, request: Request) -> Response:
        rows = self.get_queryset()
        if request.query_params.get("unread") == "1":
            rows = rows.filter(read_at__isnull=True)
        return self.page(rows)

    @extend_schema(
        parameters=[ID_PARAM],
        request=None,
        responses={200: NotificationSerializer, **READ_ERRORS},
        description="Đánh dấu một thông báo của mình là đã đọc (gửi lại không thay đổi gì).",
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = selectors.get_notification(request.user, parse_id(pk, NOT_FOUND))
        services.mark_read(actor=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)
