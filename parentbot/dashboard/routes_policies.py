"""The Policies screen (managers): upload a policy document (the import `parentbot import` makes
for each file of the folder), the questions the policies did not answer, and the setting's own
synonyms (parents' words -> the policies' words) to add when a good question went unanswered."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from bot.audit import audit
from bot.policies.loaders import SUPPORTED_SUFFIXES
from bot.policies.store import PolicyImportReport, import_policy_file, list_documents
from bot.policies.synonyms import SynonymInvalid, add_synonym, list_synonyms, read_synonym
from bot.staff.access import Action
from bot.staff.dashboard_views import inbox
from parentbot.dashboard.auth import (
    Signed,
    SignedInPage,
    audited_view,
    multipart_csrf,
    page_values,
    require,
)
from parentbot.dashboard.context import Dashboard, dashboard_of
from parentbot.dashboard.routes_today import done

DOCUMENT_BODY_LIMIT = 20 * 1024 * 1024  # a long policy PDF
SUBJECT = "dashboard:policies"
POLICY_UNANSWERED = "policy_unanswered"  # the handoffs of questions the policies did not answer
Words = Annotated[str, Form(max_length=1000)]


def add_routes(router: APIRouter) -> None:
    """Add this module's routes to the dashboard's router."""
    router.add_api_route("/policies", policies_page, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(
        "/policies/documents",
        upload_document,
        methods=["POST"],
        response_class=HTMLResponse,
        max_body_size=DOCUMENT_BODY_LIMIT,
    )
    router.add_api_route("/policies/synonyms", synonym, methods=["POST"])


def _page(
    request: Request, dashboard: Dashboard, signed: Signed, status: int = 200, **extra: Any
) -> Response:
    setting_id = dashboard.engine.setting_id
    with dashboard.reading() as session:
        setting = dashboard.setting(session)
        documents = list_documents(session, setting_id)
        questions = inbox(session, setting_id, signed.viewer, kind=POLICY_UNANSWERED)
        synonyms = list_synonyms(session, setting_id)
    values = page_values(
        dashboard,
        signed,
        "policies",
        documents=documents,
        questions=questions,
        synonyms=synonyms,
        suffixes=", ".join(SUPPORTED_SUFFIXES),
        zone=dashboard.zone(setting),
        **extra,
    )
    return dashboard.render(request, "policies.html", status_code=status, **values)


def policies_page(request: Request, signed: SignedInPage) -> Response:
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.MANAGE_POLICIES, None, SUBJECT)
    audited_view(dashboard, signed, SUBJECT)
    return _page(request, dashboard, signed)


async def upload_document(
    request: Request,
    signed: SignedInPage,
    checked: Annotated[None, Depends(multipart_csrf)],  # after signing in: anonymous is 303
    document: Annotated[UploadFile, File()],
) -> Response:
    """Add or replace one policy document by its filename; what the import did, or why not."""
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.MANAGE_POLICIES, None, SUBJECT)
    name = Path(document.filename or "").name
    with tempfile.TemporaryDirectory(prefix="parentbot-policy-") as scratch:
        path = Path(scratch) / (name or "unnamed")
        path.write_bytes(await document.read())
        with dashboard.writing() as session:
            report = import_policy_file(session, dashboard.engine.setting_id, path)
            actor = f"staff:{signed.viewer.staff_id}"
            audit(session, actor, "policy_uploaded", f"policy:{name}", _details(report))
    if report.failed:
        problem = dashboard.say("policies.failed", name=name, reason=report.failed[0].reason)
        return _page(request, dashboard, signed, 422, problems=[problem])
    outcome = "unchanged" if report.unchanged else "imported"
    note = dashboard.say(f"policies.{outcome}", name=name, passages=report.passages)
    return _page(request, dashboard, signed, summary=note)


def _details(report: PolicyImportReport) -> dict[str, Any]:
    outcome = "added" if report.added else "updated" if report.updated else "unchanged"
    if report.failed:
        return {"outcome": "failed", "reason": report.failed[0].reason}
    return {"outcome": outcome, "passages": report.passages}


def synonym(
    request: Request, signed: SignedInPage, parent_words: Words, policy_words: Words
) -> Response:
    """Keep a synonym for the setting's policy answers; the index rebuilds in the background."""
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.MANAGE_POLICIES, None, SUBJECT)
    try:
        wanted = read_synonym(parent_words, policy_words)
    except SynonymInvalid as invalid:
        note = dashboard.say("policies.synonym_invalid", reason=str(invalid))
        return done(dashboard, note, "", to="/policies")
    with dashboard.writing() as session:
        added = add_synonym(session, dashboard.engine.setting_id, wanted, signed.viewer.staff_id)
    key = "policies.synonym_added" if added else "policies.synonym_known"
    note = dashboard.say(key, parent=wanted.parent_words, policy=", ".join(wanted.policy_words))
    return done(dashboard, note, "", to="/policies")
