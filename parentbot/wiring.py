"""Which channels this process serves, from the environment: webhook routers and outbound senders.

A channel is on when its credentials are set (TELEGRAM_BOT_TOKEN; TWILIO_ACCOUNT_SID with
TWILIO_SMS_FROM and/or TWILIO_WHATSAPP_FROM).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from fastapi import APIRouter
from sqlalchemy.orm import Session, sessionmaker

from bot.outbound.channel import ChannelSender
from bot.outbound.outbox import SMS_SEGMENT_BUDGET, Reach
from bot.pipeline.engine import Engine
from channels import telegram, twilio_sms, webchat, whatsapp
from channels.twilio_common import TwilioConfig, make_client


def telegram_config(env: Mapping[str, str] = os.environ) -> telegram.TelegramConfig | None:
    """Telegram settings when TELEGRAM_BOT_TOKEN is set."""
    return telegram.TelegramConfig.from_env(env) if env.get("TELEGRAM_BOT_TOKEN") else None


def twilio_config(env: Mapping[str, str] = os.environ) -> TwilioConfig | None:
    """Twilio settings when TWILIO_ACCOUNT_SID is set."""
    return TwilioConfig.from_env(env) if env.get("TWILIO_ACCOUNT_SID") else None


def configured_channels(env: Mapping[str, str] = os.environ) -> frozenset[str]:
    """The names of the channels this environment turns on: telegram, sms, whatsapp."""
    twilio = bool(env.get("TWILIO_ACCOUNT_SID"))
    switches = {
        "telegram": bool(env.get("TELEGRAM_BOT_TOKEN")),
        "sms": twilio and bool(env.get("TWILIO_SMS_FROM")),
        "whatsapp": twilio and bool(env.get("TWILIO_WHATSAPP_FROM")),
    }
    return frozenset(name for name, on in switches.items() if on)


def webhook_routers(engine: Engine, env: Mapping[str, str] = os.environ) -> list[APIRouter]:
    """The webhook routes of every configured channel."""
    routers: list[APIRouter] = []
    if (tg := telegram_config(env)) is not None:
        routers.append(telegram.build_router(engine, tg))
    if (tw := twilio_config(env)) is not None:
        if tw.sms_from:
            routers.append(twilio_sms.build_router(engine, tw))
        if tw.whatsapp_from:
            routers.append(whatsapp.build_router(engine, tw))
    return routers


def senders(
    sessions: sessionmaker[Session], env: Mapping[str, str] = os.environ
) -> dict[str, ChannelSender]:
    """Outbound senders for the delivery worker, one per configured channel."""
    found: dict[str, ChannelSender] = {}
    if (tg := telegram_config(env)) is not None:
        found["telegram"] = telegram.TelegramSender(telegram.make_bot(tg))
    if (tw := twilio_config(env)) is not None:
        client = make_client(tw)
        if tw.sms_from:
            found["sms"] = twilio_sms.SmsSender(client, tw)
        if tw.whatsapp_from:
            found["whatsapp"] = whatsapp.WhatsAppSender(client, tw, sessions)
    return found


def pull_channels(demo: bool) -> frozenset[str]:
    """Channels whose messages a page collects from the outbox: the web chat, in demo mode."""
    return frozenset({webchat.CHANNEL}) if demo else frozenset()


def reach(demo: bool, env: Mapping[str, str] = os.environ) -> Reach:
    """What can carry messages to people from this deployment: every configured sender's
    channel and the live pull channels, with the SMS segment budget."""
    tw = twilio_config(env)
    numbers = {"sms": tw.sms_from, "whatsapp": tw.whatsapp_from} if tw is not None else {}
    channels = {channel for channel, number in numbers.items() if number}
    if telegram_config(env) is not None:
        channels.add("telegram")
    budget = tw.segment_budget if tw is not None else SMS_SEGMENT_BUDGET
    return Reach(frozenset(channels) | pull_channels(demo), budget)
