"""How tests.support.docs reads a page's examples: fences, `not-run` markers, `# 400` / `# exit 2` expectations, and
the script one page runs as, with the markdown line of each script line."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.docs import docs_order, examples, page_script

PAGE = """# A page

<!-- not-run: starts a server -->
```sh
apportion serve
```

```sh
A=$(echo "{\\"x\\": 1,
  \\"y\\": 2}")
false \\
  --flag   # exit 1: refused on purpose
echo done
curl -s http://127.0.0.1:8000/a
# 404 {"message": "..."}
```

```text
not an example
```

```python
print("hi")
```
"""


def test_blocks_their_lines_and_markers(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    found = examples(page)
    assert [(e.line, e.language, e.not_run) for e in found] == [
        (5, "shell", "starts a server"),
        (9, "shell", None),
        (23, "python", None),
    ]
    assert found[2].lines == ('print("hi")',)


def test_the_script_expects_what_the_comments_say_and_maps_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    script = page_script(examples(page), "http://127.0.0.1:9999")
    lines = script.text.splitlines()
    assert "apportion serve" not in lines
    assert "curl -s http://127.0.0.1:9999/a" in lines
    http = lines.index("DOCS_EXPECT_HTTP=404")
    assert lines[http + 1] == "curl -s http://127.0.0.1:9999/a"
    assert lines[http + 2] == "DOCS_EXPECT_HTTP="
    plus_e = lines.index("set +e")
    assert lines[plus_e + 1 : plus_e + 5] == [
        "false \\",
        "  --flag   # exit 1: refused on purpose",
        "DOCS_RC=$?; set -e",
        "docs_exit_was $DOCS_RC 1",
    ]
    # A multi-line quoted argument gets nothing inserted inside it.
    assert lines[lines.index('A=$(echo "{\\"x\\": 1,') + 1] == '  \\"y\\": 2}")'
    assert script.origin(lines.index("echo done") + 1) == "docs/page.md:13"


def test_an_unexpected_exit_fails_and_an_expected_one_does_not(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```sh\n(exit 2)   # exit 2: refused\necho ok\n(exit 3)\necho never\n```\n")
    script = page_script(examples(page), "http://127.0.0.1:9999")
    done = subprocess.run(["bash", "-c", script.text], capture_output=True, text=True, env={"DOCS_DIR": str(tmp_path)})
    assert done.returncode != 0
    assert done.stdout.split() == ["ok"]
    assert "::docs-failed 3" in done.stderr


def test_the_order_is_readme_then_its_docs_list(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "See [b](docs/b.md) in text.\n- [A](docs/a.md): first\n- [B](docs/b.md)\n- [A again](docs/a.md#x)\n"
    )
    assert [p.name for p in docs_order(readme)] == ["README.md", "a.md", "b.md"]
