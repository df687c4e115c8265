from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jieyou.core.models import AuditEntry
from jieyou.people.models import ApiToken


def test_token_create_prints_a_working_token(cast, client):
    out = StringIO()
    call_command("token_create", "--user", "mz_secretary", "--name", "对接系统", stdout=out)
    key = out.getvalue().strip()
    assert key.startswith("jy_")
    token = ApiToken.objects.get(user=cast.secretary, name="对接系统")
    assert key not in token.digest
    assert AuditEntry.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()
    response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.json()["username"] == "mz_secretary"


def test_token_create_for_unknown_user_fails(db):
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("token_create", "--user", "nobody", "--name", "x")
