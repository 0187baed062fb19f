"""kzlib.documents: a bulletin file of any accepted kind becomes the same text; unreadable files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzlib.documents import read_document, unwrap_lines
from kzlib.errors import DocumentError

FIXTURES = Path(__file__).parent / "data" / "bulletins"
SENTENCE = "全年城镇新增就业5321人。城镇调查失业率5.2%。"   # a paragraph of make_fixtures.BODY


@pytest.mark.parametrize("name", ["shapes_bom.txt", "shapes_gbk.txt"])
def test_text_encodings_read_alike(name):
    assert read_document(FIXTURES / name).text == read_document(FIXTURES / "shapes.txt").text


def test_html_paragraphs_table_rows_and_title():
    doc = read_document(FIXTURES / "shapes.html")
    lines = doc.text.splitlines()
    assert doc.kind == "html" and doc.title.startswith("2025年示例县国民经济和社会发展统计公报")
    assert SENTENCE in lines
    assert "进出口总额\t万元\t53000\t-3.2" in lines          # one table row, one line of cells
    assert "visits" not in doc.text and "text-indent" not in doc.text   # script and style are not text


def test_word_paragraphs_and_table_rows_without_deleted_text():
    doc = read_document(FIXTURES / "shapes.docx")
    lines = doc.text.splitlines()
    assert SENTENCE in lines and "5G基站\t个\t812\t15.0" in lines
    assert "9999" not in doc.text                            # a tracked deletion is not the document's text


def test_pdf_text_layer_holds_the_chinese_sentences():
    text = read_document(FIXTURES / "shapes.pdf").text
    assert "初步核算，全年实现地区生产总值1234567万元，比上年增长5.6%。按产业分" in text   # rejoined across lines
    assert read_document(FIXTURES / "restricted.pdf").text == text     # empty user password: opens as is


def test_unwrap_joins_full_lines_without_closing_punctuation():
    lines = ["一、综合", "初步核算，全年实现地区生产总值686.9", "1亿元，比上年增长6.7%。第一产业增加值95.", "31亿元。",
             "二、农业", "全年粮食播种面积13.5万公顷，粮食总产量"]
    assert unwrap_lines(lines) == ["一、综合", "初步核算，全年实现地区生产总值686.91亿元，比上年增长6.7%。第一产业增加值95.31亿元。",
                                   "二、农业", "全年粮食播种面积13.5万公顷，粮食总产量"]


@pytest.mark.parametrize(("name", "content", "words"), [
    ("bulletin.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "save it as .docx"),
    ("bulletin.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "password-protected Office file"),
    ("bulletin.pdf", "2024年统计公报".encode(), "not a pdf file inside"),
    ("bulletin.docx", b"PK\x03\x04broken zip", "cannot be read as a Word .docx"),
    ("bulletin.xyz", "2024年统计公报".encode(), "unknown file type '.xyz'"),
    ("bulletin.png", b"\x89PNG\r\n", "an image"),
    ("bulletin.txt", b"   \n\n", "the file is empty"),
    ("bulletin.txt", b"\x80\xff\x80\xff", "cannot be decoded"),
])
def test_unreadable_files_are_refused_with_what_to_do(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError) as exc:
        read_document(path)
    problem = exc.value.problems[0]
    assert problem.file == str(path) and words in problem.message


@pytest.mark.parametrize(("name", "words"), [("scanned.pdf", "no text layer"), ("locked.pdf", "password")])
def test_pdfs_without_readable_text_are_refused(name, words):
    with pytest.raises(DocumentError, match=words):
        read_document(FIXTURES / name)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DocumentError, match="file not found"):
        read_document(tmp_path / "nothing.txt")
