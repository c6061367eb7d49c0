"""The address uvicorn prints leads to the pages, and the API docs load nothing from elsewhere."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Api


@pytest.mark.one_database
def test_the_root_leads_to_the_pages(api: Api) -> None:
    answer = api.client.get("/", follow_redirects=False)
    assert answer.status_code == 307
    assert answer.headers["location"] == "/ui"
    assert api.client.get("/").url.path == "/ui/login"  # then to sign in


@pytest.mark.one_database
def test_the_docs_pages_load_every_asset_from_this_server(api: Api) -> None:
    for page in ("/docs", "/redoc"):
        html = api.client.get(page)
        assert html.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', html.text) + re.findall(r"url: '([^']+)'", html.text)
        assert sources, html.text
        assert "http://" not in html.text
        assert "https://" not in html.text
        for source in sources:
            assert source.startswith("/"), f"{page} loads {source} from elsewhere"
            assert api.client.get(source).status_code == 200, source
    script = api.client.get("/docs-assets/swagger-ui-bundle.js")
    assert len(script.content) > 500_000  # the real bundle, not a placeholder
    assert "SwaggerUIBundle" in script.text
