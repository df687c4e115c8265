"""One bare view that inserts one concern row: the floor of bench/intake.py.

No authentication, no validation, no event row, no idempotency record, no response body
beyond the new id: what any Django write costs on this stack.
"""

import json
import secrets

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from jieyou.concerns.models import Concern


@csrf_exempt
def insert(request):
    body = json.loads(request.body)
    now = timezone.now()
    concern = Concern.objects.create(
        receipt_code=secrets.token_hex(8),
        category_id=body["category_id"],
        description=body["description"],
        channel=Concern.Channel.API,
        area_id=body["area"],
        level="grid",
        submitted_at=now,
        response_due=now,
        resolution_due=now,
    )
    return JsonResponse({"id": concern.pk}, status=201)


def ready(request):
    """What bench/intake.py asks before it starts the clock."""
    return HttpResponse(status=204)


urlpatterns = [path("", ready), path("insert/", insert)]
