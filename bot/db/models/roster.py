"""The setting and its roster: rooms, staff, children, guardians, emergency contacts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.calendar import is_open, weekday_numbers
from bot.db.models.base import Base


class Setting(Base):
    """One nursery or pre-school."""

    __tablename__ = "settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    manager_name: Mapped[str] = mapped_column(String(200), default="")
    opening_hours: Mapped[dict[str, Any]] = mapped_column(
        default=dict
    )  # {"mon": ["07:30","18:00"]}
    closed_dates: Mapped[list[Any]] = mapped_column(default=list)  # ISO dates
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)  # setting-level switches and data

    @property
    def open_weekdays(self) -> frozenset[int]:
        """The weekdays it opens (0 = Monday): those with opening hours, else Monday to Friday."""
        return weekday_numbers(self.opening_hours)

    @property
    def closed_days(self) -> frozenset[date]:
        """Its closed dates."""
        return frozenset(date.fromisoformat(day) for day in self.closed_dates)

    def opens_on(self, day: date) -> bool:
        """Whether it is open on `day` (an open weekday and not a closed date)."""
        return is_open(day, self.open_weekdays, self.closed_days)


class Room(Base):
    """A room (baby room, toddlers, pre-school)."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("setting_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))


class Staff(Base):
    """A member of staff with one or more roles (bot.staff.roles): key person, practitioner,
    manager, admin, safeguarding lead."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("setting_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    roles: Mapped[list[Any]] = mapped_column(default=list)  # ["manager", "safeguarding_lead"]
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    room: Mapped[Room | None] = relationship()
    meeting_hours: Mapped[str] = mapped_column(
        Text, default=""
    )  # "Tue 16:00-18:00; Thu 07:30-08:30"

    def has_role(self, role: str) -> bool:
        """Whether this member of staff holds `role` (among others)."""
        return role in self.roles


class Child(Base):
    """A child on the roll."""

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("setting_id", "first_name", "last_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    known_as: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    key_person_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    attendance_days: Mapped[list[Any]] = mapped_column(default=list)  # ["mon", "tue", ...]
    authorised_collectors: Mapped[list[Any]] = mapped_column(default=list)  # names
    room: Mapped[Room | None] = relationship()
    key_person: Mapped[Staff | None] = relationship()

    @property
    def display_name(self) -> str:
        """Known-as (or first) name and surname."""
        return f"{self.known_as or self.first_name} {self.last_name}"


class Guardian(Base):
    """A parent or carer."""

    __tablename__ = "guardians"
    __table_args__ = (UniqueConstraint("setting_id", "phone"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32), index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    relationship_to_child: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    can_collect: Mapped[bool] = mapped_column(
        Boolean, default=False
    )  # may give collection permission
    channel_order: Mapped[list[Any]] = mapped_column(default=list)  # preferred first
    children: Mapped[list[Child]] = relationship(secondary="guardian_children", order_by=Child.id)

    @property
    def first_name(self) -> str:
        """The first word of the name, for greetings."""
        return self.name.split()[0] if self.name else ""


class GuardianChild(Base):
    """Which guardian is responsible for which child."""

    __tablename__ = "guardian_children"
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), primary_key=True
    )
    child_id: Mapped[int] = mapped_column(
        ForeignKey("children.id", ondelete="CASCADE"), primary_key=True
    )


class EmergencyContact(Base):
    """Someone to call when a child's guardians cannot be reached."""

    __tablename__ = "emergency_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32))
    relationship_to_child: Mapped[str] = mapped_column(String(64), default="")
