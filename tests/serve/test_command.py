"""`conflictlog serve`: options, the database from the global --db, the token from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from conflictlog.serve.command import main, serve


def test_command_serve_help_lists_options() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--token"):
        assert option in result.output


def test_command_serve_uses_db_from_context_and_token_from_env(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_run(app: Any, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr("uvicorn.run", fake_run)

    @click.group()
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        ctx.ensure_object(dict)
        ctx.obj["db"] = str(fixture_db)

    cli.add_command(serve)
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"], obj={}, env={"CONFLICTLOG_TOKEN": "s3cret"})
    assert result.exit_code == 0, result.output
    [call] = calls
    assert (call["host"], call["port"]) == ("127.0.0.1", 8123)
    app = call["app"]
    assert str(app.state.db_path) == str(fixture_db)
    with TestClient(app, base_url="http://127.0.0.1:8123") as client:  # a loopback Host, as a browser sends
        assert client.get("/events").json()["total"] == 6
        refused = client.post("/articles", json={"text": "x"}, headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 403


def _serve(fixture_db: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, Any]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    result = CliRunner().invoke(main, ["--db", str(fixture_db), "serve", *args], obj={})
    assert result.exit_code == 0, result.output
    [call] = calls
    return call


def test_command_serve_answers_only_allowed_hosts(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Reproduction: no Host check, so a DNS-rebinding page could read the local server.
    app = _serve(fixture_db, monkeypatch)["app"]
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/events").status_code == 200
        assert client.get("/events", headers={"Host": "localhost:8000"}).status_code == 200
        assert client.get("/events", headers={"Host": "[::1]:8000"}).status_code == 200
        refused = client.get("/events", headers={"Host": "attacker.example:8000"})
        assert refused.status_code == 400 and "attacker.example" in refused.json()["error"]
    app = _serve(fixture_db, monkeypatch, "--allowed-host", "events.example.org")["app"]
    with TestClient(app, base_url="http://events.example.org") as client:
        assert client.get("/events").status_code == 200
        assert client.get("/events", headers={"Host": "127.0.0.1"}).status_code == 400


def test_command_serve_workers_start_processes_from_the_environment(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conflictlog.serve import command

    for name in (command._ENV_DB, command._ENV_HOSTS):
        monkeypatch.setenv(name, "")  # what serve sets there is removed after the test
    call = _serve(fixture_db, monkeypatch, "--workers", "2")
    assert call["app"] == "conflictlog.serve.command:app_from_env"
    assert call["factory"] is True and call["workers"] == 2
    app = command.app_from_env()
    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/events").json()["total"] == 6
        assert client.get("/events", headers={"Host": "elsewhere.example"}).status_code == 400


def test_command_serve_without_token_refuses_a_missing_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: None)
    missing = tmp_path / "typo" / "events.sqlite"
    result = CliRunner().invoke(main, ["--db", str(missing), "serve"], env={"CONFLICTLOG_TOKEN": ""})
    assert result.exit_code == 1
    assert "no such database" in result.output and not missing.parent.exists()
