"""Model pages in German, French, Spanish, Italian and Portuguese, read as English ones.

`english_label` turns a localized label ("Kontextfenster", "Fenêtre de contexte", "Entrée
en cache") into the English label the generic reader maps to a field. `english_amount`
rewrites localized amounts and units ("1,25 $ pro 1 Mio. Token", "0,0025 USD les 1 000
jetons", "1.048.576 Token") in English form; `iso_date` reads a date with a localized
month name ("25. März 2025", "1er janvier 2025", "5 de marzo de 2025") or a numeric date
whose order the page language settles ("20.11.2024" on a German page) as ISO 8601.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

DAY_FIRST_LANGS = frozenset({"de", "fr", "es", "it", "pt", "nl", "pl", "da", "sv", "nb", "no",
                             "fi", "cs", "ru", "tr", "en-gb"})
"""Page languages (`<html lang>`) that write numeric dates day first."""


def plain(text: str) -> str:
    """Lower case without accents: "Veröffentlicht" -> "veroffentlicht"."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


_LABELS = [  # (pattern on the plain label, English label); first match wins
    (r"cache.*(?:schreib|ecriture|escritura|scrittura|gravacao)|"
     r"(?:schreib|ecriture|escritura|scrittura|gravacao).*cache", "cache write"),
    (r"cache|zwischengespeichert|mise en cache|caché", "cached input"),
    (r"veroffentlich|erschien|erscheinungs|publie|date de sortie|\bsorti\b|publicad|publicacao|"
     r"lanzamiento|lanzado|lancamento|lancado|lancement|lance le|rilascio|rilasciato|"
     r"pubblicat|data de lancamento", "release date"),
    (r"verfugbar (?:seit|ab)|hinzugefugt|gelistet|aufgenommen|disponible (?:\w+ )*(?:depuis|desde)|"
     r"ajoute|anadido|agregado|disponibile (?:\w+ )*dal|aggiunto|disponivel (?:\w+ )*desde|"
     r"adicionado", "date added"),
    (r"kontext|contexte|contexto|contesto", "context window"),
    (r"modell-?id|modellkennung|identifiant|id du modele|identificador|id del model|"
     r"id do modelo|identificativo|api-?name", "model id"),
    (r"anbieter|bereitgestellt|gehostet|fournisseur|heberge|proveedor|fornitore|fornecedor|"
     r"provedor|ofrecido por|offert par", "provider"),
    (r"entwickl|hersteller|urheber|developpe|createur|concepteur|desarroll|creador|svilupp|"
     r"creatore|desenvolv|criador|fabricante", "developer"),
    (r"^(?:modellname|nom du modele|nombre del modelo|nome del modello|nome do modelo|nom|"
     r"nombre|nome)$", "model name"),
    (r"eingabe|entree|entrada|ingresso|prompt", "input"),
    (r"ausgabe|sortie|salida|saida|uscita|risposta", "output"),
    (r"^(?:preis|prix|precio|prezzo|preco|tarif|kosten|coste|costo|custo)", "price"),
]


def english_label(label: str) -> str | None:
    """The English label for a localized one, None when it names nothing known."""
    norm = plain(label)
    if ":" in norm or len(norm.split()) > 6:
        return None  # a sentence or a "label: value" line, not a label
    for pattern, english in _LABELS:
        if re.search(pattern, norm):
            return english
    return None


# "1 Mio.", "par million de", "por millón de", "al milione di", "por milhão de"
_MILLION = (r"(?:1\s*)?(?:mio\.?|millions?(?:\s+de)?|mill[oó]n(?:es)?(?:\s+de)?|"
            r"milion[ei](?:\s+di)?|milh(?:ão|ao|ões|oes)(?:\s+de)?|mln\.?)")
_THOUSAND = r"(?:1[\s.\u00a0\u202f]?000|tausend|mille|mil)"
_TOKENS = r"(?:token|tokens|jetons?|gettoni|fichas?)\b"
_PER = r"(?:pro|je|par|les|le|por|cada|per|al|ogni|a cada)"
_UNIT_WORDS = [
    (re.compile(rf"\b{_PER}\s+{_MILLION}\s*{_TOKENS}", re.I), "per 1M tokens"),
    (re.compile(rf"\b{_PER}\s+{_THOUSAND}\s*{_TOKENS}", re.I), "per 1K tokens"),
    (re.compile(rf"/\s*{_MILLION}\s*{_TOKENS}", re.I), "/ 1M tokens"),
    (re.compile(rf"/\s*{_THOUSAND}\s*{_TOKENS}", re.I), "/ 1K tokens"),
    (re.compile(rf"\b{_TOKENS}", re.I), "tokens"),
]
_GROUPED = re.compile(r"(?<![\d,.])[1-9]\d{0,2}(?:[.\s\u00a0\u202f]\d{3})+(?![\d])(?!,\d)")
_AMOUNT_COMMA = re.compile(r"(?<![\d,.])(\d{1,3}(?:[.\s\u00a0\u202f]\d{3})*|\d+),(\d+)(?![\d,])")


def english_amount(text: str) -> str:
    """ "1,25 $ pro 1 Mio. Token" -> "1.25 $ per 1M tokens"; "202 752 jetons" -> "202752
    tokens": decimal commas become points, "." and space thousands separators go."""
    for pattern, english in _UNIT_WORDS:
        text = pattern.sub(english, text)
    text = _GROUPED.sub(lambda m: re.sub(r"[.\s\u00a0\u202f]", "", m[0]), text)
    return _AMOUNT_COMMA.sub(lambda m: re.sub(r"[.\s\u00a0\u202f]", "", m[1]) + "." + m[2], text)


_MONTHS = {  # plain (accentless) month names and abbreviations -> month number
    **dict.fromkeys(("januar", "janner", "janvier", "janv", "enero", "ene", "gennaio", "genn",
                     "janeiro", "jan", "january"), 1),
    **dict.fromkeys(("februar", "feber", "fevrier", "fevr", "fev", "febrero", "febbraio",
                     "fevereiro", "feb", "february"), 2),
    **dict.fromkeys(("marz", "mars", "marzo", "marco", "mar", "march", "mrz"), 3),
    **dict.fromkeys(("april", "avril", "avr", "abril", "abr", "aprile", "apr"), 4),
    **dict.fromkeys(("mai", "mayo", "maggio", "mag", "maio", "may"), 5),
    **dict.fromkeys(("juni", "juin", "junio", "giugno", "giu", "junho", "jun", "june"), 6),
    **dict.fromkeys(("juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "jul",
                     "july"), 7),
    **dict.fromkeys(("august", "aout", "agosto", "ago", "aug"), 8),
    **dict.fromkeys(("september", "septembre", "septiembre", "setiembre", "settembre",
                     "setembro", "sept", "sep", "set"), 9),
    **dict.fromkeys(("oktober", "octobre", "octubre", "ottobre", "outubro", "okt", "oct",
                     "ott", "out", "october"), 10),
    **dict.fromkeys(("november", "novembre", "noviembre", "novembro", "nov"), 11),
    **dict.fromkeys(("dezember", "decembre", "diciembre", "dicembre", "dezembro", "dez",
                     "dec", "dic", "december"), 12),
}
_DAY_MONTH_YEAR = re.compile(
    r"^(?:[a-z]+\.?,?\s+)?(\d{1,2})(?:\.|er|re|º|°|o)?\s+(?:de\s+)?([a-z]+)\.?\s+(?:de\s+)?"
    r"(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")


def iso_date(text: str, day_first: bool) -> str | None:
    """The ISO date `text` names in a localized form, None when it is no such date (English
    and ISO dates are left to the normaliser). A numeric date is read day first when the
    page language writes it so (`day_first`) or when its first number cannot be a month;
    "03/04/2026" on a page of no such language stays as written."""
    norm = " ".join(plain(text).split()).rstrip(".")
    m = _DAY_MONTH_YEAR.match(norm)
    if m and m[2].rstrip(".") in _MONTHS:
        return _iso(int(m[3]), _MONTHS[m[2].rstrip(".")], int(m[1]))
    m = _NUMERIC.match(norm)
    if m and (day_first or int(m[1]) > 12):
        return _iso(int(m[3]), int(m[2]), int(m[1]))
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


# -- Japanese, Chinese and Korean ---------------------------------------------------------

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")
_CJK_LABELS = [  # (pattern on the NFKC label, English label); first match wins
    (r"キャッシュ.*(?:書き込|書込|作成)|缓存.*写|快取.*寫|캐시.*(?:쓰기|저장)", "cache write"),
    (r"キャッシュ|缓存|快取|캐시", "cached input"),
    (r"コンテキスト|上下文|コンテクスト|컨텍스트|文脈長", "context window"),
    (r"モデル\s*ID|モデル識別子|模型\s*ID|模型标识|모델\s*ID", "model id"),
    (r"モデル名|模型名称|모델\s*이름", "model name"),
    (r"提供元|提供者|プロバイダ|提供商|供应商|服務商|제공", "provider"),
    (r"開発元|開発者|開発会社|开发者|开发商|開發者|제작|개발", "developer"),
    (r"公開日|リリース日|発表日|发布日期|發布日期|출시일|공개일", "release date"),
    (r"掲載日|追加日|登録日|上架|收录|添加日期|추가일|등록일", "date added"),
    (r"入力|输入|輸入|입력|プロンプト", "input"),
    (r"出力|输出|輸出|출력", "output"),
    (r"^(?:料金|価格|価格帯|价格|價格|가격|요금)$", "price"),
]
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if c != 0xFF1A}  # the colon stays
_FULL_WIDTH[0x3000] = 0x20


def half_width(text: str) -> str:
    """Full-width letters, digits and signs (U+FF01-U+FF5E) as ASCII; the full-width colon
    stays, it separates a label from its value."""
    return text.translate(_FULL_WIDTH)


def east_asian_label(label: str) -> str | None:
    """The English label for a Japanese, Chinese or Korean one ("入力", "コンテキスト長")."""
    norm = unicodedata.normalize("NFKC", label).strip(" :")
    if not _CJK.search(norm) or len(norm) > 24:
        return None
    for pattern, english in _CJK_LABELS:
        if re.search(pattern, norm, re.I):
            return english
    return None


_CJK_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|億|亿|만|억)")
_CJK_PER = re.compile(r"([\d,]+(?:\s*[MK])?)\s*(?:トークン|tokens?|token|个?令牌|토큰)\s*"
                      r"(?:あたり|当たり|につき|毎|每|당)\s*(.+)$", re.I)
_CJK_WORDS = [
    (re.compile(r"(?:米|US)?ドル|美元|달러"), " USD"),
    (re.compile(r"ユーロ|欧元|유로"), " EUR"),
    (re.compile(r"円|日元"), " JPY"),
    (re.compile(r"^\s*(?:無料|免费|免費|무료)\s*$"), "Free"),
    (re.compile(r"トークン|令牌|토큰"), " tokens"),
]


def east_asian_amount(text: str) -> str:
    """ "$0.2 / 100万トークン" -> "$0.2 / 1M tokens"; "1,000トークンあたり $0.003" -> "$0.003
    per 1K tokens"; "20万トークン" -> "200000 tokens"; "0.5ドル" -> "0.5 USD"."""
    text = half_width(text)
    if not _CJK.search(text):
        return text

    def count(m: re.Match[str]) -> str:
        scale = 10_000 if m[2] in "万만" else 100_000_000
        n = Decimal(m[1]) * scale
        return {Decimal(1_000_000): "1M", Decimal(1_000): "1K"}.get(n, f"{n:f}".split(".")[0])

    text = _CJK_COUNT.sub(count, text)
    text = re.sub(r"(?<![\d,])(?:1,000|1000|千)\s*(?=トークン|令牌|토큰)", "1K ", text)
    m = _CJK_PER.search(text)
    if m:
        text = f"{m[2].strip()} per {m[1].replace(' ', '')} tokens"
    for pattern, english in _CJK_WORDS:
        text = pattern.sub(english, text)
    return " ".join(text.split())


_CJK_DATE = re.compile(r"^(\d{4})\s*(?:年|년|[/.])\s*(\d{1,2})\s*(?:月|월|[/.])\s*(\d{1,2})\s*"
                       r"(?:日|일)?$")


def east_asian_date(text: str) -> str | None:
    """ "2025年7月22日", "2025/07/22", "2025년 7월 22일" as ISO 8601."""
    m = _CJK_DATE.match(half_width(text).strip())
    return _iso(int(m[1]), int(m[2]), int(m[3])) if m else None
