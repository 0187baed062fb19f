"""Every interface string of kzlib in Chinese and English, keyed, so the wording is reviewed in one file.

Keys are `area.name` (status, brief, chart, explore, verdict, milestone, plan, index); each maps to its zh and en
text, which may hold `{fields}` filled by `label(key, lang, **fields)`. Both languages always carry the same
fields (a test checks this).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kzlib import plans, settings

TEXT: dict[str, dict[str, str]] = {
    # plan
    # the plan in use (kzlib.plans): its title, short name and the words for its sections come from its plan.yaml
    "plan.title": {"zh": "{plan_title}", "en": "{plan_title}"},
    "plan.short": {"zh": "{plan_short}进展简报", "en": "{plan_short}: progress brief"},
    # index (outputs/<plan>/html/index.html)
    "index.title": {"zh": "{plan_short} · 进展简报", "en": "{plan_short}: progress briefs"},
    "index.briefs": {"zh": "进展简报", "en": "progress briefs"},
    "index.heading": {"zh": "{plan_short}（{plan_start}—{plan_end}年）进展简报", "en": "{plan_short}: progress briefs"},
    "index.language": {"zh": "中文", "en": "English"},
    "index.status": {"zh": "状态总表", "en": "Status of every target"},
    # status
    "status.achieved": {"zh": "已完成", "en": "Achieved"},
    "status.on_track": {"zh": "达到序时进度", "en": "On track"},
    "status.at_risk": {"zh": "达标但有风险", "en": "At risk"},
    "status.needs_acceleration": {"zh": "低于序时进度", "en": "Needs acceleration"},
    "status.lagging": {"zh": "明显滞后", "en": "Lagging"},
    "status.moving_away": {"zh": "与目标反向", "en": "Moving away"},
    "status.in_progress": {"zh": "正在推进", "en": "In progress"},
    "status.not_started": {"zh": "尚未启动", "en": "Not started"},
    "status.insufficient_data": {"zh": "数据不足", "en": "Too few data"},
    "status.not_assessable": {"zh": "暂不能量化评估", "en": "Not assessable"},
    "status.no_data": {"zh": "暂无数据", "en": "No data"},
    "held.floor": {"zh": "守住底线", "en": "Floor held"},
    "held.ceiling": {"zh": "控制在上限以内", "en": "Ceiling held"},
    "broken.floor": {"zh": "未守住底线", "en": "Below the floor"},
    "broken.ceiling": {"zh": "突破上限", "en": "Above the ceiling"},
    "held.compare": {"zh": "达到要求", "en": "Requirement met"},
    "broken.compare": {"zh": "未达到要求", "en": "Requirement not met"},
    # brief
    "brief.goals": {"zh": "主要目标", "en": "Goals"},
    "brief.vintage": {"zh": "数据截至{year}年", "en": "Data up to {year} (latest year observed)"},
    "brief.vintage_some": {"zh": "数据截至{year}年（部分指标至{latest}年）", "en": "Data up to {year} (some to {latest})"},
    "brief.no_vintage": {"zh": "暂无统计数据", "en": "No observations yet"},
    "brief.rendered": {"zh": "{date}编制", "en": "made {date}"},
    "brief.scenario": {"zh": "测算口径：{label}", "en": "scenario: {label}"},
    "brief.as_of": {"zh": "按{year}年数据评估", "en": "assessed with data up to {year}"},
    "brief.summary": {"zh": "本{section}共{n}个目标：", "en": "{n} targets in this {section}: "},
    "brief.summary_all": {"zh": "各{section}共{n}个目标：", "en": "{n} targets in all {section}s: "},
    "brief.status_table": {"zh": "主要指标完成情况", "en": "Progress of the main indicators"},
    "brief.charts": {"zh": "主要指标走势", "en": "Trends of the main indicators"},
    "brief.milestones": {"zh": "重点项目和任务进展", "en": "Key projects and tasks"},
    "brief.judgements": {"zh": "逐项研判", "en": "Target by target"},
    "brief.gaps": {"zh": "数据缺口：需收集的数据", "en": "Data gaps: what to collect"},
    "brief.sources": {"zh": "数据来源", "en": "Sources"},
    "brief.no_milestones": {"zh": "本{section}无里程碑类目标。", "en": "This {section} has no milestone targets."},
    "brief.no_gaps": {"zh": "本简报所用指标暂无缺口。", "en": "No gaps in the indicators used here."},
    "brief.no_charts": {"zh": "本{section}无可量化的数值目标。", "en": "This {section} has no numeric target to chart."},
    "brief.col_target": {"zh": "指标（任务）", "en": "Indicator (task)"},
    "brief.col_status": {"zh": "评估结果", "en": "Assessment"},
    "brief.col_latest": {"zh": "最新数据（年份）", "en": "Latest (year)"},
    "brief.col_goal": {"zh": "目标值", "en": "Goal"},
    "brief.col_gap": {"zh": "距目标差距", "en": "Gap"},
    "brief.col_needed": {"zh": "完成目标需年均", "en": "Needed a year"},
    "brief.col_probability": {"zh": "按期实现概率", "en": "Chance of meeting it"},
    "brief.col_state": {"zh": "进展", "en": "State"},
    "brief.col_year": {"zh": "信息年份", "en": "Year"},
    "brief.col_source": {"zh": "来源", "en": "Source"},
    "brief.col_action": {"zh": "{section}", "en": "{Section}"},
    "brief.col_total": {"zh": "合计", "en": "Total"},
    "brief.col_missing": {"zh": "缺少年份", "en": "Missing years"},
    "brief.col_have": {"zh": "已有年份", "en": "Years held"},
    "brief.col_where": {"zh": "可能来源", "en": "Likely source"},
    "brief.col_indicator": {"zh": "指标", "en": "Indicator"},
    "brief.col_used": {"zh": "用于", "en": "Used for"},
    "brief.used_flags": {"zh": "；其中含{flags}", "en": "; including {flags}"},
    "brief.col_notes": {"zh": "说明", "en": "Notes"},
    "brief.aspiration": {"zh": "力争", "en": "aspiration"},
    "brief.gap_milestone": {"zh": "{name}：尚无进展记录，请收集进展状态及公开来源。", "en": "{name}: no progress recorded; collect its state and a public source."},
    "brief.gap_benchmark": {"zh": "{name}：{document}未给出具体数值，需确定参照值后方可评估。", "en": "{name}: the {document} gives no number; a reference value is needed before it can be assessed."},
    "brief.plan_source": {"zh": "目标原文：《{plan_title_zh}》{issue}", "en": "Targets quoted from the {document} 《{plan_title_zh}》{issue}"},
    "brief.plan_issue": {"zh": "（{who}印发）", "en": " ({who})"},
    "brief.overview_title": {"zh": "各{section}进展总览", "en": "All {section}s at a glance"},
    "brief.matrix": {"zh": "各{section}目标评估结果", "en": "Assessment of the targets by {section}"},
    "brief.matrix_note": {"zh": "注：各{section}简报按本{section}全部目标任务计数；与其他{section}重复的{n}项，总览中只在首次出现的{section}计一次。", "en": "Note: each {section}'s brief counts all of its targets; the {n} that repeat another {section}'s are counted once here, where they first stand."},
    "brief.behind": {"zh": "进度滞后的主要目标", "en": "Main targets behind schedule"},
    "brief.none_behind": {"zh": "暂无进度落后的目标。", "en": "No target is behind schedule."},
    "brief.open_brief": {"zh": "查看简报", "en": "open brief"},
    "brief.no_state": {"zh": "暂无记录", "en": "not recorded"},
    # brief: the lead, the sections and the appendix
    "brief.lead": {"zh": "总体进展", "en": "Overall progress"},
    "brief.risks": {"zh": "主要问题和风险", "en": "Main problems and risks"},
    "brief.no_risks": {"zh": "暂无进度落后或难以如期实现的目标。", "en": "No target is behind schedule or unlikely to be met."},
    "brief.no_risks_partial": {"zh": "已评估的{judged}项暂无进度滞后；另有{rest}项尚缺数据，尚无法判断整体进度。", "en": "None of the {judged} targets assessed is behind; {rest} more lack the figures, so overall progress cannot be judged yet."},
    "brief.no_risks_unjudged": {"zh": "目前尚无可评估进展的目标，暂不能判断风险。", "en": "No target can be assessed yet, so the risks cannot be judged."},
    "brief.since": {"zh": "较上年变化", "en": "Change since last year"},
    "brief.data": {"zh": "数据说明", "en": "About the data"},
    "brief.missing_heading": {"zh": "待补充数据", "en": "Figures still to collect"},
    "brief.scenario_heading": {"zh": "情景说明", "en": "Scenario"},
    "brief.commentary": {"zh": "分析意见和建议", "en": "Analysis and recommendations"},
    "brief.appendix": {"zh": "附表", "en": "Appendix"},
    "brief.appendix_missing": {"zh": "附表1　暂无数据及暂不能量化评估的目标任务", "en": "Table A1. Targets without figures or not quantifiable"},
    "brief.appendix_departments": {"zh": "附表1　需有关单位报送数据的目标任务", "en": "Table A1. Targets without figures, by department"},
    "brief.method": {"zh": "评估方法说明", "en": "How targets are judged"},
    "brief.method_text": {"zh": "按序时进度评估。基期原则上为{plan_base}年（{document}实施前一年），缺{plan_base}年数据的，取此前最近年份或此后最早年份。总量类、数量类指标比较实际年均增速与完成目标所需年均增速（按复合增长计算）；比重、比率、人均类指标比较任务完成进度与时间进度（按线性计算）。两者之比达到0.95及以上的为“达到序时进度”，0.60（含）至0.95的为“低于序时进度”，0（含）至0.60的为“明显滞后”，小于0的为“与目标反向”。每年须守住的底线类指标，以最近一年是否守住底线为准，评估结果为“守住底线”或“未守住底线”，当前守住但按现有趋势将在目标年份前跌破的，为“达标但有风险”。两项增速相比较的指标（如居民收入增速高于地区生产总值增速），以两者均有数据的最近一年是否达到要求为准。仅有一年数据的为“数据不足”。重点项目和任务按“已完成”“正在推进”“尚未启动”记录，距目标年份不足2年仍未启动的列为风险。", "en": "Targets are judged against the time elapsed: amounts and counts by their average annual growth against the growth needed (compound), shares, rates, ratios and per-capita figures by the share of the distance covered against the share of the time elapsed (linear). A ratio of 0.95 or more is on track, 0.60 to 0.95 needs acceleration, 0 to 0.60 is lagging, below 0 is moving away. A floor to hold every year is judged on the latest year (floor held, or below the floor); if the trend breaks it before the target year it is at risk. A comparison of two growth rates is judged on the latest year with both (requirement met or not). A single figure is too few data. Milestones are done, in progress or not started; one not started two years or less before its year is a risk."},
    "brief.method_probability": {"zh": "按期实现概率根据历年波动模拟估算，有4个及以上年度变化量的指标方予列示。", "en": " Probabilities come from simulating past fluctuations and are given only with four or more annual changes."},
    "brief.col_clause": {"zh": "{document}原文", "en": "Clause of the {document}"},
    "brief.col_department": {"zh": "责任单位", "en": "Department to ask"},
    "brief.col_count": {"zh": "项数", "en": "Number"},
    "brief.col_targets": {"zh": "目标任务", "en": "Targets"},
    "brief.headline_action": {"zh": "本{section}明确目标任务{n}项，其中可评估{judged}项", "en": "This {section} has {n} targets, {judged} of them judged"},
    "brief.headline_plan": {"zh": "{document}明确目标任务{n}项，其中可评估{judged}项", "en": "The {document} has {n} targets, {judged} of them judged"},
    "brief.headline_action_none": {"zh": "本{section}明确目标任务{n}项，目前均暂无数据，尚无法评估进展", "en": "This {section} has {n} targets; none has figures yet, so progress cannot be assessed"},
    "brief.headline_plan_none": {"zh": "{document}明确目标任务{n}项，目前均暂无数据，尚无法评估进展", "en": "The {document} has {n} targets; none has figures yet, so progress cannot be assessed"},
    "brief.headline_action_unjudged": {"zh": "本{section}明确目标任务{n}项，均尚不能评估进展，其中{items}", "en": "This {section} has {n} targets, none of which can be assessed yet: {items}"},
    "brief.headline_plan_unjudged": {"zh": "{document}明确目标任务{n}项，均尚不能评估进展，其中{items}", "en": "The {document} has {n} targets, none of which can be assessed yet: {items}"},
    "brief.headline_judged": {"zh": "：{items}", "en": ": {items}"},
    "brief.headline_rest": {"zh": "；另有{items}", "en": "; besides, {items}"},
    "brief.count_item": {"zh": "{status}{n}项", "en": "{n} {status}"},
    "brief.list_sep": {"zh": "、", "en": ", "},
    "brief.name_sep": {"zh": "；", "en": "; "},
    "brief.clause_sep": {"zh": "；", "en": "; "},
    "brief.stop": {"zh": "。", "en": "."},
    "brief.colon": {"zh": "：", "en": ": "},
    "brief.aside": {"zh": "（{text}）", "en": " ({text})"},
    "brief.in_year": {"zh": "（{year}年）", "en": " ({year})"},
    "brief.by_year": {"zh": "（{year}年）", "en": " ({year})"},
    "brief.year_in": {"zh": "（{year}年）", "en": " ({year})"},
    "brief.repeat": {"zh": "另见{action}", "en": "also in {action}"},
    "brief.repeated_in": {"zh": "另见{action}", "en": "also in {action}"},
    "brief.date": {"zh": "{y}年{m}月{d}日", "en": "{y}-{m:02d}-{d:02d}"},
    "brief.years_span": {"zh": "{start}—{end}年", "en": "{start}–{end}"},
    "brief.years_list": {"zh": "{years}年", "en": "{years}"},
    "brief.years_sep": {"zh": "年、", "en": ", "},
    "brief.used_item": {"zh": "{name}（{years}）", "en": "{name} {years}"},
    "brief.change_lead": {"zh": "与上年（依据截至{year}年数据）的评估结果相比，", "en": "Compared with last year's assessment (data up to {year}): "},
    "brief.change_none": {"zh": "各项评估结论均无变化。", "en": "no assessment changed."},
    "brief.change_better": {"zh": "评估结论好转的有{items}", "en": "better: {items}"},
    "brief.change_worse": {"zh": "评估结论转差的有{items}", "en": "worse: {items}"},
    "brief.change_new": {"zh": "新纳入评估的有{items}", "en": "newly judged: {items}"},
    "brief.change_figures": {"zh": "新增数据：{items}", "en": "new figures: {items}"},
    "brief.figure_item": {"zh": "{name}{value}（{year}年）", "en": "{name} {value} ({year})"},
    "brief.figure_moved": {"zh": "，较{year}年{verb}{diff}", "en": ", {verb} {diff} on {year}"},
    "brief.more": {"zh": "增加", "en": "up"},
    "brief.less": {"zh": "减少", "en": "down"},
    "brief.more_points": {"zh": "提高", "en": "up"},
    "brief.less_points": {"zh": "降低", "en": "down"},
    "brief.change_item": {"zh": "{name}（由“{before}”转为“{after}”）", "en": "{name} (from {before} to {after})"},
    "brief.vintage_none": {"zh": "本{section}各项目标尚无可用数据。", "en": "None of these targets has a figure yet."},
    "brief.vintage_lead": {"zh": "评估所用数据（含进展信息）的最新年份：{years}", "en": "The assessments rest on figures and records for {years}"},
    "brief.vintage_year": {"zh": "{year}年{n}项", "en": "{year} ({n})"},
    "brief.vintage_flags": {"zh": "；其中{items}", "en": "; of these, {items}"},
    "brief.missing": {"zh": "暂无数据的目标任务{n}项，需协调以下单位提供：{items}（详见附表1）。", "en": "{n} targets have no figure yet; to ask: {items} (see Table A1)."},
    "brief.missing_few": {"zh": "暂无数据的目标任务{n}项、数据不足的{few}项，需协调以下单位提供：{items}（暂无数据的详见附表1）。", "en": "{n} targets have no figure yet and {few} too few; to ask: {items} (those without figures in Table A1)."},
    "brief.missing_none": {"zh": "各项目标均已有数据。", "en": "Every target has figures."},
    "brief.no_department": {"zh": "责任单位待明确", "en": "department not named"},
    "brief.trial": {"zh": "本简报使用了尚未并入正式统计数据的试算数据（本简报涉及{n}个）", "en": "This brief uses trial figures not yet merged into the official data ({n} of them used here)"},
    "brief.trial_changed": {"zh": "，据此改变判断的目标：{items}。", "en": "; they change the judgement of: {items}."},
    "brief.trial_unchanged": {"zh": "，未改变任何判断。", "en": "; they change no judgement."},
    "brief.scenario_note": {"zh": "情景预测按“{label}”计算。{note}", "en": "Projections follow the scenario “{label}”. {note}"},
    "brief.related_item": {"zh": "参考数据：{value}（{year}年；{scope}）", "en": "Related: {value} ({year}; {scope})"},
    "brief.stamp": {"zh": "生成环境：kzlib {version}，依赖版本清单 {lock}", "en": "Made with kzlib {version}, lock {lock}"},
    "brief.stamp_env": {"zh": "（已安装版本与清单不一致 {env}）", "en": " (installed versions differ from it: {env})"},
    "brief.running_head": {"zh": "{plan} · {brief}", "en": "{plan} · {brief}"},
    "brief.page": {"zh": "\"第\" counter(page) \"页，共\" counter(pages) \"页\"", "en": "\"Page \" counter(page) \" of \" counter(pages)"},
    # flag: the quality of a figure, beside it
    "flag.preliminary": {"zh": "初步核算数", "en": "preliminary"},
    "flag.estimated": {"zh": "预计数", "en": "estimate"},
    "flag.flash": {"zh": "快报数", "en": "flash figure"},
    "flag.secondary": {"zh": "转载或非官方来源", "en": "reposted, not the official outlet"},
    "flag.inferred_year": {"zh": "所属年份系推断", "en": "year inferred"},
    "flag.zone_scope": {"zh": "高新区口径", "en": "high-tech zone only"},
    "flag.partial_year": {"zh": "非全年数", "en": "part of the year"},
    "flag.speech_rounded": {"zh": "讲话约数", "en": "rounded in a speech"},
    "flag.average_period": {"zh": "期间年均数", "en": "period average"},
    # risk: the one-line reason of a risk in the lead
    "risk.latest": {"zh": "{year}年为{value}", "en": "{value} in {year}"},
    "risk.gap": {"zh": "距目标尚差{gap}", "en": "{gap} to go"},
    "risk.floor_gap": {"zh": "低于底线{gap}", "en": "{gap} below the floor"},
    "risk.ceiling_gap": {"zh": "高于上限{gap}", "en": "{gap} above the ceiling"},
    "risk.breaks": {"zh": "按现有趋势推算{year}年可能低于底线", "en": "on the trend it may fall below the floor in {year}"},
    "risk.need": {"zh": "今后需年均{need}", "en": "needs {need} a year"},
    "risk.seen": {"zh": "（此前年均{seen}）", "en": " (so far {seen})"},
    "risk.seen_one": {"zh": "（{year}年{seen}）", "en": " ({seen} in {year})"},
    "risk.chance": {"zh": "如期实现概率约{p}", "en": "chance of meeting it about {p}"},
    "risk.below_one": {"zh": "不足1%", "en": "below 1%"},
    "risk.verify": {"zh": "；该数据为转载或所属年份系推断，需请{department}核实", "en": "; the figure is a repost or of an inferred year: to be checked with the {department}"},
    "risk.verify_plain": {"zh": "；该数据为转载或所属年份系推断，需核实", "en": "; the figure is a repost or of an inferred year: to be checked"},
    "risk.milestone": {"zh": "截至{year}年{state}，目标年份为{due}年", "en": "{state} as of {year}, due {due}"},
    "brief.flag_notes": {"zh": "注：{items}。", "en": "Notes: {items}."},
    "brief.flag_note": {"zh": "{mark}{flag}", "en": "{mark} {flag}"},
    # chart
    "chart.observed": {"zh": "实际值", "en": "Actual"},
    "chart.preliminary": {"zh": "初步核算数（空心）", "en": "Preliminary (hollow)"},
    "chart.base": {"zh": "基期", "en": "Base year"},
    "chart.path": {"zh": "序时进度线", "en": "Path by time elapsed"},
    "chart.projection": {"zh": "情景预测", "en": "Scenario projection"},
    "chart.band50": {"zh": "50%区间", "en": "50% band"},
    "chart.band90": {"zh": "90%区间", "en": "90% band"},
    "chart.target": {"zh": "目标", "en": "Target"},
    "chart.floor": {"zh": "每年底线", "en": "Annual floor"},
    "chart.ceiling": {"zh": "每年上限", "en": "Annual ceiling"},
    "chart.range": {"zh": "目标区间", "en": "Target range"},
    "chart.plan_period": {"zh": "{document}实施期", "en": "{Document} period"},
    "chart.broken": {"zh": "低于底线的年份", "en": "Year below the floor"},
    "chart.gap": {"zh": "数据缺失年份（点线连接）", "en": "Years without data (dotted)"},
    "chart.every_year": {"zh": "目标：{start}—{end}年{target}", "en": "Target: {target}, {start}–{end}"},
    "chart.no_data": {"zh": "暂无数据", "en": "No data yet"},
    "chart.one_obs": {"zh": "仅有{year}年数据", "en": "one figure only ({year})"},
    "chart.target_line": {"zh": "目标：{year}年{target}", "en": "Target: {target} by {year}"},
    "chart.base_line": {"zh": "基期：{year}年", "en": "base year {year}"},
    "chart.dashboard": {"zh": "{action}　目标进度一览", "en": "{action}: progress at a glance"},
    "chart.dashboard_any": {"zh": "目标进度一览", "en": "Progress at a glance"},
    "chart.task_axis": {"zh": "任务进度（竖线 = 时间进度）", "en": "Task progress (tick = share of time elapsed)"},
    "chart.time": {"zh": "时间进度", "en": "Time elapsed"},
    "chart.milestones": {"zh": "重点项目和任务进展", "en": "Key projects and tasks"},
    "chart.no_targets": {"zh": "本{section}暂无目标", "en": "No targets in this {section}"},
    "chart.matrix": {"zh": "各{section}目标评估结果分布（项）", "en": "Assessment of the targets by {section} (number)"},
    "chart.total": {"zh": "合计", "en": "Total"},
    "chart.behind": {"zh": "进度滞后的主要目标", "en": "Main targets behind schedule"},
    "chart.none_behind": {"zh": "暂无进度落后的目标", "en": "No target is behind schedule"},
    "chart.ratio_axis": {"zh": "实际进度与序时进度之比", "en": "Actual progress ÷ time elapsed"},
    "chart.no_ratio": {"zh": "不适用（{status}）", "en": "not applicable ({status})"},
    "chart.clipped": {"zh": "（截断）", "en": " (clipped)"},
    # explore
    "explore.title": {"zh": "情景探索：调整发展速度假设，查看{plan_end}年目标能否实现", "en": "Scenario explorer: change the assumed paces, see which {plan_end} goals come within reach"},
    "explore.plan": {"zh": "评估对象", "en": "Plan"},
    "explore.action": {"zh": "{section}", "en": "{Section}"},
    "explore.lang": {"zh": "语言", "en": "Language"},
    "explore.as_of": {"zh": "数据截至", "en": "Data up to"},
    "explore.latest": {"zh": "全部数据", "en": "all data"},
    "explore.scenario": {"zh": "起始情景", "en": "Start from"},
    "explore.reset": {"zh": "恢复为现有趋势", "en": "Reset to trend"},
    "explore.sliders": {"zh": "发展速度假设（自最新数据年份至目标年份）：总量指标按年均增长率（%）设定，比重、比率类指标按每年提高或降低的百分点（或本指标单位）设定", "en": "Assumed pace from the latest figure to the target year: growth a year for amounts and counts, a change a year in percentage points (or the indicator's unit) for shares, rates and ratios"},
    "explore.no_sliders": {"zh": "本{section}无可量化的数值目标。", "en": "This {section} has no numeric target."},
    "explore.trend": {"zh": "趋势 {g}", "en": "trend {g}"},
    "explore.needs": {"zh": "目标路径需 {g}", "en": "plan path needs {g}"},
    "explore.met": {"zh": "目标已达到", "en": "target already met"},
    "explore.no_trend": {"zh": "仅一个观测值，暂无趋势", "en": "one observation only: no trend"},
    "explore.save_name": {"zh": "情景名称（英文字母开头）", "en": "scenario name (starts with a letter)"},
    "explore.save": {"zh": "保存情景", "en": "Save scenario"},
    "explore.shared": {"zh": "写入本{document}共享情景文件", "en": "write to the {document}'s shared scenarios.yaml"},
    "explore.saved": {"zh": "已保存情景 {name}（{file}）。生成简报：kz render --scenario {name}", "en": "Saved scenario {name} ({file}). Render briefs with: kz render --scenario {name}"},
    "explore.outcome": {"zh": "情景结果", "en": "Outcome under the assumptions"},
    "explore.charts": {"zh": "目标走势（含情景预测及区间）", "en": "Trajectories with the scenario's projection"},
    "explore.judgements": {"zh": "逐项研判", "en": "Target by target"},
    "brief.col_growth": {"zh": "情景假设（年均）", "en": "Assumed pace a year"},
    "brief.col_value": {"zh": "目标年份情景值", "en": "Value in target year"},
    "brief.col_scenario_status": {"zh": "情景下状态", "en": "Status under scenario"},
    "brief.col_year_met": {"zh": "情景下达标年份", "en": "Year met under scenario"},
    "explore.assumed": {"zh": "当前假设", "en": "the current assumptions"},
    "explore.saved_label": {"zh": "{name}（情景探索器假设）", "en": "{name} (scenario explorer assumption)"},
    "explore.saved_note": {"zh": "在情景探索器中保存的示例假设，并非观测数据；起始情景：{start}。", "en": "Illustrative assumption saved in the scenario explorer, not an observation; start scenario: {start}."},
    "explore.unit_growth": {"zh": "%/年", "en": "% a year"},
    "explore.unit_points": {"zh": "百分点/年", "en": "points a year"},
    "explore.unit_change": {"zh": "{unit}/年", "en": "{unit} a year"},
    "explore.unit_ratio": {"zh": "每年变动", "en": "change a year"},
    "explore.with_unit": {"zh": "{name}（{unit}）", "en": "{name} ({unit})"},
    "explore.no_figures": {"zh": "以下指标暂无数据，未设滑块：{names}。", "en": "No figures yet, so no slider: {names}."},
    "explore.static": {"zh": "以下为情景探索的起始视图（静态输出）；运行本笔记本后可拖动滑块调整假设。", "en": "The explorer's start view (static output); run the notebook to move the sliders."},
    # verdict: the closing words of a judgement
    "verdict.achieved": {"zh": "已达到目标值", "en": "so the target is met"},
    "verdict.on_track": {"zh": "达到序时进度", "en": "so it is on track"},
    "verdict.at_risk": {"zh": "存在不达标风险", "en": "so it is at risk"},
    "verdict.needs_acceleration": {"zh": "低于序时进度，需加快推进", "en": "so it needs to speed up"},
    "verdict.lagging": {"zh": "明显滞后于序时进度，需大力加快推进", "en": "so it is lagging well behind"},
    "verdict.moving_away": {"zh": "与目标方向相反，需尽快扭转", "en": "so it is moving away from the target"},
    # pace: the words of a pace a year
    "pace.grow": {"zh": "增长", "en": "grow"},
    "pace.fall": {"zh": "下降", "en": "fall"},
    "pace.rise": {"zh": "提高", "en": "rise"},
    "pace.drop": {"zh": "降低", "en": "fall"},
    "pace.grow_past": {"zh": "增长", "en": "grew"},
    "pace.fall_past": {"zh": "下降", "en": "fell"},
    "pace.rise_past": {"zh": "提高", "en": "rose"},
    "pace.drop_past": {"zh": "降低", "en": "fell"},
    "pace.rate_up": {"zh": "增速", "en": "pace"},
    "pace.rate_down": {"zh": "降幅", "en": "pace"},
    "pace.size_up": {"zh": "提高幅度", "en": "pace"},
    "pace.size_down": {"zh": "降低幅度", "en": "pace"},
    "pace.times": {"zh": "倍", "en": "times"},
    "pace.trend_grow": {"zh": "增速", "en": "pace"},
    "pace.trend_fall": {"zh": "降幅", "en": "pace"},
    "pace.trend_line": {"zh": "趋势", "en": "pace"},
    "pace.recent_line": {"zh": "变化幅度", "en": "pace"},
    # judge: the pieces of the judgement sentences (kzlib.text.judgement)
    "judge.latest": {"zh": "{year}年{name}{be}{value}", "en": "{name} was {value} in {year}{be}"},
    "judge.head": {"zh": "{latest}，{gap}", "en": "{latest}, {gap}"},
    "judge.short": {"zh": "距{goal}尚差{gap}", "en": "{gap} short of {goal}"},
    "judge.above": {"zh": "距{goal}尚需降低{gap}", "en": "{gap} above {goal}"},
    "judge.goal": {"zh": "{level}目标", "en": "the target of {level}"},
    "judge.goal_relative": {"zh": "目标水平{level}（{stated}）", "en": "the target level of {level} ({stated})"},
    "judge.year_passed": {"zh": "，已到目标年份仍未达到", "en": "; the target year has passed without the target being met"},
    "judge.nominal": {"zh": "按现价计算，", "en": "at current prices, "},
    "judge.need": {"zh": "{span}需年均{verb}约{pace}", "en": "it needs to {verb} by about {pace} a year in {span}"},
    "judge.speedup": {"zh": "，约为{span}年均{word}（{pace}）的{times}", "en": ", {times} the {word} of {span} ({pace} a year)"},
    "judge.speedup_one": {"zh": "，约为{year}年{word}（{pace}）的{times}", "en": ", {times} the {word} of {year} ({pace})"},
    "judge.recent": {"zh": "（其中{year}年{pace}）", "en": " ({pace} in {year})"},
    "judge.recent_real": {"zh": "（其中{year}年现价{pace}、按可比价格计算增长{real}）", "en": " ({pace} at current prices in {year}, {real} at constant prices)"},
    "judge.recent_projected": {"zh": "若按{year}年{word}，约为{value}", "en": "at {year}'s {word}, about {value}"},
    "judge.verdict": {"zh": "{clause}，{verdict}", "en": "{clause}, {verdict}"},
    "judge.moved": {"zh": "{span}年均{verb}{pace}，与目标方向相反，需尽快扭转", "en": "it {verb} by {pace} a year in {span}, moving away from the target"},
    "judge.and": {"zh": "，", "en": ", and "},
    "judge.comma": {"zh": "，", "en": ", "},
    "judge.or": {"zh": "和", "en": " or "},
    "judge.real": {"zh": "{year}年{name}按可比价格计算增长{rate}。", "en": "In {year} {name} grew {rate} at constant prices."},
    "judge.projected": {"zh": "按现有{word}推算，{year}年约为{value}", "en": "at the current {word} it would be about {value} in {year}"},
    "judge.chance": {"zh": "按历年波动估算，如期实现目标的概率{p}", "en": "the chance of meeting the target on time, given past fluctuations, {p}"},
    "judge.about": {"zh": "约为{p}", "en": "is about {p}"},
    "judge.below_one": {"zh": "不足1%", "en": "is below 1%"},
    "judge.unlikely": {"zh": "，如期实现难度很大", "en": ": very unlikely on current trends"},
    "judge.single": {"zh": "{name}目前仅有{year}年数据（{value}）", "en": "{name} has a single figure ({value} in {year})"},
    "judge.too_few": {"zh": "尚无法判断进度", "en": "too few data to judge its pace"},
    "judge.collect_more": {"zh": "需补充{since}年以来其余年份数据", "en": "collect the other years since {since}"},
    "judge.collect_more_from": {"zh": "需请{source}补充{since}年以来其余年份数据", "en": "ask the {source} for the other years since {since}"},
    "judge.none": {"zh": "暂无{name}的数据，无法评估进度", "en": "there are no figures of {name} yet, so progress cannot be assessed"},
    "judge.collect": {"zh": "需收集{since}年以来各年度数据", "en": "collect annual figures since {since}"},
    "judge.collect_from": {"zh": "需请{source}提供{since}年以来各年度数据", "en": "ask the {source} for annual figures since {since}"},
    "judge.floor_rule": {"zh": "{document}要求{name}每年不低于{value}", "en": "the {document} requires {name} to stay at or above {value} every year"},
    "judge.ceiling_rule": {"zh": "{document}要求{name}每年不高于{value}", "en": "the {document} requires {name} to stay at or below {value} every year"},
    "judge.floor_none": {"zh": "暂无数据，无法评估", "en": "there are no figures yet, so it cannot be assessed"},
    "judge.floor_before": {"zh": "{document}实施期（{start}年起）尚无数据，最近为{year}年的{value}", "en": "there is no figure for the {document} period (from {start}) yet; the latest is {value} in {year}"},
    "judge.floor_year": {"zh": "{year}年为{value}", "en": "it was {value} in {year}"},
    "judge.floor_held": {"zh": "，守住底线", "en": ", above the floor"},
    "judge.ceiling_held": {"zh": "，控制在上限以内", "en": ", below the ceiling"},
    "judge.floor_short": {"zh": "，低于底线{gap}", "en": ", {gap} below the floor"},
    "judge.ceiling_short": {"zh": "，高于上限{gap}", "en": ", {gap} above the ceiling"},
    "judge.floor_falling": {"zh": "，低于底线{gap}，且较上年继续下降", "en": ", {gap} below the floor and falling further"},
    "judge.ceiling_falling": {"zh": "，高于上限{gap}，且较上年继续上升", "en": ", {gap} above the ceiling and rising further"},
    "judge.floor_broke": {"zh": "但{years}曾低于底线，需持续巩固", "en": "but it was below the floor in {years}"},
    "judge.ceiling_broke": {"zh": "但{years}曾高于上限，需持续巩固", "en": "but it was above the ceiling in {years}"},
    "judge.floor_broke_also": {"zh": "{years}也曾低于底线", "en": "it was below the floor in {years} too"},
    "judge.ceiling_broke_also": {"zh": "{years}也曾高于上限", "en": "it was above the ceiling in {years} too"},
    "judge.turn_round": {"zh": "需尽快扭转", "en": "this needs turning round soon"},
    "judge.floor_breaks": {"zh": "按现有趋势{basis}推算，{year}年可能低于底线", "en": "on the current trend{basis} it may fall below the floor in {year}"},
    "judge.trend_basis": {"zh": "（{span}年均{pace}）", "en": " ({pace} a year in {span})"},
    "judge.trend_basis_one": {"zh": "（{year}年{pace}）", "en": " ({pace} in {year})"},
    "judge.verify": {"zh": "需尽快核实{year}年实际数据", "en": "the actual {year} figure should be checked promptly"},
    "judge.floor_single": {"zh": "目前仅有{year}年数据（{value}）", "en": "there is a single figure so far ({value} in {year})"},
    "judge.every_year": {"zh": "每年{target}", "en": "{target} every year"},
    "judge.milestone_stale": {"zh": "，相关信息需更新", "en": " (this record is to be updated)"},
    "judge.ceiling_breaks": {"zh": "按现有趋势{basis}推算，{year}年可能突破上限", "en": "on the current trend{basis} it may rise above the ceiling in {year}"},
    "judge.compare_none": {"zh": "{name}：暂无{series}数据，无法比较", "en": "{name}: there are no figures of {series}, so the two cannot be compared"},
    "judge.compare_apart": {"zh": "{name}：两项数据尚无同一年份，无法比较", "en": "{name}: the two series share no year yet, so they cannot be compared"},
    "judge.compare_held": {"zh": "{year}年{series}为{value}，高于{reference}（{reference_value}）", "en": "in {year} {series} was {value}, above {reference} ({reference_value})"},
    "judge.compare_short": {"zh": "{year}年{series}为{value}，低于{reference}（{reference_value}）{gap}", "en": "in {year} {series} was {value}, {gap} below {reference} ({reference_value})"},
    "judge.compare_same_held": {"zh": "{year}年{series}为{value}，与{reference}（{reference_value}）基本同步", "en": "in {year} {series} was {value}, in step with {reference} ({reference_value})"},
    "judge.compare_same_short": {"zh": "{year}年{series}为{value}，与{reference}（{reference_value}）相差{gap}", "en": "in {year} {series} was {value}, {gap} apart from {reference} ({reference_value})"},
    "judge.compare_met": {"zh": "达到{document}要求", "en": "so the requirement is met"},
    "judge.compare_unmet": {"zh": "未达到{document}要求", "en": "so the requirement is not met"},
    "judge.compare_widening": {"zh": "未达到{document}要求，且差距较上年扩大", "en": "so the requirement is not met, and the shortfall grew"},
    "judge.due": {"zh": "（目标年份{year}年）", "en": " (due {year})"},
    "judge.milestone_none": {"zh": "{name}{due}：暂无进展信息，需请牵头单位报送。", "en": "{name}{due}: no progress reported yet; to be asked of the lead department."},
    "judge.milestone_state": {"zh": "{name}{due}：{state}。", "en": "{name}{due}: {state}."},
    "judge.milestone_done": {"zh": "{name}{due}：截至{year}年已完成。", "en": "{name}{due}: done as of {year}."},
    "judge.milestone_as_of": {"zh": "{name}{due}：截至{year}年{state}{stale}。", "en": "{name}{due}: {state} as of {year}{stale}."},
    "judge.source": {"zh": "来源：{source}。", "en": " Source: {source}."},
    "judge.benchmark": {"zh": "{name}以国家下达目标、全市平均水平等为参照，{document}未明确具体数值，暂不能量化评估。", "en": "{name} is measured against a reference the {document} does not quantify (a national or municipal benchmark), so it cannot be assessed numerically."},
    "judge.not_assessable": {"zh": "{name}暂不能量化评估。", "en": "{name} cannot be assessed numerically."},
    "judge.range_below": {"zh": "{name}{end}年目标为{goal}；{year}年为{value}，距区间下限尚差{gap}。", "en": "The {end} target for {name} is {goal}; in {year} it was {value}, {gap} short of the lower bound."},
    "judge.range_above": {"zh": "{name}{end}年目标为{goal}；{year}年为{value}，高于区间上限{gap}。", "en": "The {end} target for {name} is {goal}; in {year} it was {value}, {gap} above the upper bound."},
    "judge.range_inside": {"zh": "{name}{end}年目标为{goal}；{year}年为{value}，已在目标区间内。", "en": "The {end} target for {name} is {goal}; in {year} it was {value}, within the target range."},
    "judge.achieved": {"zh": "{latest}，已提前达到{end}年目标（{goal}），需继续保持", "en": "{latest}, already meeting the {end} target ({goal}) ahead of time; it is to be held there"},
    "judge.achieved_due": {"zh": "{latest}，已达到{end}年目标（{goal}）", "en": "{latest}, meeting the {end} target ({goal})"},
    "judge.assumed_growth": {"zh": "（年均{g}）", "en": " ({g} a year)"},
    "judge.met_in": {"zh": "，{year}年达到", "en": ", met in {year}"},
    "judge.target_met": {"zh": "可实现目标", "en": "the target is met"},
    "judge.scenario": {"zh": "按{label}{pace}，{year}年约为{value}，{verdict}{tail}。", "en": "Under {label}{pace} it would be about {value} in {year}: {verdict}{tail}."},
    # milestone
    "milestone.done": {"zh": "已完成", "en": "done"},
    "milestone.in_progress": {"zh": "正在推进", "en": "in progress"},
    "milestone.not_started": {"zh": "尚未启动", "en": "not started"},
    # the data request workbook (kz data gaps --format xlsx); request.instructions: one paragraph a line
    "request.title": {"zh": "《{plan_title}》监测数据征集表", "en": "{plan_title}: data request"},
    "request.sheet_title": {"zh": "{title}：{department}", "en": "{title}: {department}"},
    "request.sheet_hint": {"zh": "请在黄色单元格填写数值；灰色单元格已有数据（批注注明数值和来源），如有更新可直接改填。", "en": "Enter figures in the yellow cells. Grey cells hold a figure already (its value and source in the cell's comment): enter a revised figure over it if there is one."},
    "request.instructions_sheet": {"zh": "填表说明", "en": "How to fill in"},
    "request.instructions": {"zh": "为监测{document}目标进展，请各部门提供下列指标{first}—{last}年的统计数据。\n一、每个部门一个工作表，列出{document}目标所需、由该部门发布或掌握的指标。\n二、在对应年份的黄色单元格内填写数值。单位以“计量单位”列为准；如按其他单位填报（如万元、万亩），请同时改写该行“计量单位”，将自动换算。比率可填“2.12:1”，百分比可填“53.9”或“53.9%”。\n三、灰色单元格为已掌握的数据，批注中注明数值和来源；数据有修订的，可直接填写修订后的数值。\n四、每行须填写“资料来源”（数据所出文件的名称，如“{plan_end}年国民经济和社会发展统计公报”），有网址的一并填写“来源链接”和“发布日期”。同一指标各年份出自不同文件的，可复制该行分别填写。\n五、初步核算数、预计数、快报数，请在“备注”中注明“初步核算”“预计”或“快报”。\n六、暂无数据的单元格留空或填“—”；请填写准确数值，不填约数（如“约5.5”“5.5以上”）；请勿改动“指标代码”列。\n七、填好后请将本表交回。数据管理人员用 kz data check 检查、kz data add 并入数据库。", "en": "To monitor the {document}'s targets, please provide the figures below for {first}-{last}.\n1. One sheet per department: the indicators the {document}'s targets need that the department publishes or holds.\n2. Enter each year's figure in its yellow cell, in the unit of the Unit column. If you report in another unit of the same kind, change that row's Unit too: it is converted. Ratios may be written 2.12:1, percentages 53.9 or 53.9%.\n3. Grey cells hold a figure already, with its value and source in the cell's comment; enter a revised figure over it if there is one.\n4. Every row needs its Source title (the document the figures come from, e.g. the {plan_end} statistical bulletin), with its Source link and Source date where there is one. If the years of one indicator come from different documents, copy the row and fill one year per copy.\n5. Mark preliminary, estimated and flash figures in the Note column: preliminary, estimated, flash.\n6. Leave a cell empty (or enter -) when there is no figure. Enter exact figures, never approximate ones (about 5.5, over 5.5). Do not change the Indicator ID column.\n7. Send the workbook back. It is checked with kz data check and merged with kz data add."},
    "request.departments": {"zh": "各部门工作表", "en": "Sheets by department"},
    "request.department_line": {"zh": "{department}：{n}项指标，待填{cells}个单元格", "en": "{department}: {n} indicators, {cells} cells to fill"},
    "request.made": {"zh": "生成日期：{date}", "en": "Made on {date}"},
    "request.held": {"zh": "已有：{value}（{source}）", "en": "Held: {value} ({source})"},
    "request.col_indicator_id": {"zh": "指标代码", "en": "Indicator ID"},
    "request.col_indicator": {"zh": "指标名称", "en": "Indicator"},
    "request.col_unit": {"zh": "计量单位", "en": "Unit"},
    "request.col_year": {"zh": "{year}年", "en": "{year}"},
    "request.col_source_title": {"zh": "资料来源", "en": "Source title"},
    "request.col_source_link": {"zh": "来源链接", "en": "Source link"},
    "request.col_source_date": {"zh": "发布日期", "en": "Source date"},
    "request.col_note": {"zh": "备注", "en": "Note"},
    "request.col_plan_clause": {"zh": "{document}条款", "en": "Plan clause"},
    "request.col_have": {"zh": "已有数据年份", "en": "Years held"},
    "request.col_where": {"zh": "常见出处", "en": "Where to find"},
}


def _lang(lang: str) -> str:
    if lang not in settings.LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(settings.LANGS)}")
    return lang


PLAN_WORDS = ("section", "Section", "document", "Document", "plan_title", "plan_title_zh", "plan_short", "plan_start",
              "plan_end", "plan_base", "issuer", "issued")
PLAN_FIELD = re.compile(r"\{(" + "|".join(PLAN_WORDS) + r")\}")


def plan_fields(lang: str) -> dict[str, str]:
    """What a text may say of the plan in use (kzlib.plans): {section} (行动 / action), {document} (方案 / plan),
    {plan_title}, {plan_short}, {plan_start}, {plan_end}, {plan_base}, {issuer}, {issued}."""
    return dict(_plan_fields(plans.current(), lang))


@lru_cache(maxsize=64)
def _plan_fields(plan: plans.Plan, lang: str) -> dict[str, str]:
    section, document = plan.text("section", lang), plan.text("document", lang)
    return {"section": section if lang == "zh" else section.lower(), "Section": section[:1].upper() + section[1:],
            "document": document if lang == "zh" else document.lower(),
            "Document": document[:1].upper() + document[1:], "plan_title": plan.text("title", lang),
            "plan_title_zh": plan.title_zh, "plan_short": plan.text("short", lang), "plan_start": str(plan.start_year),
            "plan_end": str(plan.end_year), "plan_base": str(plan.base_year), "issuer": plan.text("issuer", lang),
            "issued": plan.text("issued", lang)}


def fill_plan(text: str, lang: str) -> str:
    """The text with what it says of the plan filled in; every other {field} left for later."""
    if "{" not in text or not PLAN_FIELD.search(text):
        return text
    fields = _plan_fields(plans.current(), lang)
    return PLAN_FIELD.sub(lambda m: fields[m.group(1)], text)


def label(key: str, lang: str, **fields: object) -> str:
    """The text of `key` in `lang`, with the plan's words and `fields` filled in."""
    text = fill_plan(TEXT[key][_lang(lang)], lang)
    return text.format(**fields) if fields else text


def words(area: str, lang: str) -> dict[str, str]:
    """Every text of one area in one language, keyed by name without the area (`words("chart", "zh")["target"]`),
    the plan's words filled in."""
    return dict(_words(area, _lang(lang), plans.current()))


@lru_cache(maxsize=256)
def _words(area: str, lang: str, plan: plans.Plan) -> dict[str, str]:
    prefix, fields = area + ".", _plan_fields(plan, lang)
    return {k[len(prefix):]: PLAN_FIELD.sub(lambda m: fields[m.group(1)], v[lang]) for k, v in TEXT.items()
            if k.startswith(prefix)}


ZH_DIGITS = "零一二三四五六七八九"


def numeral(n: int, lang: str) -> str:
    """A whole number as the language counts items of a plan: zh 一, 十, 十二, 二十三 (below 100); en 3."""
    n = int(n)
    if _lang(lang) != "zh" or not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return ((ZH_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (ZH_DIGITS[ones] if ones else "")) or "零"


def action(n: int, lang: str) -> str:
    """One section of the plan as the plan names it: 行动三, 第三章 / Action 3, Chapter 3 (plan.yaml numbering)."""
    plan = plans.current()
    return getattr(plan, f"numbering_{_lang(lang)}").format(section=plan.text("section", lang), n=numeral(n, lang))


def action_title(n: int, title: str, lang: str) -> str:
    """行动三：构建现代化产业体系行动 / Action 3: Building a modern industrial system."""
    return action(n, lang) + ("：" if lang == "zh" else ": ") + str(title)
