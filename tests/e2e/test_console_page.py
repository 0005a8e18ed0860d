"""GET /console: the page and its files come from the app, under a policy that lets it load nothing else."""

from __future__ import annotations

from pathlib import Path

import httpx

STATIC = Path(__file__).resolve().parents[2] / "api" / "console" / "static"


async def test_the_page_is_served_without_a_credential_under_a_strict_policy(http: httpx.AsyncClient):
    response = await http.get("/console")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert '/console/static/js/main.js' in response.text


async def test_every_file_it_loads_is_served_by_the_app_with_its_type(http: httpx.AsyncClient):
    files = sorted(path for path in STATIC.rglob("*") if path.is_file() and path.name != "console.html")
    assert len(files) >= 10
    for path in files:
        response = await http.get(f"/console/static/{path.relative_to(STATIC).as_posix()}")
        assert response.status_code == 200, path
        expected = "text/css" if path.suffix == ".css" else "javascript"
        assert expected in response.headers["content-type"], (path, response.headers["content-type"])


def test_no_file_names_another_host():
    """Nothing from a CDN: no script, style or font is fetched from anywhere but this server."""
    for path in STATIC.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for scheme in ("http://", "https://", "//cdn", "@import", "url("):
                assert scheme not in text.replace("http://www.w3.org/2000/svg", ""), (path, scheme)
