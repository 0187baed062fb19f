"""Tiny in-memory registries for tests of the assessment and scenario math."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import yaml

from kzlib import paths
from kzlib.registry import TARGET_COLUMNS, Registry


def target(**fields) -> dict:
    """One registry row with plain defaults: a level target on indicator x, higher is better, by 2027."""
    row = dict(id="t", action=1, item=1, indicator="x", kind="level", comparator=">=", value=None,
               value_high=None, unit="u", unit_en="u", target_year=2027, base_year=None, direction="up",
               firmness="firm", name_zh="目标", name_en="target", quote="q", note=None, repeat_of=None,
               reference=None)
    row.update(fields)
    return row


def registry(*rows: dict, indicators: dict[str, dict] | None = None) -> Registry:
    """A registry holding just these targets and the indicators they name (with the given fields, e.g. measure)."""
    df = pd.DataFrame(list(rows), columns=TARGET_COLUMNS)
    df["base_year"] = df["base_year"].astype("Int64")
    df["value"] = pd.to_numeric(df["value"])
    df["value_high"] = pd.to_numeric(df["value_high"])
    ids = sorted({r[k] for r in rows for k in ("indicator", "reference") if r.get(k)} | set(indicators or {}))
    info = [{"id": i, "direction": "up", **(indicators or {}).get(i, {})} for i in ids]
    return Registry(actions=pd.DataFrame(), indicators=pd.DataFrame(info), targets=df)


def registry_dir(root: Path, indicators: dict[str, str], targets: str) -> Path:
    """A registry folder: the real actions, these indicator files (name -> YAML text), one action-01 file."""
    (root / "indicators").mkdir()
    (root / "targets").mkdir()
    shutil.copy(paths.PACKAGE_ROOT / "data" / "plans" / paths.DEFAULT_PLAN / "registry" / "actions.yaml", root)
    for name, text in indicators.items():
        (root / "indicators" / name).write_text(text, encoding="utf-8")
    (root / "targets" / "action-01.yaml").write_text(targets, encoding="utf-8")
    return root


NUMERALS = "一二三四五六七八九十"


def _chapter(n: int) -> str:
    """一 … 十二 … 九十九: a chapter's number in Chinese."""
    tens, ones = divmod(n, 10)
    return ("" if not tens else "十" if tens == 1 else NUMERALS[tens - 1] + "十") + (NUMERALS[ones - 1] if ones else "")


def plan_pack(folder: Path, sections: int = 2, observations_from: tuple[str, ...] = (), output: str = "output") -> Path:
    """A complete plan pack of a made-up county outline, 2021-2025 (base 2020), in chapters (第N章). Chapter 1 has a
    level, a share and a milestone target, chapter 2 a count and a growth target, every later chapter one milestone;
    the figures are made up for the test (output 60 → 80 亿元 2020-2022; share 40 → 42 %; parks 2 by 2022).
    `output` is the id of the output indicator (gdp: the one of the Kaizhou pack, to share its figures)."""
    text, targets = [], {}
    for n in range(1, sections + 1):
        if n == 1:
            clauses = ["地区生产总值达到100亿元", "服务业增加值比重达到50%", "建成县城污水处理厂"]
            rows = [dict(id="c_output", indicator=output, kind="level", comparator=">=", value=100, unit="亿元",
                         unit_en="100 million yuan", name_zh="地区生产总值", name_en="Output", quote=clauses[0]),
                    dict(id="c_services", indicator="services_share", kind="share", comparator=">=", value=50,
                         unit="%", unit_en="%", name_zh="服务业增加值比重", name_en="Services share", quote=clauses[1]),
                    dict(id="c_plant", kind="milestone", name_zh="建成县城污水处理厂", name_en="Sewage plant built",
                         quote=clauses[2], department="stats")]
        elif n == 2:
            clauses = ["新建城市公园5个", "研发经费投入年均增长10%"]
            rows = [dict(id="c_parks", indicator="new_parks", kind="count", comparator=">=", value=5, unit="个",
                         unit_en="parks", name_zh="新建城市公园", name_en="New parks", quote=clauses[0]),
                    dict(id="c_rd", indicator="rd_spending", kind="growth", comparator=">=", value=10, unit="%",
                         unit_en="%", name_zh="研发经费投入年均增长", name_en="R&D spending growth", quote=clauses[1])]
        else:
            clauses = [f"建成第{n}号便民服务中心"]
            rows = [dict(id=f"c_centre_{n}", kind="milestone", name_zh=clauses[0], name_en=f"Service centre {n} built",
                         quote=clauses[0], department="stats")]
        text.append(f"第{_chapter(n)}章 第{n}项任务\n到2025年，" + "，".join(clauses) + "。")
        targets[n] = [{"item": 1, "target_year": 2025, **r} for r in rows]
    root = folder
    (root / "registry" / "indicators").mkdir(parents=True)
    (root / "registry" / "targets").mkdir()
    plan = {"id": root.name, "title_zh": "某县国民经济和社会发展第十四个五年规划纲要", "title_en": "A county's 14th five-year outline",
            "short_zh": "某县十四五规划纲要", "short_en": "County outline 2021-2025", "start_year": 2021, "end_year": 2025,
            "base_year": 2020, "section_zh": "章", "section_en": "Chapter", "numbering_zh": "第{n}章",
            "document_zh": "规划", "document_en": "outline", **({"observations_from": list(observations_from)}
                                                                if observations_from else {})}
    dump = lambda path, data: path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),  # noqa: E731
                                              encoding="utf-8")
    dump(root / "plan.yaml", plan)
    (root / "plan.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    dump(root / "registry" / "actions.yaml", {"actions": [
        {"action": n, "title_zh": f"第{n}项任务", "title_en": f"Task {n}", "goals_zh": text[n - 1].split("\n")[1],
         "goals_en": f"Goals of task {n}"} for n in range(1, sections + 1)]})
    dump(root / "registry" / "departments.yaml", {"departments": [
        {"id": "stats", "name_zh": "县统计局", "name_en": "Statistics Bureau"}]})
    indicator = lambda i, zh, unit, measure: {"id": i, "name_zh": zh, "name_en": i, "unit": unit,  # noqa: E731
                                              "unit_en": unit, "direction": "up", "measure": measure, "scope": "全县",
                                              "source_zh": "统计公报", "source_en": "bulletin", "department": "stats"}
    dump(root / "registry" / "indicators" / "county.yaml", {"indicators": [
        indicator(output, "地区生产总值", "亿元", "amount"), indicator("services_share", "服务业增加值比重", "%", "share"),
        indicator("new_parks", "新建城市公园", "个", "count"), indicator("rd_spending", "研发经费投入", "亿元", "amount")]})
    for n, rows in targets.items():
        dump(root / "registry" / "targets" / f"action-{n:02d}.yaml", {"action": n, "targets": rows})
    source = "某县2022年国民经济和社会发展统计公报（测试用虚构数据）,https://example.org/bulletin,2023-03-01,,,"
    (root / "observations.csv").write_text(
        "indicator,year,value,unit,source_title,source_link,source_date,flags,quote,note\n"
        + "".join(f"{i},{y},{v},{u},{source}\n" for i, y, v, u in [
            (output, 2020, 60, "亿元"), (output, 2022, 80, "亿元"), ("services_share", 2020, 40, "%"),
            ("services_share", 2022, 42, "%"), ("new_parks", 2022, 2, "个")]), encoding="utf-8")
    (root / "milestones.csv").write_text(
        "target,year,state,source_title,source_link,source_date,flags,quote,note\n"
        f"c_plant,2022,done,{source}\n", encoding="utf-8")
    dump(root / "scenarios.yaml", {"scenarios": {"trend": {
        "label_zh": "按现有趋势测算", "label_en": "Current trend continues", "base": "trend",
        "note_zh": "各指标按基期以来的年均增速延续。", "note_en": "Each indicator keeps its growth since the base year."}}})
    return root
