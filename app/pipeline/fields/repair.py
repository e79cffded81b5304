"""OCR's usual confusions inside values that must be digits: O/o→0, l/I/|/!→1, S/$/§→5, B→8, Z→2."""

import re

_AS_DIGIT = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "Q": "0",
        "D": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "!": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "$": "5",
        "§": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
        "g": "9",
    }
)


def as_digits(text: str) -> str:
    """``l23-45O7`` → ``123-4507``: letters OCR reads for digits, in a value that is digits."""
    return text.translate(_AS_DIGIT)


def mostly_digits(token: str) -> bool:
    """A token that is meant to be a number: mostly digits, a few look-alike letters."""
    digits = sum(c.isdigit() for c in token)
    letters = sum(c.isalpha() or c in "|!" for c in token)
    return digits >= 3 and letters <= max(1, digits // 3)


def repaired_digits(text: str) -> tuple[str, bool]:
    """``text`` with look-alike letters in its numeric tokens made digits; whether any was."""
    changed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        token = match.group(0)
        if not mostly_digits(token):
            return token
        fixed = as_digits(token)
        changed = changed or fixed != token
        return fixed

    return re.sub(r"[0-9A-Za-z|!]+", fix, text), changed


# "lron", "lnsulin", "lmaging": a lower-case l before a consonant no English word starts with
# after an l, at a word's start, is the capital I OCR reads the same (a serifless I is an l).
_L_FOR_I = re.compile(r"\bl(?=[cdfgmnrst][a-z])")


def capital_i(text: str) -> str:
    """``text`` with the capital I's OCR read as a lower-case l at a word's start made I."""
    return _L_FOR_I.sub("I", text)
