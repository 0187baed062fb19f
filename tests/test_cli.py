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


def test_csv_figures_carry_no_binary_noise(capsys):
    # 1000 - 686.91 (2023 GDP) is 313.09, which float arithmetic gives as 313.09000000000003.
    assert main(["assess", "--action", "1", "--as-of", "2023", "--format", "csv"]) == 0
    gdp = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("a1_gdp,"))
    assert ",313.09," in gdp and "0000000" not in gdp
