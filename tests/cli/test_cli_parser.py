"""The argument parser (rangecov.cli.parser): help texts and their examples."""

from __future__ import annotations

from command_line import call, run


def test_help_lists_examples_and_exit_codes(files):
    out = run("--help", cwd=files)
    assert out.returncode == 0
    assert "rangecov coverage" in out.stdout and "exit codes" in out.stdout
    sub = run("coverage", "--help", cwd=files)
    assert sub.returncode == 0 and "--reach-column" in sub.stdout and "--max-share" in sub.stdout


def test_each_subcommands_help_shows_its_own_examples(capsys):
    helps = {}
    for command in ("coverage", "reach", "rings", "area"):
        code, out, _ = call([command, "--help"], capsys)
        assert code == 0
        helps[command] = out
        assert f"rangecov {command} " in out.split("examples:", 1)[1]
        others = {"coverage", "reach", "rings", "area"} - {command}
        assert not any(f"  rangecov {other} " in out for other in others), command
    for command in ("reach", "rings", "area"):
        assert "file of origins" in helps[command]
