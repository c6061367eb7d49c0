"""Reading the tables of a document in docs/, so tests can check every number a document shows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

Row = dict[str, str]


def doc_tables(path: Path, section: str | None = None) -> dict[str, list[Row]]:
    """Every table of the document (or of its `section`, a heading's title, down to the next heading of the same
    level) under the title of the heading above it; rows as {column: cell}."""
    lines = path.read_text().splitlines()
    if section is not None:
        start = next(i for i, line in enumerate(lines) if line.startswith("#") and line.lstrip("#").strip() == section)
        level = len(lines[start]) - len(lines[start].lstrip("#"))
        end = next(
            (
                i
                for i in range(start + 1, len(lines))
                if lines[i].startswith("#") and len(lines[i]) - len(lines[i].lstrip("#")) <= level
            ),
            len(lines),
        )
        lines = lines[start:end]
    tables: dict[str, list[Row]] = {}
    heading, header = "", list[str]()
    for line in lines:
        if line.startswith("#"):
            heading, header = line.lstrip("#").strip(), []
        elif line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not header:
                header = cells
            elif not set("".join(cells)) <= set("-: "):
                tables.setdefault(heading, []).append(dict(zip(header, cells, strict=True)))
        else:
            header = []
    return tables


# Runnable examples ------------------------------------------------------------------------------------------------
#
# Every ```sh, ```bash or ```python block of README.md and docs/*.md is an example a user copies into a terminal.
# A block a test must not run (it starts a server, needs PostgreSQL or a worker, runs the suite or a benchmark) has
# an HTML comment `<!-- not-run: reason -->` on the line before its fence. A command that is refused on purpose says
# so in a comment on its last line or on the comment line right after it: `# 400 ...` (the HTTP status its curl
# answers) or `# exit 2 ...` (the exit code of the command). The examples of one page run in one shell, in order,
# so variables set by one block are seen by the next, as in a user's terminal. A command failing stops the page
# (`set -e -o pipefail`; `head` reads its input to the end, so `... | head -3` is fine), and so does a curl answering
# an HTTP error: the curl the examples call fails then, and says so on standard error.

RUNNABLE_LANGUAGES = {"sh": "shell", "bash": "shell", "shell": "shell", "python": "python"}
NOT_RUN = re.compile(r"^\s*<!--\s*not-run:\s*(?P<reason>.+?)\s*-->\s*$")
EXPECTED_HTTP = re.compile(r"#\s*(?P<status>[45]\d\d)\b")
EXPECTED_EXIT = re.compile(r"#\s*exit (?P<code>\d+)\b")
DOCUMENTED_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Example:
    """One fenced block: where it is (1-based line of its first code line), its language and its lines."""

    path: Path
    line: int
    language: str
    lines: tuple[str, ...]
    not_run: str | None

    @property
    def where(self) -> str:
        return f"{self.path.name if self.path.name == 'README.md' else 'docs/' + self.path.name}:{self.line}"


def examples(path: Path) -> list[Example]:
    """The runnable blocks of a markdown file, in order, with their `not-run` reason if they have one."""
    lines = path.read_text().splitlines()
    found: list[Example] = []
    index = 0
    while index < len(lines):
        fence = lines[index].strip()
        if not fence.startswith("```"):
            index += 1
            continue
        language = fence.removeprefix("```").strip().lower()
        end = next(j for j in range(index + 1, len(lines)) if lines[j].strip() == "```")
        if language in RUNNABLE_LANGUAGES:
            before = next((lines[j] for j in range(index - 1, -1, -1) if lines[j].strip()), "")
            marker = NOT_RUN.match(before)
            found.append(
                Example(
                    path,
                    index + 2,
                    RUNNABLE_LANGUAGES[language],
                    tuple(lines[index + 1 : end]),
                    marker.group("reason") if marker else None,
                )
            )
        index = end + 1
    return found


def docs_order(readme: Path) -> list[Path]:
    """README.md, then each page of docs/ in the order README's docs list (its `- [title](docs/page.md)` items)
    first names them."""
    pages = [readme]
    for name in re.findall(r"^- \[[^]]*\]\(docs/([\w.-]+\.md)", readme.read_text(), re.MULTILINE):
        page = readme.parent / "docs" / name
        if page not in pages:
            pages.append(page)
    return pages


@dataclass(frozen=True)
class Script:
    """A page's examples as one bash script, with the markdown line each script line came from."""

    text: str
    origins: tuple[str | None, ...]

    def origin(self, line: int) -> str | None:
        return self.origins[line - 1] if 0 < line <= len(self.origins) else None


PREAMBLE = r"""set -eEo pipefail
head() { command head "$@"; local rc=$?; cat > /dev/null; return $rc; }  # read the rest: no SIGPIPE upstream
docs_failed() { echo "::docs-failed $1 $2 :: $3" >&2; }
trap 'docs_failed $? "$LINENO ${BASH_LINENO[*]}" "$BASH_COMMAND"' ERR
curl() {  # as the user's curl, but an HTTP error fails the example unless a `# 4xx` comment expects it
  if [ -n "${DOCS_EXPECT_HTTP:-}" ]; then
    command curl -D "$DOCS_DIR/.docs-headers" "$@" || return
    local got; got=$(awk '/^HTTP\//{c=$2} END{print c}' "$DOCS_DIR/.docs-headers")
    [ "$got" = "$DOCS_EXPECT_HTTP" ] || { echo "docs: expected HTTP $DOCS_EXPECT_HTTP, got $got" >&2; return 1; }
  else
    command curl --fail-with-body -S "$@" || { local rc=$?; echo "docs: curl failed ($rc): curl $*" >&2; return $rc; }
  fi
}
docs_exit_was() { [ "$1" = "$2" ] || { echo "docs: expected exit $2, got $1" >&2; return 1; }; }
"""


def _continued(lines: tuple[str, ...]) -> list[bool]:
    """For each line, whether its command goes on to the next line: a trailing backslash or an open quote."""
    result: list[bool] = []
    quote = ""
    for line in lines:
        escaped = False
        for char in line:
            if escaped:
                escaped = False
            elif char == "\\" and quote != "'":
                escaped = True
            elif quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#" and not quote:
                break
        result.append(bool(quote) or line.rstrip().endswith("\\"))
    return result


def _command_start(continued: list[bool], last: int) -> int:
    """The first line of the command whose last line is `last`."""
    start = last
    while start > 0 and continued[start - 1]:
        start -= 1
    return start


def _comment(line: str) -> str | None:
    """The comment of a line: the whole line if it is one, or what follows its first ` #`."""
    stripped = line.strip()
    if stripped.startswith("#"):
        return stripped
    match = re.search(r"\s(#.*)$", line)
    return match.group(1) if match else None


def _expectations(lines: tuple[str, ...]) -> dict[int, tuple[str, int]]:
    """{first line of a command: ("http" | "exit", expected)} from `# 400` / `# exit 2` comments on the command's
    last line or on the comment line right after it."""
    expected: dict[int, tuple[str, int]] = {}
    continued = _continued(lines)
    for number, line in enumerate(lines):
        comment = _comment(line)
        if comment is None:
            continue
        last = number - 1 if line.strip().startswith("#") else number
        if last < 0 or not lines[last].strip() or lines[last].strip().startswith("#"):
            continue
        if http := EXPECTED_HTTP.match(comment):
            expected[_command_start(continued, last)] = ("http", int(http.group("status")))
        elif exit_code := EXPECTED_EXIT.match(comment):
            expected[_command_start(continued, last)] = ("exit", int(exit_code.group("code")))
    return expected


def page_script(page: list[Example], base_url: str) -> Script:
    """The runnable examples of one page as one bash script against `base_url`."""
    out: list[str] = []
    origins: list[str | None] = []

    def emit(text: str, origin: str | None) -> None:
        out.append(text)
        origins.append(origin)

    for text in PREAMBLE.splitlines():
        emit(text, None)
    for example in page:
        if example.not_run is not None:
            continue
        path = example.where.rsplit(":", 1)[0]
        lines = tuple(line.replace(DOCUMENTED_BASE_URL, base_url) for line in example.lines)
        emit(f"echo '::docs-block {example.where}' >&2", example.where)
        if example.language == "python":
            emit("python3 - <<'DOCS_PYTHON'", example.where)
            for number, line in enumerate(lines):
                emit(line, f"{path}:{example.line + number}")
            emit("DOCS_PYTHON", example.where)
            continue
        expected = _expectations(lines)
        continued = _continued(lines)
        pending: list[str] = []
        for number, line in enumerate(lines):
            origin = f"{path}:{example.line + number}"
            if number in expected:
                kind, value = expected[number]
                if kind == "http":
                    emit(f"DOCS_EXPECT_HTTP={value}", origin)
                    pending = ["DOCS_EXPECT_HTTP="]
                else:
                    emit("set +e", origin)
                    pending = ["DOCS_RC=$?; set -e", f"docs_exit_was $DOCS_RC {value}"]
            emit(line, origin)
            if pending and not continued[number]:
                for extra in pending:
                    emit(extra, origin)
                pending = []
    return Script("\n".join(out) + "\n", tuple(origins))
