"""The README's first command: `APPORTION_LOAD_DEMO_DATA=true apportion serve` on a fresh SQLite database.

Start-up loads the demo campus, prints the administrator's key (once) and `curl` examples reading it from $KEY;
the examples must answer, and an energycapsdk client must see the demo's vendors and meters. Then every example of
README.md and docs/ runs against that one server and its database, page by page in the order README's docs list
names them, as a user copies them into a terminal in the server's directory (tests.support.docs says how a block
is marked not to run, and how a command that is refused on purpose says so).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from apportion.domain import periods
from apportion.services.demo.campus import DEFAULT_METERS
from tests.e2e.conftest import sdk_client
from tests.support.docs import Example as DocsExample
from tests.support.docs import docs_order, examples, page_script
from tests.support.servers import (
    START_TIMEOUT_SECONDS,
    api_request,
    apportion_command,
    free_port,
    stop,
    wait_until_answering,
)

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class FirstRun:
    """The started server: where it listens, the key it printed and its `curl` example lines."""

    base_url: str
    key: str
    examples: list[list[str]]
    directory: Path


def _printed(log: Path, process: subprocess.Popen[bytes]) -> str:
    """The start-up text once the docs line (printed last, before uvicorn starts) is there."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text()
        if "API docs:" in text:
            return text
        if process.poll() is not None:
            raise RuntimeError(f"apportion serve exited with {process.returncode}:\n{text}")
        time.sleep(0.2)
    raise RuntimeError(f"apportion serve printed nothing within {START_TIMEOUT_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstRun]:
    """`apportion serve` in an empty directory with only APPORTION_LOAD_DEMO_DATA set, as the README runs it."""
    directory = tmp_path_factory.mktemp("first-run")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPORTION_")}
    env["APPORTION_LOAD_DEMO_DATA"] = "true"
    log = directory / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*apportion_command(), "serve", "--port", str(port)],
            env=env,
            cwd=directory,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        text = _printed(log, process)
        match = re.search(r"API key \(administrator\): (\S+)", text)
        assert match, text
        key = match.group(1)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_answering(api_request(base_url, key), process, log)
        assert text.count(key) == 1, text  # printed once, where it is announced
        lines = [line.strip() for line in text.splitlines() if line.strip().startswith("curl ")]
        # The examples read the key from the shell variable the printed `KEY=$(cat …)` line sets.
        examples = [shlex.split(line.replace("$KEY", key)) for line in lines]
        yield FirstRun(base_url, key, examples, directory)
    finally:
        stop(process)


def _get(url: str, headers: dict[str, str], method: str = "GET", data: bytes | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, headers=headers, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass(frozen=True)
class Example:
    """One printed `curl` line: method, URL, headers and body."""

    method: str
    url: str
    headers: dict[str, str]
    data: bytes | None


def _example(words: list[str]) -> Example:
    """A printed curl line (`-s`, `-X METHOD`, `-H 'Name: value'`, `-d BODY`, then the URL) as a request."""
    assert words[:2] == ["curl", "-s"], words
    method, headers, data, rest = "GET", {}, None, words[2:]
    while len(rest) > 1:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag == "-X":
            method = value
        elif flag == "-H":
            name, header = value.split(": ", 1)
            headers[name] = header
        elif flag == "-d":
            data = value.encode()
        else:
            raise AssertionError(f"unexpected curl option {flag}")
    (url,) = rest
    return Example(method, url, headers, data)


def test_it_loads_the_demo_and_keeps_the_key(first_run: FirstRun) -> None:
    assert (first_run.directory / "apportion.db").exists()
    assert (first_run.directory / "apportion-api-key.txt").read_text().strip() == first_run.key
    assert "loaded the demo campus" in (first_run.directory / "server.log").read_text()


def test_the_printed_examples_answer(first_run: FirstRun) -> None:
    examples = [_example(words) for words in first_run.examples]
    assert len(examples) >= 6
    for example in examples:  # in the printed order: the chargeback run before its digest
        assert example.headers["ECI-ApiKey"] == first_run.key
        path = example.url.removeprefix(first_run.base_url).split("?")[0]
        status, body = _get(example.url, example.headers, example.method, example.data)
        assert status == 200, (example.url, body)
        if path == "/api/v3/meter":
            assert isinstance(body, list)
            assert len(body) == 5
        if path == "/api/v3/bill":
            # Last month's bills: one per demo master meter.
            assert isinstance(body, list)
            assert len(body) == DEFAULT_METERS
        if path.endswith("/exec"):
            # Each master meter's bill split to its building's two tenants.
            assert isinstance(body, dict)
            assert body["status"] == "Completed", body
            assert body["numberOfBillsCreated"] == 2 * DEFAULT_METERS
        if path.endswith("/digest"):
            assert isinstance(body, dict)
            assert len(body["results"]) == DEFAULT_METERS
            assert all(len(result["splits"]) == 2 for result in body["results"])
    printed = {e.url.removeprefix(first_run.base_url).split("?")[0] for e in examples}
    assert {"/api/v3/me", "/api/v3/meter", "/api/v3/chargebackWorkflow"} <= printed


def test_the_bill_example_names_a_demo_period(first_run: FirstRun) -> None:
    (bill,) = [e.url for e in map(_example, first_run.examples) if "/api/v3/bill?" in e.url]
    match = re.search(r"%27(\d{6})%27", bill)
    assert match, bill
    period = int(match.group(1))
    today = periods.of_date(date.today())
    assert periods.add_months(today, -23) <= period <= today


def test_an_sdk_client_sees_the_demo_campus(first_run: FirstRun) -> None:
    client = sdk_client(first_run.base_url, first_run.key)
    try:
        vendors = {v.vendor_code for v in client.get_vendors()}
        meters = client.get_meters(page_size=1000)
    finally:
        client.close()
    assert {"PPL", "UGI", "CITYWATER", "CAMPUS"} <= vendors
    masters = [m for m in meters if m.meter_type.meter_type_code == "STANDARD"]
    submeters = [m for m in meters if m.meter_type.meter_type_code == "CHARGEBACK"]
    assert len(masters) == DEFAULT_METERS
    assert len(submeters) == 2 * DEFAULT_METERS
    assert all(len(m.accounts) == 1 for m in masters)


REPOSITORY = Path(__file__).resolve().parents[2]
PAGES = docs_order(REPOSITORY / "README.md")
PAGE_TIMEOUT_SECONDS = 600
_failed_pages: list[str] = []


def _page_name(page: Path) -> str:
    return page.name if page.name == "README.md" else f"docs/{page.name}"


def test_every_docs_page_is_in_the_readme_list() -> None:
    """A page README's docs list does not name would never have its examples run."""
    missing = sorted(p.name for p in (REPOSITORY / "docs").glob("*.md") if p not in PAGES)
    assert not missing, f"add a line for each of {missing} to README.md's docs list, so its examples run"


def _failure(name: str, stderr: str, stdout: str, returncode: int, origin: dict[int, str | None]) -> str:
    """Which markdown line failed first and why, then the output. A `::docs-failed` trap line gives the line (the
    outermost call from the page); a `docs:` line from the curl wrapper alone (a failure the shell went past, as in
    `read A <<< "$(...)"`) gives its block."""
    where, command, block = None, "", ""
    for line in stderr.splitlines():
        if line.startswith("::docs-block "):
            if command.startswith("docs: "):
                break  # that curl failure stopped nothing: its block is where it was
            block = line.split(" ", 1)[1]
        elif line.startswith("docs: ") and not command:
            where, command = block, line
        elif line.startswith("::docs-failed "):
            # status, then the line numbers of the call stack (innermost first), then the command
            numbers, text = line.removeprefix("::docs-failed ").split(" :: ", 1)
            status, *stack = numbers.split()
            lines = [origin[int(n)] for n in stack if origin.get(int(n))]
            if lines:
                # inside a function the command is the function's own (`return $rc`): the page's line says more
                where = lines[-1]
                command = f"exited {status}" if len(stack) > 1 else f"`{text}` exited {status}"
                break
    if where and ":" in where:
        path, number = where.rsplit(":", 1)
        command = f"{command}\n  {where}: {(REPOSITORY / path).read_text().splitlines()[int(number) - 1].strip()}"
    told = [line for line in stderr.splitlines() if not line.startswith("::")]
    return (
        f"{where or name}: {command or f'exited {returncode}'}\n"
        f"--- stderr (last 30 lines)\n"
        + "\n".join(told[-30:])
        + "\n--- stdout (last 15 lines)\n"
        + "\n".join(stdout.splitlines()[-15:])
    )


@pytest.mark.parametrize("page", PAGES, ids=_page_name)
def test_the_docs_examples_run_in_order(first_run: FirstRun, page: Path) -> None:
    """Every runnable block of the page, in one shell in the server's directory, each curl 2xx and each command 0
    unless its comment expects otherwise; pages run in README's order on the same database."""
    name = _page_name(page)
    blocks = [e for e in examples(page) if e.not_run is None]
    if not blocks:
        pytest.skip(f"{name} has no runnable example")
    venv = Path(sys.executable).parent.parent
    for link, target in ((".venv", venv), ("docs", REPOSITORY / "docs")):
        if not (first_run.directory / link).exists():
            (first_run.directory / link).symlink_to(target)
    script = page_script(examples(page), first_run.base_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPORTION_") and k != "COLUMNS"}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["DOCS_DIR"] = str(first_run.directory)
    try:
        done = subprocess.run(
            ["bash", "-c", script.text],
            cwd=first_run.directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=PAGE_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as timeout:
        _failed_pages.append(name)
        raise AssertionError(f"{name}: its examples did not finish within {PAGE_TIMEOUT_SECONDS}s") from timeout
    if done.returncode != 0 or any(line.startswith("docs: ") for line in done.stderr.splitlines()):
        origin = {number: script.origin(number) for number in range(1, len(script.origins) + 1)}
        earlier = f"\n({', '.join(_failed_pages)} failed before this page, which may be why)" if _failed_pages else ""
        _failed_pages.append(name)
        pytest.fail(_failure(name, done.stderr, done.stdout, done.returncode, origin) + earlier, pytrace=False)


NOT_RUN = [example for page in PAGES for example in examples(page) if example.not_run is not None]


@pytest.mark.parametrize("example", NOT_RUN, ids=lambda example: example.where)
def test_the_examples_not_run_say_why(example: DocsExample) -> None:
    pytest.skip(f"{example.where} not run: {example.not_run}")
