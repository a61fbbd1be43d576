"""People and organisations for the portal's tests, made as `dalil accounts invite` makes them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from playwright.async_api import Browser, Page
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from admin_api.accounts.people import invite
from admin_api.accounts.service import create_account
from admin_api.deps import Caller
from admin_api.listings import service as rules
from services_directory.listings.models import Organization
from services_directory.listings.schemas import ServiceFields
from tests.helpers.browser import tab

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Invited:
    """An invited person: their login and the path of their invitation link."""

    login: str
    link: str


class People:
    """Makes organisations and invited accounts in the tests' database (committed)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def organization(self) -> str:
        """Create an organisation; return its id."""
        org_id = f"org-{uuid.uuid4().hex[:10]}"
        async with AsyncSession(self.engine) as session, session.begin():
            session.add(Organization(id=org_id, name=f"Association {org_id}", description=""))
        return org_id

    async def invite(self, role: Role, organization_id: str | None = None) -> Invited:
        """Create an account and invite a person to it, as the CLI does."""
        login = f"{role.value}-{uuid.uuid4().hex[:8]}@example.org"
        async with AsyncSession(self.engine) as session, session.begin():
            account = await create_account(
                session, name=login.split("@")[0], role=role, organization_id=organization_id
            )
            token = await invite(session, account=account, login=login)
        return Invited(login, f"/portal/invitation/{token}")


async def accept(page: Page, invited: Invited, password: str = PASSWORD) -> None:
    """Open the invitation link and choose a password."""
    await page.goto(invited.link)
    await page.locator("#password").fill(password)
    await page.locator("#confirm").fill(password)
    await page.locator("form button[type=submit]").click()
    await page.wait_for_url("**/portal/sign-in?welcome=1")


async def sign_in(page: Page, login: str, password: str = PASSWORD) -> None:
    """Sign in from the sign-in page."""
    await page.goto("/portal/sign-in")
    await page.locator("#login").fill(login)
    await page.locator("#password").fill(password)
    await page.locator("main form button[type=submit]").click()


async def draft_service(
    engine: AsyncEngine, organization_id: str, name: str, *, submit: bool = False
) -> str:
    """Create a service of an organisation as its association would (and submit it); its id."""
    fields = ServiceFields.model_validate({
        "name": name, "category": "housing", "description": "Une nuit au chaud.",
        "translations": {
            "fr": {"name": name, "description": "Une nuit au chaud."},
            "ar": {"name": f"{name} (ar)", "description": "ليلة في مكان دافئ."},
        },
        "schedules": [{"byday": "MO,TU", "opens_at": "18:00", "closes_at": "22:00"}],
        "phones": [{"number": "+212 539 00 00 01"}],
        "location": {"city_id": "tangier", "address_1": "3 rue de la Plage"},
    })  # fmt: skip
    async with AsyncSession(engine) as session, session.begin():
        account = await create_account(
            session, name=f"maker-{uuid.uuid4().hex[:6]}", role=Role.ASSOCIATION,
            organization_id=organization_id,
        )  # fmt: skip
        caller = Caller(account, None)
        service = await rules.create_service(
            session, caller, organization_id=organization_id, fields=fields
        )
        if submit:
            await rules.move_service(
                session, caller, service_id=service.id, action="submit", note=None
            )
        return service.id


@asynccontextmanager
async def volunteer_signed_in(
    browser: Browser, base_url: str, engine: AsyncEngine, locale: str = "fr-FR"
) -> AsyncIterator[tuple[Page, str]]:
    """Yield a phone's page where a new association's volunteer is signed in, on its list of
    services, and the id of its draft (a night shelter, housing in Tangier)."""
    people = People(engine)
    organization = await people.organization()
    service = await draft_service(engine, organization, "Abri de nuit")
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    async with tab(browser, base_url, locale=locale) as association:
        page = association.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.wait_for_url("**/portal/services")
        yield page, service


@asynccontextmanager
async def editing_a_service(
    browser: Browser, base_url: str, engine: AsyncEngine, locale: str
) -> AsyncIterator[Page]:
    """Yield a phone's page where a new association's volunteer, signed in, edits its draft."""
    async with volunteer_signed_in(browser, base_url, engine, locale) as (page, service):
        await page.goto(f"/portal/services/{service}/edit")
        yield page
