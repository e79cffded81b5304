"""Property tests for resolvers/normalize.py: phones, dates of birth, name keys."""

import string
from datetime import date, datetime, timedelta, timezone

from hypothesis import assume, example, given
from hypothesis import strategies as st

from models.values import name_key, parse_dob, phone_e164

TODAY = date(2026, 11, 25)

# --- phones -------------------------------------------------------------------------------

# NANP: area code and exchange start with 2-9.
_nxx = st.tuples(st.integers(2, 9), st.integers(0, 9), st.integers(0, 9)).map(
    lambda t: "".join(map(str, t))
)
us_numbers = st.tuples(_nxx, _nxx, st.integers(0, 9999).map(lambda n: f"{n:04d}"))

_FORMATS = (
    "{a}{e}{s}",
    "({a}) {e}-{s}",
    "({a}){e}-{s}",
    "{a}-{e}-{s}",
    "{a}.{e}.{s}",
    "{a} {e} {s}",
    "1{a}{e}{s}",
    "1-{a}-{e}-{s}",
    "1 ({a}) {e}-{s}",
    "+1{a}{e}{s}",
    "+1 {a} {e} {s}",
    "+1 ({a}) {e}-{s}",
    "+1-{a}-{e}-{s}",
    "+1.{a}.{e}.{s}",
    "{a}/{e}-{s}",
)


@given(
    us_numbers,
    st.sampled_from(_FORMATS),
    st.sampled_from(["", " ", "  ", "\t"]),
    st.sampled_from(["", " x12", " ext. 4", " ext 301", "x9", " extension 77"]),
)
def test_any_formatting_of_a_us_number_gives_the_same_e164(
    number: tuple[str, str, str], fmt: str, pad: str, extension: str
) -> None:
    a, e, s = number
    written = pad + fmt.format(a=a, e=e, s=s) + extension + pad
    assert phone_e164(written) == f"+1{a}{e}{s}"


@given(st.text(alphabet=string.ascii_letters + " .,:;-_'\"!?", max_size=30))
def test_text_without_digits_is_not_a_phone(text: str) -> None:
    assert phone_e164(text) is None


@given(st.text(alphabet=string.digits, max_size=20))
def test_a_bare_digit_string_is_a_phone_only_with_ten_or_eleven_digits(digits: str) -> None:
    result = phone_e164(digits)
    if result is not None:
        national = digits[1:] if len(digits) == 11 else digits
        assert len(digits) == 10 or (len(digits) == 11 and digits[0] == "1")
        assert result == "+1" + national
        assert national[0] not in "01"


@given(us_numbers, st.text(alphabet=string.ascii_letters, min_size=1, max_size=3), st.data())
@example(("222", "345", "6789"), "MRN", None)
def test_letters_mixed_into_the_digits_are_garbage(
    number: tuple[str, str, str], letters: str, data: st.DataObject | None
) -> None:
    digits = "".join(number)
    at = data.draw(st.integers(0, len(digits))) if data else 0
    assert phone_e164(digits[:at] + letters + digits[at:]) is None


@given(st.text(max_size=25))
def test_any_text_gives_none_or_ascii_e164(text: str) -> None:
    result = phone_e164(text)
    if result is not None:
        assert result.startswith("+")
        assert result[1:].isascii() and result[1:].isdigit()
        assert 8 <= len(result) - 1 <= 15


@given(st.integers(0, 10**7))
def test_a_plus_one_number_must_be_a_whole_nanp_number(n: int) -> None:
    assert phone_e164(f"+1 {n}") is None


def test_the_published_example_number_is_accepted() -> None:
    assert phone_e164("+15551234567") == "+15551234567"
    assert phone_e164("(555) 123-4567") == "+15551234567"


def test_international_numbers_keep_their_country_code() -> None:
    assert phone_e164("+44 20 7946 0958") == "+442079460958"
    assert phone_e164("+1 (055) 123-4567") is None


# --- dates of birth -----------------------------------------------------------------------

births = st.dates(min_value=date(TODAY.year - 129, 1, 1), max_value=TODAY)


def us_forms(d: date) -> list[str]:
    return [
        d.strftime("%m/%d/%Y"),
        f"{d.month}/{d.day}/{d.year}",
        d.strftime("%m-%d-%Y"),
        d.strftime("%B %d, %Y"),
        d.strftime("%b %d %Y"),
        f"{d.day} {d.strftime('%B')} {d.year}",
        d.strftime("%Y/%m/%d"),
    ]


@given(births)
def test_every_date_round_trips_through_iso_and_us_forms(d: date) -> None:
    assert parse_dob(d.isoformat(), today=TODAY) == d
    for written in us_forms(d):
        assert parse_dob(f" {written} ", today=TODAY) == d, written
    assert parse_dob(d, today=TODAY) == d


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2068, 12, 31)), st.data())
def test_two_digit_years_are_read_as_the_hundred_years_before_today(
    today: date, data: st.DataObject
) -> None:
    d = data.draw(st.dates(min_value=today - timedelta(days=365 * 99), max_value=today))
    assert parse_dob(d.strftime("%m/%d/%y"), today=today) == d


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(9999, 12, 31)))
def test_a_future_date_is_none(d: date) -> None:
    assert parse_dob(d.isoformat(), today=TODAY) is None
    assert parse_dob(d.strftime("%m/%d/%Y"), today=TODAY) is None
    assert parse_dob(d, today=TODAY) is None


@given(st.dates(min_value=date.today() + timedelta(days=2), max_value=date(9999, 12, 31)))
def test_a_future_date_is_none_without_an_explicit_today(d: date) -> None:
    assert parse_dob(d.isoformat()) is None


def test_today_is_the_latest_date_anywhere_on_earth() -> None:
    # A newborn registered just after midnight in UTC+14 (Kiribati) is not "in the future".
    anywhere = datetime.now(timezone(timedelta(hours=14))).date()
    assert parse_dob(anywhere.isoformat()) == anywhere


@given(st.dates(max_value=date(TODAY.year - 131, 12, 31)))
def test_an_impossible_age_is_none(d: date) -> None:
    assert parse_dob(d.isoformat(), today=TODAY) is None


@given(st.text(max_size=20))
def test_any_text_gives_none_or_a_past_date(text: str) -> None:
    result = parse_dob(text, today=TODAY)
    assert result is None or result <= TODAY


@given(births)
def test_a_day_first_date_is_never_guessed(d: date) -> None:
    assume(d.day > 12)
    assert parse_dob(d.strftime("%d/%m/%Y"), today=TODAY) is None


# --- name keys ----------------------------------------------------------------------------

latin = st.characters(
    codec="utf-8",
    categories=("Lu", "Ll"),
    max_codepoint=0x24F,
)
words = st.text(alphabet=latin, min_size=1, max_size=8)


@given(st.text(max_size=30))
def test_name_key_is_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)


@given(st.text(max_size=30))
def test_name_key_is_lower_case_words_and_single_spaces(text: str) -> None:
    key = name_key(text)
    assert key == key.strip()
    assert "  " not in key
    assert all(c == " " or c.isalnum() for c in key)
    assert key == key.casefold()


@given(st.text(alphabet=latin, max_size=20))
def test_name_key_ignores_case(text: str) -> None:
    assert name_key(text.upper()) == name_key(text.lower()) == name_key(text)


@example("José", "Jose")
@example("Zoë", "Zoe")
@example("Ñúñez", "Nunez")
@given(st.just("Renée"), st.just("Renee"))
def test_name_key_ignores_accents(accented: str, plain: str) -> None:
    assert name_key(accented) == name_key(plain)


@given(st.lists(words, min_size=1, max_size=4), st.data())
def test_name_key_ignores_punctuation_between_words(parts: list[str], data: st.DataObject) -> None:
    separators = st.text(alphabet=" ,.-;:/()\t", min_size=1, max_size=3)
    written = data.draw(st.text(alphabet=" ,.", max_size=2))
    for i, part in enumerate(parts):
        written += part + (data.draw(separators) if i < len(parts) - 1 else "")
    written += data.draw(st.text(alphabet=" ,.", max_size=2))
    assert name_key(written) == " ".join(k for k in map(name_key, parts) if k)


@given(words, words, st.sampled_from(["'", "’", "‘", "ʼ", "`"]))
def test_apostrophes_join_a_name_whatever_their_shape(a: str, b: str, mark: str) -> None:
    assert name_key(a + mark + b) == name_key(a + b)


def test_names_in_other_scripts_keep_their_letters() -> None:
    # Two different people must not share an empty key.
    assert name_key("王伟") and name_key("王伟") != name_key("李娜")
    assert name_key("Иван") == name_key("ИВАН")
