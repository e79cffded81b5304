"""A bilingual form: Spanish labels with their English captions under them (US practices serve
Spanish speakers). Hand-written text; no corpus generator here."""

from app.pipeline.fields import extract
from app.pipeline.types import PageText, Word
from models.document import PageType
from models.extraction import Sex, Urgency


def _page(*lines: str) -> PageText:
    text = "\n".join(lines)
    words = tuple(Word(w, 1.0) for w in text.split())
    return PageText(1, text, "text", 1.0, words, PageType.referral)


def test_a_column_of_spanish_labels_each_with_its_english_caption_takes_one_value_each() -> None:
    e = extract(
        [
            _page(
                "Paciente / Patient",
                "Apellido(s)",
                "Last name",
                "Nombre(s)",
                "First name",
                "Fecha de nacimiento",
                "Date of birth",
                "Sexo",
                "Sex",
                "Teléfono",
                "Phone",
                "Quill",
                "Ada B.",
                "05.20.1948",
                "Femenino / Female",
                "(540) 785-0688",
            )
        ]
    )
    assert (e.patient.first_name, e.patient.last_name) == ("Ada", "Quill")
    assert e.patient.dob == "1948-05-20"
    assert e.patient.sex == Sex.F
    assert e.patient.phone == "+15407850688"


def test_a_spanish_label_under_an_english_caption_is_no_value_of_it() -> None:
    e = extract(
        [
            _page(
                "Patient: Ada Quill",
                "Seguro médico / Insurance",
                "Compañía de seguro  Granite Community Plan",
                "Insurance company",
                "Número de miembro  GCP598581285",
                "Member ID",
                "Médico que refiere",
                "Referring provider",
                "Motivo de la referencia",
                "Reason for referral",
                "Prioridad",
                "Priority",
                "Mara Holt, DO",
                "Atrial fibrillation, new onset",
                "Urgente / Urgent",
            )
        ]
    )
    # "Insurance company" over "Número de miembro  …" took the member id's label as its payer
    assert e.insurance.provider == "Granite Community Plan"
    assert e.insurance.member_id == "GCP598581285"
    assert e.referrer.provider_name == "Mara Holt"
    assert e.clinical.reason == "Atrial fibrillation, new onset"
    assert e.clinical.urgency == Urgency.urgent


def test_uninsured_said_in_spanish_is_no_payer() -> None:
    e = extract([_page("Patient: Ada Quill", "Compañía de seguro  Sin seguro / Uninsured")])
    assert e.insurance.provider is None
