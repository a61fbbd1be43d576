"""Dalil's taxonomies: the categories (with finer terms) and the eligibility terms."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.categories import Category
from services_directory.listings.models import TaxonomyTerm

CATEGORY_TAXONOMY = "dalil-category"
ELIGIBILITY_TAXONOMY = "dalil-eligibility"

# Finer terms under each category: (id, name). The id of a category term is its value.
FINER_TERMS: dict[Category, list[tuple[str, str]]] = {
    Category.HEALTH: [
        ("health.primary_care", "Doctor and primary care"),
        ("health.maternal", "Pregnancy, mothers and babies"),
        ("health.mental", "Mental health and psychological support"),
        ("health.dental", "Dental care"),
        ("health.medicines", "Medicines"),
    ],
    Category.HOUSING: [
        ("housing.emergency_shelter", "Emergency shelter"),
        ("housing.women_shelter", "Shelter for women and children"),
        ("housing.search", "Help finding housing"),
    ],
    Category.EDUCATION: [
        ("education.language", "Language and integration courses"),
        ("education.school", "School for children"),
        ("education.diploma_recognition", "Diploma recognition"),
    ],
    Category.JOBS: [
        ("jobs.placement", "Finding work"),
        ("jobs.training", "Vocational training"),
        ("jobs.cv", "CV and interviews"),
    ],
    Category.LEGAL: [
        ("legal.asylum", "Asylum and protection"),
        ("legal.residence", "Residence permits"),
        ("legal.family_reunification", "Family reunification"),
        ("legal.legal_aid", "Free legal aid"),
        ("legal.documents", "Documents"),
    ],
    Category.SOCIAL_SUPPORT: [
        ("social_support.food", "Food"),
        ("social_support.clothing", "Clothing"),
        ("social_support.hygiene", "Showers, hygiene and water"),
        ("social_support.benefits", "Benefits and money"),
        ("social_support.counselling", "Counselling"),
    ],
    Category.MOBILITY: [
        ("mobility.public_transport", "Public transport"),
        ("mobility.bicycle", "Bicycles"),
        ("mobility.accompaniment", "Accompaniment to appointments"),
    ],
}

ELIGIBILITY_TERMS: list[tuple[str, str]] = [
    ("no_papers_needed", "No papers needed"),
    ("women_only", "Women only"),
    ("minors_only", "Minors only"),
    ("families", "Families"),
    ("asylum_seekers", "Asylum seekers"),
    ("refugees", "Refugees"),
    ("everyone", "Everyone"),
]

CATEGORY_NAMES = {
    Category.HEALTH: "Health",
    Category.HOUSING: "Housing",
    Category.EDUCATION: "Education",
    Category.JOBS: "Jobs",
    Category.LEGAL: "Legal help",
    Category.SOCIAL_SUPPORT: "Food and social support",
    Category.MOBILITY: "Mobility",
}


def all_terms() -> list[dict[str, str | None]]:
    """Return every taxonomy term as rows (id, taxonomy, parent_id, name, description)."""
    rows: list[dict[str, str | None]] = []
    for category, name in CATEGORY_NAMES.items():
        rows.append(_row(category.value, CATEGORY_TAXONOMY, None, name))
        rows += [_row(i, CATEGORY_TAXONOMY, category.value, n) for i, n in FINER_TERMS[category]]
    rows += [_row(f"eligibility.{i}", ELIGIBILITY_TAXONOMY, None, n) for i, n in ELIGIBILITY_TERMS]
    return rows


def _row(term_id: str, taxonomy: str, parent: str | None, name: str) -> dict[str, str | None]:
    return {
        "id": term_id,
        "taxonomy": taxonomy,
        "parent_id": parent,
        "name": name,
        "description": name,
    }


async def sync_terms(session: AsyncSession) -> int:
    """Insert or update every taxonomy term Dalil defines; return how many there are."""
    rows = all_terms()
    # Parents first, so the self-reference is satisfied within one flush order.
    for row in sorted(rows, key=lambda r: r["parent_id"] is not None):
        await session.merge(TaxonomyTerm(**row))
        await session.flush()
    return len(rows)
