"""Write the bulletin fixtures of the sentence shapes beside this script: text, HTML, .docx and PDF files.

The figures are test inputs, not observations: the title says 测试用例（非真实数据）. Run
`.venv/bin/python tests/data/bulletins/make_fixtures.py` after changing a case; the generated files are kept.
"""

from __future__ import annotations

import io
import zipfile
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

HERE = Path(__file__).resolve().parent
HEAD = [
    "2025年示例县国民经济和社会发展统计公报（测试用例，非真实数据）",
    "示例县统计局 国家统计局示例调查队",
    "2026年3月20日",
]
# One paragraph a line; the shapes the bulletins use, with full-width punctuation as most of them have.
BODY = [
    "一、综合",
    "初步核算，全年实现地区生产总值1234567万元，比上年增长5.6%。按产业分，第一产业增加值20.5亿元，增长3.1%；"
    "第二产业增加值40.2亿元，下降1.5%；第三产业增加值62.7567亿元，增长8.0%。三次产业结构由17.0：33.5：49.5调整为"
    "16.6：32.6：50.8。",
    "全年人均地区生产总值达到48000元，比上年增长6.1%，两年平均增长4.0%。民营经济增加值80.1亿元，增长5.0%，"
    "占全县经济总量的64.9%。",
    "年末全县户籍总人口52.3万人，其中，城镇人口20.1万人；全县年末常住人口41.2万人，其中，城镇人口22.0万人，"
    "占常住人口比重（常住人口城镇化率）为53.40%，比上年提高1.2个百分点。",
    "全年城镇新增就业5321人。城镇调查失业率5.2%。",
    "二、农业",
    "全年粮食播种面积2.16万公顷，比上年增长0.5%；粮食总产量142300吨，增长1.8%。",
    "三、人民生活",
    "全年全体居民人均可支配收入28000元，比上年增长6.5%，扣除价格因素，实际增长5.8%。按常住地分，城镇常住居民人均可支配"
    "收入41000元，增长5.1%；农村常住居民人均可支配收入19500元，增长7.2%。全体居民人均可支配收入中位数24000元，增长6.0%。",
    "全年社会消费品零售总额45.6亿元，比上年增长7.7%。全年一般公共预算收入9.87亿元，比上年增长2.3%，其中，税收收入6.1亿元，"
    "下降4.2%。",
    "全年接待游客1500万人次，增长1.2倍，其中过夜游客约300万人次。旅游综合收入85.5亿元，比2019年增长15.0%。"
    "示例高新区高新技术企业56家。",
]
TABLE_TITLE = "表1 2025年其他主要指标（测试用例，非真实数据）"
TABLE = [
    ["指标", "单位", "绝对数", "比上年增长(%)"],
    ["进出口总额", "万元", "53000", "-3.2"],
    ["5G基站", "个", "812", "15.0"],
    ["森林覆盖率", "%", "55.3", "—"],
]
TAIL = ["注：本公报中地区生产总值、各产业增加值绝对数按现价计算，增长速度按不变价格计算。"]


def text() -> str:
    """The plain-text bulletin (no table)."""
    return "\n".join([*HEAD, *BODY, *TAIL]) + "\n"


def html() -> str:
    """A web page with the body in paragraphs, the table as an HTML table, and page furniture to skip."""
    rows = "\n".join("<tr>" + "".join(f"<td><p>{escape(c)}</p></td>" for c in row) + "</tr>" for row in TABLE)
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in BODY)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{escape(HEAD[0])}_示例县人民政府网</title>
<style>p {{ text-indent: 2em; }}</style><script>var visits = 12345;</script></head>
<body><div class="nav">首页 &gt; 统计数据 &gt; 统计公报</div>
<h1>{escape(HEAD[0])}</h1><div>{escape(HEAD[1])}<br>{escape(HEAD[2])}</div>
{paragraphs}
<p>{escape(TABLE_TITLE)}</p>
<table border="1">
{rows}
</table>
<p>{escape(TAIL[0])}</p>
<div class="footer">版权所有 示例县人民政府 备案号12345678</div>
</body></html>
"""


def _w_par(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r></w:p>'


def docx() -> bytes:
    """A minimal Word document: the paragraphs, a table, and a tracked deletion that must not be read."""
    table = "".join("<w:tr>" + "".join(f"<w:tc>{_w_par(c)}</w:tc>" for c in row) + "</w:tr>" for row in TABLE)
    deleted = ('<w:p><w:del w:id="1" w:author="x"><w:r><w:delText>全年城镇新增就业9999人。</w:delText></w:r></w:del>'
               '</w:p>')
    body = "".join([*(_w_par(p) for p in [*HEAD, *BODY, TABLE_TITLE]), f"<w:tbl>{table}</w:tbl>", deleted,
                    _w_par(TAIL[0])])
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body>{body}</w:body></w:document>")
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/'
             'word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
             'document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (("[Content_Types].xml", types), ("_rels/.rels", rels), ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 20, 0, 0, 0))
            archive.writestr(info, content)
    return buf.getvalue()


def pdf_pages(lines: list[str], width: int = 34) -> bytes:
    """A PDF whose text layer holds the lines (Chinese embedded as a TrueType subset), wrapped as a page does."""
    import matplotlib as mpl
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from kzlib import charts

    charts.use_style("zh")
    wrapped = [line[i:i + width] for line in lines for i in range(0, len(line), width)]
    buf = io.BytesIO()
    with mpl.rc_context({"pdf.fonttype": 42}), PdfPages(buf, metadata={"CreationDate": None}) as pages:
        fig = Figure(figsize=(8.27, 11.69))
        for i, line in enumerate(wrapped):
            fig.text(0.06, 0.96 - i * 0.022, line, fontsize=10)
        pages.savefig(fig)
    return buf.getvalue()


def scanned_pdf() -> bytes:
    """A PDF holding only a picture of text, as a scanner makes it: no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("1", (400, 120), 1)
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.line([(20, 20 + 16 * i), (380, 20 + 16 * i)], fill=0, width=6)
    buf = io.BytesIO()
    image.save(buf, format="PDF", resolution=72)
    return buf.getvalue()


def encrypted_pdf(source: bytes, user_password: str) -> bytes:
    """The PDF encrypted (RC4); with an empty user password it opens without asking, as most readers do."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def main() -> None:
    """Write every fixture."""
    plain = text()
    (HERE / "shapes.txt").write_text(plain, encoding="utf-8")
    (HERE / "shapes_bom.txt").write_bytes(plain.encode("utf-8-sig"))
    (HERE / "shapes_gbk.txt").write_bytes(plain.replace("\n", "\r\n").encode("gbk"))
    (HERE / "shapes.html").write_bytes(html().encode("gbk"))
    (HERE / "shapes.docx").write_bytes(docx())
    pdf = pdf_pages([*HEAD, *BODY[:3]])
    (HERE / "shapes.pdf").write_bytes(pdf)
    (HERE / "scanned.pdf").write_bytes(scanned_pdf())
    (HERE / "locked.pdf").write_bytes(encrypted_pdf(pdf, "open-sesame"))
    (HERE / "restricted.pdf").write_bytes(encrypted_pdf(pdf, ""))
    (HERE / "empty.txt").write_bytes(b"")


if __name__ == "__main__":
    main()
