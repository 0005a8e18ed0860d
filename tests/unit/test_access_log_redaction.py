"""The access log never shows the query string of /graphql or /webhooks/*: a key a client put in the URL,
or a provider's signed parameters, would otherwise sit in the log in clear."""

from __future__ import annotations

import logging

import pytest

from api.logs import quiet_third_party_loggers


def access_line(path: str, caplog: pytest.LogCaptureFixture) -> str:
    quiet_third_party_loggers()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        # The exact call uvicorn's HTTP protocols make for every response.
        logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", path, "1.1", 200)
    [record] = caplog.records
    return record.getMessage()


@pytest.mark.parametrize("path", ["/graphql?token=rl_key_secret", "/graphql/?query=x&key=rl_key_secret",
                                  "/webhooks/randou/VGVu?appid=a&sign=rl_key_secret&uid=13800138000"])
def test_query_strings_of_credential_bearing_paths_are_redacted(path: str, caplog: pytest.LogCaptureFixture):
    line = access_line(path, caplog)
    assert "rl_key_secret" not in line and "13800138000" not in line
    assert f'"GET {path.partition("?")[0]}?[redacted] HTTP/1.1" 200' in line


def test_other_paths_keep_their_query_strings(caplog: pytest.LogCaptureFixture):
    assert '"GET /health?verbose=1 HTTP/1.1"' in access_line("/health?verbose=1", caplog)
