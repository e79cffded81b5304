"""Mending Tesseract's usual misreadings where the context leaves no doubt.

Only where the surrounding characters say what was meant: in a run of digits a "§" or "O"
is a 5 or a 0 ("§20.462.1831", "1O/3/2026"), an all-capitals word ending in "l" ends in
"I" ("NPl", "MRl"), a word that starts with "l" and a consonant started with a capital
"I" ("lronweed", "lngrid": no English word starts so but abbreviations, "lbs"), an
identifier's leading "1" before a capital or two and digits only is an "I" ("1H080225364":
identifiers start with letters; a Medicare number, digit first, has letters among its
digits), and a lone "|" before a lower-case word is the pronoun ("| am").
Everything else is left as read: a guess would be worse than an honest misreading.
"""

import re

# What OCR reads for a digit, and the digit it stands for.
_DIGIT_FOR = {"§": "5", "S": "5", "O": "0", "o": "0", "l": "1", "I": "1", "|": "1"}
_DIGIT_LIKE = str.maketrans(_DIGIT_FOR)
# A token of digits and phone/date separators with at most a couple of look-alike letters.
_NUMBERISH = re.compile(
    rf"(?<![A-Za-z0-9])[0-9{re.escape(''.join(_DIGIT_FOR))}().+/-]{{4,}}(?![A-Za-z0-9])"
)
_CAPS_ENDING_L = re.compile(r"\b([A-Z]{2,})l\b")
_L_FOR_CAPITAL_I = re.compile(r"(?<![\w'@.])l(?=[bcdfgjkmnpqrstvwxz][a-z]{2,}(?![\w@.]))")
_ONE_FOR_CAPITAL_I = re.compile(r"(?<![\w-])1(?=[A-Z]{1,2}\d{5,}(?![\w-]))")
_PIPE_PRONOUN = re.compile(r"(^|(?<=[\s\"(]))\|(?=\s+[a-z'])", re.MULTILINE)


def mend(text: str) -> str:
    text = _NUMBERISH.sub(_mend_number, text)
    text = _CAPS_ENDING_L.sub(r"\1I", text)
    text = _L_FOR_CAPITAL_I.sub("I", text)
    text = _ONE_FOR_CAPITAL_I.sub("I", text)
    return _PIPE_PRONOUN.sub("I", text)


def _mend_number(match: re.Match[str]) -> str:
    token = match.group(0)
    digits = sum(c.isdigit() for c in token)
    look_alikes = sum(c in _DIGIT_FOR for c in token)
    # Mostly digits already, and the look-alikes are a small minority: mend them.
    if look_alikes == 0 or digits < 3 or look_alikes > max(1, digits // 4):
        return token
    return token.translate(_DIGIT_LIKE)
