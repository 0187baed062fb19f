"""The `kz` entry point shows a user's mistakes as one line, never a traceback."""

from kzlib.cli import main


def test_unwritable_output_is_one_clear_line(tmp_path, capsys):
    blocker = tmp_path / "report.txt"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    code = main(["targets", "--format", "csv", "-o", str(blocker / "targets.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("kz targets: ") and str(blocker / "targets.csv") in err
    assert "Traceback" not in err


def test_unknown_scenario_names_the_choices(capsys):
    code = main(["assess", "--scenario", "no-such-scenario"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no-such-scenario" in err and "trend" in err
