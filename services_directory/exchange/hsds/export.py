"""HSDS 3.0 export: one service as a fully nested service object.

What HSDS has no field for travels in `dalil_*` extension fields, so our own export imports
back unchanged: per-locale texts, the city, the district, closures, "by appointment", the
review state and the version an update must match.
"""

from __future__ import annotations

from typing import Any

from services_directory.cities.models import City
from services_directory.listings.models import Service
from services_directory.listings.service import to_fields
from services_directory.taxonomy import CATEGORY_TAXONOMY, ELIGIBILITY_TAXONOMY


def service_document(service: Service, city: City | None) -> dict[str, Any]:
    """Return one service as a fully nested HSDS 3.0 service object."""
    data = to_fields(service)
    location = data["location"] or {}
    organization = service.organization
    texts = data["translations"]
    main_text: dict[str, Any] = texts.get("en") or next(iter(texts.values()), {})
    terms = [
        data["category"],
        *data["terms"],
        *(f"eligibility.{t}" for t in data["eligibility_tags"]),
    ]
    document: dict[str, Any] = {
        "id": service.id,
        "name": data["name"],
        "description": data["description"],
        "url": data["url"],
        "email": data["email"],
        "status": data["operating_status"],
        "eligibility_description": main_text.get("eligibility"),
        "fees_description": main_text.get("fees"),
        "last_modified": service.updated_at.isoformat() if service.updated_at else None,
        "organization": {
            "id": organization.id,
            "name": organization.name,
            "description": organization.description,
            "email": organization.email,
            "website": organization.website,
        },
        "phones": [
            {
                "id": f"{service.id}-phone-{n}",
                "number": p["number"],
                "description": p["description"],
            }
            for n, p in enumerate(data["phones"], start=1)
        ],
        "schedules": [
            {
                "id": f"{service.id}-schedule-{n}",
                "freq": "WEEKLY",
                "byday": s["byday"],
                "opens_at": s["opens_at"],
                "closes_at": s["closes_at"],
                "valid_from": s["valid_from"],
                "valid_to": s["valid_to"],
                "description": s["description"],
                "dalil_closed": s["closed"],
            }
            for n, s in enumerate(data["schedules"], start=1)
        ],
        "languages": [
            {"id": f"{service.id}-language-{code}", "code": code} for code in data["languages"]
        ],
        "cost_options": [{"id": f"{service.id}-cost", "option": "Free of charge", "amount": 0}]
        if data["is_free"]
        else [],
        "contacts": [
            {
                "id": f"{service.id}-contact-{n}",
                "name": c["name"],
                "title": c["title"],
                "email": c["email"],
                "phones": [{"id": f"{service.id}-contact-{n}-phone", "number": c["phone"]}]
                if c["phone"]
                else [],
            }
            for n, c in enumerate(data["contacts"], start=1)
        ],
        "service_areas": [
            {"id": f"{service.id}-area-{n}", "name": a["name"], "description": a["description"]}
            for n, a in enumerate(data["service_areas"], start=1)
        ],
        "attributes": [
            {
                "id": f"{service.id}-attribute-{n}",
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term,
                "taxonomy_term": {
                    "id": term,
                    "code": term,
                    "taxonomy": ELIGIBILITY_TAXONOMY
                    if term.startswith("eligibility.")
                    else CATEGORY_TAXONOMY,
                },
            }
            for n, term in enumerate(terms, start=1)
        ],
        "service_at_locations": [],
        "dalil_version": service.version,
        "dalil_review_state": service.review_state,
        "dalil_by_appointment": data["by_appointment"],
        "dalil_translations": texts,
    }
    if location:
        location_id = service.service_at_locations[0].location.id
        document["service_at_locations"] = [
            {
                "id": f"{service.id}-at-{location_id}",
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": location["name"],
                    "latitude": location["latitude"],
                    "longitude": location["longitude"],
                    "addresses": [
                        {
                            "id": f"{location_id}-address",
                            "address_1": location["address_1"],
                            "city": (city.names.get("en") if city else None) or location["city_id"],
                            "region": location["district"],
                            "postal_code": location["postal_code"],
                            "country": city.country if city else None,
                            "address_type": "physical",
                        }
                    ],
                    "accessibility": [
                        {
                            "id": f"{location_id}-accessibility",
                            "description": location["accessibility"],
                        }
                    ]
                    if location["accessibility"]
                    else [],
                    "dalil_city_id": location["city_id"],
                    "dalil_district": location["district"],
                },
            }
        ]
    return document
