"""`tradepivot serve`: prints its URL, serves the API on loopback, stops on Ctrl-C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tradepivot.cli import main


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.slow
def test_serve_prints_its_url_answers_and_stops_on_ctrl_c(tmp_path: object) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from tradepivot.__main__ import run; run()",
            "serve",
            "--port",
            str(port),
            "--warehouse",
            f"{tmp_path}/none.duckdb",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert f"http://127.0.0.1:{port}" in first, first
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/sectors", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
        assert response.status_code == 200 and response.json()["rows"]
        assert response.headers["content-security-policy"]
        process.send_signal(signal.SIGINT)
        # Ctrl-C ends every command the same way: exit 130 and a line, never a traceback.
        assert process.wait(timeout=20) == 130
        rest = process.stderr.read()
        assert "Interrupted" in rest and "Traceback" not in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def test_a_busy_port_is_a_message_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1 and "already in use" in err and f"--port {port + 1}" in err
    assert "Traceback" not in err
