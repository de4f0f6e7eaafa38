"""Which channels this process serves: one table, `CHANNELS`, read by everything else here.

A pushed channel is on when the environment variables it `needs` are all set (TELEGRAM_BOT_TOKEN;
TWILIO_ACCOUNT_SID with TWILIO_SMS_FROM and/or TWILIO_WHATSAPP_FROM): its webhook routes are
served and the delivery worker has its sender. The web chat is a pull channel (its page collects
its messages from the outbox), live in demo mode only. Adding a channel is one row here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fastapi import APIRouter
from sqlalchemy.orm import Session, sessionmaker

from bot.outbound.channel import ChannelSender
from bot.outbound.outbox import SMS_SEGMENT_BUDGET, Reach
from bot.service import CoreService, Recipients
from bot.types import ChannelCapabilities
from channels import telegram, twilio_sms, webchat, whatsapp
from channels.twilio_common import TwilioConfig, make_client

Env = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """One channel: its name, what it shows, what turns it on, and how to build its two sides."""

    name: str
    capabilities: ChannelCapabilities
    router: Callable[[CoreService, Env], APIRouter]  # its webhook (or page) routes
    sender: Callable[[Recipients, Env], ChannelSender] | None  # None: a pull channel
    needs: tuple[str, ...] = ()  # environment variables that must all be set to turn it on

    def configured(self, env: Env) -> bool:
        """Whether this environment turns the (pushed) channel on."""
        return self.sender is not None and all(env.get(variable) for variable in self.needs)


def telegram_config(env: Env = os.environ) -> telegram.TelegramConfig | None:
    """Telegram settings when TELEGRAM_BOT_TOKEN is set."""
    return telegram.TelegramConfig.from_env(env) if env.get("TELEGRAM_BOT_TOKEN") else None


def twilio_config(env: Env = os.environ) -> TwilioConfig | None:
    """Twilio settings when TWILIO_ACCOUNT_SID is set."""
    return TwilioConfig.from_env(env) if env.get("TWILIO_ACCOUNT_SID") else None


def _telegram_routes(core: CoreService, env: Env) -> APIRouter:
    return telegram.build_router(core, telegram.TelegramConfig.from_env(env))


def _telegram_sender(recipients: Recipients, env: Env) -> ChannelSender:
    return telegram.TelegramSender(telegram.make_bot(telegram.TelegramConfig.from_env(env)))


def _sms_routes(core: CoreService, env: Env) -> APIRouter:
    return twilio_sms.build_router(core, TwilioConfig.from_env(env))


def _sms_sender(recipients: Recipients, env: Env) -> ChannelSender:
    config = TwilioConfig.from_env(env)
    return twilio_sms.SmsSender(make_client(config), config)


def _whatsapp_routes(core: CoreService, env: Env) -> APIRouter:
    return whatsapp.build_router(core, TwilioConfig.from_env(env))


def _whatsapp_sender(recipients: Recipients, env: Env) -> ChannelSender:
    config = TwilioConfig.from_env(env)
    return whatsapp.WhatsAppSender(make_client(config), config, recipients)


def _webchat_routes(core: CoreService, env: Env) -> APIRouter:
    return webchat.build_router(core)


TELEGRAM_ON = ("TELEGRAM_BOT_TOKEN",)
SMS_ON = ("TWILIO_ACCOUNT_SID", "TWILIO_SMS_FROM")
WHATSAPP_ON = ("TWILIO_ACCOUNT_SID", "TWILIO_WHATSAPP_FROM")
CHANNELS = (
    ChannelSpec("telegram", telegram.CAPABILITIES, _telegram_routes, _telegram_sender, TELEGRAM_ON),
    ChannelSpec("sms", twilio_sms.CAPABILITIES, _sms_routes, _sms_sender, SMS_ON),
    ChannelSpec("whatsapp", whatsapp.CAPABILITIES, _whatsapp_routes, _whatsapp_sender, WHATSAPP_ON),
    ChannelSpec(webchat.CHANNEL, webchat.CAPABILITIES, _webchat_routes, None),  # demo mode only
)


def configured_channels(env: Env = os.environ) -> frozenset[str]:
    """The names of the channels this environment turns on: telegram, sms, whatsapp."""
    return frozenset(spec.name for spec in CHANNELS if spec.configured(env))


def pull_channels(demo: bool) -> frozenset[str]:
    """Channels whose messages a page collects from the outbox: the web chat, in demo mode."""
    return frozenset(spec.name for spec in CHANNELS if spec.sender is None and demo)


def webhook_routers(core: CoreService, demo: bool, env: Env = os.environ) -> list[APIRouter]:
    """The routes of every configured channel, and of the pull channels in demo mode."""
    live = configured_channels(env) | pull_channels(demo)
    return [spec.router(core, env) for spec in CHANNELS if spec.name in live]


def senders(sessions: sessionmaker[Session], env: Env = os.environ) -> dict[str, ChannelSender]:
    """Outbound senders for the delivery worker, one per configured channel."""
    recipients = Recipients(sessions)
    return {
        spec.name: spec.sender(recipients, env)
        for spec in CHANNELS
        if spec.sender is not None and spec.configured(env)
    }


def reach(demo: bool, env: Env = os.environ) -> Reach:
    """What can carry messages to people from this deployment: every configured sender's
    channel and the live pull channels, with the SMS segment budget."""
    tw = twilio_config(env)
    budget = tw.segment_budget if tw is not None else SMS_SEGMENT_BUDGET
    return Reach(configured_channels(env) | pull_channels(demo), budget)
