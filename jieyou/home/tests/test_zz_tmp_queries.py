import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


@pytest.mark.parametrize("who", ["county_admin", "secretary", "grid_worker", "evaluator", "cadre", "outsider", "handler"])
def test_q(cast, client_for, who):
    client = client_for(getattr(cast, who))
    with CaptureQueriesContext(connection) as c:
        client.get(reverse("home"))
    print("\n=====", who, len(c))
    for q in c.captured_queries:
        print("  ", q["sql"][:230])
