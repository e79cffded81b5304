"""Random but realistic referral facts: patients, payers, referring providers, reasons.

Everything is drawn from one ``random.Random`` so a seed gives the same packet every time.
A ``Facts`` holds each value twice where that matters: the normalised value (what the truth
says) and the way this packet writes it (``dob_text``, ``phone_text`` …).
"""

import calendar
import dataclasses
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

FIRST_F = (
    "Jane", "Maria", "Aaliyah", "Chloé", "Zoë", "Siobhan", "Mei", "Priya", "Fatima", "Olga",
    "Renée", "Grace", "Keisha", "Hannah", "Lucía", "Linh", "Ana", "Brittany", "Dorothy",
    "Esther", "Mary Ann", "Ingrid", "Yolanda", "Bernadette", "Thuy", "Leila", "Joanna",
)  # fmt: skip
FIRST_M = (
    "John", "José", "Liam", "Mohammed", "DeShawn", "Wei", "Raj", "Sean", "Pádraig", "Luis",
    "Robert", "François", "Tyrone", "Dmitri", "Kenji", "Ahmad", "Björn", "Carlos", "Walter",
    "Jean-Luc", "Earl", "Tomás", "Malik", "Giovanni", "Hiroshi", "Anthony", "Ezekiel",
)  # fmt: skip
LAST = (
    "Doe", "O'Brien", "McDonald", "De la Cruz", "Smith-Jones", "García", "Nguyen", "Kowalski",
    "Washington", "D'Angelo", "MacLeod", "Van der Berg", "Okafor", "Fitzgerald", "Ruiz-López",
    "Patel", "Schmidt", "Yamamoto", "Johnson", "Williams", "O'Connor", "St. Clair", "Brown",
    "Müller", "Ramírez", "Abernathy", "Thompson", "Le", "Dubois", "Martínez", "Hernández",
    "Jackson", "Lindqvist", "Kim", "Cohen", "Al-Sayed", "Baptiste", "Whitfield", "DiMaggio",
)  # fmt: skip
STREETS = (
    "Main St", "Oak Ave", "Maple Dr", "Elm Street", "Pine Rd", "Cedar Ln", "Washington Blvd",
    "Lakeview Dr", "Sunset Blvd", "Park Ave", "Highland Ave", "Church St", "Mill Rd",
    "River Rd", "Chestnut Ct", "Magnolia Way", "N 5th St", "W Jefferson St", "Old County Rd",
)  # fmt: skip
LINE2 = ("Apt 4B", "Apt. 12", "Unit 3", "Suite 200", "#7", "Apt 221", "Lot 14")
# City, state, zip prefix: real cities with their state and a plausible zip.
CITIES = (
    ("Springfield", "IL", "627"), ("Austin", "TX", "787"), ("Columbus", "OH", "432"),
    ("Portland", "OR", "972"), ("Albany", "NY", "122"), ("Tucson", "AZ", "857"),
    ("Raleigh", "NC", "276"), ("Boise", "ID", "837"), ("Madison", "WI", "537"),
    ("Savannah", "GA", "314"), ("Fresno", "CA", "937"), ("Worcester", "MA", "016"),
    ("Tulsa", "OK", "741"), ("Omaha", "NE", "681"), ("Richmond", "VA", "232"),
    ("Lansing", "MI", "489"), ("Reno", "NV", "895"), ("Baton Rouge", "LA", "708"),
    ("Des Moines", "IA", "503"), ("Trenton", "NJ", "086"), ("Anchorage", "AK", "995"),
    ("Burlington", "VT", "054"), ("Hartford", "CT", "061"), ("Provo", "UT", "846"),
)  # fmt: skip
AREA_CODES = (
    "217", "512", "614", "503", "518", "520", "919", "208", "608", "912", "559",
    "508", "918", "402", "804", "517", "775", "225", "515", "609", "907", "802",
)  # fmt: skip
# Payer as written, and its member id / group number style.
PAYERS = (
    ("Blue Cross Blue Shield", "XG{a}{d9}", "GRP{d6}"),
    ("BCBS of Texas", "ZGP{d9}", "{d6}"),
    ("Aetna", "W{d9}", "0{d7}"),
    ("UnitedHealthcare", "9{d8}", "{d5}"),
    ("Medicare", "{d1}{A}{A}{d1}{A}{A}{d1}{A}{A}{d2}", None),
    ("Medicaid", "{A}{A}{d8}", None),
    ("Cigna", "U{d8}", "{d7}"),
    ("Humana", "H{d8}", "{d6}"),
    ("Kaiser Permanente", "{d10}", None),
    ("Anthem Blue Cross", "YRK{d9}", "{d6}M{d3}"),
    ("Molina Healthcare", "{d11}", None),
    ("Tricare", "{d11}", None),
)  # fmt: skip
CREDENTIALS = ("MD", "DO", "NP", "PA-C", "MD", "MD", "FNP")
PRACTICE_WORDS = (
    ("Valley", "Family Medicine"), ("Riverside", "Primary Care"),
    ("Lakeside", "Internal Medicine"), ("Northgate", "Medical Group"),
    ("Cedar Creek", "Family Practice"), ("Summit", "Health Partners"),
    ("St. Luke's", "Community Clinic"), ("Prairie", "Pediatrics & Family Care"),
    ("Harbor", "Medical Associates"), ("Oakwood", "Family Health Center"),
)  # fmt: skip
# Receiving specialty clinics by specialty (the fax is addressed TO them: never the referrer).
RECEIVERS = {
    "Orthopedics": ("Summit Orthopedics & Sports Medicine", "Bone & Joint Institute"),
    "Cardiology": ("Heartland Cardiology Associates", "Coastal Heart & Vascular"),
    "Gastroenterology": ("Metro Gastroenterology", "Digestive Health Specialists"),
    "Neurology": ("Capital Neurology Specialists", "NeuroCare Associates"),
    "Endocrinology": ("Regional Endocrine Center", "Diabetes & Thyroid Clinic"),
    "Pulmonology": ("Pulmonary & Sleep Consultants", "Lung Health Associates"),
    "Dermatology": ("Bayview Dermatology", "Skin Cancer & Dermatology Institute"),
}


@dataclass(frozen=True)
class Reason:
    specialty: str
    text: str
    codes: tuple[tuple[str, str], ...]  # (ICD-10-CM code, its description)
    note: str  # a sentence for clinical notes


REASONS = (
    Reason("Orthopedics", "Right knee osteoarthritis, evaluate for total knee arthroplasty",
           (("M17.11", "Unilateral primary osteoarthritis, right knee"),
            ("M25.561", "Pain in right knee")),
           "Progressive right knee pain for 2 years, failed PT and steroid injection."),
    Reason("Orthopedics", "Low back pain with left sciatica",
           (("M54.42", "Lumbago with sciatica, left side"),
            ("M51.26", "Other intervertebral disc displacement, lumbar region")),
           "Low back pain radiating down the left leg, MRI shows L4-L5 disc bulge."),
    Reason("Orthopedics", "Left rotator cuff tear",
           (("M75.102", "Unspecified rotator cuff tear of left shoulder, not traumatic"),),
           "Left shoulder weakness and pain with overhead activity."),
    Reason("Cardiology", "Atrial fibrillation, new onset",
           (("I48.91", "Unspecified atrial fibrillation"), ("R00.2", "Palpitations")),
           "Irregularly irregular rhythm on ECG, rate 110s."),
    Reason("Cardiology", "Chest pain on exertion, rule out coronary artery disease",
           (("R07.9", "Chest pain, unspecified"), ("I10", "Essential (primary) hypertension"),
            ("E78.5", "Hyperlipidemia, unspecified")),
           "Substernal pressure with exertion relieved by rest."),
    Reason("Cardiology", "Heart failure with reduced ejection fraction",
           (("I50.22", "Chronic systolic (congestive) heart failure"),),
           "EF 30% on echo, worsening dyspnea on exertion."),
    Reason("Gastroenterology", "Screening colonoscopy, family history of colon cancer",
           (("Z12.11", "Encounter for screening for malignant neoplasm of colon"),
            ("Z80.0", "Family history of malignant neoplasm of digestive organs")),
           "Father diagnosed with colon cancer at 52."),
    Reason("Gastroenterology", "GERD refractory to PPI",
           (("K21.9", "Gastro-esophageal reflux disease without esophagitis"),
            ("R13.10", "Dysphagia, unspecified")),
           "Heartburn despite omeprazole 40 mg BID for 3 months."),
    Reason("Gastroenterology", "Iron deficiency anemia, evaluate for GI blood loss",
           (("D50.9", "Iron deficiency anemia, unspecified"), ("K92.1", "Melena")),
           "Hemoglobin 9.1, ferritin 6, reports dark stools."),
    Reason("Neurology", "Migraine without aura, not intractable",
           (("G43.009", "Migraine without aura, not intractable, without status migrainosus"),),
           "Headaches 10-12 days per month despite topiramate."),
    Reason("Neurology", "New onset seizure",
           (("R56.9", "Unspecified convulsions"),),
           "First generalized tonic-clonic seizure last week, CT head negative."),
    Reason("Neurology", "Numbness and tingling of both feet",
           (("G62.9", "Polyneuropathy, unspecified"),
            ("E11.42", "Type 2 diabetes mellitus with diabetic polyneuropathy")),
           "Burning feet at night, A1c 8.4."),
    Reason("Endocrinology", "Uncontrolled type 2 diabetes",
           (("E11.65", "Type 2 diabetes mellitus with hyperglycemia"),),
           "A1c 10.2 on metformin and glipizide."),
    Reason("Endocrinology", "Thyroid nodule",
           (("E04.1", "Nontoxic single thyroid nodule"),),
           "1.8 cm left thyroid nodule on ultrasound."),
    Reason("Pulmonology", "Chronic cough and abnormal chest CT",
           (("R05.3", "Chronic cough"), ("R91.1", "Solitary pulmonary nodule")),
           "8 mm right upper lobe nodule, 30 pack-year smoking history."),
    Reason("Dermatology", "Changing pigmented lesion on back",
           (("D48.5", "Neoplasm of uncertain behavior of skin"),),
           "Irregular borders, grew over 3 months."),
)  # fmt: skip

MEDICATIONS = (
    "Lisinopril 10 mg daily", "Metformin 1000 mg BID", "Atorvastatin 40 mg nightly",
    "Omeprazole 20 mg daily", "Levothyroxine 75 mcg daily", "Amlodipine 5 mg daily",
    "Sertraline 50 mg daily", "Ibuprofen 600 mg PRN", "Gabapentin 300 mg TID",
    "Albuterol HFA 2 puffs q4h PRN", "Apixaban 5 mg BID", "Metoprolol succinate 25 mg daily",
)  # fmt: skip
RELATIONS = ("daughter", "son", "wife", "husband", "sister", "caregiver", "mother")


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    middle: str | None = None  # an initial, e.g. "A."


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str | None
    city: str
    state: str
    zip: str


@dataclass(frozen=True)
class Referrer:
    person: Person
    credential: str
    npi: str
    practice: str
    phone: str  # E.164
    fax: str  # E.164
    address: Address


@dataclass(frozen=True)
class Facts:
    """One referral's facts, normalised. ``None`` means the packet never says it."""

    patient: Person
    dob: date
    sex: str | None  # F/M/X/U
    phone: str | None  # E.164
    email: str | None
    address: Address | None
    payer: str | None
    member_id: str | None
    group: str | None
    subscriber: Person | None  # the policy holder when it is not the patient
    referrer: Referrer
    reason: Reason
    codes: tuple[str, ...]
    urgency: str | None  # stat / urgent / routine
    receiver: str
    receiver_phone: str
    receiver_fax: str
    sent: date  # the day the fax was sent
    mrn: str
    relative: Person  # a family member named in the notes
    relation: str
    other_doctor: Person  # a consultant/radiologist/prior doctor named in other pages
    sender: Person  # the staff member who sent the fax
    sender_phone: str

    @property
    def age(self) -> int:
        """Whole years on the day the fax was sent (a day before a birthday, one less)."""
        return years_between(self.dob, self.sent)


def years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def shifted(born: date, years: int, *, before: date) -> date:
    """``born`` moved by ``years`` (29 February becomes the 28th in a common year), kept
    before ``before``: a relative's birth date, say, that must not lie in the future."""
    year = born.year + years
    while True:
        leap_day = (born.month, born.day) == (2, 29) and not calendar.isleap(year)
        moved = born.replace(year=year, day=28 if leap_day else born.day)
        if moved < before:
            return moved
        year -= 1


def for_reason(
    f: Facts, rng: random.Random, reason: Reason, receivers: Mapping[str, Sequence[str]]
) -> Facts:
    """The packet sent for ``reason`` (its first one or more codes), to a receiver of its
    kind among ``receivers`` (by specialty)."""
    n_codes = rng.randint(1, len(reason.codes))
    return dataclasses.replace(
        f,
        reason=reason,
        codes=tuple(code for code, _ in reason.codes[:n_codes]),
        receiver=rng.choice(receivers[reason.specialty]),
    )


def aged(f: Facts, rng: random.Random, youngest: int, oldest: int) -> Facts:
    """Between ``youngest`` and ``oldest`` years old on the day of the fax."""
    if youngest <= f.age <= oldest:
        return f
    years = rng.randint(youngest + 1, oldest)
    born = shifted(f.dob, f.sent.year - years - f.dob.year, before=f.sent)
    return dataclasses.replace(f, dob=born)


def npi(rng: random.Random) -> str:
    """A random NPI with a valid check digit (Luhn over the 80840 prefix)."""
    body = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
    digits = [int(d) for d in "80840" + body]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def phone(rng: random.Random, area: str | None = None) -> str:
    area = area or rng.choice(AREA_CODES)
    exchange = str(rng.randint(2, 9)) + f"{rng.randint(0, 99):02d}"
    return f"+1{area}{exchange}{rng.randint(0, 9999):04d}"


def person(rng: random.Random, sex: str | None = None, middle: bool = False) -> Person:
    female = sex == "F" or (sex not in ("F", "M") and rng.random() < 0.5)
    first = rng.choice(FIRST_F if female else FIRST_M)
    mid = f"{rng.choice('ABCDEFGHJKLMNPRSTW')}." if middle and rng.random() < 0.5 else None
    return Person(first, rng.choice(LAST), mid)


def address(
    rng: random.Random,
    cities: Sequence[tuple[str, str, str]] = CITIES,
    streets: Sequence[str] = STREETS,
    line2: Sequence[str] = LINE2,
    *,
    plus_four: float = 0.25,
    lowest: int = 1,
) -> Address:
    """An address drawn from a set's own places (a held-out set keeps its own lists): a
    ZIP+4 ``plus_four`` of the time, a house number from ``lowest``."""
    city, state, prefix = rng.choice(cities)
    zip_code = f"{prefix}{rng.randint(1, 99):02d}"
    if rng.random() < plus_four:
        zip_code += f"-{rng.randint(1, 9999):04d}"
    return Address(
        f"{rng.randint(lowest, 9899)} {rng.choice(streets)}",
        rng.choice(line2) if rng.random() < 0.3 else None,
        city,
        state,
        zip_code,
    )


def ascii_letters(text: str) -> str:
    """A name's letters as an e-mail address writes them: lower case, common accents
    dropped, anything else left out ("O'Brien-Núñez" -> "obriennuez")."""
    table = str.maketrans("øóáéíú", "ooaeiu")
    return "".join(c for c in text.lower().translate(table) if c.isascii() and c.isalpha())


def recast(
    f: Facts,
    rng: random.Random,
    patient: Person,
    *,
    person: Callable[..., Person],
    address: Callable[[random.Random], Address],
    practices: Sequence[str],
    payers: Sequence[tuple[str, str, str | None]],
    areas: Sequence[str],
    first: Sequence[str],
    last: Sequence[str],
    email: Callable[[Person, random.Random], str],
    credentials: Sequence[str] | None = None,
) -> Facts:
    """The same packet with ``patient`` and the other names, places, payer and practice drawn
    from a held-out set's own lists (``person(rng, middle)`` draws one of its people)."""
    area = rng.choice(areas)
    referrer = dataclasses.replace(
        f.referrer,
        person=person(rng, f.referrer.person.middle),
        credential=rng.choice(credentials) if credentials else f.referrer.credential,
        practice=rng.choice(practices),
        phone=phone(rng, area),
        fax=phone(rng, area),
        address=address(rng),
    )
    payer, member, group = rng.choice(payers)
    insured = f.payer is not None
    mail = email(patient, rng) if f.email else None
    return dataclasses.replace(
        f,
        patient=patient,
        phone=f.phone and phone(rng, rng.choice(areas)),
        email=mail,
        address=f.address and address(rng),
        referrer=referrer,
        payer=payer if insured else None,
        member_id=_fill(rng, member) if insured else None,
        group=_fill(rng, group) if insured and group and rng.random() < 0.8 else None,
        subscriber=(f.subscriber and person(rng)) if insured else None,
        other_doctor=person(rng),
        relative=Person(rng.choice(first), rng.choice((patient.last, *last))),
        sender=person(rng),
        sender_phone=phone(rng, area),
    )


def _fill(rng: random.Random, pattern: str) -> str:
    out = pattern
    for n in range(11, 0, -1):
        while f"{{d{n}}}" in out:
            out = out.replace(f"{{d{n}}}", "".join(rng.choice("0123456789") for _ in range(n)), 1)
    while "{A}" in out:
        out = out.replace("{A}", rng.choice("ACDEFGHJKMNPQRTUVWXY"), 1)
    while "{a}" in out:
        out = out.replace("{a}", rng.choice("ABHKMX"), 1)
    return out


def _email(rng: random.Random, p: Person) -> str:
    last = "".join(c for c in p.last.lower() if c.isascii() and c.isalpha())
    domain = rng.choice(("gmail.com", "yahoo.com", "outlook.com", "icloud.com"))
    return f"{p.first[0].lower()}{last}{rng.randint(1, 99)}@{domain}"


def facts(rng: random.Random, *, today: date) -> Facts:
    sex = rng.choices(("F", "M", "X", "U", None), (45, 40, 2, 2, 11))[0]
    patient = person(rng, sex)
    dob = date(1932, 1, 1) + timedelta(days=rng.randint(0, 365 * 90))
    payer_name, member_pattern, group_pattern = rng.choice(PAYERS)
    insured = rng.random() < 0.95
    referrer_person = person(rng, middle=True)
    practice_a, practice_b = rng.choice(PRACTICE_WORDS)
    area = rng.choice(AREA_CODES)
    practice_phone = phone(rng, area)
    reason = rng.choice(REASONS)
    n_codes = rng.randint(1, len(reason.codes))
    relative = Person(
        rng.choice(FIRST_F + FIRST_M), patient.last if rng.random() < 0.6 else rng.choice(LAST)
    )
    return Facts(
        patient=patient,
        dob=dob,
        sex=sex,
        phone=phone(rng) if rng.random() < 0.9 else None,
        email=_email(rng, patient) if rng.random() < 0.35 else None,
        address=address(rng) if rng.random() < 0.9 else None,
        payer=payer_name if insured else None,
        member_id=_fill(rng, member_pattern) if insured else None,
        group=_fill(rng, group_pattern)
        if insured and group_pattern and rng.random() < 0.85
        else None,
        subscriber=person(rng) if rng.random() < 0.2 else None,
        referrer=Referrer(
            person=referrer_person,
            credential=rng.choice(CREDENTIALS),
            npi=npi(rng),
            practice=f"{practice_a} {practice_b}",
            phone=practice_phone,
            fax=phone(rng, area),
            address=address(rng),
        ),
        reason=reason,
        codes=tuple(code for code, _ in reason.codes[:n_codes]),
        urgency=rng.choices(("stat", "urgent", "routine", None), (8, 30, 45, 17))[0],
        receiver=rng.choice(RECEIVERS[reason.specialty]),
        receiver_phone=phone(rng),
        receiver_fax=phone(rng),
        sent=today - timedelta(days=rng.randint(0, 20)),
        mrn=f"{rng.randint(100000, 99999999)}",
        relative=relative,
        relation=rng.choice(RELATIONS),
        other_doctor=person(rng),
        sender=person(rng),
        sender_phone=phone(rng, area),
    )


@dataclass(frozen=True)
class Cast:
    """A held-out set's own people, places, payers and practices, which its packets are
    recast with (``recast``), and how it writes a patient's e-mail address."""

    first_f: Sequence[str]
    first_m: Sequence[str]
    last: Sequence[str]
    cities: Sequence[tuple[str, str, str]]
    streets: Sequence[str]
    line2: Sequence[str]
    payers: Sequence[tuple[str, str, str | None]]
    areas: Sequence[str]
    practices: Sequence[str]
    email: Callable[[Person, random.Random], str]
    middles: str  # the initials a patient's middle name may have
    middle_share: float = 0.35
    plus_four: float = 0.3
    lowest: int = 3

    @property
    def first(self) -> tuple[str, ...]:
        return (*self.first_f, *self.first_m)

    def person(
        self, rng: random.Random, middle: str | None = None, sex: str | None = None
    ) -> Person:
        first = {"F": self.first_f, "M": self.first_m}.get(sex or "", self.first)
        return Person(rng.choice(first), rng.choice(self.last), middle)

    def address(self, rng: random.Random) -> Address:
        return address(
            rng, self.cities, self.streets, self.line2, plus_four=self.plus_four, lowest=self.lowest
        )

    def recast(
        self,
        f: Facts,
        rng: random.Random,
        practices: Sequence[str] | None = None,
        credentials: Sequence[str] | None = None,
    ) -> Facts:
        """The same packet with names, places, payer and practice from the set's own lists."""
        middle = f"{rng.choice(self.middles)}." if rng.random() < self.middle_share else None
        return recast(
            f,
            rng,
            self.person(rng, middle, f.sex),
            person=self.person,
            address=self.address,
            practices=practices or self.practices,
            payers=self.payers,
            areas=self.areas,
            first=self.first,
            last=self.last,
            email=self.email,
            credentials=credentials,
        )
