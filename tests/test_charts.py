"""Charts: the project's CJK font, every chart type in both languages, labels in the language asked for."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest
import seaborn as sns
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

from kzlib import charts, settings

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def assess_row(**changes: object) -> dict:
    """An assess-shaped row (GDP, action 1, needs acceleration) with the given fields changed."""
    row = {
        "id": "a1_gdp", "action": 1, "item": 0, "indicator": "gdp", "kind": "level",
        "name_zh": "地区生产总值", "name_en": "Gross regional product", "unit": "亿元", "unit_en": "100 million yuan",
        "comparator": ">", "target_value": 1000.0, "value_high": None, "target_year": 2027, "direction": "up",
        "status": "needs_acceleration", "ratio": 0.67, "base_year": 2022, "base_value": 643.0,
        "latest_year": 2024, "latest_value": 721.44, "n_obs": 4, "gap": 278.56, "observed_growth": 0.059,
        "required_growth": 0.115, "speedup": 1.9, "time_progress": 0.4, "task_progress": 0.22,
        "broken_years": None, "milestone_state": None,
    }
    row.update(changes)
    return row


OBS = pd.DataFrame({
    "indicator": ["gdp"] * 4 + ["gas"] * 3 + ["firms"] * 3 + ["pop"],
    "year": [2021, 2022, 2023, 2024, 2022, 2023, 2024, 2022, 2023, 2024, 2023],
    "value": [612.3, 643.0, 686.91, 721.44, 31.2, 30.4, 29.1, 1, 1, 2, 118.56],
    "flags": ["", "", "preliminary", "preliminary;secondary", "", "", "", "", "", "", "preliminary"],
})
PATH = pd.DataFrame({
    "indicator": "gdp", "year": [2024, 2025, 2026, 2027], "value": [721.44, 763.0, 807.0, 853.0],
    "lo90": [721.44, 735.0, 752.0, 770.0], "lo50": [721.44, 750.0, 782.0, 812.0],
    "hi50": [721.44, 776.0, 832.0, 893.0], "hi90": [721.44, 791.0, 862.0, 940.0],
    "kind": ["observed", "projected", "projected", "projected"],
})
GAS = assess_row(id="a2_gas", indicator="gas", kind="maintain", name_zh="常规天然气年产量",
                 name_en="Conventional natural gas output", unit="亿立方米", unit_en="100 million m³",
                 comparator=">=", target_value=30.0, status="lagging", latest_value=29.1, broken_years=[2024],
                 task_progress=None)
FIRMS = assess_row(id="a3_firms", indicator="firms", kind="range", name_zh="规模以上物流企业",
                   name_en="Logistics firms above designated size", unit="家", unit_en="firms",
                   comparator="between", target_value=3.0, value_high=5.0, direction="band", status="lagging",
                   base_value=1.0, latest_value=2.0, task_progress=0.2)
RATIO = assess_row(id="a9_ratio", indicator="ratio", kind="ratio", name_zh="城乡居民人均可支配收入比",
                   name_en="Urban-rural income ratio", unit="倍", unit_en="times", comparator="<=", target_value=2.05,
                   direction="down", status="on_track", base_value=2.28, latest_value=2.21, task_progress=0.3)
RATIO_OBS = pd.DataFrame({"indicator": "ratio", "year": [2022, 2023, 2024], "value": [2.28, 2.25, 2.21],
                          "flags": "derived"})
NO_DATA = assess_row(id="a4_rd", indicator="rd", kind="level", name_zh="全社会研发经费投入",
                     name_en="Gross R&D expenditure", comparator=">=", target_value=25.0, status="no_data",
                     base_year=None, base_value=None, latest_year=None, latest_value=None, n_obs=0, task_progress=None)
ONE_OBS = assess_row(id="a1_pop", indicator="pop", name_zh="常住人口", name_en="Resident population", unit="万人",
                     unit_en="10 thousand people", comparator=">=", target_value=125.0, status="no_data",
                     base_year=None, base_value=None, latest_year=2023, latest_value=118.56, n_obs=1,
                     task_progress=None)
MILESTONES = [
    assess_row(id=f"a1_m{i}", kind="milestone", indicator=None, target_value=None, name_zh=zh, name_en=en,
               status=status, milestone_state=state, latest_year=year, task_progress=None, time_progress=None)
    for i, (zh, en, status, state, year) in enumerate([
        ("建成开州通用机场", "Kaizhou general airport built", "in_progress", "in_progress", 2024),
        ("建成郑万高铁开州段", "Zhengzhou–Wanzhou rail, Kaizhou section", "achieved", "done", 2022),
        ("国家级科技创新平台实现零的突破", "A first national S&T platform", "no_data", None, None),
    ])
]
TRAJECTORIES = {
    "level": (assess_row(), OBS, PATH), "maintain": (GAS, OBS, None), "range": (FIRMS, OBS, None),
    "ratio": (RATIO, RATIO_OBS, None), "no_data": (NO_DATA, OBS, None), "one_obs": (ONE_OBS, OBS, None),
}


def texts(fig: Figure) -> list[str]:
    """Every piece of text drawn in the figure (titles, labels, ticks, legend, annotations)."""
    fig.canvas.draw() if hasattr(fig.canvas, "renderer") else fig.savefig(io.BytesIO(), format="png")
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def draw_without_missing_glyphs(fig: Figure, fmt: str = "png") -> None:
    """Render the figure and fail on any 'Glyph … missing from font' warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format=fmt)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing


def all_figures(lang: str) -> dict[str, Figure]:
    assessment = pd.DataFrame([assess_row(), GAS, FIRMS, RATIO, NO_DATA, ONE_OBS, *MILESTONES])
    figs = {name: charts.trajectory(row, obs, path, lang) for name, (row, obs, path) in TRAJECTORIES.items()}
    figs["dashboard"] = charts.dashboard(assessment, lang)
    figs["matrix"] = charts.status_matrix(assessment, None, lang)
    figs["behind"] = charts.furthest_behind(assessment, lang)
    return figs


# --- fonts -------------------------------------------------------------------------------------------


def test_font_comes_from_the_pypi_package() -> None:
    path = charts.font_file()
    assert path.is_file() and path.suffix == ".ttc"
    assert path.parent.name == "noto_cjk_sans_otc"


def test_use_style_registers_the_sc_face_and_is_idempotent() -> None:
    charts.use_style("zh")
    path = str(charts.font_file())
    faces = [f for f in font_manager.fontManager.ttflist if f.fname == path]
    charts.use_style("zh")
    charts.use_style("en")
    assert len([f for f in font_manager.fontManager.ttflist if f.fname == path]) == len(faces)
    assert "Noto Sans CJK SC" in {f.name for f in faces}
    found = font_manager.findfont(font_manager.FontProperties(family=mpl.rcParams["font.sans-serif"][0]),
                                  fallback_to_default=False)
    assert Path(found) == Path(path)
    assert mpl.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    with pytest.raises(ValueError, match="unknown language 'jp'"):
        charts.use_style("jp")


def test_use_style_survives_seaborn_resetting_the_font() -> None:
    charts.use_style("zh")
    sns.set_theme()  # resets font.family / font.sans-serif
    assert mpl.rcParams["font.sans-serif"][0] != "Noto Sans CJK SC"
    fig = charts.trajectory(assess_row(), OBS, PATH, "zh")  # every chart applies the house style first
    assert mpl.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    draw_without_missing_glyphs(fig)


def test_missing_glyphs_are_detected() -> None:
    # The check the other tests rely on: with a Latin-only font, Chinese text warns (and fails the suite).
    fig = Figure()
    fig.text(0.1, 0.5, "地区生产总值", family="DejaVu Sans")
    with pytest.warns(UserWarning, match="missing from font"):
        fig.savefig(io.BytesIO(), format="png")


# --- every chart, both languages -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", settings.LANGS)
def test_every_chart_draws_with_all_glyphs(lang: str) -> None:
    before = plt.get_fignums()
    for name, fig in all_figures(lang).items():
        assert isinstance(fig, Figure), name
        assert fig.get_figwidth() == pytest.approx(settings.FIGURE_WIDTH)
        assert 110 <= fig.dpi <= 130
        draw_without_missing_glyphs(fig)
    assert plt.get_fignums() == before  # bare figures: nothing left open in pyplot


def test_svg_output_has_no_missing_glyphs() -> None:
    draw_without_missing_glyphs(charts.trajectory(assess_row(), OBS, PATH, "zh"), "svg")


def test_english_charts_carry_no_chinese() -> None:
    for name, fig in all_figures("en").items():
        chinese = [t for t in texts(fig) if CJK.search(t)]
        assert not chinese, (name, chinese)


def test_trajectory_labels_in_chinese() -> None:
    drawn = texts(charts.trajectory(assess_row(), OBS, PATH, "zh"))
    assert "地区生产总值" in drawn
    assert "亿元" in drawn  # the unit on the axis
    assert "低于序时进度" in drawn  # the status in words
    assert "初步核算数（空心）" in drawn  # preliminary figures have a legend entry
    assert "目标：2027年超过1000亿元；基期：2022年" in drawn
    assert ">1000" in drawn  # beside the target marker, in the axis unit


def test_trajectory_labels_in_english() -> None:
    drawn = texts(charts.trajectory(assess_row(), OBS, PATH, "en"))
    assert {"Gross regional product", "100 million yuan", "Needs acceleration", "Preliminary (hollow)",
            "Scenario projection", "Path by time elapsed"} <= set(drawn)
    assert ">1,000" in drawn


def test_trajectory_marks_preliminary_figures_hollow() -> None:
    fig = charts.trajectory(assess_row(), OBS, PATH, "zh")
    hollow = [line for line in fig.axes[0].get_lines()
              if line.get_marker() == "o" and line.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [2023, 2024]
    plain = texts(charts.trajectory(RATIO, RATIO_OBS, None, "zh"))
    assert "初步核算数（空心）" not in plain


def test_trajectory_status_tag_uses_the_palette() -> None:
    fig = charts.trajectory(GAS, OBS, None, "en")
    tag = [t for t in fig.axes[0].texts if t.get_text() == "Below the floor"]  # a floor is held or not, year by year
    assert len(tag) == 1
    assert mpl.colors.to_hex(tag[0].get_bbox_patch().get_facecolor()) == settings.STATUS_COLOURS["lagging"].lower()


def test_trajectory_year_ticks_are_integers() -> None:
    for row, obs, path in TRAJECTORIES.values():
        fig = charts.trajectory(row, obs, path, "en")
        fig.savefig(io.BytesIO(), format="png")
        labels = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
        assert labels and all(re.fullmatch(r"20\d\d", label) for label in labels), labels


def test_no_data_panel_still_shows_the_target() -> None:
    fig = charts.trajectory(NO_DATA, OBS, None, "zh")
    assert "暂无数据" in texts(fig)
    target = [line for line in fig.axes[0].get_lines() if line.get_marker() == "D"]
    assert len(target) == 1 and list(target[0].get_ydata()) == [NO_DATA["target_value"]]
    low, high = fig.axes[0].get_ylim()
    assert low <= NO_DATA["target_value"] <= high


def test_a_single_figure_is_drawn_with_its_target_not_a_no_data_panel() -> None:
    row = dict(ONE_OBS, status="insufficient_data")
    fig = charts.trajectory(row, OBS, None, "en")
    drawn = texts(fig)
    assert "No data yet" not in drawn and any("one figure only (2023)" in t for t in drawn)
    assert charts.parts(fig).status_tag.get_text() == "Too few data"
    target = [line for line in fig.axes[0].get_lines() if line.get_marker() == "D"]
    assert len(target) == 1 and list(target[0].get_ydata()) == [row["target_value"]]


def test_growth_target_without_data_states_the_rate_and_draws_no_level() -> None:
    # Without a base value the level that 15 % a year implies is unknown: no marker at "15" on a 亿元 axis.
    row = dict(NO_DATA, kind="growth", stated_value=15.0, target_value=15.0)
    fig = charts.trajectory(row, OBS, None, "zh")
    assert "目标：2027年年均增长15%以上" in texts(fig)
    assert not [line for line in fig.axes[0].get_lines() if line.get_marker() == "D"]
    with_base = assess_row(kind="growth", stated_value=15.0, target_value=643.0 * 1.15 ** 5, comparator=">=")
    marks = [t.get_text() for t in charts.trajectory(with_base, OBS, PATH, "zh").axes[0].texts]
    assert "1293.3" in marks  # 643 × 1.15^5 = 1293.30, written in the axis unit


def test_trajectory_of_an_unknown_indicator_is_a_no_data_panel() -> None:
    assert "暂无数据" in texts(charts.trajectory(assess_row(indicator="nothing"), OBS, None, "zh"))
    assert "暂无数据" in texts(charts.trajectory(assess_row(), pd.DataFrame(), None, "zh"))


def test_maintain_draws_a_floor_and_rings_the_broken_year() -> None:
    fig = charts.trajectory(GAS, OBS, None, "zh")
    drawn = texts(fig)
    assert "目标：2023—2027年每年30亿立方米以上" in drawn and "每年底线" in drawn and "低于底线的年份" in drawn
    assert "未守住底线" in drawn  # the status tag of a floor broken
    rings = [line for line in fig.axes[0].get_lines() if line.get_markeredgecolor() ==
             settings.STATUS_COLOURS["moving_away"]]
    assert [list(r.get_xdata()) for r in rings] == [[2024]]


def test_range_draws_a_band() -> None:
    assert "目标区间 3—5家" in texts(charts.trajectory(FIRMS, OBS, None, "zh"))


# --- overview charts -------------------------------------------------------------------------------------


def test_dashboard_bars_and_ticks() -> None:
    rows = pd.DataFrame([assess_row(), RATIO, NO_DATA])
    fig = charts.dashboard(rows, "zh")
    ax = fig.axes[0]
    coloured = [p for p in ax.patches if mpl.colors.to_hex(p.get_facecolor()) != charts.TRACK.lower()]
    assert sorted(round(p.get_width(), 2) for p in coloured) == [0.22, 0.3]
    assert {mpl.colors.to_hex(p.get_facecolor()) for p in coloured} == {
        settings.STATUS_COLOURS["needs_acceleration"].lower(), settings.STATUS_COLOURS["on_track"].lower()}
    assert "暂无数据" in texts(fig)  # a row without task progress says why
    top_down = [t.get_text() for t in ax.get_yticklabels()][::-1]  # matplotlib lists the bottom row first
    assert top_down == ["地区生产总值", "城乡居民人均可支配收入比", "全社会研发经费投入"]
    assert "行动一　目标进度一览" in texts(fig)


@pytest.mark.parametrize("lang", settings.LANGS)
def test_dashboard_with_only_milestones_or_only_no_data(lang: str) -> None:
    only_milestones = charts.dashboard(pd.DataFrame(MILESTONES), lang)
    drawn = texts(only_milestones)
    assert any(t.startswith("建成开州通用机场" if lang == "zh" else "Kaizhou general airport built") for t in drawn)
    draw_without_missing_glyphs(only_milestones)
    only_no_data = charts.dashboard(pd.DataFrame([NO_DATA, ONE_OBS]), lang)
    assert ("暂无数据" if lang == "zh" else "No data") in texts(only_no_data)
    empty = charts.dashboard(pd.DataFrame(columns=["id", "action", "kind", "status"]), lang)
    assert ("本行动暂无目标" if lang == "zh" else "No targets in this action") in texts(empty)


def test_status_matrix_counts_by_hand() -> None:
    # Action 1: two achieved, one lagging (3 in all); action 2: one no-data target.
    rows = pd.DataFrame([assess_row(status="achieved"), assess_row(status="achieved"), assess_row(status="lagging"),
                         assess_row(action=2, status="no_data")])
    fig = charts.status_matrix(rows, None, "zh")
    ax = fig.axes[0]
    cells = {(round(t.get_position()[0] - 0.5), round(t.get_position()[1] - 0.5)): t.get_text() for t in ax.texts}
    achieved, lagging, no_data = (settings.STATUSES.index(s) for s in ("achieved", "lagging", "no_data"))
    total = len(settings.STATUSES)
    assert cells == {(achieved, 1): "2", (lagging, 1): "1", (total, 1): "3", (no_data, 0): "1", (total, 0): "1"}
    assert [t.get_text() for t in ax.get_yticklabels()] == ["行动一", "行动二"]
    heads = [t.get_text() for t in ax.get_xticklabels()]
    assert heads[:4] == ["已完成", "达到序时进度", "达标但有风险", "低于序时进度"] and heads[-1] == "合计"


def test_furthest_behind_orders_by_ratio_and_keeps_n() -> None:
    rows = pd.DataFrame([
        assess_row(id="a", name_en="Alpha", status="needs_acceleration", ratio=0.7),
        assess_row(id="b", name_en="Beta", status="moving_away", ratio=-3.0, action=2),
        assess_row(id="c", name_en="Gamma", status="lagging", ratio=0.2),
        assess_row(id="d", name_en="Delta", status="on_track", ratio=1.2),
        assess_row(id="e", name_en="Epsilon", status="no_data", ratio=None),
    ])
    fig = charts.furthest_behind(rows, "en", n=2)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Action 1: Gamma", "Action 2: Beta"]  # worst at the top (matplotlib lists bottom first)
    assert "\N{MINUS SIGN}3.00 (clipped)" in texts(fig)  # a bar cut at the axis limit says so


@pytest.mark.parametrize(("locs", "lang", "expected"), [
    ([-1.0, -0.75, -0.5, -0.25, 0.0], "en", ["\N{MINUS SIGN}1.00", "\N{MINUS SIGN}0.75", "\N{MINUS SIGN}0.50",
                                            "\N{MINUS SIGN}0.25", "0.00"]),
    ([500.0, 600.0, 700.0], "zh", ["500", "600", "700"]),
    ([10000.0, 12000.0], "en", ["10,000", "12,000"]),
    ([2.05, 2.1, 2.15], "zh", ["2.05", "2.10", "2.15"]),
])
def test_tick_labels_are_exact(locs: list[float], lang: str, expected: list[str]) -> None:
    ticks = charts.NumberTicks(lang)
    assert ticks.format_ticks(locs) == expected


def test_furthest_behind_with_nothing_behind() -> None:
    rows = pd.DataFrame([assess_row(status="achieved", ratio=None)])
    assert "暂无进度落后的目标" in texts(charts.furthest_behind(rows, "zh"))


def test_write_charts_names_files_predictably(tmp_path: Path) -> None:
    assessment = pd.DataFrame([assess_row(), dict(GAS, action=2), *MILESTONES])
    written = charts.write_charts(assessment, OBS, PATH, tmp_path, ("zh",), None, "svg")
    names = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert names == ["zh/action-01/a1_gdp.svg", "zh/action-01/dashboard.svg", "zh/action-02/a2_gas.svg",
                     "zh/action-02/dashboard.svg", "zh/overview-behind.svg", "zh/overview-status.svg"]
    assert all(p.stat().st_size > 1000 for p in written)
    one = charts.write_charts(assessment, OBS, PATH, tmp_path / "one", ("en",), [2], "png")
    assert sorted(str(p.relative_to(tmp_path / "one")) for p in one) == ["en/action-02/a2_gas.png",
                                                                          "en/action-02/dashboard.png"]
    assert (tmp_path / "one/en/action-02/a2_gas.png").read_bytes()[:4] == b"\x89PNG"


def test_kz_charts_writes_an_action(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("kzlib.assess")
    pytest.importorskip("kzlib.scenarios")
    from kzlib.cli import main

    assert main(["charts", "--action", "1", "--lang", "zh", "--format", "svg", "-o", str(tmp_path)]) == 0
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.svg"))
    assert "zh/action-01/dashboard.svg" in files
    assert all(re.fullmatch(r"zh/action-01/[a-z0-9_]+\.svg", f) for f in files), files
    assert f"{len(files)} chart" in capsys.readouterr().out


def test_kz_charts_rejects_an_unknown_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("kzlib.scenarios")
    from kzlib.cli import main

    assert main(["charts", "--scenario", "nonesuch", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "nonesuch" in err and "trend" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())
