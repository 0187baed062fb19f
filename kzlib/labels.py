"""Every interface string of kzlib in Chinese and English, keyed, so the wording is reviewed in one file.

Keys are `area.name` (status, brief, chart, explore, verdict, milestone, plan, index); each maps to its zh and en
text, which may hold `{fields}` filled by `label(key, lang, **fields)`. Both languages always carry the same
fields (a test checks this).
"""

from __future__ import annotations

from kzlib import settings

TEXT: dict[str, dict[str, str]] = {
    # plan
    "plan.title": {"zh": "重庆市开州区实施成渝地区双城经济圈建设行动方案（2023—2027年）",
                   "en": "Kaizhou District action plan for the Chengdu–Chongqing economic circle (2023–2027)"},
    "plan.action": {"zh": "行动{n}", "en": "Action {n}"},
    # index (outputs/html/index.html)
    "index.title": {"zh": "开州区成渝地区双城经济圈建设行动方案 · 进展简报", "en": "Progress briefs"},
    "index.briefs": {"zh": "进展简报", "en": "progress briefs"},
    "index.heading": {"zh": "开州区行动方案（2023—2027年）进展简报", "en": "Kaizhou action plan 2023–2027: progress briefs"},
    "index.language": {"zh": "中文", "en": "English"},
    "index.status": {"zh": "状态总表", "en": "Status of every target"},
    # status
    "status.achieved": {"zh": "已完成", "en": "Achieved"},
    "status.on_track": {"zh": "达到序时进度", "en": "On track"},
    "status.needs_acceleration": {"zh": "需加快", "en": "Needs acceleration"},
    "status.lagging": {"zh": "滞后", "en": "Lagging"},
    "status.moving_away": {"zh": "反向变动", "en": "Moving away"},
    "status.in_progress": {"zh": "推进中", "en": "In progress"},
    "status.not_started": {"zh": "未启动", "en": "Not started"},
    "status.not_assessable": {"zh": "无法量化评估", "en": "Not assessable"},
    "status.no_data": {"zh": "暂无数据", "en": "No data"},
    # brief
    "brief.goals": {"zh": "方案目标", "en": "Goals of the plan"},
    "brief.vintage": {"zh": "数据截至{year}年（最新观测年份）", "en": "Data up to {year} (latest year observed)"},
    "brief.no_vintage": {"zh": "暂无观测数据", "en": "No observations yet"},
    "brief.rendered": {"zh": "生成于{date}", "en": "rendered {date}"},
    "brief.scenario": {"zh": "情景：{label}", "en": "scenario: {label}"},
    "brief.as_of": {"zh": "按{year}年数据评估", "en": "assessed with data up to {year}"},
    "brief.summary": {"zh": "本行动共{n}个目标：", "en": "{n} targets in this action: "},
    "brief.summary_all": {"zh": "各项行动共{n}个目标：", "en": "{n} targets in all actions: "},
    "brief.status_table": {"zh": "目标进度", "en": "Progress by target"},
    "brief.charts": {"zh": "目标走势", "en": "Trajectories"},
    "brief.milestones": {"zh": "里程碑", "en": "Milestones"},
    "brief.judgements": {"zh": "逐项研判", "en": "Target by target"},
    "brief.gaps": {"zh": "数据缺口：需收集的数据", "en": "Data gaps: what to collect"},
    "brief.sources": {"zh": "数据来源", "en": "Sources"},
    "brief.no_milestones": {"zh": "本行动无里程碑类目标。", "en": "This action has no milestone targets."},
    "brief.no_gaps": {"zh": "本简报所用指标暂无缺口。", "en": "No gaps in the indicators used here."},
    "brief.no_charts": {"zh": "本行动无可量化的数值目标。", "en": "This action has no numeric target to chart."},
    "brief.col_target": {"zh": "目标", "en": "Target"},
    "brief.col_status": {"zh": "状态", "en": "Status"},
    "brief.col_latest": {"zh": "最新值（年份）", "en": "Latest (year)"},
    "brief.col_goal": {"zh": "目标值", "en": "Goal"},
    "brief.col_gap": {"zh": "差距", "en": "Gap"},
    "brief.col_needed": {"zh": "尚需年均增速", "en": "Growth needed a year"},
    "brief.col_probability": {"zh": "按期达标概率", "en": "Chance of meeting it"},
    "brief.col_state": {"zh": "进展", "en": "State"},
    "brief.col_year": {"zh": "年份", "en": "Year"},
    "brief.col_source": {"zh": "来源", "en": "Source"},
    "brief.col_action": {"zh": "行动", "en": "Action"},
    "brief.col_total": {"zh": "合计", "en": "Total"},
    "brief.col_missing": {"zh": "缺少年份", "en": "Missing years"},
    "brief.col_have": {"zh": "已有年份", "en": "Years held"},
    "brief.col_where": {"zh": "可能来源", "en": "Likely source"},
    "brief.col_indicator": {"zh": "指标", "en": "Indicator"},
    "brief.col_used": {"zh": "用于", "en": "Used for"},
    "brief.col_notes": {"zh": "说明", "en": "Notes"},
    "brief.aspiration": {"zh": "预期性", "en": "aspiration"},
    "brief.gap_milestone": {"zh": "{name}：尚无进展记录，请收集进展状态及公开来源。", "en": "{name}: no progress recorded; collect its state and a public source."},
    "brief.gap_benchmark": {"zh": "{name}：方案未给出具体数值，需确定参照值后方可评估。", "en": "{name}: the plan gives no number; a reference value is needed before it can be assessed."},
    "brief.plan_source": {"zh": "目标原文：《{title}》（开州区人民政府，2023年）", "en": "Targets quoted from the plan 《{title}》 (Kaizhou District People's Government, 2023), see data/plan.txt"},
    "brief.overview_title": {"zh": "各项行动进展总览", "en": "All actions at a glance"},
    "brief.matrix": {"zh": "各行动目标状态", "en": "Status of the targets by action"},
    "brief.behind": {"zh": "进度最落后的目标", "en": "Targets furthest behind"},
    "brief.none_behind": {"zh": "暂无进度落后的目标。", "en": "No target is behind schedule."},
    "brief.open_brief": {"zh": "查看简报", "en": "open brief"},
    "brief.no_state": {"zh": "暂无记录", "en": "not recorded"},
    # chart
    "chart.observed": {"zh": "观测值", "en": "Observed"},
    "chart.preliminary": {"zh": "初步核算数（空心）", "en": "Preliminary (hollow)"},
    "chart.base": {"zh": "基期", "en": "Base year"},
    "chart.path": {"zh": "所需路径", "en": "Required path"},
    "chart.projection": {"zh": "情景预测", "en": "Scenario projection"},
    "chart.band50": {"zh": "50%区间", "en": "50% band"},
    "chart.band90": {"zh": "90%区间", "en": "90% band"},
    "chart.target": {"zh": "目标", "en": "Target"},
    "chart.floor": {"zh": "每年底线", "en": "Annual floor"},
    "chart.ceiling": {"zh": "每年上限", "en": "Annual ceiling"},
    "chart.range": {"zh": "目标区间", "en": "Target range"},
    "chart.plan_period": {"zh": "规划期", "en": "Plan period"},
    "chart.broken": {"zh": "未守住的年份", "en": "Year not held"},
    "chart.gap": {"zh": "缺数年份（点线）", "en": "Years without data (dotted)"},
    "chart.every_year": {"zh": "目标：{start}—{end}年每年 {target}", "en": "Target: {target} every year {start}–{end}"},
    "chart.no_data": {"zh": "暂无数据", "en": "No data yet"},
    "chart.one_obs": {"zh": "仅有{year}年一个观测值，暂无法评估", "en": "Only one observation ({year}), too few to assess"},
    "chart.target_line": {"zh": "目标：{year}年 {target}", "en": "Target: {target} by {year}"},
    "chart.base_line": {"zh": "基期：{year}年", "en": "base year {year}"},
    "chart.dashboard": {"zh": "行动{action}\u3000目标进度一览", "en": "Action {action}: progress at a glance"},
    "chart.dashboard_any": {"zh": "目标进度一览", "en": "Progress at a glance"},
    "chart.task_axis": {"zh": "任务进度（竖线 = 时间进度）", "en": "Task progress (tick = share of time elapsed)"},
    "chart.time": {"zh": "时间进度", "en": "Time elapsed"},
    "chart.milestones": {"zh": "里程碑", "en": "Milestones"},
    "chart.no_targets": {"zh": "本行动暂无目标", "en": "No targets in this action"},
    "chart.matrix": {"zh": "各项行动目标状态一览（目标个数）", "en": "Status of the targets by action (number of targets)"},
    "chart.action": {"zh": "行动{action}", "en": "Action {action}"},
    "chart.short_action": {"zh": "行动{action}：", "en": "A{action}: "},
    "chart.total": {"zh": "合计", "en": "Total"},
    "chart.behind": {"zh": "进度最落后的目标", "en": "Targets furthest behind"},
    "chart.none_behind": {"zh": "暂无进度落后的目标", "en": "No target is behind schedule"},
    "chart.ratio_axis": {"zh": "增速比 R（实际年均增速 ÷ 所需年均增速）", "en": "Pace ratio R (observed ÷ required annual growth)"},
    "chart.no_ratio": {"zh": "无增速比（{status}）", "en": "no pace ratio ({status})"},
    "chart.clipped": {"zh": "（截断）", "en": " (clipped)"},
    # explore
    "explore.title": {"zh": "情景探索：调整增速假设，查看2027年目标能否实现", "en": "Scenario explorer: change the growth assumptions, see which 2027 goals come within reach"},
    "explore.action": {"zh": "行动", "en": "Action"},
    "explore.lang": {"zh": "语言", "en": "Language"},
    "explore.as_of": {"zh": "数据截至", "en": "Data up to"},
    "explore.latest": {"zh": "全部数据", "en": "all data"},
    "explore.scenario": {"zh": "起始情景", "en": "Start from"},
    "explore.reset": {"zh": "恢复起始情景", "en": "Reset to start"},
    "explore.sliders": {"zh": "年均增速假设（%/年，自最新数据年份至目标年份；占比类指标亦按相对增速计）", "en": "Assumed growth (% a year, from the latest figure to the target year; shares grow in relative terms too)"},
    "explore.no_sliders": {"zh": "本行动无可量化的数值目标。", "en": "This action has no numeric target."},
    "explore.trend": {"zh": "趋势 {g}", "en": "trend {g}"},
    "explore.needs": {"zh": "目标路径需 {g}", "en": "plan path needs {g}"},
    "explore.met": {"zh": "目标已达到", "en": "target already met"},
    "explore.no_data": {"zh": "暂无数据", "en": "no data"},
    "explore.no_trend": {"zh": "仅一个观测值，暂无趋势", "en": "one observation only: no trend"},
    "explore.save_name": {"zh": "情景名称（英文字母开头）", "en": "scenario name (starts with a letter)"},
    "explore.save": {"zh": "保存情景", "en": "Save scenario"},
    "explore.shared": {"zh": "写入共享文件 data/scenarios.yaml", "en": "write to the shared data/scenarios.yaml"},
    "explore.saved": {"zh": "已保存情景 {name}（{file}）。生成简报：kz render --scenario {name}", "en": "Saved scenario {name} ({file}). Render briefs with: kz render --scenario {name}"},
    "explore.outcome": {"zh": "情景结果", "en": "Outcome under the assumptions"},
    "explore.charts": {"zh": "目标走势（含情景预测及区间）", "en": "Trajectories with the scenario's projection"},
    "explore.judgements": {"zh": "逐项研判", "en": "Target by target"},
    "brief.col_growth": {"zh": "假设年均增速", "en": "Assumed growth"},
    "brief.col_value": {"zh": "目标年份情景值", "en": "Value in target year"},
    "brief.col_scenario_status": {"zh": "情景下状态", "en": "Status under scenario"},
    "brief.col_year_met": {"zh": "情景下达标年份", "en": "Year met under scenario"},
    "explore.assumed": {"zh": "当前假设", "en": "the current assumptions"},
    "explore.saved_label": {"zh": "{name}（情景探索器假设）", "en": "{name} (scenario explorer assumption)"},
    "explore.saved_note": {"zh": "在情景探索器中保存的示例假设，并非观测数据；起始情景：{start}。", "en": "Illustrative assumption saved in the scenario explorer, not an observation; start scenario: {start}."},
    # verdict
    "verdict.on_track": {"zh": "达到序时进度", "en": "so it is on track"},
    "verdict.needs_acceleration": {"zh": "需加快", "en": "so it needs to speed up"},
    "verdict.lagging": {"zh": "进度滞后，需大幅加快", "en": "so it is lagging well behind"},
    # milestone
    "milestone.done": {"zh": "已完成", "en": "done"},
    "milestone.in_progress": {"zh": "推进中", "en": "in progress"},
    "milestone.not_started": {"zh": "未启动", "en": "not started"},
}


def _lang(lang: str) -> str:
    if lang not in settings.LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(settings.LANGS)}")
    return lang


def label(key: str, lang: str, **fields: object) -> str:
    """The text of `key` in `lang`, with `fields` filled in."""
    text = TEXT[key][_lang(lang)]
    return text.format(**fields) if fields else text


def words(area: str, lang: str) -> dict[str, str]:
    """Every text of one area in one language, keyed by name without the area (`words("chart", "zh")["target"]`)."""
    prefix = area + "."
    return {k[len(prefix):]: v[_lang(lang)] for k, v in TEXT.items() if k.startswith(prefix)}


def action_title(n: int, title: str, lang: str) -> str:
    """行动3：构建现代化产业体系行动 / Action 3: Building a modern industrial system."""
    return label("plan.action", lang, n=int(n)) + ("：" if lang == "zh" else ": ") + str(title)
