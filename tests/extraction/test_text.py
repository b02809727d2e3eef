"""The matching form of a text keeps every offset, and sentences point back into the original."""

from hypothesis import given
from hypothesis import strategies as st

from extraction.text import normalize, sentences


def test_full_width_and_traditional_forms_are_folded():
    assert normalize("統一社會信用代碼：９１３１，期限為兩年（２４個月），漲幅５％") == (
        "统一社会信用代码:9131,期限为两年(24个月),涨幅5%"
    )


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_normalizing_never_changes_the_length(text):
    assert len(normalize(text)) == len(text)


def test_sentences_split_at_chinese_and_english_ends_but_not_inside_numbers_or_company_names():
    text = 'ABC Co., Ltd. (the "Customer") agrees. Uptime is 99.9%. 1.1 第一句；第二句。\n第三句'

    found = [s.text for s in sentences(text)]

    assert found == ['ABC Co., Ltd. (the "Customer") agrees.', "Uptime is 99.9%.", "1.1 第一句；", "第二句。", "第三句"]


def test_a_sentence_span_is_its_text_in_the_original():
    text = "甲方應於七個工作日內完成；乙方須提前三十日通知。"

    for sentence in sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert normalize(sentence.text) == sentence.norm
