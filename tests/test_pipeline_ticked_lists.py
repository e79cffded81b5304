"""A form's printed lists: only the ticked options are asked for; a letterhead's cells."""

from app.pipeline.fields import extract
from app.pipeline.fields.boxes import without_unticked
from app.pipeline.types import PageText
from models.document import PageType


def _referral(*lines: str) -> PageText:
    return PageText(1, "\n".join(lines), "text", page_type=PageType.referral)


def test_only_the_ticked_codes_of_a_printed_list_are_the_diagnoses() -> None:
    e = extract(
        [
            _referral(
                "Diagnosis codes (tick)",
                "[ ] J45.909 Asthma, uncomplicated",
                "[X] E03.9 Hypothyroidism, unspecified",
                "[ ] N39.0 UTI, site not specified   [X] R51.9 Headache, unspecified",
                "[ ] K59.00 Constipation",
            )
        ]
    )
    assert e.clinical.diagnosis_codes == ["E03.9", "R51.9"]
    # the code of a line without boxes is kept
    assert without_unticked("Dx: E03.9 [ ] follow-up needed") == "Dx: E03.9"


def test_a_middle_dot_parts_a_letterheads_numbers() -> None:
    e = extract(
        [
            _referral(
                "Harbor Point Clinic    VISIT SLIP",
                "41 Pier Rd, Erie, PA 16501",
                "Tel (814) 555-0140 · Fax (814) 555-0141",
                "Patient: Ada Quill",
            )
        ]
    )
    assert e.referrer.practice_name == "Harbor Point Clinic"
    assert (e.referrer.phone, e.referrer.fax) == ("+18145550140", "+18145550141")


def test_an_odd_one_out_beside_a_garbled_option_is_in_doubt() -> None:
    def scanned(row: str) -> PageText:
        text = f"Patient: Ada Quill\nReason: cough\nPriority: {row}"
        return PageText(1, text, "ocr", 0.95, page_type=PageType.referral)

    # the ticked option's word garbled ("sco"): the box left standing may be a misread empty one
    e = extract([scanned("[ ] Routine sco | JEmergent")])
    assert e.confidence["clinical.urgency"] < 0.9
    # every option read, one of them after a garbled tick: the guess holds
    e = extract([scanned("[ ] Routine JX Urgent [ ] Emergent")])
    assert e.clinical.urgency == "urgent"
    assert e.confidence["clinical.urgency"] >= 0.9


def test_a_spaced_dash_after_a_number_parts_a_letterheads_numbers() -> None:
    e = extract(
        [
            _referral(
                "Harbor Point Clinic",
                "41 Pier Rd - Erie, PA 16501",
                "Tel 814.555.0140 - Fax 814.555.0141",
                "Patient: Ada Quill",
            )
        ]
    )
    assert (e.referrer.phone, e.referrer.fax) == ("+18145550140", "+18145550141")


def test_an_empty_box_as_ocr_reads_it_drops_its_code() -> None:
    assert without_unticked("{ ]E03.9 Hypothyroidism") == ""
    assert without_unticked("( ] R51.9 Headache") == ""
    assert without_unticked("™ J45.909 Asthma") == "™ J45.909 Asthma"  # a tick misread: kept


def test_an_empty_box_whose_side_ocr_read_as_a_bar_drops_its_code() -> None:
    assert without_unticked("[ | D50.9 Iron deficiency anemia") == ""
    assert without_unticked("| | K21.9 Gastro-esophageal reflux") == ""
    assert without_unticked("{| | E11.42 Type 2 diabetes") == ""
    ticked = without_unticked("{ | K92.1 Melena  [X] M75.102 Rotator cuff tear")
    assert ticked == "M75.102 Rotator cuff tear"
    # bars between words of text are no boxes
    assert without_unticked("Dx | I10 | E11.9") == "Dx | I10 | E11.9"
    assert without_unticked("Dx: I10 || E11.9") == "Dx: I10 || E11.9"
