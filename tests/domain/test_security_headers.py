"""The Content-Security-Policy names exactly the compiled pages' inline scripts."""

import base64
import hashlib

from portal.api.headers import BASE_POLICY, policy


def _source(body: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"


def test_inline_scripts_are_allowed_by_hash_and_nothing_else(tmp_path):
    (tmp_path / "admin").mkdir()
    (tmp_path / "login.html").write_text(
        '<script>window.a = "ログイン";</script><script type="module" src="/assets/x.js"></script>'
        '<SCRIPT id="_R_">b()</SCRIPT>',
        encoding="utf-8",
    )
    (tmp_path / "admin" / "index.html").write_text("<script>b()</script>", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("<script>evil()</script>", encoding="utf-8")
    served = policy(tmp_path)
    assert served.startswith(BASE_POLICY + "; script-src 'self' 'unsafe-eval' ")
    assert served.split("'unsafe-eval' ")[1].split() == sorted(
        [_source('window.a = "ログイン";'), _source("b()")]
    )


def test_without_compiled_pages_scripts_are_not_restricted(tmp_path):
    assert policy(tmp_path / "missing") == BASE_POLICY
    assert policy(None) == BASE_POLICY
