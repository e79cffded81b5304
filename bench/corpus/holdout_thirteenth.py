"""A thirteenth held-out set (2026-12-05), written blind (without looking at the reader) and
never tuned on: six kinds of US specialty-referral paperwork none of the other layouts imitate.

- ``allergy_ref``: a primary-care referral to allergy / immunology: a table of prior
  reactions (each with its own date), a medication table naming other prescribers, and the
  patient's preferred pharmacy with a street address, phone and fax of its own;
- ``derm_np``: a nurse practitioner's dermatology referral, labels in small type above their
  values, the lesion's location described in words and measured in a table, an empty
  "PHOTO ATTACHED" box, and the supervising physician (with an NPI of their own) beside
  the NP who refers;
- ``podiatry_dfu``: a diabetic-foot referral to podiatry: the patient written "LAST, FIRST M"
  in capitals, the sex one letter in a small grid of cells (age, sex, A1c ...), monofilament,
  pulse and wound tables;
- ``occ_health``: an occupational-health clinic's referral of an injured worker to a
  specialist, the employer's name, address and phone set large at the top, a workers'
  compensation claim number that looks like a member ID, the employer's contact, and the
  worker's own health plan only as a footnote (or not at all);
- ``neuro_ed``: a primary-care referral to neurology after an emergency visit, whose first
  page is the emergency department's triage sheet (another kind of page), the referral a
  pair of two-column forms side by side, shaded labels in a narrow left column and values
  that wrap;
- ``athena_print``: a referral order printed from a web EHR: a band with the print time and
  "Page n of 2" on both pages, a "Referral Order" block whose field names are in capitals
  with each value on the line below.

Names, places, payers and practices come from lists no other layout uses (``_CAST``); each
kind carries its own reasons and receivers. Dates run "03-14-1961", "MAR-14-1961",
"14 March 1961", "3/14/1961", "03/14/1961" or, for a year 1935-1999, "3-14-61". Phones run
"(218)555-0123", "218 555 0123", "218/555-0123", "218-555-0123" or "2185550123", an office
line sometimes with " ext 12" or " x.204" after it (the truth is the E.164 number without it).
"""

import dataclasses
import random
from datetime import date, timedelta

from bench.corpus import people
from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import Facts, Person, Reason
from bench.corpus.writing import (
    MONTHS,
    Writer,
    esc,
    one_line,
    sex_word,
    street,
    urgency_word,
    with_credential,
    written_phone,
)
from models.document import PageType

_FIRST_F = ("Eulalia", "Ione", "Jacinta", "Marcelline", "Undine", "Viveca", "Xanthe",
            "Zuleika", "Amabel", "Berenice", "Carmelita", "Florentyna", "Gwendolyn",
            "Idony")  # fmt: skip
_FIRST_M = ("Bertram", "Casimir", "Dorian", "Godfrey", "Isidore", "Lucian", "Magnus",
            "Nathaniel", "Reinhold", "Silas", "Tobias", "Wystan", "Aldous", "Abelard")  # fmt: skip
_LAST = ("Birchfield", "Fensworth", "Inverness", "Jovanovic", "Kavanagh", "Pettibone",
         "Quisenberry", "Ulbrich", "Wetherby", "Yarbrough", "Blanchette", "Cheng-Watanabe",
         "Mac an tSaoir", "D'Alessandro", "Fitzwilliam", "Ogunbiyi", "Prentiss", "Sauveterre",
         "Kirkcaldy", "Ashby-Lowe")  # fmt: skip
_PAYERS = (
    ("Buckeye Health Plan", "{d11}", None),
    ("Magnolia Health", "MAG{d8}", None),
    ("Nebraska Total Care", "NTC{d9}", None),
    ("Home State Health", "{d10}", None),
    ("Blue Cross Blue Shield of Nebraska", "NEB{a}{d8}", "{d6}"),
    ("Wellcare", "{d8}", "{d5}"),
    ("CareFirst BlueCross BlueShield", "CFB{d9}", "{d5}"),
    ("Blue Cross Blue Shield of Kansas City", "KCB{d9}", "{d6}"),
    ("Anthem Blue Cross and Blue Shield of Maine", "YJM{d9}", "{d6}"),
    ("West Virginia Family Health", "WVF{d8}", None),
)
_CITIES = (("Kalispell", "MT", "599"), ("Gillette", "WY", "827"), ("Emporia", "KS", "668"),
           ("Nacogdoches", "TX", "759"), ("Conway", "AR", "720"), ("Anniston", "AL", "362"),
           ("Sumter", "SC", "291"), ("Gainesville", "GA", "305"), ("Lakeland", "FL", "338"),
           ("Spartanburg", "SC", "293"), ("Danville", "VA", "245"), ("Staunton", "VA", "244"),
           ("State College", "PA", "168"), ("Oneonta", "NY", "138"),
           ("Plattsburgh", "NY", "129"), ("Sandusky", "OH", "448"), ("Zanesville", "OH", "437"),
           ("Carbondale", "IL", "629"), ("Sedalia", "MO", "653"), ("Ames", "IA", "500"),
           ("Sioux City", "IA", "511"), ("North Platte", "NE", "691"),
           ("Aberdeen", "SD", "574"), ("Bemidji", "MN", "566"), ("La Crosse", "WI", "546"),
           ("Escanaba", "MI", "498"), ("Hopkinsville", "KY", "422"),
           ("Cookeville", "TN", "385"), ("Natchez", "MS", "391"), ("Alexandria", "LA", "713"),
           ("Hobbs", "NM", "882"), ("Kingman", "AZ", "864"), ("Elko", "NV", "898"),
           ("Astoria", "OR", "971"), ("Wenatchee", "WA", "988"), ("Redding", "CA", "960"),
           ("Visalia", "CA", "932"))  # fmt: skip
_STREETS = ("Spicebush Ln", "Catbird Ct", "Hackberry Row", "Killdeer Dr", "S Coneflower Ave",
            "Partridge Run", "Shagbark Hollow Rd", "Grackle Way", "Plover Pt",
            "E Sassafras St", "Thistledown Ln", "County Road 1150 N")  # fmt: skip
_LINE2 = ("Apt 2F", "Unit 104", "Bldg C Apt 7", "Apt 5", "# 14B", "Lot 22")
_AREAS = ("406", "307", "620", "936", "501", "256", "803", "770", "863", "864", "434", "540",
          "814", "607", "518", "419", "740", "618", "660", "515", "712", "308", "605", "218",
          "608", "906", "270", "931", "601", "318", "575", "928", "775", "503", "509",
          "530")  # fmt: skip
_EMAIL_DOMAINS = ("mchsi.com", "tds.net", "q.com", "juno.com", "netzero.net")

_ALLERGY_PRACTICES = ("Mulberry Family Physicians", "Wabash Valley Internal Medicine",
                      "Goldenrod Primary Care")  # fmt: skip
_DERM_PRACTICES = ("Whippoorwill Family Health", "Sweetbay Convenient Care Clinic",
                   "Kanawha Family Practice")  # fmt: skip
_FOOT_PRACTICES = ("Scioto Internal Medicine", "Sangamon Diabetes & Endocrine Clinic",
                   "Bobwhite Primary Care")  # fmt: skip
_OCC_PRACTICES = ("Cahaba Occupational Medicine", "Mohawk WorkCare Occupational Health",
                  "Platte River Occupational Health & Injury Clinic")  # fmt: skip
_NEURO_PRACTICES = ("Kennebec Family Medicine", "Nightjar Internal Medicine",
                    "Cimarron Primary Care")  # fmt: skip
_ATHENA_PRACTICES = ("Genesee Valley Medical Associates", "Shenandoah Internal Medicine",
                     "Blue Ridge Medical Group")  # fmt: skip
_NP_CREDENTIALS = ("FNP-C", "APRN, FNP-BC", "NP-C", "DNP, APRN", "AGNP-C")
_PHARMACIES = ("Corner Drug", "Health Mart Pharmacy", "Family Drug Center",
               "Medicine Shoppe Pharmacy", "Rexall Drug")  # fmt: skip
_WC_CARRIERS = ("Accident Fund Insurance Company of America", "Texas Mutual Insurance Company",
                "SAIF Corporation", "Pinnacol Assurance", "Berkshire Hathaway GUARD",
                "AmTrust North America", "KeyRisk Insurance")  # fmt: skip
_TPAS = ("Gallagher Bassett Services", "CorVel Corporation", "Broadspire")
_EMPLOYERS = ("Sabine River Logistics LLC", "Gila Copper Company",
              "Wapsipinicon Grain Cooperative", "Big Sioux Ready-Mix Concrete",
              "Ozark Mountain Distribution Center", "Catbird Home Health Staffing")  # fmt: skip
_HOSPITALS = ("Grackle Memorial Hospital", "Sassafras Regional Medical Center",
              "Hackberry Community Hospital")  # fmt: skip

# -- the referrals of this set's own kinds -----------------------------------------------------

_ALLERGY = (
    Reason("Allergy & Immunology", "Anaphylaxis after a wasp sting, evaluate for venom "
           "immunotherapy",
           (("T63.461A", "Toxic effect of venom of wasps, accidental (unintentional), initial "
                         "encounter"),
            ("Z91.030", "Bee allergy status")),
           "Hives, throat tightness and low blood pressure 20 minutes after a sting."),
    Reason("Allergy & Immunology", "Reported penicillin allergy, evaluate for skin testing and "
           "oral challenge",
           (("Z88.0", "Allergy status to penicillin"),),
           "Childhood rash on amoxicillin; needs beta-lactams for recurrent infections."),
    Reason("Allergy & Immunology", "Chronic spontaneous urticaria not controlled on high-dose "
           "antihistamines",
           (("L50.1", "Idiopathic urticaria"), ("T78.3XXA", "Angioneurotic edema, initial "
                                                           "encounter")),
           "Daily hives for five months, lip swelling twice, on cetirizine 20 mg twice daily."),
    Reason("Allergy & Immunology", "Peanut and tree nut allergy with a reaction at a "
           "restaurant, testing and an action plan",
           (("Z91.010", "Allergy to peanuts"), ("Z91.018", "Allergy to other foods")),
           "Tongue itching and vomiting after a dish with cashews; used the auto-injector."),
    Reason("Allergy & Immunology", "Persistent allergic rhinitis with asthma, evaluate for "
           "allergen immunotherapy",
           (("J30.9", "Allergic rhinitis, unspecified"),
            ("J45.40", "Moderate persistent asthma, uncomplicated")),
           "Year-round congestion despite fluticasone and montelukast; two prednisone bursts."),
)  # fmt: skip
# What set each reaction off, for the table of prior reactions.
_TRIGGERS = {
    _ALLERGY[0].text: (("Wasp sting", "Hives, throat tightness, BP 82/50", "Epinephrine IM x1"),
                       ("Yellow jacket sting", "Local swelling 10 cm", "Ice, cetirizine")),
    _ALLERGY[1].text: (("Amoxicillin", "Maculopapular rash day 6", "Stopped drug"),
                       ("Cefdinir", "Tolerated, no reaction", "None")),
    _ALLERGY[2].text: (("Unknown", "Generalized hives", "Diphenhydramine"),
                       ("Unknown", "Upper lip angioedema", "Prednisone 40 mg x5 d")),
    _ALLERGY[3].text: (("Cashew (restaurant)", "Tongue itching, vomiting", "Epinephrine IM x1"),
                       ("Peanut butter", "Perioral hives", "Cetirizine")),
    _ALLERGY[4].text: (("Cat exposure", "Wheeze, chest tightness", "Albuterol, prednisone"),
                       ("Spring pollen", "Sneezing, itchy eyes", "Fluticasone")),
}  # fmt: skip
_DERM = (
    Reason("Dermatology", "Changing pigmented lesion, rule out melanoma",
           (("D48.5", "Neoplasm of uncertain behavior of skin"),
            ("D22.5", "Melanocytic nevi of trunk")),
           "Mole darker with an irregular border over four months."),
    Reason("Dermatology", "Non-healing pearly papule, suspected basal cell carcinoma",
           (("D49.2", "Neoplasm of unspecified behavior of bone, soft tissue, and skin"),),
           "Bleeds when washing, has not healed in three months."),
    Reason("Dermatology", "Scaly crusted lesion, rule out squamous cell carcinoma",
           (("L57.0", "Actinic keratosis"), ("D48.5", "Neoplasm of uncertain behavior of skin")),
           "Tender hyperkeratotic papule that recurred after cryotherapy."),
    Reason("Dermatology", "Severe plaque psoriasis, evaluate for biologic therapy",
           (("L40.0", "Psoriasis vulgaris"),),
           "About 15% body surface area despite clobetasol and calcipotriene."),
    Reason("Dermatology", "Hidradenitis suppurativa with recurrent abscesses",
           (("L73.2", "Hidradenitis suppurativa"),),
           "Three incision and drainage procedures this year; sinus tracts forming."),
)  # fmt: skip
# Where the lesion is, in words, and its look.
_LESIONS = {
    _DERM[0].text: (("Left upper back, 4 cm medial to the scapular tip", "Variegated brown "
                     "macule, irregular border"),
                    ("Right flank, 8 cm above the iliac crest", "Dark brown papule with a "
                     "notched edge")),
    _DERM[1].text: (("Left nasal ala, just above the alar crease", "Pearly papule with "
                     "telangiectasia and central crust"),
                    ("Right preauricular cheek", "Translucent papule, rolled border")),
    _DERM[2].text: (("Vertex of the scalp, 2 cm left of midline", "Scaly crusted plaque on "
                     "a red base"),
                    ("Dorsum of the right hand over the 2nd metacarpal", "Hyperkeratotic "
                     "papule, tender")),
    _DERM[3].text: (("Extensor elbows and knees, lower back and scalp margin", "Thick silvery "
                     "plaques, well demarcated"),),
    _DERM[4].text: (("Both axillae and the left inguinal fold", "Nodules, draining sinus "
                     "tracts, scarring"),),
}  # fmt: skip
_FOOT = (
    Reason("Podiatry", "Diabetic foot ulcer of the right plantar forefoot, wound care and "
           "offloading",
           (("E11.621", "Type 2 diabetes mellitus with foot ulcer"),
            ("L97.512", "Non-pressure chronic ulcer of other part of right foot with fat layer "
                        "exposed")),
           "Ulcer under the 1st metatarsal head for six weeks, no probe to bone."),
    Reason("Podiatry", "Diabetic neuropathy with loss of protective sensation, high-risk foot "
           "care",
           (("E11.42", "Type 2 diabetes mellitus with diabetic polyneuropathy"),
            ("L84", "Corns and callosities")),
           "Absent monofilament sensation at most sites; thick plantar calluses."),
    Reason("Podiatry", "Suspected Charcot foot with left midfoot swelling and warmth",
           (("E11.610", "Type 2 diabetes mellitus with diabetic neuropathic arthropathy"),
            ("M14.672", "Charcot's joint, left ankle and foot")),
           "Left midfoot 3 degrees warmer than the right, X-ray with early fragmentation."),
    Reason("Podiatry", "Infected ingrown toenail of the left great toe in a patient with "
           "diabetes",
           (("L60.0", "Ingrowing nail"), ("E11.9", "Type 2 diabetes mellitus without "
                                                   "complications")),
           "Medial nail border with granulation tissue and drainage, on cephalexin."),
    Reason("Podiatry", "Diabetic ulcer of the left heel with peripheral arterial disease",
           (("E11.51", "Type 2 diabetes mellitus with diabetic peripheral angiopathy without "
                       "gangrene"),
            ("L97.422", "Non-pressure chronic ulcer of left heel and midfoot with fat layer "
                        "exposed")),
           "Heel ulcer after a hospital stay; ABI 0.62 on the left."),
)  # fmt: skip
_WORK = (
    Reason("Orthopedics", "Right shoulder injury lifting at work, evaluate for rotator cuff "
           "tear",
           (("S46.011A", "Strain of muscle(s) and tendon(s) of the rotator cuff of right "
                         "shoulder, initial encounter"),),
           "Felt a pop lifting a 60 lb box overhead; weak external rotation."),
    Reason("Hand Surgery", "Laceration of the right index finger with suspected flexor tendon "
           "injury",
           (("S61.210A", "Laceration without foreign body of right index finger without "
                         "damage to nail, initial encounter"),),
           "Box-cutter laceration at the PIP crease; cannot flex the DIP joint."),
    Reason("Orthopedics", "Low back injury at work with persistent radicular pain",
           (("S39.012A", "Strain of muscle, fascia and tendon of lower back, initial "
                         "encounter"),
            ("M54.16", "Radiculopathy, lumbar region")),
           "Pain into the right calf six weeks after a lift, not better with therapy."),
    Reason("Hand Surgery", "Work-related carpal tunnel syndrome of the right wrist, evaluate "
           "for release",
           (("G56.01", "Carpal tunnel syndrome, right upper limb"),),
           "Night numbness of the right hand; EMG shows moderate median neuropathy."),
    Reason("Orthopedics", "Left knee twisting injury on a loading dock, suspected meniscal "
           "tear",
           (("S83.242A", "Other tear of medial meniscus, current injury, left knee, initial "
                         "encounter"),),
           "Locking and medial joint-line pain since the fall, positive McMurray."),
)  # fmt: skip
_NEURO = (
    Reason("Neurology", "First unprovoked seizure seen in the emergency department, evaluate "
           "for epilepsy",
           (("R56.9", "Unspecified convulsions"),),
           "Witnessed generalized seizure at home, CT head normal, not started on medicine."),
    Reason("Neurology", "Transient left arm weakness, suspected transient ischemic attack",
           (("G45.9", "Transient cerebral ischemic attack, unspecified"),),
           "Twenty minutes of left arm weakness, resolved; MRI without infarct."),
    Reason("Neurology", "Sudden severe headache with a negative CT, evaluate for a secondary "
           "cause",
           (("R51.9", "Headache, unspecified"),),
           "Worst headache of life while lifting; CT and lumbar puncture negative."),
    Reason("Neurology", "Recurrent syncope with jerking movements, rule out seizure",
           (("R55", "Syncope and collapse"), ("R56.9", "Unspecified convulsions")),
           "Third episode this year; jerking for a few seconds, no tongue biting."),
    Reason("Neurology", "Right facial weakness, Bell's palsy follow-up",
           (("G51.0", "Bell's palsy"),),
           "Cannot close the right eye fully; started on prednisone in the ED."),
)  # fmt: skip
_ORDERS = (
    Reason("Rheumatology", "Inflammatory polyarthritis with positive anti-CCP antibodies",
           (("M06.9", "Rheumatoid arthritis, unspecified"),
            ("R76.8", "Other specified abnormal immunological findings in serum")),
           "Morning stiffness two hours, swollen MCPs, anti-CCP 180 units."),
    Reason("Urology", "Microscopic hematuria on two urinalyses, urology evaluation",
           (("R31.29", "Other microscopic hematuria"),),
           "12 RBC/hpf twice, no infection, former smoker."),
    Reason("Gastroenterology", "Elevated liver enzymes with fatty liver on ultrasound",
           (("R74.01", "Elevation of levels of liver transaminase levels"),
            ("K76.0", "Fatty (change of) liver, not elsewhere classified")),
           "ALT 96 and AST 71 for six months; hepatitis serologies negative."),
    Reason("Endocrinology", "Primary hyperparathyroidism with hypercalcemia",
           (("E21.0", "Primary hyperparathyroidism"), ("E83.52", "Hypercalcemia")),
           "Calcium 11.2 with a PTH of 98; kidney stone last year."),
    Reason("Nephrology", "Chronic kidney disease stage 3b with proteinuria",
           (("N18.32", "Chronic kidney disease, stage 3b"), ("R80.9", "Proteinuria, "
                                                                      "unspecified")),
           "eGFR 38 and falling, urine albumin-to-creatinine ratio 640."),
)  # fmt: skip
_RECEIVERS = {
    "Allergy & Immunology": ("Sawgrass Allergy & Asthma Center",
                             "Allegheny Allergy and Immunology Associates"),
    "Dermatology": ("Teton Dermatology & Mohs Surgery", "Umpqua Skin & Cancer Center"),
    "Podiatry": ("Thistle Foot & Ankle Specialists", "Monongahela Podiatry & Wound Care"),
    "Orthopedics": ("Bitterroot Orthopaedic Associates", "Shagbark Bone & Joint"),
    "Hand Surgery": ("Hackberry Hand & Upper Extremity Center", "Flathead Hand Surgery"),
    "Neurology": ("Kaskaskia Neurology Associates", "Duwamish Neurology Clinic"),
    "Rheumatology": ("Yellowstone Arthritis & Rheumatology",),
    "Urology": ("Pee Dee Urology Associates",),
    "Gastroenterology": ("Tombigbee Digestive Health",),
    "Endocrinology": ("Snohomish Endocrine & Diabetes Center",),
    "Nephrology": ("Brazos Kidney Consultants",),
}  # fmt: skip


def _email(patient: Person, rng: random.Random) -> str:
    first = people.ascii_letters(patient.first)
    last = people.ascii_letters(patient.last)
    local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{last}{first[:3]}"))
    return f"{local}{rng.randint(1, 9)}@{rng.choice(_EMAIL_DOMAINS)}"


# This set's own people, places, payers and practices.
_CAST = people.Cast(
    _FIRST_F,
    _FIRST_M,
    _LAST,
    _CITIES,
    _STREETS,
    _LINE2,
    _PAYERS,
    _AREAS,
    _ALLERGY_PRACTICES,
    _email,
    middles="BCEGKMPSTV",
    lowest=10,
)


def _own_reason(f: Facts, rng: random.Random, reason: Reason) -> Facts:
    return people.for_reason(f, rng, reason, _RECEIVERS)


# -- how this set writes values ----------------------------------------------------------------


def date_forms(d: date) -> tuple[str, ...]:
    """The ways this set writes a date: 03-14-1961, MAR-14-1961, 14 March 1961, 3/14/1961,
    03/14/1961 and, for a year a US reader cannot take for another century, 3-14-61."""
    month = MONTHS[d.month - 1]
    forms: tuple[str, ...] = (
        f"{d.month:02d}-{d.day:02d}-{d.year}",
        f"{month[:3].upper()}-{d.day:02d}-{d.year}",
        f"{d.day} {month} {d.year}",
        f"{d.month}/{d.day}/{d.year}",
        f"{d.month:02d}/{d.day:02d}/{d.year}",
    )
    if 1935 <= d.year <= 1999:
        forms += (f"{d.month}-{d.day}-{d.year % 100:02d}",)
    return forms


def _date(d: date, style: int) -> str:
    forms = date_forms(d)
    return forms[style] if style < len(forms) else forms[0]


_PHONE_FORMS = ("({a}){b}-{c}", "{a} {b} {c}", "{a}/{b}-{c}", "{a}-{b}-{c}", "{d}")


def _phone(e164: str | None, style: int, extension: str = "") -> str:
    return written_phone(e164, _PHONE_FORMS[style], extension)


def _extension(rng: random.Random) -> str:
    """What may follow an office line: an extension, not part of the number."""
    roll = rng.random()
    if roll < 0.3:
        return f" ext {rng.randint(10, 99)}"
    if roll < 0.5:
        return f" x.{rng.randint(100, 480)}"
    return ""


def _codes_described(c: Ctx, sep: str = "; ") -> str:
    described = c.described()
    return sep.join(f"{esc(k)} ({esc(described[k])})" for k in c.f.codes)


def _codes_bare(c: Ctx) -> str:
    return esc(", ".join(c.f.codes))


def _name(p: Person, order: int) -> str:
    """A patient's name: "First M. Last", "Last, First M." or "LAST, FIRST M"."""
    if order == 0:
        return esc(Writer.full(p))
    if order == 1:
        return esc(Writer.last_first(p))
    middle = f" {p.middle.rstrip('.')}" if p.middle else ""
    return esc(f"{p.last}, {p.first}{middle}".upper())


def _letterhead(f: Facts, ps: int, right: str = "") -> str:
    r, ra = f.referrer, f.referrer.address
    return (
        f"<table><tr><td width='60%'><h1>{esc(r.practice)}</h1><span class='small'>"
        f"{esc(ra.line1)} &middot; {esc(ra.city)}, {esc(ra.state)} {esc(ra.zip)}<br/>"
        f"Phone {_phone(r.phone, ps)} &nbsp;&nbsp; Fax {_phone(r.fax, ps)}</span></td>"
        f"<td class='right small'>{right}</td></tr></table><hr/>"
    )


def _urgency_boxes(c: Ctx, words: tuple[str, str, str]) -> str:
    return " &nbsp; ".join(
        c.box(c.f.urgency == key, word)
        for key, word in zip(("stat", "urgent", "routine"), words, strict=True)
    )


# -- 1. a referral to allergy / immunology with reactions, medicines and a pharmacy ------------


def _allergy_ref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(6), rng.randrange(5)
    a = f.address
    pharmacy = rng.choice(_PHARMACIES) + f" #{rng.randint(100, 9999)}"
    store = _CAST.address(rng)
    store_area = rng.choice(_AREAS)

    def cells(*items: tuple[str, str]) -> str:
        return "<tr>" + "".join(
            f"<td class='lab' width='17%'>{k}</td><td width='33%'>{v or '&nbsp;'}</td>"
            for k, v in items
        ) + "</tr>"  # fmt: skip

    patient = (
        "<table class='grid small'>"
        + cells(("Patient", f"<b>{_name(f.patient, rng.randrange(2))}</b>"),
                ("Date of birth", esc(_date(f.dob, ds))))
        + cells(("Sex", esc(sex_word(f, "Nonbinary"))), ("Home phone", _phone(f.phone, ps)))
        + cells(("Address", one_line(a)), ("E-mail", esc(f.email or "")))
        + cells(("Insurance", esc(f.payer or "Self pay")), ("Member ID", esc(f.member_id or "")))
        + cells(("Group", esc(f.group or "")),
                ("Policy holder", esc(Writer.full(f.subscriber)) if f.subscriber else "Self"))
        + "</table>"
    )  # fmt: skip
    reactions = _TRIGGERS[f.reason.text][: rng.randint(1, 2)]
    reaction_rows = "".join(
        f"<tr><td>{esc(_date(f.sent - timedelta(days=rng.randint(20, 900)), ds))}</td>"
        f"<td>{esc(trigger)}</td><td>{esc(what)}</td><td>{esc(treated)}</td>"
        f"<td>{rng.choice(('ED visit', 'Home', 'Urgent care', 'Office'))}</td></tr>"
        for trigger, what, treated in reactions
    )
    medicines = rng.sample(
        ("Cetirizine 10 mg daily", "Fluticasone nasal 2 sprays daily", "Montelukast 10 mg "
         "nightly", "EpiPen 0.3 mg auto-injector", "Albuterol HFA 2 puffs PRN",
         "Famotidine 20 mg BID", "Lisinopril 10 mg daily", "Metoprolol tartrate 25 mg BID"),
        rng.randint(2, 4),
    )  # fmt: skip
    medicine_rows = "".join(
        f"<tr><td>{esc(m)}</td><td>{esc(Writer.full(rng.choice((f.other_doctor, r.person))))}"
        f"</td><td>{esc(_date(f.sent - timedelta(days=rng.randint(3, 60)), ds))}</td></tr>"
        for m in medicines
    )
    beta_blocker = any("Metoprolol" in m for m in medicines)
    return [
        _letterhead(f, ps, "ALLERGY / IMMUNOLOGY<br/>REFERRAL")
        + f"<p class='small'>Referred to: <b>{esc(f.receiver)}</b> &middot; Fax "
        f"{_phone(f.receiver_fax, ps)} &middot; Phone {_phone(f.receiver_phone, ps)}<br/>"
        f"Date: {esc(_date(f.sent, ds))}</p>"
        "<h2>Patient</h2>" + patient + "<h2>Reason for referral</h2>"
        f"<p class='small'>{esc(f.reason.text)}<br/>ICD-10: {_codes_described(c)}<br/>"
        f"{esc(f.reason.note)}</p>"
        f"<p class='small'>Scheduling: {_urgency_boxes(c, ('STAT', 'Urgent', 'Routine'))}</p>"
        "<h2>Prior reactions</h2><table class='grid small'><tr><th>Date</th><th>Trigger</th>"
        f"<th>Reaction</th><th>Treatment</th><th>Setting</th></tr>{reaction_rows}</table>"
        "<h2>Current medications</h2><table class='grid small'><tr><th>Medication</th>"
        f"<th>Prescriber</th><th>Last filled</th></tr>{medicine_rows}</table>"
        + ("<p class='tiny'>Note: on a beta-blocker.</p>" if beta_blocker else "")
        + "<p class='small'>Antihistamines held 5 days before skin testing: "
        f"{c.box(False, 'Yes')} {c.box(False, 'No')} &nbsp; Epinephrine auto-injector "
        f"prescribed: {c.box(True, 'Yes')}</p>"
        "<h2>Preferred pharmacy</h2>"
        f"<p class='small'>{esc(pharmacy)} &middot; {esc(store.line1)}, {esc(store.city)}, "
        f"{esc(store.state)} {esc(store.zip)}<br/>Pharmacy phone "
        f"{_phone(people.phone(rng, store_area), ps)} &middot; Pharmacy fax "
        f"{_phone(people.phone(rng, store_area), ps)}</p>"
        "<h2>Referring provider</h2>"
        f"<p class='small'>{with_credential(r.person, r.credential)} &middot; NPI {r.npi}<br/>"
        f"{esc(r.practice)} &middot; Phone {_phone(r.phone, ps, _extension(rng))} &middot; "
        f"Fax {_phone(r.fax, ps)}<br/>Referral coordinator: {esc(Writer.full(f.sender))}, "
        f"{_phone(f.sender_phone, ps)}</p>"
    ]


def _allergy_ref_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_ALLERGY)
    f = _CAST.recast(f, rng, _ALLERGY_PRACTICES, ("MD", "DO", "PA-C", "MD"))
    return people.aged(_own_reason(f, rng, reason), rng, 18, 80)


# -- 2. a nurse practitioner's dermatology referral with a photo box ---------------------------


def _derm_np(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(6), rng.randrange(5)
    a = f.address
    supervisor = _CAST.person(rng)
    supervisor_npi = people.npi(rng)
    sites = _LESIONS[f.reason.text]
    site, look = rng.choice(sites)
    weeks = rng.randint(6, 40)

    def stacked(*items: tuple[str, str, str]) -> str:
        # labels in small type above their values, one row of cells
        return "<table class='grid'><tr>" + "".join(
            f"<td width='{w}'><span class='above'>{k}</span><br/>{v or '&nbsp;'}</td>"
            for k, v, w in items
        ) + "</tr></table>"  # fmt: skip

    size = (
        f"{rng.randint(3, 14)} x {rng.randint(2, 10)} mm"
        if len(sites) > 1
        else f"about {rng.randint(4, 20)}% BSA"
    )
    urgency = urgency_word(f, ("Emergent - within 48 hours", "Urgent - 2 weeks",
                               "Routine - next available"))  # fmt: skip
    return [
        _letterhead(f, ps, esc(_date(f.sent, ds)))
        + "<h2>DERMATOLOGY REFERRAL</h2>"
        + f"<p class='small'>To: {esc(f.receiver)} &nbsp; Fax {_phone(f.receiver_fax, ps)}</p>"
        + stacked(
            ("PATIENT NAME", f"<b>{_name(f.patient, rng.randrange(2))}</b>", "40%"),
            ("DATE OF BIRTH", esc(_date(f.dob, ds)), "20%"),
            ("SEX", esc(sex_word(f, "X")), "12%"),
            ("PHONE", _phone(f.phone, ps), "28%"),
        )
        + stacked(("ADDRESS", one_line(a), "65%"), ("E-MAIL", esc(f.email or ""), "35%"))
        + stacked(
            ("INSURANCE", esc(f.payer or "Uninsured"), "40%"),
            ("MEMBER ID", esc(f.member_id or ""), "30%"),
            ("GROUP NO.", esc(f.group or ""), "30%"),
        )
        + "<h3>Lesion</h3>"
        f"<p class='small'>Location: {esc(site)}. {esc(look)}, first noticed about "
        f"{weeks} weeks ago. {esc(f.reason.note)}</p>"
        "<table><tr><td width='55%'><table class='grid small'><tr><th>Site</th><th>Size</th>"
        f"<th>Changing</th></tr><tr><td>{esc(site)}</td><td>{size}</td>"
        f"<td>{rng.choice(('Yes - size', 'Yes - color', 'Bleeding', 'No'))}</td></tr></table>"
        f"<p class='small'>Reason for referral: <b>{esc(f.reason.text)}</b></p>"
        f"<p class='small'>Diagnosis: {_codes_described(c)}</p>"
        + (f"<p class='small'>Requested: {esc(urgency)}</p>" if urgency else "")
        + "</td><td class='box center' height='150'><p>&nbsp;</p><b>PHOTO ATTACHED</b>"
        "<p class='tiny'>[clinical photograph in the chart; not legible by fax]</p>"
        "<p>&nbsp;</p><p>&nbsp;</p></td></tr></table>"
        "<h3>Referring clinician</h3>"
        + stacked(
            ("NURSE PRACTITIONER", with_credential(r.person, r.credential), "45%"),
            ("NPI", r.npi, "20%"),
            ("CLINIC", esc(r.practice), "35%"),
        )
        + stacked(
            ("SUPERVISING PHYSICIAN", esc(f"{Writer.full(supervisor)}, MD"), "45%"),
            ("SUPERVISING NPI", supervisor_npi, "20%"),
            (
                "CLINIC PHONE / FAX",
                f"{_phone(r.phone, ps, _extension(rng))} / {_phone(r.fax, ps)}",
                "35%",
            ),
        )
        + "<p class='tiny'>Please send the consult note and pathology to the referring "
        f"clinician. Scheduling questions: {esc(Writer.full(f.sender))}, "
        f"{_phone(f.sender_phone, ps)}.</p>"
    ]


def _derm_np_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_DERM)
    f = _CAST.recast(f, rng, _DERM_PRACTICES, _NP_CREDENTIALS)
    return people.aged(_own_reason(f, rng, reason), rng, 18, 88)


# -- 3. a diabetic-foot referral to podiatry ---------------------------------------------------


def _podiatry_dfu(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(6), rng.randrange(5)
    a = f.address
    letter = {"F": "F", "M": "M", "X": "X", "U": "U"}.get(f.sex or "", "&nbsp;")
    a1c = f"{rng.uniform(6.8, 11.9):.1f}%"
    grid = (
        "<table class='grid small'><tr><th width='20%'>DOB</th><th>AGE</th><th>SEX</th><th>HT</th>"
        "<th>WT</th><th>A1c</th><th width='20%'>A1c drawn</th></tr>"
        f"<tr><td>{esc(_date(f.dob, ds))}</td><td>{f.age}</td><td>{letter}</td>"
        f"<td>{rng.randint(60, 75)} in</td><td>{rng.randint(140, 290)} lb</td><td>{a1c}</td>"
        f"<td>{esc(_date(f.sent - timedelta(days=rng.randint(10, 80)), ds))}</td></tr></table>"
    )
    sites = ("Hallux", "1st MTH", "3rd MTH", "5th MTH", "Heel", "Dorsum")

    def felt() -> str:
        return "".join(f"<td>{rng.choice(('+', '+', '-'))}</td>" for _ in sites)

    mono = (
        "<table class='grid small'><tr><th>10 g monofilament</th>"
        + "".join(f"<th>{s}</th>" for s in sites)
        + f"</tr><tr><td>Right</td>{felt()}</tr><tr><td>Left</td>{felt()}</tr></table>"
    )
    pulses = (
        "<table class='grid small'><tr><th>Pulses</th><th>DP</th><th>PT</th><th>ABI</th></tr>"
        + "".join(
            f"<tr><td>{side}</td><td>{rng.choice(('2+', '1+', '0'))}</td>"
            f"<td>{rng.choice(('2+', '1+', 'dopplerable'))}</td>"
            f"<td>{rng.uniform(0.55, 1.1):.2f}</td></tr>"
            for side in ("Right", "Left")
        )
        + "</table>"
    )
    wound = ""
    if "ulcer" in f.reason.text.lower():
        where = "Left heel" if "heel" in f.reason.text else "Right plantar 1st MTH"
        wound = (
            "<table class='grid small'><tr><th>Wound</th><th>L x W x D (cm)</th>"
            "<th>Wagner</th><th>Drainage</th><th>Since</th></tr>"
            f"<tr><td>{where}</td><td>{rng.uniform(0.6, 3.2):.1f} x {rng.uniform(0.5, 2.4):.1f}"
            f" x {rng.uniform(0.1, 0.6):.1f}</td><td>{rng.choice(('1', '2'))}</td>"
            f"<td>{rng.choice(('Scant serous', 'Moderate', 'None'))}</td>"
            f"<td>{esc(_date(f.sent - timedelta(days=rng.randint(20, 90)), ds))}</td></tr>"
            "</table>"
        )
    risk = rng.randint(1, 3)
    return [
        _letterhead(f, ps, "Diabetic Foot Referral")
        + f"<p class='small'>TO: {esc(f.receiver).upper()} (PODIATRY) &middot; FAX "
        f"{_phone(f.receiver_fax, ps)} &middot; DATE {esc(_date(f.sent, ds))}</p>"
        "<p class='above'>PATIENT NAME (LAST, FIRST MI)</p>"
        f"<p><b>{_name(f.patient, 2)}</b></p>" + grid + "<table class='small'><tr>"
        f"<td width='50%'>Address: {one_line(a)}<br/>Phone: {_phone(f.phone, ps)}"
        + (f"<br/>E-mail: {esc(f.email)}" if f.email else "")
        + f"</td><td>Insurance: {esc(f.payer or 'none')}<br/>ID: {esc(f.member_id or '')}"
        + (f" &nbsp; Grp: {esc(f.group)}" if f.group else "")
        + (f"<br/>Insured: {esc(Writer.full(f.subscriber))}" if f.subscriber else "")
        + "</td></tr></table>"
        "<h3>Foot examination</h3>"
        + mono
        + pulses
        + wound
        + "<p class='small'>Risk category (IWGDF): "
        + " ".join(c.box(risk == n, str(n)) for n in range(4))
        + f" &nbsp; Smoker: {c.box(rng.random() < 0.3, 'yes')}</p>"
        "<h3>Referral</h3>"
        f"<p class='small'>Reason: {esc(f.reason.text)}<br/>Dx: {_codes_described(c)}<br/>"
        f"{esc(f.reason.note)}</p>"
        f"<p class='small'>Timing: {_urgency_boxes(c, ('STAT', 'URGENT', 'ROUTINE'))}</p>"
        f"<p class='small'>Referring: {with_credential(r.person, r.credential)}, NPI {r.npi} "
        f"&middot; {esc(r.practice)} &middot; Ph {_phone(r.phone, ps)} &middot; Fx "
        f"{_phone(r.fax, ps)}</p>"
        f"<p class='tiny'>Diabetes educator: {esc(Writer.full(f.other_doctor))}, CDCES "
        f"{_phone(f.sender_phone, ps)}</p>"
    ]


def _podiatry_dfu_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_FOOT)
    f = _CAST.recast(f, rng, _FOOT_PRACTICES, ("MD", "DO", "FNP-C", "MD"))
    return people.aged(_own_reason(f, rng, reason), rng, 35, 89)


# -- 4. an occupational-health referral with the employer on top -------------------------------


def _claim_number(rng: random.Random, year: int) -> str:
    return rng.choice((
        f"{year % 100}{rng.randint(10**7, 10**8 - 1)}",
        f"WC{rng.randint(10**8, 10**9 - 1)}",
        f"{rng.randint(100, 999)}{rng.choice('ABCHK')}{rng.randint(10**6, 10**7 - 1)}",
        f"0{rng.randint(10**9, 10**10 - 1)}",
    ))  # fmt: skip


def _occ_health(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(6), rng.randrange(5)
    employer = rng.choice(_EMPLOYERS)
    site = _CAST.address(rng)
    employer_area = rng.choice(_AREAS)
    contact = _CAST.person(rng)
    carrier = rng.choice(_WC_CARRIERS)
    injured = f.sent - timedelta(days=rng.randint(5, 70))
    claim = _claim_number(rng, injured.year)
    status = rng.choice((1, 1, 2))
    job = rng.choice(("Warehouse associate", "Truck driver", "Machine operator", "CNA",
                      "Laborer", "Forklift operator"))  # fmt: skip

    def rows(items: list[tuple[str, str]]) -> str:
        return "<table class='grid small'>" + "".join(
            f"<tr><td class='lab' width='26%'>{k}</td><td>{v or '&nbsp;'}</td></tr>"
            for k, v in items
        ) + "</table>"  # fmt: skip

    own_plan = (
        f"Employee's personal health plan (not for this claim): {esc(f.payer)}, ID "
        f"{esc(f.member_id)}" + (f", group {esc(f.group)}" if f.group else "")
        if f.payer
        else ""
    )
    return [
        "<table class='box'><tr><td width='64%'><span class='above'>EMPLOYER</span>"
        f"<h1>{esc(employer).upper()}</h1>"
        f"<p>{esc(site.line1)}<br/>{esc(site.city)}, {esc(site.state)} {esc(site.zip)}<br/>"
        f"<b>Tel {_phone(people.phone(rng, employer_area), ps)}</b> &nbsp; Fax "
        f"{_phone(people.phone(rng, employer_area), ps)}</p></td>"
        "<td class='small'>Employer contact:<br/>"
        f"{esc(Writer.full(contact))}, {rng.choice(('HR Manager', 'Safety Coordinator'))}"
        f"<br/>{_phone(people.phone(rng, employer_area), ps, _extension(rng))}<br/>Account "
        f"#{rng.randint(1000, 99999)}</td></tr></table>"
        f"<h2>WORK INJURY - SPECIALIST REFERRAL ({esc(f.reason.specialty).upper()})</h2>"
        f"<p class='small'>From {esc(r.practice)}, {esc(r.address.line1)}, "
        f"{esc(r.address.city)}, {esc(r.address.state)} &middot; Phone "
        f"{_phone(r.phone, ps)} &middot; Fax {_phone(r.fax, ps)}<br/>To {esc(f.receiver)} "
        f"&middot; Fax {_phone(f.receiver_fax, ps)} &middot; Sent {esc(_date(f.sent, ds))}</p>"
        "<table><tr><td width='50%'>"
        + rows(
            [
                ("Claim #", f"<b>{esc(claim)}</b>"),
                ("WC carrier", esc(carrier)),
                ("Claims administrator", esc(rng.choice(_TPAS))),
                ("Date of injury", esc(_date(injured, ds))),
                (
                    "Adjuster",
                    f"{esc(Writer.full(_CAST.person(rng)))}<br/>{_phone(people.phone(rng), ps)}",
                ),
            ]
        )
        + "</td><td>"
        + rows(
            [
                ("Employee", f"<b>{_name(f.patient, rng.randrange(3))}</b>"),
                ("DOB", esc(_date(f.dob, ds))),
                ("Sex", esc(sex_word(f, "X"))),
                ("Phone", _phone(f.phone, ps)),
                ("Home address", one_line(f.address)),
                ("Job title", esc(job)),
                ("Employee ID", f"E{rng.randint(10000, 999999)}"),
            ]
        )
        + "</td></tr></table>"
        "<h3>Referral</h3>"
        f"<p class='small'>Referred for: <b>{esc(f.reason.text)}</b><br/>ICD-10: "
        f"{_codes_bare(c)}<br/>{esc(f.reason.note)}</p>"
        f"<p class='small'>Priority: {_urgency_boxes(c, ('Stat', 'Urgent', 'Routine'))}</p>"
        "<p class='small'>Work status: "
        + " &nbsp; ".join(
            c.box(i == status, s)
            for i, s in enumerate(("Full duty", "Modified duty (see restrictions)", "Off work"))
        )
        + f"<br/>Restrictions: no lifting over {rng.choice((10, 15, 20))} lb; "
        f"re-check {esc(_date(f.sent + timedelta(days=rng.randint(7, 14)), ds))}</p>"
        "<p class='small'>Treating occupational physician: "
        f"{with_credential(r.person, r.credential)} &middot; NPI {r.npi}</p>"
        "<p class='tiny'>Bill all injury-related care to the carrier above with the claim "
        "number. Authorization by the claims administrator is required before surgery."
        + (f"<br/>{own_plan}" if own_plan else "")
        + "</p>"
    ]


def _occ_health_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_WORK)
    f = _CAST.recast(f, rng, _OCC_PRACTICES, ("MD", "DO", "MD, MPH"))
    f = _own_reason(f, rng, reason)
    # A work form asks no e-mail; the worker's own plan is printed only half the time.
    if rng.random() < 0.5:
        f = dataclasses.replace(f, payer=None, member_id=None, group=None)
    return people.aged(dataclasses.replace(f, email=None, subscriber=None), rng, 19, 66)


# -- 5. a neurology referral behind the emergency department's triage sheet --------------------


def _neuro_triage_lead(c: Ctx) -> list[tuple[str, PageType]]:
    f, rng = c.f, c.rng
    ps = rng.randrange(5)
    hospital = rng.choice(_HOSPITALS)
    arrived = f.sent - timedelta(days=rng.randint(2, 12))
    complaint = {
        _NEURO[0].text: "Seizure at home, now post-ictal",
        _NEURO[1].text: "L arm weakness x 20 min, resolved",
        _NEURO[2].text: "Sudden severe headache",
        _NEURO[3].text: "Passed out, shaking per family",
        _NEURO[4].text: "R face drooping since waking",
    }[f.reason.text]
    vitals = (
        f"BP {rng.randint(118, 178)}/{rng.randint(68, 102)} &nbsp; HR {rng.randint(58, 112)} "
        f"&nbsp; RR {rng.randint(14, 22)} &nbsp; T {rng.uniform(97.6, 99.4):.1f} F &nbsp; "
        f"SpO2 {rng.randint(94, 100)}% &nbsp; Glucose {rng.randint(84, 190)}"
    )
    page = (
        f"<h1>{esc(hospital)}</h1><p class='small'>Emergency Department &middot; "
        f"{_phone(people.phone(rng, rng.choice(_AREAS)), ps)}</p>"
        "<h2>ED TRIAGE ASSESSMENT</h2>"
        "<table class='grid small'>"
        f"<tr><td class='lab'>Patient</td><td>{_name(f.patient, 1)}</td><td class='lab'>"
        f"DOB</td><td>{esc(c.w.date(f.dob))}</td></tr>"
        f"<tr><td class='lab'>Arrival</td><td>{esc(c.w.date(arrived))} "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}</td><td class='lab'>Mode</td>"
        f"<td>{rng.choice(('EMS', 'Walk-in', 'Private vehicle'))}</td></tr>"
        f"<tr><td class='lab'>ESI level</td><td>{rng.choice((2, 2, 3))}</td>"
        f"<td class='lab'>ED MRN</td><td>{rng.randint(10**6, 10**7 - 1)}</td></tr>"
        "</table>"
        f"<p class='small'><b>Chief complaint:</b> {esc(complaint)}</p>"
        f"<p class='small'><b>Vitals:</b> {vitals}</p>"
        f"<p class='small'><b>Pain:</b> {rng.randint(0, 9)}/10 &nbsp; <b>GCS:</b> "
        f"{rng.choice((15, 15, 14))} &nbsp; <b>Stroke screen (BE-FAST):</b> "
        f"{rng.choice(('negative', 'positive - arm'))}</p>"
        f"<p class='small'><b>Allergies:</b> {rng.choice(('NKDA', 'Sulfa', 'Codeine'))}</p>"
        f"<p class='small'><b>Triage RN:</b> {esc(Writer.full(_CAST.person(rng)))}, RN "
        f"&nbsp; <b>ED physician:</b> {esc(Writer.full(f.other_doctor))}, MD</p>"
        f"<p class='small'><b>Primary care:</b> {esc(Writer.full(f.referrer.person))}</p>"
        "<p class='tiny'>Triage record - not a discharge summary.</p>"
    )
    return [(page, PageType.other)]


def _neuro_ed(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(6), rng.randrange(5)
    a = f.address

    def form(items: list[tuple[str, str]]) -> str:
        return "<table class='grid small'>" + "".join(
            f"<tr><td class='lab' width='30%'>{k}</td><td>{v or '&nbsp;'}</td></tr>"
            for k, v in items if v is not None
        ) + "</table>"  # fmt: skip

    urgency = urgency_word(f, ("STAT - call the on-call neurologist",
                               "Urgent - within 2 weeks", "Routine - next available"))  # fmt: skip
    left = form([
        ("Patient name", f"<b>{_name(f.patient, rng.randrange(2))}</b>"),
        ("Date of birth", esc(_date(f.dob, ds))),
        ("Sex", esc(sex_word(f, "Nonbinary"))),
        ("Home or cell phone", _phone(f.phone, ps)),
        ("E-mail", esc(f.email or "")),
        ("Mailing address", one_line(a)),
        ("Insurance carrier", esc(f.payer or "None / self-pay")),
        ("Member / subscriber ID", esc(f.member_id or "")),
        ("Group number", esc(f.group or "")),
        ("Policy holder", esc(Writer.full(f.subscriber)) if f.subscriber else "Patient"),
    ])  # fmt: skip
    right = form([
        ("Refer to", f"{esc(f.receiver)}, Neurology<br/>fax {_phone(f.receiver_fax, ps)}"),
        ("Reason for referral", esc(f.reason.text)),
        ("Diagnosis codes", _codes_described(c, "<br/>")),
        ("Urgency", esc(urgency)),
        ("Emergency visit", f"{esc(_date(f.sent - timedelta(days=rng.randint(2, 12)), ds))}"
                            " (triage sheet attached)"),
        ("Referring provider", with_credential(r.person, r.credential)),
        ("NPI", r.npi),
        ("Practice", esc(r.practice)),
        ("Office phone / fax", f"{_phone(r.phone, ps, _extension(rng))}<br/>"
                               f"{_phone(r.fax, ps)}"),
    ])  # fmt: skip
    return [
        _letterhead(f, ps, esc(_date(f.sent, ds)))
        + "<h2>Outpatient Neurology Referral</h2>"
        + f"<table><tr><td width='50%'>{left}</td><td width='50%'>{right}</td></tr></table>"
        + f"<p class='small'><b>History:</b> {esc(f.reason.note)} Seen by us "
        f"{rng.randint(1, 5)} days after the emergency visit. Driving restrictions "
        "discussed.</p>"
        f"<p class='small'>Family contact: {esc(Writer.full(f.relative))} ({esc(f.relation)}) "
        f"{_phone(people.phone(rng, rng.choice(_AREAS)), ps)}</p>"
        "<p class='small'>Signature: ______________________ &nbsp; "
        f"{esc(Writer.full(r.person))}</p>"
    ]


def _neuro_ed_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_NEURO)
    f = _CAST.recast(f, rng, _NEURO_PRACTICES, ("MD", "DO", "PA-C", "NP"))
    return people.aged(_own_reason(f, rng, reason), rng, 18, 85)


# -- 6. a referral order printed from a web EHR ------------------------------------------------


def _athena_print(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ps = rng.choice((3, 0, 4))
    ds = 4  # the system prints 03/14/1961
    a = f.address
    printed = (
        f"{_date(f.sent, ds)} {rng.randint(7, 11)}:{rng.randint(0, 59):02d} "
        f"{rng.choice(('AM', 'PM'))} {rng.choice(('CST', 'EST', 'MST'))}"
    )
    chart = f"#{rng.randint(10000, 999999)}"
    who = _name(f.patient, 2)

    def band(page: int) -> str:
        return (
            "<table style='background-color: #e4e4e4'><tr><td class='small' width='40%'>"
            f"<b>{esc(r.practice)}</b></td><td class='small right'>{who} ({chart}) &middot; "
            f"Printed {esc(printed)} &middot; Page {page} of 2</td></tr></table>"
        )

    def block(items: list[tuple[str, str]], columns: int = 3) -> str:
        shown = [(k, v) for k, v in items if v]
        out = "<table class='small'>"
        for i in range(0, len(shown), columns):
            out += "<tr>" + "".join(
                f"<td width='{100 // columns}%'><b>{k}</b><br/>{v}</td>"
                for k, v in shown[i : i + columns]
            ) + "</tr>"  # fmt: skip
        return out + "</table>"

    priority = urgency_word(f, ("STAT", "URGENT", "ROUTINE"))
    page1 = (
        band(1)
        + "<h2>Referral Order</h2>"
        + block([
            ("PATIENT NAME", f"{who}"),
            ("DOB", esc(_date(f.dob, ds))),
            ("SEX", esc(sex_word(f, "Other").upper())),
            ("PATIENT ID", chart),
            ("MOBILE PHONE", _phone(f.phone, ps)),
            ("EMAIL", esc(f.email or "")),
            ("ADDRESS", f"{esc(street(a))}<br/>{esc(a.city)}, {esc(a.state)} {esc(a.zip)}"
                        if a else ""),
        ])
        + "<hr/>"
        + block([
            ("ORDER DATE", esc(_date(f.sent, ds))),
            ("ORDER TYPE", f"REFERRAL - {esc(f.reason.specialty).upper()}"),
            ("PRIORITY", priority),
            ("ORDERING PROVIDER", esc(Writer.full(r.person)) + f", {esc(r.credential)}"),
            ("ORDERING PROVIDER NPI", r.npi),
            ("DEPARTMENT", esc(r.practice)),
            ("DEPARTMENT PHONE", _phone(r.phone, ps)),
            ("DEPARTMENT FAX", _phone(r.fax, ps)),
            ("REFERRED-TO PROVIDER", esc(f.receiver)),
            ("REFERRED-TO FAX", _phone(f.receiver_fax, ps)),
            ("REFERRED-TO PHONE", _phone(f.receiver_phone, ps)),
            ("VISITS REQUESTED", str(rng.choice((1, 1, 3, 6)))),
        ])
        + "<hr/>"
        + block([("DIAGNOSES", _codes_described(c, "<br/>"))], 1)
        + block([("REASON FOR REFERRAL", esc(f.reason.text))], 1)
        + block([("ORDER NOTE", esc(f.reason.note))], 1)
        + block([
            ("ENCOUNTER DATE", esc(_date(f.sent - timedelta(days=rng.randint(0, 6)), ds))),
            ("ORDER STATUS", "SUBMITTED"),
            ("ORDER ID", str(rng.randint(10**8, 10**9 - 1))),
        ])
        + band(1)
    )  # fmt: skip
    page2 = (
        band(2)
        + "<h2>Insurance</h2>"
        + block([
            ("PRIMARY INSURANCE", esc(f.payer or "SELF-PAY")),
            ("POLICY #", esc(f.member_id or "")),
            ("GROUP #", esc(f.group or "")),
            ("POLICY HOLDER", esc(Writer.full(f.subscriber).upper()) if f.subscriber else "SELF"),
            ("ELIGIBILITY", "ELIGIBLE" if f.payer else ""),
            ("AUTHORIZATION", rng.choice(("NOT REQUIRED", "PENDING"))),
        ])
        + "<h2>Clinical Summary</h2>"
        + block([
            ("ACTIVE MEDICATIONS", "<br/>".join(esc(m) for m in rng.sample(
                people.MEDICATIONS, 3))),
            ("ALLERGIES", rng.choice(("NKDA", "Penicillins", "Latex"))),
            ("LAST VITALS", f"BP {rng.randint(112, 160)}/{rng.randint(66, 98)} &middot; "
                            f"BMI {rng.uniform(21, 38):.1f}"),
        ])
        + "<h2>Signature</h2>"
        + f"<p class='small'>ELECTRONICALLY SIGNED BY<br/>{esc(Writer.full(r.person))}, "
        f"{esc(r.credential)} on {esc(printed)}</p>"
        f"<p class='small'>ORDER ENTERED BY<br/>{esc(Writer.full(f.sender))}</p>"
        + band(2)
    )  # fmt: skip
    return [page1, page2]


def _athena_print_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_ORDERS)
    f = _CAST.recast(f, rng, _ATHENA_PRACTICES, ("MD", "DO", "NP", "PA-C"))
    return people.aged(_own_reason(f, rng, reason), rng, 21, 90)


THIRTEENTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("allergy_ref", _allergy_ref, _allergy_ref_omit,
               "referral to allergy: reactions and medication tables, the patient's pharmacy"),
        Layout("derm_np", _derm_np, _derm_np_omit,
               "NP's dermatology referral: labels above values, lesion site, photo box, "
               "supervising physician"),
        Layout("podiatry_dfu", _podiatry_dfu, _podiatry_dfu_omit,
               "diabetic-foot referral: LAST, FIRST M in capitals, sex letter in a grid"),
        Layout("occ_health", _occ_health, _occ_health_omit,
               "occupational-health referral: employer block on top, claim number"),
        Layout("neuro_ed", _neuro_ed, _neuro_ed_omit,
               "neurology referral behind an ED triage sheet: side-by-side shaded forms",
               lead=_neuro_triage_lead),
        Layout("athena_print", _athena_print, _athena_print_omit,
               "web-EHR referral order: print band on each page, CAPS labels over values"),
    )
}  # fmt: skip
