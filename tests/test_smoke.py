from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_it_serves_the_home_page_in_hindi(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "hi"
