"""Cities served, with the names people use for them and their emergency numbers."""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base


class City(Base):
    """A city Dalil serves."""

    __tablename__ = "city"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    # {locale: name}; a handful of short strings, read whole, never queried inside.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    emergency_numbers: Mapped[list[EmergencyNumber]] = relationship(
        back_populates="city", lazy="raise", cascade="all, delete-orphan"
    )

    def display_name(self, locale: str) -> str:
        """Return the city's name in `locale`, else in English, else its id."""
        language = locale.split("_")[0]
        return self.names.get(locale) or self.names.get(language) or self.names.get("en", self.id)


class EmergencyNumber(Base):
    """A national or local emergency number valid in a city."""

    __tablename__ = "emergency_number"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    city_id: Mapped[str] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    # general, police, ambulance, fire, civil_defence, gendarmerie, violence_women, child
    kind: Mapped[str] = mapped_column(String(24))
    number: Mapped[str] = mapped_column(String(32))

    city: Mapped[City] = relationship(back_populates="emergency_numbers", lazy="raise")
