"""kz plan draft: each phrase pattern read from small texts written here, plans of one and twelve sections, and a
draft pack that loads with load_registry as written."""

from __future__ import annotations

import csv

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzlib import load_registry, plandraft
from kzlib.cli import main
from kzlib.errors import KzError, PlanTextError

TITLE = "某区测试行动方案（2024—2026年）"
CN = "一二三四五六七八九十"


def cn(n: int) -> str:
    """A number from 1 to 99 in Chinese numerals, as headings write it (十二, 二十)."""
    tens, ones = divmod(n, 10)
    return (("" if tens < 2 else CN[tens - 1]) + "十" if tens else "") + (CN[ones - 1] if ones else "")


def draft(body: str, title: str = TITLE) -> plandraft.Draft:
    """The draft of a plan made of a title line and the body."""
    return plandraft.draft_plan(f"{title}\n\n{body}\n", "test")


def numeric(d: plandraft.Draft) -> list[plandraft.Target]:
    return [t for t in d.targets if t.kind not in ("milestone", "benchmark")]


def only(body: str) -> plandraft.Target:
    """The one numeric target drafted from a body."""
    found = numeric(draft(body))
    assert len(found) == 1, [(t.name_zh, t.value) for t in found]
    return found[0]


# ---------------------------------------------------------------------------------------------------------------
# Phrase patterns: (text, kind, comparator, value, value_high, unit, subject)

PATTERNS = [
    ("到2026年，地区生产总值超过800亿元。", "level", ">", 800, None, "亿元", "地区生产总值"),
    ("进出口总额突破12亿元。", "level", ">", 12, None, "亿元", "进出口总额"),
    ("常住人口达到90万人。", "level", ">=", 90, None, "万人", "常住人口"),
    ("全区森林覆盖率提升至55%以上。", "share", ">=", 55, None, "%", "森林覆盖率"),
    ("耕地保有量不低于50.5万亩。", "maintain", ">=", 50.5, None, "万亩", "耕地保有量"),
    ("粮食产量稳定在20万吨以上。", "maintain", ">=", 20, None, "万吨", "粮食产量"),
    ("城镇调查失业率控制在5%左右。", "share", "~", 5, None, "%", "城镇调查失业率"),
    ("重大事故发生率控制在0.2%以内。", "share", "<=", 0.2, None, "%", "重大事故发生率"),
    ("单位地区生产总值能耗控制在0.4吨标准煤/万元以内。", "level", "<=", 0.4, None, "吨标准煤/万元",
     "单位地区生产总值能耗"),
    ("研发经费投入年均增长12%以上。", "growth", ">=", 12, None, "%", "研发经费投入"),
    ("农业增加值年均增长5%左右。", "growth", "~", 5, None, "%", "农业增加值"),
    ("推动绿色贷款余额翻一番。", "multiple", ">=", 2, None, "倍", "绿色贷款余额"),
    ("单位地区生产总值用水量较2020年下降15%。", "change", "<=", -15, None, "%", "单位地区生产总值用水量"),
    ("网络零售额较2023年增长30%。", "change", ">=", 30, None, "%", "网络零售额"),
    ("培育专精特新企业30家。", "count", ">=", 30, None, "家", "专精特新企业"),
    ("新建乡镇卫生院2所。", "count", ">=", 2, None, "所", "新建乡镇卫生院"),
    ("打造市级特色小镇6个以上。", "count", ">=", 6, None, "个", "市级特色小镇"),
    ("建成5G基站1.2万个。", "count", ">=", 1.2, None, "万个", "5G基站"),
    ("培育2—4家规模以上物流企业。", "range", "between", 2, 4, "家", "规模以上物流企业"),
    ("城乡居民人均可支配收入比缩小至2.1:1。", "ratio", "<=", 2.1, None, "倍", "城乡居民人均可支配收入比"),
    ("每年城镇新增就业5000人以上。", "flow", ">=", 5000, None, "人", "城镇新增就业"),
    ("惠及农户2万余户。", "level", ">", 2, None, "万户", "惠及农户"),
    ("养老机构服务质量100%达标。", "share", ">=", 100, None, "%", "养老机构服务质量"),
    ("人均体育场地面积超2.5㎡。", "level", ">", 2.5, None, "平方米", "人均体育场地面积"),
    ("每千人口拥有3岁以下婴幼儿托位数达到4个。", "level", ">=", 4, None, "个", "每千人口拥有3岁以下婴幼儿托位数"),
    ("5级以上堤防达标率达90%以上。", "share", ">=", 90, None, "%", "5级以上堤防达标率"),
    ("年发电量达60亿度以上。", "level", ">=", 60, None, "亿千瓦时", "年发电量"),
    ("年用电量达到5000万度。", "level", ">=", 5000, None, "万千瓦时", "年用电量"),
    ("新建天然气井10口。", "count", ">=", 10, None, "口", "新建天然气井"),
    ("勘探开发井超过100口。", "count", ">", 100, None, "口", "勘探开发井"),
    ("光伏装机容量达到50兆瓦。", "level", ">=", 50, None, "兆瓦", "光伏装机容量"),
    ("布局充电桩200个。", "count", ">=", 200, None, "个", "充电桩"),
    ("布局1—2个大型沼气发电项目。", "range", "between", 1, 2, "个", "大型沼气发电项目"),
    ("落地重大产业项目20个。", "count", ">=", 20, None, "个", "重大产业项目"),
    ("建成500千伏变电站1座。", "count", ">=", 1, None, "座", "500千伏变电站"),
    ("落地建设220千伏变电站2座。", "count", ">=", 2, None, "座", "220千伏变电站"),
    ("建成装机容量9兆瓦的垃圾焚烧发电厂1座。", "count", ">=", 1, None, "座", "装机容量9兆瓦的垃圾焚烧发电厂"),
    ("建设110千伏及以上线路50公里。", "level", ">=", 50, None, "公里", "110千伏及以上线路"),
]


@pytest.mark.parametrize("text, kind, comparator, value, high, unit, subject", PATTERNS)
def test_phrase_pattern(text, kind, comparator, value, high, unit, subject):
    t = only(text)
    assert (t.kind, t.comparator, t.value, t.value_high, t.unit) == (kind, comparator, value, high, unit)
    assert t.subject == subject
    assert t.target_year == 2026 and t.firmness == "firm"
    assert t.quote in text


def test_change_carries_the_stated_base_year_and_a_falling_direction():
    t = only("单位地区生产总值用水量较2020年下降15%。")
    assert t.base_year == 2020 and t.direction == "down" and t.name_zh == "单位地区生产总值用水量较2020年下降"


def test_a_change_without_base_year_takes_the_plan_base_year_with_low_confidence():
    t = only("单位地区生产总值能耗累计下降13.5%。")
    assert (t.kind, t.value, t.base_year, t.confidence) == ("change", -13.5, 2023, "low")


def test_year_of_the_clause_wins_over_the_plan_end():
    d = draft("到2025年，常住人口达到90万人；到2030年，常住人口达到95万人。")
    assert [(t.value, t.target_year) for t in numeric(d)] == [(90, 2025), (95, 2030)]


def test_a_figure_before_the_plan_starts_is_a_past_value_for_review():
    d = draft("2022年，地区生产总值为600亿元，到2026年，地区生产总值超过800亿元。")
    assert [t.value for t in numeric(d)] == [800]
    assert any("600亿元" in u.quote and "past value" in u.reason for u in d.unread)


def test_aspiration_holds_for_the_clauses_after_it_in_the_sentence():
    d = draft("力争公办幼儿园在园幼儿占比巩固在55%以上，高中阶段毛入学率巩固在98%以上。人口达到90万人。")
    assert [t.firmness for t in numeric(d)] == ["aspiration", "aspiration", "firm"]


def test_a_clause_with_a_verb_of_its_own_is_not_an_aspiration():
    d = draft("争取设立分院，启动区中医院三甲创建。")
    assert [(t.name_zh, t.firmness) for t in d.targets] == [("设立分院", "aspiration"),
                                                            ("启动区中医院三甲创建", "firm")]


def test_list_of_figures_gets_one_subject_each():
    d = draft("全区制造业、数字经济增加值占GDP比重分别达到25%、40%。")
    assert [(t.subject, t.value) for t in numeric(d)] == [("制造业增加值占GDP比重", 25),
                                                         ("数字经济增加值占GDP比重", 40)]


def test_a_trailing_word_applies_to_every_figure_of_a_list():
    d = draft("粮食播种面积和产量稳定在170万亩、50万吨以上。")
    assert [(t.subject, t.kind, t.comparator, t.unit) for t in numeric(d)] == [
        ("粮食播种面积", "maintain", ">=", "万亩"), ("产量", "maintain", ">=", "万吨")]


def test_counted_things_after_the_number():
    d = draft("培育3个智能工厂和5个数字化车间。")
    assert [(t.subject, t.value, t.unit) for t in numeric(d)] == [("智能工厂", 3, "个"), ("数字化车间", 5, "个")]


def test_a_verb_governs_a_list_of_counts():
    d = draft("力争培育上市企业3家以上、“专精特新”企业180家。")
    assert [(t.subject, t.comparator, t.firmness, t.confidence) for t in numeric(d)] == [
        ("上市企业", ">=", "aspiration", "high"), ("“专精特新”企业", ">=", "aspiration", "high")]


def test_double_doubling_gives_each_subject_a_multiple():
    d = draft("高新技术企业和科技型企业实现双倍增。")
    assert [(t.name_zh, t.kind, t.value) for t in numeric(d)] == [("高新技术企业双倍增", "multiple", 2),
                                                                 ("科技型企业双倍增", "multiple", 2)]


def test_a_predicate_without_subject_takes_the_subject_before_it():
    d = draft("社会消费品零售总额达到120亿元，年均增长6%左右。")
    growth = numeric(d)[1]
    assert (growth.kind, growth.subject, growth.name_zh) == ("growth", "社会消费品零售总额", "社会消费品零售总额年均增长")


def test_a_bare_figure_is_a_floor_of_medium_confidence():
    t = only("建成区面积18平方公里。")
    assert (t.comparator, t.confidence, t.subject) == (">=", "medium", "建成区面积")


# ---------------------------------------------------------------------------------------------------------------
# Milestones, benchmarks, and what is not read

MILESTONES = [
    ("建成马家水库、梨坪水库。", ["建成马家水库", "建成梨坪水库"]),
    ("环湖大道全面贯通。", ["环湖大道全面贯通"]),
    ("成功创建国家卫生城市。", ["成功创建国家卫生城市"]),
    ("国家级科技创新平台、新型研发机构实现零的突破。", ["国家级科技创新平台实现零的突破", "新型研发机构实现零的突破"]),
    ("口泉水库等项目开工建设。", ["口泉水库开工建设"]),
    ("进入中等城市行列。", ["进入中等城市行列"]),
    ("建立隐性壁垒台账。", ["建立隐性壁垒台账"]),
    ("新建城西污水处理厂。", ["新建城西污水处理厂"]),
    ("新建甲乙输气管线、丙丁输气管线等项目。", ["新建甲乙输气管线", "新建丙丁输气管线"]),
    ("落地分布式风力发电项目。", ["落地分布式风力发电项目"]),
    ("落地建设城南数据中心。", ["落地建设城南数据中心"]),
    ("建成投产天然气发电、LNG等项目。", ["建成投产天然气发电", "建成投产LNG"]),
    ("建成甲站、乙站和丙站。", ["建成甲站", "建成乙站", "建成丙站"]),
    ("建成城东水厂以及城西水厂。", ["建成城东水厂", "建成城西水厂"]),
    ("建成甲镇110千伏变电站以及乙镇、丙乡35千伏变电站。",
     ["建成甲镇110千伏变电站", "建成乙镇35千伏变电站", "建成丙乡35千伏变电站"]),
    ("建成宜居宜业和美乡村、文明村。", ["建成宜居宜业和美乡村", "建成文明村"]),
]


@pytest.mark.parametrize("text, names", MILESTONES)
def test_milestone_pattern(text, names):
    d = draft(text)
    assert [t.name_zh for t in d.targets if t.kind == "milestone"] == names
    assert not numeric(d)


def test_a_work_sited_under_aspiration_is_a_milestone_to_check():
    (t,) = draft("力争落地银河抽水蓄能电站。").targets
    assert (t.kind, t.name_zh, t.firmness, t.confidence) == ("milestone", "落地银河抽水蓄能电站", "aspiration", "medium")


@pytest.mark.parametrize("text, names", [
    ("建成汉丰湖国家级旅游度假区1个、雪宝山市级旅游度假区1个。", ["建成汉丰湖国家级旅游度假区", "建成雪宝山市级旅游度假区"]),
    ("配套建成海螺水泥厂储能电站1座。", ["建成海螺水泥厂储能电站"])])
def test_one_named_work_is_a_milestone_not_a_count(text, names):
    d = draft(text)
    assert not numeric(d)
    assert [(t.name_zh, t.confidence) for t in d.targets] == [(n, "medium") for n in names]


@pytest.mark.parametrize("text", ["新建乡镇卫生院1所。", "建成农村污水处理厂1座。", "建成国家级科技企业孵化器1个。",
                                  "建成汉丰湖国家级旅游度假区1个以上。", "建成综合物流园区1个。"])
def test_one_thing_of_a_kind_stays_a_count(text):
    t = only(text)
    assert (t.kind, t.value) == ("count", 1)


def test_start_of_works_under_aspiration():
    (t,) = draft("力争开工建设通宣开高速。").targets
    assert (t.kind, t.name_zh, t.firmness, t.confidence) == ("milestone", "开工建设通宣开高速", "aspiration", "high")


@pytest.mark.parametrize("text", ["以建成宜居城市为统领。", "高效创建一批特色产业园。", "探索成立合作平台公司。",
                                  "健全覆盖全民的社会保障体系。", "推动各项目标任务落实落地。"])
def test_milestone_verbs_of_a_process_are_not_milestones(text):
    assert not draft(text).targets


def test_a_milestone_verb_that_is_not_read_is_listed_for_review():
    d = draft("以建成宜居城市为统领。")
    assert [u.quote for u in d.unread] == ["以建成宜居城市为统领"]


def test_benchmarks_one_per_reference():
    d = draft("居民人均可支配收入增速高于全市平均水平和全区GDP增速。")
    assert [(t.kind, t.name_zh) for t in d.targets] == [
        ("benchmark", "居民人均可支配收入增速高于全市平均水平"), ("benchmark", "居民人均可支配收入增速高于全区GDP增速")]


@pytest.mark.parametrize("text, shown", [("万达开共建800万—1000万人口的城镇组群。", "800万—1000万人口"),
                                         ("流域水质整体保持或优于Ⅲ类。", "Ⅲ"),
                                         ("升级打造“开心办”2.0政务服务品牌。", "2.0")])
def test_figures_not_read_are_listed_never_dropped(text, shown):
    d = draft(text)
    assert not numeric(d)
    assert len(d.unread) == 1 and shown in d.unread[0].reason and d.unread[0].quote in text


@pytest.mark.parametrize("text, rating, works", [("建成500千伏变电站1座。", "500千伏", "500千伏变电站"),
                                                 ("新建800千伏直流工程特高压线路。", "800千伏", "800千伏直流工程特高压线路"),
                                                 ("建成装机容量9兆瓦的垃圾焚烧发电厂。", "9兆瓦", "9兆瓦的垃圾焚烧发电厂")])
def test_a_rating_before_the_works_it_describes_is_no_target(text, rating, works):
    d = draft(text)
    assert not [t for t in numeric(d) if t.unit in ("千伏", "兆瓦")]
    assert not d.unread
    assert [s.reason for s in d.skipped if s.text == rating] == [
        f"a rating of the works it describes ({works}), not a target"]


@pytest.mark.parametrize("text, number", [("融入全市“33618”产业发展格局。", "33618"), ("推进5G网络建设。", "5"),
                                          ("推进G211连接道前期工作。", "211"), ("十五届第59次会议审议通过。", "59")])
def test_names_codes_and_ordinals_are_skipped_with_a_reason(text, number):
    d = draft(text)
    assert not numeric(d) and not d.unread
    assert [s.text for s in d.skipped if number in s.text]


# ---------------------------------------------------------------------------------------------------------------
# Plans: title, years, sections


def twelve_actions() -> str:
    lines = ["某县乡村振兴十二项行动方案（2025—2027年）", "", "一、总体要求", "坚持农业农村优先发展。", "二、重点任务"]
    for n in range(1, 13):
        lines += [f"（{cn(n)}）实施第{cn(n)}项提升行动。", f"到2027年，示范村达到{n * 10}个。",
                  f"{n}. 推进第{cn(n)}项工作。新建服务站{n}所。"]
    lines += ["三、组织保障", "成立工作专班。"]
    return "\n".join(lines) + "\n"


def test_twelve_sections_from_the_headings():
    text = twelve_actions()
    d = plandraft.draft_plan(text, "twelve")
    assert len(d.sections) == 12
    assert (d.plan.section_zh, d.plan.section_en) == ("行动", "action")
    assert (d.plan.start_year, d.plan.end_year, d.plan.base_year) == (2025, 2027, 2024)
    assert d.plan.title_zh == "某县乡村振兴十二项行动方案（2025—2027年）"
    for s in d.sections:
        assert s.goals_zh == f"到2027年，示范村达到{s.action * 10}个。" and s.goals_zh in text
        mine = [(t.item, t.value) for t in d.targets if t.action == s.action]
        assert mine == [(0, s.action * 10), (s.action, s.action)]


def test_one_section_when_the_text_has_no_headings():
    d = draft("到2026年，全县社会消费品零售总额达到120亿元，建成乡镇商贸中心8个。")
    assert len(d.sections) == 1 and d.sections[0].title_zh == TITLE
    assert [t.action for t in d.targets] == [1, 1]
    assert d.plan.section_zh == "部分"


def test_chapters_are_sections_and_the_review_of_the_past_is_not():
    text = "\n".join(["某市数字经济发展规划（2021—2025年）", "第一章 发展基础", "“十三五”期间，数字经济规模达到500亿元。"]
                     + [f"第{cn(n)}章 第{cn(n)}项任务\n到2025年，示范项目达到{n}个。" for n in range(2, 12)]
                     + ["第十二章 保障措施", "加强组织领导。"])
    d = plandraft.draft_plan(text, "chapters")
    assert len(d.sections) == 10 and d.plan.section_zh == "章"
    assert [t.value for t in numeric(d)] == list(range(2, 12))
    assert any("500亿元" in u.quote for u in d.unread)


def test_a_goals_part_in_the_frame_becomes_a_section_of_its_own():
    text = ("某区“十四五”生态环境保护规划\n一、总体要求\n（一）指导思想\n坚持生态优先。\n（二）主要目标\n"
            "到2025年，空气质量优良天数比率达到90%以上。\n二、重点任务\n（一）打好蓝天保卫战\n1.完成50家重点企业治理。\n"
            "（二）打好碧水保卫战\n2.建成污水处理厂3座。\n三、保障措施\n加强资金保障。\n")
    d = plandraft.draft_plan(text, "goals")
    assert [s.title_zh for s in d.sections] == ["主要目标", "打好蓝天保卫战", "打好碧水保卫战"]
    assert (d.plan.start_year, d.plan.end_year) == (2021, 2025)
    assert [(t.action, t.item, t.value) for t in numeric(d)] == [(1, 0, 90), (2, 1, 50), (3, 2, 3)]


def test_title_from_the_notice_of_issue():
    text = ("某区人民政府关于\n印发某区建设行动方案（2023—2027年）的通知\n\n各部门：\n《某区建设行动方案（2023—2027年）》"
            "已经审议通过。\n\n某区建设行动方案（2023—2027年）\n为落实《某市建设规划纲要》，制定本方案。\n")
    assert plandraft.plan_title(plandraft.normalise_newlines(text), plandraft.load_phrases()) == \
        "某区建设行动方案（2023—2027年）"


def test_chinese_numerals():
    assert [plandraft.cn_number(s) for s in ("十二", "二十", "一百零五", "两千", "七", "12", "十四五")] == \
        [12, 20, 105, 2000, 7, 12, None]


# ---------------------------------------------------------------------------------------------------------------
# Changed figures, any number of sections: whatever the figures, the draft reads them back

SUBJECTS = ["地区生产总值", "社会消费品零售总额", "常住人口城镇化率", "森林覆盖率", "进出口总额", "城镇居民人均可支配收入"]
PHRASES = [("{s}超过{v}亿元", ">", "亿元"), ("{s}达到{v}%", ">=", "%"), ("{s}控制在{v}%以内", "<=", "%"),
           ("{s}不低于{v}万人", ">=", "万人"), ("{s}突破{v}万元", ">", "万元"), ("{s}提高到{v}%左右", "~", "%")]
clause = st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(PHRASES),
                   st.decimals(min_value="0.1", max_value="9999", places=1))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(clause, min_size=1, max_size=4), min_size=1, max_size=12))
def test_any_figures_in_any_number_of_sections_are_read_back(sections):
    lines = ["某区测试行动方案（2026—2030年）", "一、重点任务"]
    expected = []
    for n, clauses in enumerate(sections, start=1):
        lines.append(f"（{cn(n)}）推进第{cn(n)}项行动。")
        lines.append("到2030年，" + "，".join(p.format(s=s, v=v) for s, (p, _, _), v in clauses) + "。")
        expected += [(n, s, c, float(v), u) for s, (_, c, u), v in clauses]
    text = "\n".join(lines) + "\n"
    d = plandraft.draft_plan(text, "generated")
    assert len(d.sections) == len(sections)
    got = [(t.action, t.subject, t.comparator, t.value, t.unit) for t in numeric(d)]
    assert got == expected
    assert all(t.quote in text and t.target_year == 2030 for t in d.targets)


# ---------------------------------------------------------------------------------------------------------------
# The pack on disk


def small_plan() -> str:
    return ("某区测试行动方案（2024—2026年）\n\n一、重点任务\n（一）产业提升行动。\n"
            "到2026年，地区生产总值超过800亿元，研发经费投入年均增长12%以上，建成产业园区2个，"
            "升级打造“开心办”2.0品牌。\n1. 建成马家水库、梨坪水库。\n（二）民生改善行动。\n"
            "到2026年，城镇调查失业率控制在5%左右，人均预期寿命达到79岁。\n")


def test_the_draft_pack_loads_as_written(tmp_path):
    text = small_plan()
    known = [{"id": "gdp", "name_zh": "地区生产总值", "name_en": "GDP", "unit": "亿元", "unit_en": "100 million yuan",
              "direction": "up", "measure": "amount", "derived_from": ["gdp_parts"]},
             {"id": "gdp_parts", "name_zh": "三次产业增加值", "name_en": "Value added", "unit": "亿元",
              "unit_en": "100 million yuan", "direction": "up", "measure": "amount"}]
    d = plandraft.draft_plan(text, "small", known)
    plandraft.write_pack(d, text, tmp_path / "pack")
    reg = load_registry(root=tmp_path / "pack" / "registry", plan=tmp_path / "pack" / "plan.txt")
    assert (tmp_path / "pack" / "plan.txt").read_text(encoding="utf-8") == text
    assert sorted(reg.actions["action"]) == [1, 2]
    assert set(reg.targets["kind"]) == {"level", "growth", "count", "milestone", "share"}
    gdp = reg.target("a1_gdp")
    assert (gdp["indicator"], gdp["comparator"], gdp["value"], gdp["target_year"]) == ("gdp", ">", 800, 2026)
    assert set(reg.indicators["id"]) >= {"gdp", "gdp_parts"}
    assert (reg.targets["name_en"] == plandraft.PLACEHOLDER).all()
    plan = yaml.safe_load((tmp_path / "pack" / "plan.yaml").read_text(encoding="utf-8"))
    assert plan == {"id": "small", "title_zh": "某区测试行动方案（2024—2026年）", "title_en": plandraft.PLACEHOLDER,
                    "start_year": 2024, "end_year": 2026, "base_year": 2023, "section_zh": "行动",
                    "section_en": "action"}


def test_every_target_has_its_confidence_in_the_yaml_and_the_review_list(tmp_path):
    text = small_plan()
    d = plandraft.draft_plan(text, "small")
    plandraft.write_pack(d, text, tmp_path)
    action_1 = (tmp_path / "registry" / "targets" / "action-01.yaml").read_text(encoding="utf-8")
    assert action_1.count("# confidence: ") == sum(t.action == 1 for t in d.targets)
    with open(tmp_path / "review.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["entry"] for r in rows if r["what"] in ("target", "milestone")} == {t.id for t in d.targets}
    unread = [r for r in rows if r["what"] == "unread"]
    assert [r["quote"] for r in unread] == ["升级打造“开心办”2.0品牌"]
    review = (tmp_path / "REVIEW.md").read_text(encoding="utf-8")
    assert "升级打造“开心办”2.0品牌" in review and "registry/indicators/draft.yaml" in review


def test_a_folder_that_is_not_empty_is_refused_unless_forced(tmp_path):
    text = twelve_actions()
    plandraft.write_pack(plandraft.draft_plan(text, "x"), text, tmp_path)
    assert (tmp_path / "registry" / "targets" / "action-12.yaml").exists()
    with pytest.raises(KzError, match="not empty"):
        plandraft.write_pack(plandraft.draft_plan(small_plan(), "x"), small_plan(), tmp_path)
    plandraft.write_pack(plandraft.draft_plan(small_plan(), "x"), small_plan(), tmp_path, force=True)
    assert sorted(p.name for p in (tmp_path / "registry" / "targets").iterdir()) == ["action-01.yaml", "action-02.yaml"]
    load_registry(root=tmp_path / "registry", plan=tmp_path / "plan.txt")


def test_cli_drafts_a_gbk_file_and_says_what_to_review(tmp_path, capsys):
    source = tmp_path / "plan.txt"
    source.write_bytes(small_plan().encode("gbk"))
    assert main(["plan", "draft", str(source), "-o", str(tmp_path / "out"), "--indicators", "none"]) == 0
    out = capsys.readouterr().out
    assert "2 sections (行动)" in out and "REVIEW.md" in out
    assert (tmp_path / "out" / "plan.txt").read_text(encoding="utf-8") == small_plan()
    assert main(["plan", "draft", str(source), "-o", str(tmp_path / "out")]) == 2
    assert "--force" in capsys.readouterr().err


@pytest.mark.parametrize("content, message", [(None, "cannot be read"), (b"PK\x03\x04\x00\x00", "not a text file"),
                                              (b"\xff\xfe\x80\x80\xff", "neither UTF-8 nor GBK"), (b" \n ", "no text")])
def test_unreadable_plan_is_exit_2_naming_the_file(tmp_path, capsys, content, message):
    source = tmp_path / "plan.txt"
    if content is not None:
        source.write_bytes(content)
    assert main(["plan", "draft", str(source), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(source) in err and message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(PlanTextError):
        plandraft.read_plan_text(source)
