"""Reading order rebuilt from OCR word boxes (``app.pipeline.layout``): pure, no OCR here."""

from app.pipeline.fields.lexicon import is_label, is_party
from app.pipeline.layout import arrange
from app.pipeline.lines import Box

HEIGHT = 20


def line(y: int, *cells: tuple[int, str]) -> list[Box]:
    """Words of one line: each cell starts at x and its words are 10 px apart."""
    boxes = []
    for x, text in cells:
        for word in text.split():
            width = 12 * len(word)
            boxes.append(Box(word, x, y, x + width, y + HEIGHT))
            x += width + 10
    return boxes


def test_a_label_row_reads_label_then_the_value_under_it() -> None:
    words = [
        *line(100, (100, "FAMILY NAME"), (600, "FIRST NAME"), (1100, "DATE OF BIRTH")),
        *line(130, (100, "Fitzgerald"), (600, "Yolanda"), (1100, "12/16/48")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "FAMILY NAME",
        "Fitzgerald",
        "FIRST NAME",
        "Yolanda",
        "DATE OF BIRTH",
        "12/16/48",
    ]


def test_an_empty_cell_leaves_its_label_alone_and_a_second_line_stays_in_its_cell() -> None:
    words = [
        *line(100, (100, "Home Address"), (500, "Payer"), (900, "Member #"), (1300, "Group #")),
        *line(130, (100, "510 Church St"), (500, "Aetna"), (900, "W530629275")),
        *line(155, (100, "Madison, WI 53720")),
        *line(260, (100, "Reason for referral: GERD")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Home Address",
        "510 Church St",
        "Madison, WI 53720",
        "Payer",
        "Aetna",
        "Member #",
        "W530629275",
        "Group #",
        "Reason for referral: GERD",
    ]


def test_blocks_side_by_side_read_one_after_the_other() -> None:
    words = [
        *line(100, (100, "DE LA CRUZ, EZEKIEL"), (900, "Home: +1 912 579 7310")),
        *line(130, (100, "MRN: 96679661"), (900, "470 Pine Rd")),
        *line(160, (100, "DOB: 12/31/1939, Age: 86"), (900, "Madison, WI 53720")),
        *line(190, (900, "edelacruz52@yahoo.com")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "DE LA CRUZ, EZEKIEL",
        "MRN: 96679661",
        "DOB: 12/31/1939, Age: 86",
        "Home: +1 912 579 7310",
        "470 Pine Rd",
        "Madison, WI 53720",
        "edelacruz52@yahoo.com",
    ]


def test_a_key_value_table_keeps_its_rows() -> None:
    words = [
        *line(100, (100, "Ordering Provider"), (600, "JACKSON, ANTHONY G.")),
        *line(130, (100, "‘Department"), (600, "Prairie Family Care")),
        *line(160, (100, "Priority"), (600, "Urgent")),
    ]
    # the gap stays wide, and a table rule read as a quote before a key is dropped
    assert arrange(words, is_label).split("\n") == [
        "Ordering Provider  JACKSON, ANTHONY G.",
        "Department  Prairie Family Care",
        "Priority  Urgent",
    ]


def test_prose_and_a_tilted_line_read_as_they_stand() -> None:
    words = line(100, (100, "I am referring my patient Jane Doe for evaluation."))
    tilted = [Box(b.text, b.x0, b.y0 + i, b.x1, b.y1 + i) for i, b in enumerate(words)]
    below = line(140, (100, "She has had knee pain for months."))
    assert arrange([*below, *tilted], is_label).split("\n") == [
        "I am referring my patient Jane Doe for evaluation.",
        "She has had knee pain for months.",
    ]
    assert arrange([], is_label) == ""


def test_a_key_value_tables_wrapped_cell_is_joined_to_its_row() -> None:
    words = [
        *line(100, (100, "Street"), (400, "8556 W Jefferson"), (800, "City/State/ZIP"),
              (1100, "Tulsa, OK")),
        *line(122, (400, "St"), (1100, "74175-7911")),
        *line(160, (100, "Home phone"), (400, "515-790-7406"), (800, "Email")),
    ]  # fmt: skip
    assert arrange(words, is_label).split("\n") == [
        "Street  8556 W Jefferson St  City/State/ZIP  Tulsa, OK 74175-7911",
        "Home phone  515-790-7406  Email",
    ]


def test_a_letter_alone_in_a_cell_is_a_value_not_a_footers_label() -> None:
    # "F" labels a fax number only with the number beside it ("F 555-123-4567")
    words = [
        *line(100, (100, "Sex at birth"), (600, "F")),
        *line(130, (100, "Contact #"), (600, "1-508-368-6466")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Sex at birth  F",
        "Contact #  1-508-368-6466",
    ]


def test_a_left_column_longer_than_the_right_reads_to_its_end_before_the_right() -> None:
    words = [
        *line(100, (100, "Pt Name: De la Cruz, Tomas"), (900, "PCP: Giovanni Whitfield, DO")),
        *line(130, (100, "DOB: 11/04/1943"), (900, "NPI: 1594880720")),
        *line(160, (100, "Addr: 9875 Oak Ave, Unit 3"), (900, "Fax: +1 559 578 3442")),
        *line(190, (100, "Albany, NY 12231-2915")),
        *line(300, (100, "Dx: D48.5 Changing pigmented lesion on the back of the left shoulder")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Pt Name: De la Cruz, Tomas",
        "DOB: 11/04/1943",
        "Addr: 9875 Oak Ave, Unit 3",
        "Albany, NY 12231-2915",
        "PCP: Giovanni Whitfield, DO",
        "NPI: 1594880720",
        "Fax: +1 559 578 3442",
        "Dx: D48.5 Changing pigmented lesion on the back of the left shoulder",
    ]


def test_a_tables_rule_read_as_a_word_parts_two_cells_and_a_typed_pipe_does_not() -> None:
    # two boxes side by side, the rule between them read as a tall "_|" close to both cells
    left = line(100, (100, "Address: 4227 Old County Rd, Portland, OR 97202"))
    end = max(b.x1 for b in left)
    rule = Box("_|", end + 15, 100 - 14, end + 40, 100 + HEIGHT + 10)
    right = line(100, (end + 45, "Phone: (609) 796-7750"))
    assert arrange([*left, rule, *right], is_label).split("\n") == [
        "Address: 4227 Old County Rd, Portland, OR 97202  Phone: (609) 796-7750"
    ]
    typed = line(100, (100, "Jane Roe, MD | NPI 1234567893"))
    assert arrange(typed, is_label) == "Jane Roe, MD | NPI 1234567893"


def test_a_cells_second_line_a_line_pitch_below_stays_in_its_cell_and_a_field_does_not() -> None:
    # a text layer's 1.25 line pitch leaves nearly a text height between a cell's two lines
    words = [
        *line(100, (100, "Addr"), (600, "Primary Insurance"), (1100, "Group No.")),
        *line(130, (100, "2397 Park Ave"), (600, "BCBS of Texas"), (1100, "275461")),
        *line(168, (100, "Reno, NV 89503")),
        *line(206, (95, "Reason for referral: Left rotator cuff tear")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Addr",
        "2397 Park Ave",
        "Reno, NV 89503",
        "Primary Insurance",
        "BCBS of Texas",
        "Group No.",
        "275461",
        "Reason for referral: Left rotator cuff tear",
    ]


def test_a_label_row_whose_id_word_ocr_glued_to_its_noun_is_still_a_label_row() -> None:
    # "NPI NO." read as "NPINO.": the row is still labels over their values
    words = [
        *line(100, (100, "PROVIDER"), (600, "NPINO."), (1000, "OFFICE")),
        *line(130, (100, "Sean H. Ramirez, PA-C"), (600, "2255769897"), (1000, "Cedar Creek")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "PROVIDER",
        "Sean H. Ramirez, PA-C",
        "NPINO.",
        "2255769897",
        "OFFICE",
        "Cedar Creek",
    ]
    assert not is_label("Reno") and not is_label("casino")


def test_a_key_value_row_whose_value_reads_like_a_label_stays_a_row() -> None:
    # "Priority Health" (a payer) reads like the label "Priority": the row is still a key and
    # its value, like the rows around it, not two labels over the rows below
    words = [
        *line(100, (100, "ZIP"), (600, "93763-5966")),
        *line(130, (100, "Plan"), (600, "Priority Health")),
        *line(160, (100, "Member ID"), (600, "PH58646756")),
        *line(190, (100, "Group"), (600, "416333")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "ZIP  93763-5966",
        "Plan  Priority Health",
        "Member ID  PH58646756",
        "Group  416333",
    ]


def test_two_boxes_headings_keep_their_labelled_lines_under_them() -> None:
    # "PATIENT" and "REFERRING PROVIDER" side by side, each box's "Label: value" lines under
    words = [
        *line(100, (100, "PATIENT"), (900, "REFERRING PROVIDER")),
        *line(130, (100, "Name: Rahul Sullivan"), (900, "Name: Imogen Villanueva, MD")),
        *line(160, (100, "DOB: May 26, 1958"), (900, "NPI: 1852682198")),
        *line(190, (100, "Phone: +1 775 590 4554"), (900, "Phone: +1 208 905 2836")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "PATIENT",
        "Name: Rahul Sullivan",
        "DOB: May 26, 1958",
        "Phone: +1 775 590 4554",
        "REFERRING PROVIDER",
        "Name: Imogen Villanueva, MD",
        "NPI: 1852682198",
        "Phone: +1 208 905 2836",
    ]


def test_a_grid_of_party_columns_reads_column_by_column_each_cell_under_its_row_label() -> None:
    # row labels down the left, one column per party; an empty cell, a wrapped address and a
    # row label cut after its slash; the provider's long name runs up to the next column
    words = [
        *line(100, (400, "PATIENT"), (900, "REFERRING PROVIDER"), (1500, "COVERAGE")),
        *line(140, (100, "Name"), (400, "Eun-ji Fairbanks"), (900, "Thaddeus Okonkwo-Reyes, MD")),
        *line(140, (1500, "Regence BlueShield")),
        *line(180, (100, "ID"), (400, "64337034"), (900, "1258810203"), (1500, "ZRG23242846")),
        *line(220, (100, "Fax"), (900, "+1 316 303 5723")),
        *line(260, (100, "Address"), (400, "4000 Foxglove Ct"), (900, "8960 Harbor View Ter")),
        *line(282, (400, "Flagstaff, AZ 86047"), (900, "Cheyenne, WY 82022")),
        *line(320, (100, "Organization /"), (900, "Kettle River Health"), (1500, "25669")),
        *line(342, (100, "group")),
        *line(390, (100, "Reason for referral: thyroid nodule seen on ultrasound last month")),
    ]
    assert arrange(words, is_label, is_party).split("\n") == [
        "PATIENT",
        "Name: Eun-ji Fairbanks",
        "ID: 64337034",
        "Address: 4000 Foxglove Ct Flagstaff, AZ 86047",
        "REFERRING PROVIDER",
        "Name: Thaddeus Okonkwo-Reyes, MD",
        "ID: 1258810203",
        "Fax: +1 316 303 5723",
        "Address: 8960 Harbor View Ter Cheyenne, WY 82022",
        "Organization / group: Kettle River Health",
        "COVERAGE",
        "Name: Regence BlueShield",
        "ID: ZRG23242846",
        "Organization / group: 25669",
        "Reason for referral: thyroid nodule seen on ultrasound last month",
    ]


def test_a_grid_heading_centred_over_its_column_still_owns_the_cells_under_it() -> None:
    words = [
        *line(100, (480, "PATIENT"), (1050, "INSURANCE")),
        *line(140, (100, "Name"), (400, "Ana Pena"), (900, "Aetna")),
        *line(180, (100, "Phone"), (400, "555-201-3344"), (900, "800-555-0100")),
    ]
    assert arrange(words, is_label, is_party).split("\n") == [
        "PATIENT",
        "Name: Ana Pena",
        "Phone: 555-201-3344",
        "INSURANCE",
        "Name: Aetna",
        "Phone: 800-555-0100",
    ]


def test_a_gap_inside_a_cell_does_not_end_the_cells_line() -> None:
    # a hand tick over a box leaves a gap wider than a word space in the row of options
    words = [
        *line(100, (100, "SEX AT BIRTH"), (1100, "PATIENT PHONE")),
        *line(130, (100, "[ ] Male [ ] Female [ ]X"), (560, "X] Unknown"), (1100, "208.678.1093")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "SEX AT BIRTH",
        "[ ] Male [ ] Female [ ]X  X] Unknown",
        "PATIENT PHONE",
        "208.678.1093",
    ]


def test_a_boxs_closing_bracket_after_a_gap_goes_on_with_the_line_before_it() -> None:
    # the tick took the box's left half: "/] Routine" is no cell of a column of its own
    words = [
        *line(100, (100, "Urgency: [ ] STAT [ ] Urgent [,"), (614, "/] Routine")),
        *line(130, (100, "Spec: Gastroenterology")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Urgency: [ ] STAT [ ] Urgent [, /] Routine",
        "Spec: Gastroenterology",
    ]


def test_a_key_value_table_of_the_forms_own_captions_keeps_its_rows() -> None:
    # one caption the lexicon knows ("Payer"), the rest the form's own words
    words = [
        *line(100, (100, "Category of care"), (600, "CARDIOLOGY")),
        *line(130, (100, "Visits authorized"), (600, "3")),
        *line(160, (100, "Payer"), (600, "Granite Community Plan")),
        *line(190, (100, "Claims administrator"), (600, "Northway Services (Region 2)")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Category of care  CARDIOLOGY",
        "Visits authorized  3",
        "Payer  Granite Community Plan",
        "Claims administrator  Northway Services (Region 2)",
    ]


def test_captions_over_dashes_read_each_caption_with_the_value_under_its_dashes() -> None:
    # a printout's columns: captions the lexicon mostly does not know, dashes under each
    words = [
        *line(100, (100, "STREET"), (600, "CITY"), (900, "ST"), (1000, "ZIP")),
        *line(160, (100, "12 ELM ST"), (600, "ERIE"), (900, "PA"), (1000, "16501")),
    ]
    rules = [Box("-" * 8, x, 130, x + 80, 140) for x in (100, 600, 900, 1000)]
    assert arrange(words, is_label, rules=rules).split("\n") == [
        "STREET",
        "12 ELM ST",
        "CITY",
        "ERIE",
        "ST",
        "PA",
        "ZIP",
        "16501",
    ]
    # without the dashes nothing says the line above captions the one below
    assert arrange(words, is_label).split("\n")[0] != "STREET"


def test_a_captions_table_whose_value_wraps_keeps_the_wrapped_lines_in_its_row() -> None:
    words = [
        *line(100, (100, "Document created"), (600, "Nov 21 2026")),
        *line(130, (100, "Author"), (600, "Jo Roe, FNP")),
        *line(150, (600, "Valley Clinic")),
        *line(180, (100, "Custodian"), (600, "Valley Clinic")),
        *line(210, (100, "Encounter"), (600, "Office visit")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Document created  Nov 21 2026",
        "Author  Jo Roe, FNP Valley Clinic",
        "Custodian  Valley Clinic",
        "Encounter  Office visit",
    ]


def test_a_header_row_of_captions_mostly_labels_reads_each_with_the_value_under_it() -> None:
    words = [
        *line(100, (100, "Payer name"), (500, "Policy type"), (800, "Covered party ID")),
        *line(130, (100, "Granite Community Plan"), (500, "PPO"), (800, "GCP41836")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Payer name",
        "Granite Community Plan",
        "Policy type",
        "PPO",
        "Covered party ID",
        "GCP41836",
    ]


def test_a_header_row_of_captions_over_several_rows_stays_a_grid_of_rows() -> None:
    words = [
        *line(100, (100, "COB"), (300, "Payer"), (700, "Member ID"), (1000, "Rel.")),
        *line(130, (100, "Primary"), (300, "Granite Plan"), (700, "GCP41836"), (1000, "Self")),
        *line(160, (100, "Secondary"), (300, "Medicare"), (700, "1EG4TE5"), (1000, "Self")),
    ]
    # one coverage per row: the rows are read as rows, not each caption with one value
    assert arrange(words, is_label).split("\n")[0] != "COB"


def leader(y: int, x0: int, x1: int) -> Box:
    """A dot leader drawn along the line at ``y`` (its dots sit low on the line)."""
    return Box("." * ((x1 - x0) // 12), x0, y + HEIGHT - 4, x1, y + HEIGHT)


def test_labels_after_their_values_along_dot_leaders_read_label_first() -> None:
    words = [
        *line(100, (100, "ROE, JANE"), (900, "Patient")),
        *line(130, (100, "03/04/61"), (900, "Date of birth")),
        *line(160, (100, "F"), (900, "Sex")),
        *line(190, (100, "BLUE PLAN"), (900, "Medical insurance")),
        *line(260, (100, "Reason for referral: GERD")),
    ]
    leaders = [leader(100, 230, 880), leader(130, 210, 880), leader(160, 120, 880)]
    leaders.append(leader(190, 220, 880))
    assert arrange(words, is_label, leaders=leaders).split("\n") == [
        "Patient  ROE, JANE",
        "Date of birth  03/04/61",
        "Sex  F",
        "Medical insurance  BLUE PLAN",
        "Reason for referral: GERD",
    ]


def test_values_beside_labels_without_leaders_are_not_taken_for_pairs() -> None:
    # the same columns with no leader between them: two blocks side by side, as before
    words = [
        *line(100, (100, "ROE, JANE"), (900, "Patient")),
        *line(130, (100, "03/04/61"), (900, "Date of birth")),
    ]
    assert "Patient  ROE, JANE" not in arrange(words, is_label).split("\n")


def test_labels_before_their_values_along_leaders_stay_as_they_stand() -> None:
    words = [
        *line(100, (100, "Patient"), (900, "ROE, JANE")),
        *line(130, (100, "Date of birth"), (900, "03/04/61")),
    ]
    leaders = [leader(100, 200, 880), leader(130, 270, 880)]
    assert arrange(words, is_label, leaders=leaders).split("\n") == [
        "Patient  ROE, JANE",
        "Date of birth  03/04/61",
    ]


def test_cards_side_by_side_under_party_headings_read_one_after_the_other() -> None:
    # two forms of values over their captions, each under the heading of its party: read
    # across, a row of one card would caption the values of the other's
    words = [
        *line(100, (100, "PATIENT"), (900, "REFERRING PROVIDER")),
        *line(140, (100, "03/04/1961"), (450, "F"), (900, "1234567890"), (1250, "555-010-0100")),
        *line(170, (100, "Date of birth"), (450, "Sex"), (900, "NPI"), (1250, "Phone")),
        *line(210, (100, "12 Elm St"), (900, "Ann Poe, MD")),
        *line(240, (100, "Street"), (900, "Referring physician")),
        *line(290, (100, "Erie, PA 16501"), (900, "555-010-0199")),
        *line(320, (100, "City, state, ZIP"), (900, "Fax")),
        *line(355, (900, "Valley Clinic")),
        *line(385, (900, "Practice")),
        *line(470, (100, "Reason for referral: GERD")),
    ]
    text = arrange(words, is_label, is_party).split("\n")
    assert text == [
        "PATIENT",
        "Date of birth",
        "03/04/1961",
        "Sex",
        "F",
        "Street",
        "12 Elm St",
        "City, state, ZIP",
        "Erie, PA 16501",
        "REFERRING PROVIDER",
        "NPI",
        "1234567890",
        "Phone",
        "555-010-0100",
        "Referring physician",
        "Ann Poe, MD",
        "Fax",
        "555-010-0199",
        "Practice",
        "Valley Clinic",
        "Reason for referral: GERD",
    ]


def test_a_cell_wrapped_over_its_caption_row_keeps_the_rows_below_in_step() -> None:
    words = [
        *line(100, (100, "03/04/1961"), (600, "Valley Breast & Surgical")),
        *line(125, (600, "Oncology")),
        *line(150, (100, "Date of birth"), (600, "Practice")),
        *line(190, (100, "555-010-0100"), (600, "555-010-0199")),
        *line(215, (100, "Phone"), (600, "Fax")),
        *line(300, (100, "Reason for referral: GERD")),
    ]
    assert arrange(words, is_label, is_party).split("\n") == [
        "Date of birth",
        "03/04/1961",
        "Practice",
        "Valley Breast & Surgical",
        "Oncology",
        "Phone",
        "555-010-0100",
        "Fax",
        "555-010-0199",
        "Reason for referral: GERD",
    ]


def test_rows_over_their_captions_end_in_a_caption_the_lexicon_does_not_know() -> None:
    # two rows have shown the captions go under their values: the last row's unknown
    # caption does not turn the form into labels over the values below them
    words = [
        *line(100, (100, "1234567890"), (600, "Valley Clinic")),
        *line(125, (100, "NPI"), (600, "Group")),
        *line(165, (100, "555-010-0100"), (600, "555-010-0199")),
        *line(190, (100, "Clinic tel."), (600, "Clinic fax")),
        *line(230, (100, "11/17/2026")),
        *line(255, (100, "Date wanted for the board")),
    ]
    assert arrange(words, is_label, is_party).split("\n")[:8] == [
        "NPI",
        "1234567890",
        "Group",
        "Valley Clinic",
        "Clinic tel.",
        "555-010-0100",
        "Clinic fax",
        "555-010-0199",
    ]
