"""The argument parser (rangecov.cli.parser): help texts and their examples."""

from __future__ import annotations

from command_line import run


def test_help_lists_examples_and_exit_codes(files):
    out = run("--help", cwd=files)
    assert out.returncode == 0
    assert "rangecov coverage" in out.stdout and "exit codes" in out.stdout
    sub = run("coverage", "--help", cwd=files)
    assert sub.returncode == 0 and "--reach-column" in sub.stdout and "--max-share" in sub.stdout
